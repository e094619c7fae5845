// When the probe may stop before its deadline: once no mirror still being
// probed can come first. Pure: the caller passes the time.
import type { MirrorProbe } from './result.js'
import { expectedMs, median, type Workload } from './cost-model.js'

// A zip read this long projects its mirror's bandwidth for the early stop,
// which then wants the projection to lose by a factor of 1 + this / the
// reading's length: 2 at first, less the longer the rate has held.
const PROJECTION_MIN_MS = 250

/** What the early stop reads of one mirror's probe so far. */
export interface ProbeProgress {
  /** Every request answered and checked. */
  done: boolean
  /** A failure made the mirror unusable; its probe is over. */
  unusable: boolean
  /** First-byte times of the timed requests so far (ms). */
  ttfbSamples: readonly number[]
  /** When the timed request still open was sent, on the caller's clock (ms). */
  openSince?: number
  /** Zip bytes after each first byte, and their time so far. */
  zipReading?: { bytes: number; ms: number }
  result: Pick<MirrorProbe, 'found' | 'sampled' | 'missing' | 'failures'> & {
    timings: Pick<MirrorProbe['timings'], 'throughputBps'>
  }
}

/**
 * True once the first place of the ranking is decided: some mirror has
 * finished cleanly with every sampled version, and no unfinished mirror can
 * come within `tieMargin` of it (one that already failed a request or lacks
 * a version ranks below it anyway). For an unfinished mirror the latency is
 * at least the median so far (counting the request still open at `now`) and
 * the bandwidth at most what it measured, or unlimited while no zip has been
 * read; a zip read in progress for a while projects its bandwidth, trusted
 * with a safety factor that shrinks as the rate holds, since a transfer can
 * still speed up.
 */
export function firstPlaceDecided(
  mirrors: readonly ProbeProgress[],
  workload: Workload,
  tieMargin: number,
  now: number
): boolean {
  const best = Math.min(...mirrors.map((m) => finishedExpectedMs(m, workload)))
  if (best === Infinity) return false
  const bar = best * (1 + tieMargin)
  return mirrors.every((m) => {
    if (m.done || m.unusable) return true
    // Ranked below any clean mirror whatever its speed: degraded or stale.
    if (m.result.failures.length > 0 || m.result.missing.length > 0) return true
    const openForMs = m.openSince === undefined ? 0 : now - m.openSince
    const latencyMs = lowerBoundMs(m.ttfbSamples, openForMs, workload)
    const costAt = (bps: number): number =>
      latencyMs +
      ((workload.bytes / bps) * 1000) / Math.max(1, workload.concurrency)
    const measuredBps = m.result.timings.throughputBps
    if (measuredBps !== undefined) return costAt(measuredBps) > bar
    if (latencyMs > bar) return true
    const z = m.zipReading
    if (!z || z.ms < PROJECTION_MIN_MS || z.bytes === 0) return false
    const safety = 1 + PROJECTION_MIN_MS / z.ms
    return costAt(z.bytes / (z.ms / 1000)) > bar * safety
  })
}

// The expected time of a mirror that finished cleanly with every sampled
// version and a throughput reading; Infinity for any other.
function finishedExpectedMs(m: ProbeProgress, workload: Workload): number {
  const r = m.result
  if (!m.done || m.unusable || r.failures.length > 0 || r.found < r.sampled)
    return Infinity
  if (r.timings.throughputBps === undefined) return Infinity
  const timings = { ...r.timings, ttfbMs: median(m.ttfbSamples) }
  return expectedMs({ timings }, workload) ?? Infinity
}

/**
 * The least time a mirror still being probed could end up with: its latency
 * is at least the median so far and at least the wait on the request that is
 * still open; its bandwidth could be unlimited.
 */
function lowerBoundMs(
  samples: readonly number[],
  openForMs: number,
  workload: Workload
): number {
  const latency = median(openForMs > 0 ? [...samples, openForMs] : samples)
  return (workload.requests * latency) / Math.max(1, workload.concurrency)
}
