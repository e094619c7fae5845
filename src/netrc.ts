import { createHash } from 'node:crypto'
import type { Credential } from './credentials.js'

// Netrc has no quoting: tokens are separated by whitespace, entries start at
// `machine` or `default`, and a `macdef` body runs to the next empty line.
// Go and libcurl both use the first entry for a machine, so ours go first and
// any older entry for the same machine is cut out; every other byte of the
// file stays as it was.

interface Token {
  text: string
  start: number
  end: number
}

function tokenize(data: string): Token[] {
  const tokens: Token[] = []
  const re = /\S+/g
  let m: RegExpExecArray | null
  while ((m = re.exec(data)) !== null) {
    const lineStart = data.lastIndexOf('\n', m.index - 1) + 1
    if (m[0].startsWith('#') && data.slice(lineStart, m.index).trim() === '') {
      const nl = data.indexOf('\n', m.index)
      re.lastIndex = nl < 0 ? data.length : nl
      continue
    }
    tokens.push({ text: m[0], start: m.index, end: m.index + m[0].length })
    if (tokens[tokens.length - 2]?.text === 'macdef') {
      // A macro body starts on the next line and ends at an empty line.
      const nl = data.indexOf('\n', re.lastIndex)
      const blank = nl < 0 ? -1 : data.indexOf('\n\n', nl)
      re.lastIndex = blank < 0 ? data.length : blank + 1
      // The body belongs to the macro name token, so it goes with its entry.
      tokens[tokens.length - 1].end = blank < 0 ? data.length : blank
    }
  }
  return tokens
}

interface Entry {
  machine: string | undefined
  start: number
  /** End of the entry's last token (or macro body). */
  end: number
}

const TAKES_VALUE = new Set([
  'machine',
  'login',
  'password',
  'account',
  'macdef'
])

/** The `machine`/`default` entries of a netrc file with their byte ranges. */
function entries(data: string): Entry[] {
  const toks = tokenize(data)
  const out: Entry[] = []
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i].text
    if (t === 'machine' || t === 'default') {
      out.push({
        machine: t === 'machine' ? toks[i + 1]?.text : undefined,
        start: toks[i].start,
        end: toks[i].end
      })
    }
    if (TAKES_VALUE.has(t) && i + 1 < toks.length) i++
    const last = out[out.length - 1]
    if (last) last.end = toks[i].end
  }
  return out
}

/** The whole-line byte range of an entry, leaving comments and blank lines around it. */
function lineRange(
  data: string,
  e: Entry,
  next: Entry | undefined
): [number, number] {
  const lineStart = data.lastIndexOf('\n', e.start - 1) + 1
  const start =
    data.slice(lineStart, e.start).trim() === '' ? lineStart : e.start
  if (next && !data.slice(e.end, next.start).includes('\n')) {
    return [start, next.start]
  }
  const nl = data.indexOf('\n', e.end)
  return [start, nl < 0 ? data.length : nl + 1]
}

/** Renders one entry per line: Go reads keyword/value pairs line by line. */
export function renderEntries(creds: readonly Credential[]): string[] {
  return creds.map(
    (c) => `machine ${c.machine} login ${c.login} password ${c.token}\n`
  )
}

/** Puts our entries first and removes any other entry for the same machines. */
export function mergeNetrc(
  existing: string,
  creds: readonly Credential[]
): string {
  const ours = new Set(creds.map((c) => c.machine))
  const es = entries(existing)
  let rest = ''
  let pos = 0
  es.forEach((e, i) => {
    if (e.machine === undefined || !ours.has(e.machine)) return
    const [start, end] = lineRange(existing, e, es[i + 1])
    rest += existing.slice(pos, start)
    pos = end
  })
  rest += existing.slice(pos)
  return renderEntries(creds).join('') + rest
}

/** The machines a netrc file has entries for, in order (for reports and tests). */
export function netrcMachines(data: string): string[] {
  return entries(data).flatMap((e) =>
    e.machine === undefined ? [] : [e.machine]
  )
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * Removes the lines we wrote, identified by their hashes, from a file that
 * was changed after we wrote it, so the post step never drops other changes.
 */
export function removeOurLines(
  data: string,
  lineHashes: ReadonlySet<string>
): string {
  return data
    .split(/(?<=\n)/)
    .filter((l) => !lineHashes.has(sha256(l.endsWith('\n') ? l : l + '\n')))
    .join('')
}
