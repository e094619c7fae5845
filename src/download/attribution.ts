// Turns the parsed output of one or more `go mod download -x -json` runs into
// the report's downloads section: which source served each file of each
// module version, after how many fall-throughs, what every source answered,
// and why a module could not be downloaded. Pure: file sizes come from a
// lookup the caller fills from the module cache.
import {
  FAILURE_HINTS,
  JsonStreamParser,
  StderrParser,
  classifyFailure,
  classifyUrl,
  parseGoproxy,
  type Answer,
  type FailureClass,
  type FileKind,
  type GoModDownloadJson,
  type StderrEvent
} from './parse-go-output.js'
import { escapeModulePath } from '../gomod/module-path.js'

export const CACHE_SOURCE = 'cache'
export const DIRECT_SOURCE = 'direct'
/** Source of a module that no source served. */
export const NO_SOURCE = 'none'

export interface RequestRecord {
  url: string
  /** GOPROXY entry (longest prefix) or `direct`. */
  source: string
  kind: FileKind
  module?: string
  version?: string
  status?: number
  statusText?: string
  error?: string
  /** Seconds until response headers, as go printed them. */
  seconds?: number
  /** Still open when the run was stopped. */
  inFlight?: boolean
  /** Still open when go exited on an error of its own: no answer to judge. */
  abandoned?: boolean
}

/** Everything one `go mod download` run in one module root produced. */
export interface RootRun {
  /** Module root, relative to the workspace. */
  dir: string
  goproxy: string
  requests: RequestRecord[]
  json: GoModDownloadJson[]
  errors: Extract<StderrEvent, { type: 'error' }>[]
  checksums: Extract<StderrEvent, { type: 'checksum' }>[]
  vcsRepos: string[]
  toolchainDownloads: string[]
  exitCode: number | null
  timedOut: boolean
  durationMs: number
  /** stderr lines of no known form (capped). */
  otherOutput: string[]
}

/**
 * Wires the stream parsers of one run to a collector: feed `stderr` and
 * `stdout` chunks as they arrive, then call `finish`.
 */
export function runParsers(
  dir: string,
  goproxy: string,
  onRequest?: (r: RequestRecord) => void
): {
  stderr: StderrParser
  stdout: JsonStreamParser
  finish(r: {
    exitCode: number | null
    timedOut: boolean
    durationMs: number
  }): RootRun
} {
  const collector = new RunCollector(dir, goproxy)
  const stderr = new StderrParser((e) => {
    const done = collector.onStderr(e)
    if (done) onRequest?.(done)
  })
  const stdout = new JsonStreamParser((o) => collector.onJson(o))
  return {
    stderr,
    stdout,
    finish(r) {
      stderr.end()
      stdout.end()
      return collector.finish({
        ...r,
        otherOutput: [...stderr.otherLines, ...stdout.garbage]
      })
    }
  }
}

/** Collects one run's events as they arrive. */
export class RunCollector {
  private readonly bases: string[]
  private readonly open = new Map<string, RequestRecord[]>()
  readonly run: RootRun

  constructor(dir: string, goproxy: string) {
    this.bases = parseGoproxy(goproxy).map((e) => e.url)
    this.run = {
      dir,
      goproxy,
      requests: [],
      json: [],
      errors: [],
      checksums: [],
      vcsRepos: [],
      toolchainDownloads: [],
      exitCode: null,
      timedOut: false,
      durationMs: 0,
      otherOutput: []
    }
  }

  /** The request record an event completed, for live logging. */
  onStderr(e: StderrEvent): RequestRecord | undefined {
    const run = this.run
    switch (e.type) {
      case 'get-start': {
        const rec: RequestRecord = {
          url: e.url,
          ...classifyUrl(e.url, this.bases),
          inFlight: true
        }
        run.requests.push(rec)
        const q = this.open.get(e.url) ?? []
        q.push(rec)
        this.open.set(e.url, q)
        return undefined
      }
      case 'get-done': {
        let rec = this.open.get(e.url)?.shift()
        if (!rec) {
          rec = { url: e.url, ...classifyUrl(e.url, this.bases) }
          run.requests.push(rec)
        }
        delete rec.inFlight
        if (e.status !== undefined) {
          rec.status = e.status
          rec.statusText = e.statusText
          rec.seconds = e.seconds
        }
        if (e.error !== undefined) rec.error = e.error
        return rec
      }
      case 'vcs':
        if (!run.vcsRepos.includes(e.repo)) run.vcsRepos.push(e.repo)
        return undefined
      case 'error':
        run.errors.push(e)
        return undefined
      case 'checksum':
        run.checksums.push(e)
        return undefined
      case 'toolchain-download':
        run.toolchainDownloads.push(e.version)
        return undefined
    }
  }

  onJson(o: GoModDownloadJson): void {
    this.run.json.push(o)
  }

  finish(r: {
    exitCode: number | null
    timedOut: boolean
    durationMs: number
    otherOutput?: string[]
  }): RootRun {
    Object.assign(this.run, r, { otherOutput: r.otherOutput ?? [] })
    // Only the deadline makes an open request a mirror's silence.
    if (!r.timedOut)
      for (const req of this.run.requests)
        if (req.inFlight) {
          delete req.inFlight
          req.abandoned = true
        }
    return this.run
  }
}

export interface FileFetch {
  /** Source whose 200 answer was kept (the last one). */
  servedBy?: string
  attempts: { source: string; answer: string }[]
  bytes?: number
}

export type ModuleStatus = 'downloaded' | 'cached' | 'failed' | 'go.mod only'

export interface ModuleDownload {
  path: string
  version: string
  /** Version query that resolved to this version (`latest`, …). */
  query?: string
  status: ModuleStatus
  /** Where the module came from: the source of its .zip (else .mod), `cache` or `direct`. */
  source: string
  files: Partial<Record<'info' | 'mod' | 'zip', FileFetch>>
  /** Failed answers before a source served a file. */
  fallThroughs: number
  bytes: number
  /** Module roots whose run listed it. */
  roots: string[]
}

export interface DownloadFailure {
  /** Module path; `golang.org/toolchain` for toolchain selection; absent when go named none. */
  module?: string
  version?: string
  kind: FailureClass
  /** First line of go's error. */
  message: string
  detail: string
  /** What each source answered, in the order go asked them. */
  tried: { source: string; answers: string[] }[]
  /** For checksum mismatches: the source that served the bad bits. */
  badSource?: string
  hint: string
  root: string
}

export interface SourceStats {
  /** GOPROXY entry, `direct` or `cache`. */
  source: string
  /** Modules whose .zip (else .mod) this source served. */
  modules: number
  requests: number
  bytes: number
  /** Sum of time to response headers over its requests. */
  seconds: number
  /** Answers after which go moved on to the next source. */
  fallThroughs: number
  /** Answers other than 200/404/410, transport errors and unanswered requests. */
  errors: number
  notFound: number
  /** Answer → count (`200`, `404`, `502`, `refused`, `no answer`, …). */
  answers: Record<string, number>
}

export type SourceWarningKind =
  'stale' | 'rate-limited' | 'failing' | 'unresponsive'

export interface SourceWarning {
  source: string
  kind: SourceWarningKind
  count: number
  /** module@version the source lacked (stale) or failed on. */
  modules: string[]
  message: string
}

export interface DownloadsReport {
  goproxy: string
  roots: {
    dir: string
    exitCode: number | null
    timedOut: boolean
    durationMs: number
    /** stderr lines of no known form, for diagnosis. */
    otherOutput: string[]
  }[]
  durationMs: number
  timeoutSec: number
  modules: ModuleDownload[]
  sources: SourceStats[]
  failures: DownloadFailure[]
  warnings: SourceWarning[]
  /** Toolchains a GOTOOLCHAIN switch downloaded (`go1.X.Y`). */
  toolchains: string[]
  requests: RequestRecord[]
}

export interface AnalyzeOptions {
  goproxy: string
  timeoutSec: number
  /** GOMODCACHE, to find the files of modules go did not list. */
  gomodcache?: string
  /** Size of a file in the module cache, or undefined when absent. */
  fileSize?: (absPath: string) => number | undefined
}

const FILE_KINDS = ['info', 'mod', 'zip'] as const

export function describeAnswer(r: RequestRecord): string {
  if (r.inFlight) return 'no answer'
  if (r.abandoned) return 'cut short when go exited'
  if (r.status !== undefined)
    return `${r.status}${r.statusText ? ' ' + r.statusText : ''}`
  return shortError(r.error ?? 'error')
}

/** The operative part of a transport error (`connection refused`, `no such host`, …). */
export function shortError(e: string): string {
  const m =
    /(connection refused|no such host|connection reset by peer|i\/o timeout|TLS handshake timeout|certificate[^;]*|tls: [^;]*|EOF|insecure|unsupported)\s*$/.exec(
      e
    )
  return m ? m[1] : e.replace(/^Get "[^"]*": /, '')
}

function answerKey(r: RequestRecord): string {
  if (r.inFlight) return 'no answer'
  if (r.abandoned) return 'cut short'
  if (r.status !== undefined) return String(r.status)
  return shortError(r.error ?? 'error')
}

function isOk(r: RequestRecord): boolean {
  return r.status === 200
}

function isNotFound(r: RequestRecord): boolean {
  return r.status === 404 || r.status === 410
}

const key = (path: string, version: string) => `${path}@${version}`

export function analyzeDownloads(
  runs: readonly RootRun[],
  opts: AnalyzeOptions
): DownloadsReport {
  const modules = new Map<string, ModuleDownload>()
  const failures: DownloadFailure[] = []
  const requests = runs.flatMap((r) => r.requests)
  const order = parseGoproxy(opts.goproxy).map((e) => e.url)

  const moduleFor = (path: string, version: string): ModuleDownload => {
    const k = key(path, version)
    let m = modules.get(k)
    if (!m) {
      m = {
        path,
        version,
        status: 'go.mod only',
        source: CACHE_SOURCE,
        files: {},
        fallThroughs: 0,
        bytes: 0,
        roots: []
      }
      modules.set(k, m)
    }
    return m
  }

  for (const run of runs) {
    for (const r of run.requests) {
      if (!r.module || !r.version || !isFileKind(r.kind)) continue
      const m = moduleFor(r.module, r.version)
      const f = (m.files[r.kind] ??= { attempts: [] })
      f.attempts.push({ source: r.source, answer: describeAnswer(r) })
      if (isOk(r)) f.servedBy = r.source
    }
    for (const o of run.json) {
      if (!o.Version) continue
      const m = moduleFor(o.Path, o.Version)
      if (!m.roots.includes(run.dir)) m.roots.push(run.dir)
      if (o.Query && o.Query !== o.Version) m.query = o.Query
      const paths = { info: o.Info, mod: o.GoMod, zip: o.Zip }
      for (const kind of FILE_KINDS) {
        const p = paths[kind]
        const size = p ? opts.fileSize?.(p) : undefined
        if (size === undefined) continue
        const f = (m.files[kind] ??= { attempts: [] })
        f.bytes = size
      }
      if (!o.Error && m.status !== 'failed') {
        m.status = hasNetwork(m) ? 'downloaded' : 'cached'
      }
    }
  }

  // Files of modules go fetched but did not list (graph loading, a run cut
  // short) are still in the cache; count their bytes too.
  for (const m of modules.values()) {
    for (const kind of FILE_KINDS) {
      const f = m.files[kind]
      if (!f || f.bytes !== undefined || !f.servedBy || !opts.gomodcache)
        continue
      f.bytes = opts.fileSize?.(
        `${opts.gomodcache}/cache/download/${escapeModulePath(m.path)}/@v/${escapeModulePath(m.version)}.${kind}`
      )
    }
  }

  // Direct (VCS) fetches print no `# get` lines for the module's files.
  const repos = runs.flatMap((r) => r.vcsRepos.map(stripScheme))
  const goGets = requests
    .filter((r) => r.kind === 'go-get' && r.module)
    .map((r) => r.module!)
  for (const m of modules.values()) {
    const viaVcs = [...repos, ...goGets].some(
      (p) => m.path === p || m.path.startsWith(p + '/')
    )
    if (viaVcs && !hasNetwork(m) && m.status === 'cached')
      m.status = 'downloaded'
    m.source = primarySource(m, viaVcs)
    m.fallThroughs = FILE_KINDS.reduce(
      (n, k) => n + fallThroughsOf(m.files[k]),
      0
    )
    m.bytes = FILE_KINDS.reduce((n, k) => n + (m.files[k]?.bytes ?? 0), 0)
  }

  for (const run of runs) failures.push(...runFailures(run, modules, requests))
  for (const f of failures) {
    if (!f.module || !f.version) continue
    const m = modules.get(key(f.module, f.version))
    if (!m) continue
    m.status = 'failed'
    if (m.source === CACHE_SOURCE) m.source = NO_SOURCE
  }

  const sources = sourceStats(order, [...modules.values()], requests)
  return {
    goproxy: opts.goproxy,
    roots: runs.map((r) => ({
      dir: r.dir,
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      durationMs: r.durationMs,
      otherOutput: r.otherOutput
    })),
    durationMs: runs.reduce((n, r) => n + r.durationMs, 0),
    timeoutSec: opts.timeoutSec,
    modules: [...modules.values()].sort((a, b) =>
      a.path === b.path
        ? a.version < b.version
          ? -1
          : 1
        : a.path < b.path
          ? -1
          : 1
    ),
    sources,
    failures: dedupeFailures(failures),
    warnings: sourceWarnings(requests, modules),
    toolchains: [...new Set(runs.flatMap((r) => r.toolchainDownloads))],
    requests
  }
}

function isFileKind(k: FileKind): k is 'info' | 'mod' | 'zip' {
  return k === 'info' || k === 'mod' || k === 'zip'
}

function hasNetwork(m: ModuleDownload): boolean {
  return FILE_KINDS.some((k) => (m.files[k]?.attempts.length ?? 0) > 0)
}

function stripScheme(repo: string): string {
  return repo.replace(/^[a-z+]+:\/\/(?:[^@/]*@)?/, '').replace(/\.git$/, '')
}

function primarySource(m: ModuleDownload, viaVcs: boolean): string {
  const served =
    m.files.zip?.servedBy ?? m.files.mod?.servedBy ?? m.files.info?.servedBy
  if (served) return served
  return viaVcs ? DIRECT_SOURCE : CACHE_SOURCE
}

function fallThroughsOf(f: FileFetch | undefined): number {
  return f ? decidingIndex(f) : 0
}

// Index of the attempt that decided the file: the served one, or the last
// failure. Every attempt before it made go move on to the next source.
function decidingIndex(f: FileFetch): number {
  for (let i = f.attempts.length - 1; i >= 0; i--)
    if (f.attempts[i].answer.startsWith('200')) return i
  return Math.max(0, f.attempts.length - 1)
}

function triedFor(
  requests: readonly RequestRecord[],
  path: string,
  version?: string
): DownloadFailure['tried'] {
  const bySource = new Map<string, string[]>()
  for (const r of requests) {
    if (
      r.module !== path ||
      (version && r.version !== undefined && r.version !== version)
    )
      continue
    const answers = bySource.get(r.source) ?? []
    const a = `${r.kind}: ${describeAnswer(r)}`
    if (!answers.includes(a)) answers.push(a)
    bySource.set(r.source, answers)
  }
  return [...bySource].map(([source, answers]) => ({ source, answers }))
}

function answersFor(
  requests: readonly RequestRecord[],
  path: string,
  version?: string
): Answer[] {
  return requests
    .filter((r) => r.module === path && (!version || r.version === version))
    .map((r) => ({ status: r.status, error: r.error, inFlight: r.inFlight }))
}

function failure(
  run: RootRun,
  requests: readonly RequestRecord[],
  detail: string,
  module?: string,
  version?: string
): DownloadFailure {
  const answers = module ? answersFor(requests, module, version) : []
  const kind = classifyFailure(detail, answers, module)
  return {
    module,
    version,
    kind,
    message: detail.split('\n')[0],
    detail,
    tried: module ? triedFor(requests, module, version) : [],
    hint: FAILURE_HINTS[kind],
    root: run.dir
  }
}

function runFailures(
  run: RootRun,
  modules: Map<string, ModuleDownload>,
  allRequests: readonly RequestRecord[]
): DownloadFailure[] {
  const out: DownloadFailure[] = []
  for (const o of run.json) {
    if (o.Error) out.push(failure(run, allRequests, o.Error, o.Path, o.Version))
  }
  for (const e of run.errors) {
    if (e.module) {
      out.push(failure(run, allRequests, e.message, e.module, e.version))
    } else if (/^download (go\S+) for /.test(e.message)) {
      const v = /^download (go\S+)/.exec(e.message)![1]
      out.push(failure(run, allRequests, e.message, 'golang.org/toolchain', v))
    } else if (!/^skipping download of /.test(e.message)) {
      out.push(failure(run, allRequests, e.message))
    }
  }
  for (const c of run.checksums) {
    const m = modules.get(key(c.module, c.version))
    const detail =
      `verifying ${c.module}@${c.version}${c.file === 'mod' ? '/go.mod' : ''}: checksum mismatch\n` +
      `\tdownloaded: ${c.downloaded ?? '?'}\n\tgo.sum:     ${c.goSum ?? '?'}`
    const f = failure(run, allRequests, detail, c.module, c.version)
    f.badSource = m?.files[c.file]?.servedBy ?? (m ? CACHE_SOURCE : undefined)
    out.push(f)
  }
  if (run.timedOut) {
    const stuck = run.requests.filter((r) => r.inFlight)
    const named = new Set<string>()
    for (const r of stuck) {
      if (!r.module || named.has(`${r.module}@${r.version}`)) continue
      named.add(`${r.module}@${r.version}`)
      out.push(
        failure(
          run,
          allRequests,
          `${r.module}${r.version ? '@' + r.version : ''}: no answer from ${r.source} to ${r.url} before download-timeout`,
          r.module,
          r.version
        )
      )
    }
    if (named.size === 0)
      out.push(
        failure(
          run,
          allRequests,
          `go mod download in ${run.dir} did not finish before download-timeout`
        )
      )
  }
  if (out.length === 0 && run.exitCode !== 0 && !run.timedOut) {
    out.push(
      failure(
        run,
        allRequests,
        `go mod download in ${run.dir} exited with ${run.exitCode ?? 'a signal'}` +
          (run.otherOutput.length > 0
            ? ':\n' + run.otherOutput.slice(0, 8).join('\n')
            : '')
      )
    )
  }
  return out
}

function dedupeFailures(fs: DownloadFailure[]): DownloadFailure[] {
  const seen = new Set<string>()
  return fs.filter((f) => {
    const k = f.module
      ? `${f.module}@${f.version ?? ''}`
      : `${f.root}\n${f.message}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

function sourceStats(
  order: readonly string[],
  modules: readonly ModuleDownload[],
  requests: readonly RequestRecord[]
): SourceStats[] {
  const stats = new Map<string, SourceStats>()
  const get = (source: string) => {
    let s = stats.get(source)
    if (!s) {
      s = {
        source,
        modules: 0,
        requests: 0,
        bytes: 0,
        seconds: 0,
        fallThroughs: 0,
        errors: 0,
        notFound: 0,
        answers: {}
      }
      stats.set(source, s)
    }
    return s
  }
  for (const o of order) if (o !== 'off') get(o)
  for (const r of requests) {
    const s = get(r.source)
    s.requests++
    s.seconds += r.seconds ?? 0
    const k = answerKey(r)
    s.answers[k] = (s.answers[k] ?? 0) + 1
    if (isNotFound(r)) s.notFound++
    else if (!isOk(r) && !r.abandoned) s.errors++
  }
  for (const m of modules) {
    if (m.status === 'downloaded' || m.status === 'cached')
      get(m.source).modules++
    for (const kind of FILE_KINDS) {
      const f = m.files[kind]
      if (!f) continue
      if (f.bytes)
        get(
          f.servedBy ??
            (m.source === DIRECT_SOURCE ? DIRECT_SOURCE : CACHE_SOURCE)
        ).bytes += f.bytes
      for (const a of f.attempts.slice(0, decidingIndex(f)))
        get(a.source).fallThroughs++
    }
  }
  for (const s of stats.values())
    s.seconds = Math.round(s.seconds * 1000) / 1000
  return [...stats.values()].filter(
    (s) =>
      s.source !== DIRECT_SOURCE ||
      s.requests > 0 ||
      s.modules > 0 ||
      order.includes(DIRECT_SOURCE)
  )
}

function sourceWarnings(
  requests: readonly RequestRecord[],
  modules: Map<string, ModuleDownload>
): SourceWarning[] {
  const out: SourceWarning[] = []
  const bySource = new Map<string, RequestRecord[]>()
  for (const r of requests) {
    if (r.source === DIRECT_SOURCE || r.abandoned) continue
    const list = bySource.get(r.source) ?? []
    list.push(r)
    bySource.set(r.source, list)
  }
  for (const [source, rs] of bySource) {
    const mv = (r: RequestRecord) => `${r.module}@${r.version}`
    const stale = unique(
      rs
        .filter(
          (r) => isNotFound(r) && r.module && r.version && isFileKind(r.kind)
        )
        .filter((r) => {
          const m = modules.get(key(r.module!, r.version!))
          const f = m?.files[r.kind as 'info' | 'mod' | 'zip']
          return f?.servedBy !== undefined && f.servedBy !== source
        })
        .map(mv)
    )
    if (stale.length > 0)
      out.push({
        source,
        kind: 'stale',
        count: stale.length,
        modules: stale,
        message: `${source} lacks ${listText(stale)}, which another source served: it is behind (stale).`
      })
    const limited = rs.filter((r) => r.status === 429)
    if (limited.length > 0)
      out.push({
        source,
        kind: 'rate-limited',
        count: limited.length,
        modules: unique(limited.filter((r) => r.module).map(mv)),
        message: `${source} rate-limited ${limited.length} request(s) (429 Too Many Requests).`
      })
    const failing = rs.filter(
      (r) => !r.inFlight && r.status !== 429 && !isOk(r) && !isNotFound(r)
    )
    if (failing.length > 0) {
      const answers = unique(failing.map(describeAnswer))
      out.push({
        source,
        kind: 'failing',
        count: failing.length,
        modules: unique(failing.filter((r) => r.module).map(mv)),
        message: `${source} failed ${failing.length} request(s): ${answers.join(', ')}.`
      })
    }
    const stuck = rs.filter((r) => r.inFlight)
    if (stuck.length > 0)
      out.push({
        source,
        kind: 'unresponsive',
        count: stuck.length,
        modules: unique(stuck.filter((r) => r.module).map(mv)),
        message: `${source} did not answer ${stuck.length} request(s) before download-timeout.`
      })
  }
  return out
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)]
}

function listText(xs: string[]): string {
  return xs.length <= 5
    ? xs.join(', ')
    : `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more`
}
