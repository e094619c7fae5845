// The one reading of an HTTP status in the run's failure vocabulary: the
// probe, the prefetch, the credential check and the diagnosis of a failed
// download all name a status with the same kind.
import type { FailureKind } from './failure-kinds.js'

// Bodies of 404/410 that mean "my own upstream failed" rather than "this
// version does not exist": goproxy/goproxy and Athens phrase it like this.
const UPSTREAM_FAILURE =
  /fetch timed out|bad upstream|upstream|timed out|temporarily unavailable|connection (refused|reset)|i\/o timeout|tls handshake|internal error/i

/**
 * The kind of a status, undefined for 2xx. `body` (the start of the answer)
 * tells a mirror whose upstream failed from a missing version; without it,
 * every 404/410 is `missing`, as go reads it.
 */
export function classifyStatus(
  status: number,
  body = ''
): FailureKind | undefined {
  if (status >= 200 && status < 300) return undefined
  if (status === 401 || status === 403) return 'auth'
  if (status === 404 || status === 410) {
    return UPSTREAM_FAILURE.test(body) ? 'upstream' : 'missing'
  }
  if (status === 429) return 'rate-limited'
  if (status >= 500) return 'server-error'
  return 'bad-response'
}
