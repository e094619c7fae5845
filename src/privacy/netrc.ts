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

/** A netrc entry the action writes. */
export interface NetrcEntry {
  machine: string
  login: string
  token: string
}

/** One entry per line: Go reads keyword/value pairs line by line. */
export function renderEntry(e: NetrcEntry): string {
  return `machine ${e.machine} login ${e.login} password ${e.token}\n`
}

/** Text cut out of a file, and where it was in what remained. */
export interface Cut {
  at: number
  text: string
}

/**
 * Cuts every entry for `machines` out of a netrc file (whole lines where an
 * entry has its lines to itself), returning the rest and what was cut.
 */
function splitNetrc(
  data: string,
  machines: ReadonlySet<string>
): { rest: string; cuts: Cut[] } {
  const es = entries(data)
  let rest = ''
  const cuts: Cut[] = []
  let pos = 0
  es.forEach((e, i) => {
    if (e.machine === undefined || !machines.has(e.machine)) return
    const [start, end] = lineRange(data, e, es[i + 1])
    rest += data.slice(pos, start)
    cuts.push({ at: rest.length, text: data.slice(start, end) })
    pos = end
  })
  return { rest: rest + data.slice(pos), cuts }
}

/** Puts our entries first and removes any other entry for the same machines. */
export function mergeNetrc(
  existing: string,
  ours: readonly NetrcEntry[]
): string {
  const { rest } = splitNetrc(existing, new Set(ours.map((e) => e.machine)))
  return ours.map(renderEntry).join('') + rest
}

/** The machines a netrc file has entries for, in order (for reports and tests). */
export function netrcMachines(data: string): string[] {
  return entries(data).flatMap((e) =>
    e.machine === undefined ? [] : [e.machine]
  )
}

const OUR_LINE = /^machine (\S+) login (\S+) password \S+\n?$/

/**
 * Removes the lines the action wrote, known by their shape and the machine
 * and login (the post step does not know the tokens), from a file that may
 * have been changed since.
 */
export function removeOurLines(
  data: string,
  written: readonly Pick<NetrcEntry, 'machine' | 'login'>[]
): string {
  const ours = new Set(written.map((w) => `${w.machine} ${w.login}`))
  return data
    .split(/(?<=\n)/)
    .filter((l) => {
      const m = OUR_LINE.exec(l)
      return !(m && ours.has(`${m[1]} ${m[2]}`))
    })
    .join('')
}

/**
 * The original file with the changes made to it since main kept: `current`
 * is the file without our lines, `original` the file before main. The
 * entries main cut out of the original go back where they were, found by
 * the line that followed them (or else preceded them); unchanged files come
 * back byte for byte.
 */
export function putBackEntries(
  current: string,
  original: string,
  machines: ReadonlySet<string>
): string {
  const { rest, cuts } = splitNetrc(original, machines)
  if (current === rest || current === original) return original
  const inserts = cuts.map((c) => ({
    pos: anchorIn(current, rest, c.at),
    text: c.text
  }))
  let out = ''
  let pos = 0
  for (const ins of inserts.sort((a, b) => a.pos - b.pos)) {
    out += current.slice(pos, ins.pos)
    pos = ins.pos
    const before = out === '' ? '\n' : out[out.length - 1]
    const after = current[pos] ?? '\n'
    out +=
      (/\s/.test(before) ? '' : '\n') +
      ins.text +
      (/\s/.test(ins.text[ins.text.length - 1] ?? '\n') || /\s/.test(after)
        ? ''
        : '\n')
  }
  return out + current.slice(pos)
}

/** Where offset `at` of `rest` is in `current`, by the surrounding lines. */
function anchorIn(current: string, rest: string, at: number): number {
  const lineStart = rest.lastIndexOf('\n', at - 1) + 1
  const lineEnd = rest.indexOf('\n', at)
  const following = rest.slice(lineStart, lineEnd < 0 ? rest.length : lineEnd)
  const lines = current.split(/(?<=\n)/)
  let off = 0
  const starts = lines.map((l) => ((off += l.length), off - l.length))
  if (following.trim() !== '') {
    const i = lines.findIndex((l) => l.replace(/\n$/, '') === following)
    if (i >= 0) return starts[i] + (at - lineStart)
  }
  const prevStart = rest.lastIndexOf('\n', lineStart - 2) + 1
  const preceding = rest.slice(prevStart, Math.max(prevStart, lineStart - 1))
  if (lineStart > 0 && preceding.trim() !== '') {
    const i = lines.findIndex((l) => l.replace(/\n$/, '') === preceding)
    if (i >= 0) return starts[i] + lines[i].length
  }
  return lineStart === 0 ? 0 : current.length
}
