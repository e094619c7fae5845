// The formats the runner and the action exchange: action.yml's input
// defaults, INPUT_* names, file commands (GITHUB_ENV, GITHUB_OUTPUT, …) and
// workflow commands on stdout, parsed as actions/runner reads them.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  message: string
}

function unquoteYamlScalar(v: string): string {
  const t = v.trim()
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2)
    return t.slice(1, -1).replace(/''/g, "'")
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2)
    return JSON.parse(t) as string
  return t.replace(/\s+#.*$/, '')
}

/**
 * Default values of the inputs in action.yml. A small parser for the shapes
 * action.yml uses: quoted or plain scalars and `|` / `|-` blocks.
 */
export function readActionDefaults(
  actionYml = join(REPO_ROOT, 'action.yml')
): Record<string, string> {
  const lines = readFileSync(actionYml, 'utf8').split(/\r?\n/)
  const defaults: Record<string, string> = {}
  let inInputs = false
  let current: string | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (/^\S/.test(line)) {
      inInputs = /^inputs:\s*$/.test(line)
      current = undefined
      continue
    }
    if (!inInputs) continue
    const name = /^ {2}([^\s:#][^:]*):\s*$/.exec(line)
    if (name) {
      current = name[1].trim()
      continue
    }
    const def = /^(\s+)default:\s*(.*)$/.exec(line)
    if (!def || current === undefined) continue
    const value = def[2].trim()
    if (value !== '|' && value !== '|-') {
      defaults[current] = unquoteYamlScalar(value)
      continue
    }
    const block: string[] = []
    let indent: number | undefined
    while (i + 1 < lines.length) {
      const next = lines[i + 1]
      const lead = /^ */.exec(next)![0].length
      if (next.trim() !== '' && lead <= def[1].length) break
      indent ??= next.trim() === '' ? undefined : lead
      block.push(next.slice(indent ?? lead))
      i++
    }
    while (block.length > 0 && block[block.length - 1] === '') block.pop()
    defaults[current] = block.join('\n') + (value === '|' ? '\n' : '')
  }
  return defaults
}

/** `NAME=VALUE` and `NAME<<DELIM … DELIM` lines of a runner file command. */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '')
    if (line === '') continue
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line)
    const eq = line.indexOf('=')
    if (heredoc && (eq < 0 || eq > line.indexOf('<<'))) {
      const [, name, delim] = heredoc
      const value: string[] = []
      let closed = false
      for (i++; i < lines.length; i++) {
        const l = lines[i].replace(/\r$/, '')
        if (l === delim) {
          closed = true
          break
        }
        value.push(l)
      }
      if (!closed)
        throw new Error(
          `file command: no closing delimiter ${delim} for ${name}`
        )
      out[name] = value.join('\n')
      continue
    }
    if (eq <= 0)
      throw new Error(`file command: malformed line ${JSON.stringify(line)}`)
    out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

function unescapeProperty(s: string): string {
  return s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%')
}

/** `::name k=v,k=v::message` lines of a step's stdout. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const out: WorkflowCommand[] = []
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([A-Za-z][\w-]*)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!m) continue
    const properties: Record<string, string> = {}
    for (const kv of (m[2] ?? '').split(',')) {
      const eq = kv.indexOf('=')
      if (eq > 0)
        properties[kv.slice(0, eq)] = unescapeProperty(kv.slice(eq + 1))
    }
    out.push({ command: m[1], properties, message: unescapeData(m[3]) })
  }
  return out
}

export function inputEnvName(name: string): string {
  return 'INPUT_' + name.replace(/ /g, '_').toUpperCase()
}
