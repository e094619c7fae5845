// Outside Actions, @actions/core prints workflow commands (::warning::…,
// ::add-mask::…) and its info lines on stdout, which would corrupt
// `eval "$(setup-goproxy env)"`. While the command runs, stdout belongs to
// the command's own output (print); whatever else writes there is routed to
// stderr as plain text. Every line, on both streams, is masked.
import { EOL } from 'node:os'

const secrets = new Set<string>()
const realStdout = process.stdout.write.bind(process.stdout)
const realStderr = process.stderr.write.bind(process.stderr)

export function addSecret(secret: string): void {
  if (secret.trim() !== '') secrets.add(secret)
}

export function mask(text: string): string {
  let out = text
  // Longest first, so that a secret containing another is masked whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length))
    out = out.split(s).join('***')
  return out
}

/** The command's own output: the only writer of stdout. */
export function print(text: string): void {
  realStdout(mask(text.endsWith('\n') ? text : text + '\n'))
}

// A status line at the foot of a terminal (the download's progress),
// erased before each diagnostic line and drawn again after it.
let status = ''
const ERASE = '\r\x1b[K'

/** A diagnostic line on stderr. */
export function log(text: string): void {
  const line = mask(text.endsWith('\n') ? text : text + '\n')
  realStderr(status ? ERASE + line + status : line)
}

/** Shows text as the status line on stderr (a terminal), '' to erase it. */
export function setStatus(text: string): void {
  status = mask(text)
  realStderr(ERASE + status)
}

// toCommandValue's escapes, undone.
function unescape(s: string): string {
  return s
    .replace(/%0D/gu, '\r')
    .replace(/%0A/gu, '\n')
    .replace(/%3A/gu, ':')
    .replace(/%2C/gu, ',')
    .replace(/%25/gu, '%')
}

/** What a line core wrote becomes on a terminal, or undefined to drop it. */
function terminalLine(line: string): string | undefined {
  const m = /^::([a-z-]+)(?: [^:]*)?::(.*)$/su.exec(line)
  if (!m) return line
  const [, command, data] = m
  const message = unescape(data)
  switch (command) {
    case 'warning':
    case 'error':
    case 'notice':
      return `${command}: ${message}`
    case 'group':
      return message
    case 'add-mask':
      addSecret(message)
      return undefined
    default:
      // endgroup, debug, set-output, save-state: nothing for a terminal.
      return undefined
  }
}

/** Routes every other write to stdout onto stderr, for the rest of the process. */
export function routeStdoutToStderr(): void {
  process.stdout.write = ((chunk: string | Uint8Array) => {
    const text =
      typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
    for (const line of text.split(EOL)) {
      if (line === '') continue
      const shown = terminalLine(line)
      if (shown !== undefined) log(shown)
    }
    return true
  }) as typeof process.stdout.write
}
