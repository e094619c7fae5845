// What went wrong with one attempt at a file, in the engine's words and in
// the run's vocabulary.
import type { FailureKind } from '../../base/failure-kinds.js'
import { classifyStatus } from '../../base/http-status.js'
import { parseRetryAfter } from '../../net/retry-after.js'

/**
 * Why an attempt failed: the run's kinds where the meaning is the same, and
 * the engine's finer names where the record tells more (a body cut short,
 * not protocol content, past the size cap); every kind but `not-found`
 * counts against the mirror.
 */
export type AttemptFailure =
  | Extract<
      FailureKind,
      'server-error' | 'rate-limited' | 'timeout' | 'network' | 'checksum'
    >
  | 'not-found'
  | 'truncated'
  | 'garbage'
  | 'too-large'

/** Each attempt failure in the run's vocabulary. */
export const ATTEMPT_KIND: Record<AttemptFailure, FailureKind> = {
  'not-found': 'missing',
  'server-error': 'server-error',
  'rate-limited': 'rate-limited',
  timeout: 'timeout',
  network: 'network',
  truncated: 'server-error',
  garbage: 'bad-response',
  checksum: 'checksum',
  'too-large': 'bad-response'
}

/** A non-200 answer as an attempt failure, with its Retry-After for a 429. */
export function statusFailure(
  status: number,
  retryAfter: string | string[] | undefined,
  body: string
): { failure: AttemptFailure; detail: string; retryAfterMs?: number } {
  const detail = `${status}${body ? `: ${body}` : ''}`
  // No body passed: a 404/410 is "not here", whatever the mirror blames,
  // and any status but 404, 410 and 429 is a failed answer.
  const kind = classifyStatus(status)
  if (kind === 'missing') return { failure: 'not-found', detail }
  if (kind === 'rate-limited') {
    const after = parseRetryAfter(retryAfter)
    return {
      failure: 'rate-limited',
      detail,
      retryAfterMs: after === undefined ? undefined : after * 1000
    }
  }
  return { failure: 'server-error', detail }
}
