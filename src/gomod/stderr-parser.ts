// The stderr grammar of `go mod download -x -json`, fed in chunks as it
// arrives: the `# get` request trace, the VCS commands of direct fetches and
// the errors that stop the command (module graph failures, checksum
// mismatches, toolchain selection).
export type StderrEvent =
  | { type: 'get-start'; url: string }
  | {
      type: 'get-done'
      url: string
      status?: number
      statusText?: string
      seconds?: number
      /** Transport or policy failure (`Get "…": dial tcp …`). */
      error?: string
    }
  /** A direct (VCS) fetch of a repository. */
  | { type: 'vcs'; vcs: string; repo: string }
  /** `go: …` and `verifying …` messages, with their tab-indented continuation lines. */
  | {
      type: 'error'
      module?: string
      version?: string
      message: string
    }
  | {
      type: 'checksum'
      module: string
      version: string
      file: 'zip' | 'mod'
      downloaded?: string
      goSum?: string
    }
  /** `go: downloading go1.X.Y (os/arch)`: a toolchain switch is fetching. */
  | { type: 'toolchain-download'; version: string }

const GET_LINE = /^# get (\S+?)(?:: (.*))?$/
const GET_STATUS = /^(\d{3})(?: (.*?))? \(([\d.]+)s\)$/
// `mkdir -p <dir> # git3 <repo>` (Go 1.21+) or `# git <repo>`.
const VCS_LINE = /^mkdir -p \S+ # ([a-z]+?)\d* (\S+)$/
const GO_MESSAGE = /^go: (.*)$/
const MODULE_PREFIX = /^(\S+?)@(v[^\s:]+): ([\s\S]*)$/
const CHECKSUM =
  /^(?:go: )?verifying (\S+?)@(v[^\s:/]+)(\/go\.mod)?: checksum mismatch$/
const TOOLCHAIN_DOWNLOAD = /^go: downloading (go\d\S*) \(/
// go prints the file and line on the line after this one.
const MALFORMED_GO_SUM = /^(?:go: )?malformed go\.(?:work\.)?sum:$/

/** One `# get` line, or undefined for any other line. */
export function parseGetLine(
  line: string
): Extract<StderrEvent, { type: 'get-start' | 'get-done' }> | undefined {
  const m = GET_LINE.exec(line)
  if (!m) return undefined
  const [, url, rest] = m
  if (rest === undefined) return { type: 'get-start', url }
  const s = GET_STATUS.exec(rest)
  if (s)
    return {
      type: 'get-done',
      url,
      status: Number(s[1]),
      statusText: s[2] ?? '',
      seconds: Number(s[3])
    }
  return { type: 'get-done', url, error: rest }
}

/**
 * Line-oriented stderr parser. Messages may span several lines (a tab
 * starts each continuation), so a message is emitted when the next
 * non-continuation line arrives or at `end()`.
 */
export class StderrParser {
  private partial = ''
  private pending: string[] | undefined
  private inSecurityBlurb = false
  private malformedGoSum = false
  /** Lines that matched no known form, for the report's raw tail. */
  readonly otherLines: string[] = []

  constructor(private readonly emit: (e: StderrEvent) => void) {}

  push(chunk: string): void {
    const text = this.partial + chunk
    const lines = text.split('\n')
    this.partial = lines.pop() ?? ''
    for (const l of lines) this.line(l.replace(/\r$/, ''))
  }

  end(): void {
    if (this.partial !== '') this.line(this.partial)
    this.partial = ''
    this.flush()
  }

  private line(line: string): void {
    if (this.pending && line.startsWith('\t')) {
      this.pending.push(line)
      return
    }
    this.flush()
    if (this.malformedGoSum) {
      this.malformedGoSum = false
      return this.emit({ type: 'error', message: `malformed go.sum: ${line}` })
    }
    if (MALFORMED_GO_SUM.test(line)) {
      this.malformedGoSum = true
      return
    }
    const get = parseGetLine(line)
    if (get) return this.emit(get)
    const vcs = VCS_LINE.exec(line)
    if (vcs) return this.emit({ type: 'vcs', vcs: vcs[1], repo: vcs[2] })
    const tc = TOOLCHAIN_DOWNLOAD.exec(line)
    if (tc) return this.emit({ type: 'toolchain-download', version: tc[1] })
    if (GO_MESSAGE.test(line) || CHECKSUM.test(line)) {
      this.inSecurityBlurb = false
      this.pending = [line]
      return
    }
    // The boilerplate after a checksum mismatch, up to "go help module-auth".
    if (line === 'SECURITY ERROR') this.inSecurityBlurb = true
    if (this.inSecurityBlurb) {
      if (line.includes('go help module-auth')) this.inSecurityBlurb = false
      return
    }
    if (isTraceLine(line) || line.trim() === '') return
    if (this.otherLines.length < 50) this.otherLines.push(line)
  }

  private flush(): void {
    const lines = this.pending
    if (!lines) return
    this.pending = undefined
    const first = lines[0]
    const sum = CHECKSUM.exec(first)
    if (sum) {
      const field = (name: string) =>
        lines
          .find((l) => l.trim().startsWith(name + ':'))
          ?.trim()
          .slice(name.length + 1)
          .trim()
      this.emit({
        type: 'checksum',
        module: sum[1],
        version: sum[2],
        file: sum[3] ? 'mod' : 'zip',
        downloaded: field('downloaded'),
        goSum: field('go.sum')
      })
      return
    }
    const body = [first.replace(/^go: /, ''), ...lines.slice(1)].join('\n')
    const mod = MODULE_PREFIX.exec(body)
    if (mod) {
      this.emit({
        type: 'error',
        module: mod[1],
        version: mod[2],
        message: body
      })
    } else this.emit({ type: 'error', message: body })
  }
}

// VCS command echoes of -x (`cd dir; git …`, `0.011s # cd …`, `# lock …`)
// carry nothing beyond the repository named on the mkdir line.
function isTraceLine(line: string): boolean {
  return (
    /^cd \S+; /.test(line) ||
    /^[\d.]+s # /.test(line) ||
    line.startsWith('# lock ') ||
    line.startsWith('mkdir -p ')
  )
}
