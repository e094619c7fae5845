// Writing one section of BENCHMARKS.md without touching the others, and
// describing the machine the figures came from.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'

/**
 * Replaces the `## <heading>` section (up to the next `## ` heading) with
 * `body`, or appends it. Re-reads the file just before writing, since other
 * benchmarks own other sections of it.
 */
export function writeSection(file: string, heading: string, body: string) {
  const title = `## ${heading}`
  const text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nFigures from `npm run bench`, one section per benchmark.\n'
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.trim() === title)
  const section = `${title}\n\n${body.trim()}\n`
  if (start < 0) {
    writeFileSync(file, text.replace(/\n*$/, '\n\n') + section)
    return
  }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l))
  if (end < 0) end = lines.length
  const before = lines.slice(0, start).join('\n')
  const after = lines.slice(end).join('\n')
  writeFileSync(
    file,
    (before ? before.replace(/\n*$/, '\n\n') : '') +
      section +
      (after ? '\n' + after : '')
  )
}

export interface Machine {
  cores: number
  cpu: string
  node: string
  go: string
  date: string
}

export function describeMachine(): Machine {
  const cpuinfo = existsSync('/proc/cpuinfo')
    ? readFileSync('/proc/cpuinfo', 'utf8')
    : ''
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]
  let go = 'unknown'
  try {
    go = execFileSync('go', ['version'], {
      env: { ...process.env, GOTOOLCHAIN: 'local', GOENV: 'off' },
      encoding: 'utf8'
    }).trim()
  } catch {
    // Reported as unknown.
  }
  let cores = cpus().length
  try {
    cores = Number(execFileSync('nproc', { encoding: 'utf8' }).trim())
  } catch {
    // os.cpus() is close enough.
  }
  return {
    cores,
    cpu: model ?? cpus()[0]?.model ?? 'unknown',
    node: process.version,
    go: go.replace(/^go version /, ''),
    date: new Date().toISOString().slice(0, 10)
  }
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(head: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)
  ].join('\n')
}

/** A plain-text table with padded columns, for the terminal. */
export function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length))
  )
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  return [
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line)
  ].join('\n')
}

export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo] + (s[hi] - s[lo]) * (pos - lo)
}
