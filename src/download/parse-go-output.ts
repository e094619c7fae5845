// Parsing of `go mod download -x -json` output, fed in chunks as it arrives.
// stderr carries the `# get` request trace, the VCS commands of direct
// fetches and the errors that stop the command (module graph failures,
// checksum mismatches, toolchain selection); stdout carries the JSON
// objects, written only after every download finished.
import { unescapeModulePath } from '../gomod/module-path.js'

export type FileKind =
  'info' | 'mod' | 'zip' | 'list' | 'latest' | 'sumdb' | 'go-get' | 'other'

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

/** One object of the `go mod download -json` stream. */
export interface GoModDownloadJson {
  Path: string
  Version?: string
  Query?: string
  Error?: string
  Info?: string
  GoMod?: string
  Zip?: string
  Dir?: string
  Sum?: string
  GoModSum?: string
  Origin?: { VCS?: string; URL?: string }
}

/**
 * Splits a stream of concatenated JSON objects (not an array) into objects,
 * tracking strings so that braces inside them do not count.
 */
export class JsonStreamParser {
  private buf = ''
  private depth = 0
  private inString = false
  private escaped = false
  private start = -1
  /** Text that could not be parsed as JSON, kept for diagnostics. */
  readonly garbage: string[] = []

  constructor(private readonly emit: (o: GoModDownloadJson) => void) {}

  push(chunk: string): void {
    const from = this.buf.length
    this.buf += chunk
    let consumed = 0
    for (let i = from; i < this.buf.length; i++) {
      const c = this.buf[i]
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === '\\') this.escaped = true
        else if (c === '"') this.inString = false
        continue
      }
      if (c === '"') this.inString = true
      else if (c === '{') {
        if (this.depth === 0) this.start = i
        this.depth++
      } else if (c === '}' && this.depth > 0) {
        this.depth--
        if (this.depth === 0) {
          this.parse(this.buf.slice(this.start, i + 1))
          consumed = i + 1
        }
      } else if (this.depth === 0 && !/\s/.test(c)) {
        this.garbage.push(c)
        consumed = i + 1
      }
    }
    if (this.depth === 0) {
      this.buf = this.buf.slice(consumed)
    } else {
      this.buf = this.buf.slice(this.start)
      this.start = 0
    }
  }

  end(): void {
    if (this.buf.trim() !== '') this.garbage.push(this.buf.trim())
    this.buf = ''
  }

  private parse(text: string): void {
    try {
      const o = JSON.parse(text) as GoModDownloadJson
      if (typeof o.Path === 'string') this.emit(o)
      else this.garbage.push(text)
    } catch {
      this.garbage.push(text)
    }
  }
}

/** One GOPROXY entry as cmd/go's proxyList reads it. */
export interface GoproxyEntry {
  /** Normalised base URL, or `direct` / `off`. */
  url: string
  /** True when `|` follows the entry (fall through on any error). */
  fallBackOnError: boolean
}

/** Parses a GOPROXY value: `,`/`|` separators, bare hosts get https://, `direct`/`off` end the list. */
export function parseGoproxy(value: string): GoproxyEntry[] {
  const out: GoproxyEntry[] = []
  let rest = value
  while (rest !== '') {
    const i = rest.search(/[,|]/)
    const raw = (i < 0 ? rest : rest.slice(0, i)).trim()
    const fallBackOnError = i >= 0 && rest[i] === '|'
    rest = i < 0 ? '' : rest.slice(i + 1)
    if (raw === '') continue
    if (raw === 'direct' || raw === 'off') {
      out.push({ url: raw, fallBackOnError })
      break
    }
    let url = raw
    if (!url.includes(':/') && /[.:/]/.test(url) && !url.startsWith('/'))
      url = 'https://' + url
    out.push({ url: url.replace(/\/+$/, ''), fallBackOnError })
  }
  return out
}

export interface ClassifiedUrl {
  /** The GOPROXY entry the URL belongs to (longest prefix), or `direct`. */
  source: string
  kind: FileKind
  /** Module path, unescaped; for direct URLs the best guess from the URL path. */
  module?: string
  version?: string
}

/**
 * Attributes a `# get` URL to a GOPROXY base by longest prefix and splits
 * the rest into module, version and file kind. URLs under no base
 * (`?go-get=1` lookups, sum.golang.org, a go-import `mod` server) are the
 * go command's own direct traffic.
 */
export function classifyUrl(
  url: string,
  bases: readonly string[]
): ClassifiedUrl {
  let source = 'direct'
  let rest: string | undefined
  for (const b of bases) {
    if (b === 'direct' || b === 'off') continue
    const under = url === b || url.startsWith(b + '/')
    if (under && (rest === undefined || b.length > source.length)) {
      source = b
      rest = url.slice(b.length)
    }
  }
  let path: string
  let query: string
  if (rest === undefined) {
    try {
      const u = new URL(url)
      path = u.host + u.pathname
      query = u.search
    } catch {
      return { source, kind: 'other' }
    }
  } else {
    const q = rest.indexOf('?')
    path = q < 0 ? rest : rest.slice(0, q)
    query = q < 0 ? '' : rest.slice(q)
  }
  path = safeDecode(path).replace(/^\/+/, '')
  if (query.includes('go-get=1'))
    return { source, kind: 'go-get', module: path }
  if (
    /(^|\/)sumdb\//.test(path) ||
    /^sum\.golang\.(org|google\.cn)\//.test(path)
  )
    return { source, kind: 'sumdb' }
  let m = /^(.+)\/@v\/(.+)\.(info|mod|zip)$/.exec(path)
  if (m)
    return {
      source,
      kind: m[3] as FileKind,
      module: unescapeModulePath(m[1]),
      version: unescapeModulePath(m[2])
    }
  m = /^(.+)\/@v\/list$/.exec(path)
  if (m) return { source, kind: 'list', module: unescapeModulePath(m[1]) }
  m = /^(.+)\/@latest$/.exec(path)
  if (m) return { source, kind: 'latest', module: unescapeModulePath(m[1]) }
  return { source, kind: 'other' }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

export type FailureClass =
  | 'malformed-go-sum'
  | 'missing'
  | 'auth'
  | 'rate-limited'
  | 'timeout'
  | 'server-error'
  | 'network'
  | 'checksum'
  | 'sumdb'
  | 'toolchain'
  | 'other'

/** What one source answered to one request, as far as classification needs it. */
export interface Answer {
  status?: number
  error?: string
  /** The request was still open when the run was stopped. */
  inFlight?: boolean
}

/**
 * Classifies why a module could not be downloaded, from go's final error
 * text first (it names the error that decided the outcome, §1.3) and from
 * what each source answered second.
 */
export function classifyFailure(
  message: string,
  answers: readonly Answer[] = [],
  module?: string
): FailureClass {
  const m = message
  // go stops before any download: no mirror is involved.
  if (/^malformed go\.sum: /.test(m)) return 'malformed-go-sum'
  if (
    module === 'golang.org/toolchain' ||
    /toolchain not available|switching to go|\bdownload go\d/.test(m)
  )
    return 'toolchain'
  if (/checksum mismatch|SECURITY ERROR/.test(m)) return 'checksum'
  if (
    /verifying (go\.mod|module)?:?[^\n]*(\/sumdb\/|sum\.golang|\/lookup\/|checksum database)/.test(
      m
    ) ||
    /verifying [^\n]*: (reading|Get) [^\n]*\/sumdb\//.test(m)
  )
    return 'sumdb'
  if (
    answers.some((a) => a.inFlight) ||
    /timed? ?out|deadline exceeded/i.test(m)
  )
    return 'timeout'
  if (
    /\b429\b|Too Many Requests/.test(m) ||
    answers.some((a) => a.status === 429)
  )
    return 'rate-limited'
  if (
    /: (401|403) |\b(401 Unauthorized|403 Forbidden)\b|terminal prompts disabled|could not read Username|Authentication failed|authentication required|Permission denied \(publickey\)/i.test(
      m
    )
  )
    return 'auth'
  if (/: 5\d\d\b/.test(m) || /read "[^"]+": /.test(m)) return 'server-error'
  if (
    /connection refused|no such host|connection reset|network is unreachable|tls: |x509: |EOF$|dial tcp/m.test(
      m
    )
  )
    return 'network'
  if (
    /: (404|410) |\b404 Not Found\b|\b410 Gone\b|unknown revision|no matching versions|not found|invalid version|does not contain package|repository not found/i.test(
      m
    )
  )
    return 'missing'
  const statuses = answers.map((a) => a.status).filter((s) => s !== undefined)
  if (statuses.length > 0 && statuses.every((s) => s === 404 || s === 410))
    return 'missing'
  if (statuses.some((s) => s !== undefined && s >= 500)) return 'server-error'
  if (statuses.some((s) => s === 401 || s === 403)) return 'auth'
  if (answers.some((a) => a.error)) return 'network'
  return 'other'
}

/** One-line advice per failure class, for the summary and annotations. */
export const FAILURE_HINTS: Record<FailureClass, string> = {
  'malformed-go-sum':
    'go refuses the whole go.sum when one line is not `module version h1:hash`, before it downloads anything: fix or delete that line (a merge conflict or a hand edit), run `go mod tidy` and commit go.sum.',
  missing:
    'No source in the chain has this version: check that the version exists (tag pushed, not retracted), or list a private module in `private` so that go fetches it from its origin.',
  auth: 'A source refused the request (401/403): give the host a token in `credentials` (from secrets), or list the module in `private` so that it is never asked of a public mirror.',
  'rate-limited':
    'A mirror throttled this runner (429): keep `fallback-on: any-error` so that go falls through to the next mirror, and keep the module cache on so that fewer requests are needed.',
  timeout:
    'No answer before `download-timeout`: a mirror accepts connections and stalls, and go has no request timeout of its own. Drop the mirror from `mirrors` or raise the timeout.',
  'server-error':
    'A mirror failed (5xx or broken body). With `fallback-on: not-found` go stops at the first such error; `any-error` lets it fall through to the next mirror.',
  network:
    'The source could not be reached (refused, DNS, TLS). Check the URL, a firewall or proxy between the runner and the mirror.',
  checksum:
    'The bits served do not match go.sum: do not update go.sum to make this pass. Compare with another mirror and report the mirror that served them.',
  sumdb:
    'The checksum database could not be reached through the chain: keep `direct-fallback` on so that sum.golang.org stays reachable, or set `sumdb` to a reachable database.',
  toolchain:
    'The Go toolchain that go.mod asks for (go/toolchain line) could not be fetched through the chain: use mirrors that carry golang.org/toolchain, or install that Go version with setup-go.',
  other: 'See the go output in the step log.'
}
