// The one cost model: how long this project's downloads would take through
// a mirror, from its probed latency and throughput. The early stop and the
// ranking both read it, with one margin for "as good as".
import type { MirrorTimings } from './result.js'

/** What this project's download will ask of a mirror. */
export interface Workload {
  /** HTTP requests go will make (.info/.mod/.zip per module version). */
  requests: number
  /** Bytes of the zips it will fetch. */
  bytes: number
  /** Requests go keeps in flight at once (GOMAXPROCS). */
  concurrency: number
}

/**
 * Mirrors whose expected times differ by less than this fraction are equally
 * good: the ranking orders them by a hash, so the early stop waits until no
 * other mirror can come that close to the first.
 */
export const TIE_MARGIN = 0.05

// Throughput assumed for a mirror whose zip read did not finish in time.
export const UNMEASURED_BPS = 256 * 1024

// go keeps `concurrency` downloads in flight, each on its own connection, and a
// mirror's bandwidth is mostly a per-connection limit (server throttles, the
// TCP window over a long path), so both terms divide by the concurrency.
export function expectedMs(
  p: { timings: Pick<MirrorTimings, 'ttfbMs' | 'throughputBps'> },
  workload: Workload,
  fallbackBps = UNMEASURED_BPS
): number | undefined {
  const latency = p.timings.ttfbMs
  if (latency === undefined) return undefined
  const bps = p.timings.throughputBps ?? fallbackBps
  return (
    (workload.requests * latency + (workload.bytes / bps) * 1000) /
    Math.max(1, workload.concurrency)
  )
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
