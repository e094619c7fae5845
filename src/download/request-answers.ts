// One request's answer in words: for the report, the tables and the grouping
// of answers per source.
import type { RequestRecord } from './run-collector.js'
import type { FileKind } from './request-url.js'
import type { ModuleFileKind } from './downloads-report.js'

export function describeAnswer(r: RequestRecord): string {
  if (r.inFlight) return 'no answer'
  if (r.abandoned) return 'cut short when go exited'
  if (r.status !== undefined)
    return `${r.status}${r.statusText ? ' ' + r.statusText : ''}`
  return shortError(r.error ?? 'error')
}

/** The operative part of a transport error (`connection refused`, `no such host`, …). */
function shortError(e: string): string {
  const m =
    /(connection refused|no such host|connection reset by peer|i\/o timeout|TLS handshake timeout|certificate[^;]*|tls: [^;]*|EOF|insecure|unsupported)\s*$/.exec(
      e
    )
  return m ? m[1] : e.replace(/^Get "[^"]*": /, '')
}

/** The answer as a key of a source's answer tally: the status code alone. */
export function answerKey(r: RequestRecord): string {
  if (r.inFlight) return 'no answer'
  if (r.abandoned) return 'cut short'
  if (r.status !== undefined) return String(r.status)
  return shortError(r.error ?? 'error')
}

export function isOk(r: RequestRecord): boolean {
  return r.status === 200
}

export function isNotFound(r: RequestRecord): boolean {
  return r.status === 404 || r.status === 410
}

export function isModuleFile(k: FileKind): k is ModuleFileKind {
  return k === 'info' || k === 'mod' || k === 'zip'
}
