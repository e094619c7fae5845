// The downloads section of the run report: what each module version was
// served by, what each source did, what failed and why.
import type { FailureKind } from '../base/failure-kinds.js'
import type { ProxyReport } from './proxy/record.js'
import type { RequestRecord } from './run-collector.js'

export const CACHE_SOURCE = 'cache'
export const DIRECT_SOURCE = 'direct'
/** Source of a module that no source served. */
export const NO_SOURCE = 'none'

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
  kind: FailureKind
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
  /** What the prefetch engine did, when it ran ahead of go. */
  proxy?: ProxyReport
  /** Why the engine ran ahead of go, or go went alone. */
  prefetch?: string
}

export const FILE_KINDS = ['info', 'mod', 'zip'] as const
export type ModuleFileKind = (typeof FILE_KINDS)[number]

export const moduleKey = (path: string, version: string): string =>
  `${path}@${version}`

// Index of the attempt that decided the file: the served one, or the last
// failure. Every attempt before it made go move on to the next source.
export function decidingIndex(f: FileFetch): number {
  for (let i = f.attempts.length - 1; i >= 0; i--)
    if (f.attempts[i].answer.startsWith('200')) return i
  return Math.max(0, f.attempts.length - 1)
}
