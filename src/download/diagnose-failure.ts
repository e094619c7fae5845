// Why a module could not be downloaded, in the run's one failure vocabulary.
import type { FailureKind } from '../base/failure-kinds.js'
import { classifyStatus } from '../base/http-status.js'

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
): FailureKind {
  const m = message
  // Without a body, as go reads them: every 404/410 is missing.
  const kinds = answers.flatMap((a) =>
    a.status === undefined ? [] : [classifyStatus(a.status)]
  )
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
  if (/\b429\b|Too Many Requests/.test(m) || kinds.includes('rate-limited'))
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
  if (kinds.length > 0 && kinds.every((k) => k === 'missing')) return 'missing'
  if (kinds.includes('server-error')) return 'server-error'
  if (kinds.includes('auth')) return 'auth'
  if (answers.some((a) => a.error)) return 'network'
  return 'other'
}
