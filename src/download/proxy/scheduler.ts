// Which mirror gets which file, when a request is re-issued elsewhere, and
// when a mirror is dropped for the rest of the run. Pure: the caller passes
// the time in, so every decision is testable with a fake clock.
import { ATTEMPT_KIND, type AttemptFailure } from './attempt-failure.js'

/** What the probe measured of a mirror, used as the scheduler's prior. */
export interface MirrorPrior {
  url: string
  /** Median time to first byte on a kept-alive connection. */
  latencyMs?: number
  /** Throughput of one connection, bytes per second. */
  bps?: number
}

export interface MirrorState {
  url: string
  /** Position in the ranking (0 = best): breaks ties. */
  rank: number
  latencyMs: number
  bps: number
  inflight: number
  /** In-flight requests past their hedge bound with no first byte yet. */
  stalled: number
  /** Until when a 429's Retry-After keeps requests away (clock ms). */
  pausedUntil: number
  consecutiveFailures: number
  dropped?: { atMs: number; why: string }
}

export interface SchedulerOptions {
  /** Connections per mirror before a new request waits behind the others. */
  slotsPerMirror: number
  /** Failures in a row that drop a mirror for the rest of the run. */
  breakerThreshold: number
  /** A request with no first byte after factor × latency (at least the floor) is hedged. */
  hedgeFactor: number
  hedgeFloorMs: number
  /** Longest Retry-After honoured; a longer one is treated as this. */
  maxRetryAfterMs: number
  /** Shortest pause after a 429, whatever Retry-After says (or without one). */
  minRetryAfterMs: number
}

const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  slotsPerMirror: 16,
  breakerThreshold: 3,
  hedgeFactor: 4,
  hedgeFloorMs: 250,
  // No longer than a silent mirror gets for its first byte (the request
  // deadline): one that says "later" earns no more patience than that.
  maxRetryAfterMs: 30_000,
  // A mirror that asked to slow down is never asked again at once (0, a
  // past date or garbage would otherwise make a tight loop); 1 s is the
  // smallest pause Retry-After's seconds can express.
  minRetryAfterMs: 1000
}

// Assumed for a mirror the probe could not time: slow enough that a measured
// mirror is preferred, not so slow that it is never tried.
const UNKNOWN_LATENCY_MS = 500
const UNKNOWN_BPS = 1024 * 1024
// Weight of a new observation in the running latency / throughput figures.
const EWMA = 0.3
// A stalled request makes the mirror look this much slower per stall.
const STALL_PENALTY_MS = 10_000

export class Scheduler {
  readonly mirrors: MirrorState[]
  private readonly opts: SchedulerOptions

  constructor(
    priors: readonly MirrorPrior[],
    opts: Partial<SchedulerOptions> = {}
  ) {
    this.opts = { ...DEFAULT_SCHEDULER_OPTIONS, ...opts }
    this.mirrors = priors.map((p, rank) => ({
      url: p.url,
      rank,
      latencyMs: p.latencyMs ?? UNKNOWN_LATENCY_MS,
      bps: p.bps ?? UNKNOWN_BPS,
      inflight: 0,
      stalled: 0,
      pausedUntil: 0,
      consecutiveFailures: 0
    }))
  }

  /**
   * Expected time until a `bytes`-long file would be complete from this
   * mirror if asked now: its latency and transfer time, both stretched by
   * the requests it already carries beyond its connection slots, plus a
   * penalty per stalled request (a mirror that stopped answering).
   */
  expectedMs(m: MirrorState, bytes: number): number {
    const load = 1 + m.inflight / this.opts.slotsPerMirror
    return (
      (m.latencyMs + (bytes / m.bps) * 1000) * load +
      m.stalled * STALL_PENALTY_MS
    )
  }

  /**
   * Mirrors that may be asked now, best first; `exclude`: already tried for
   * this file. Dropped mirrors come back only as a last resort, when no
   * other is left for the file: a breaker tripped by a noisy moment must not
   * leave go waiting on a mirror that hangs.
   */
  candidates(
    bytes: number,
    now: number,
    exclude: ReadonlySet<string> = new Set()
  ): MirrorState[] {
    const open = this.mirrors.filter(
      (m) => m.pausedUntil <= now && !exclude.has(m.url)
    )
    const kept = open.filter((m) => !m.dropped)
    return (kept.length > 0 ? kept : open).sort(
      (a, b) =>
        this.expectedMs(a, bytes) - this.expectedMs(b, bytes) || a.rank - b.rank
    )
  }

  /** The mirror to ask, or undefined when none may be asked now. */
  choose(
    bytes: number,
    now: number,
    exclude: ReadonlySet<string> = new Set()
  ): MirrorState | undefined {
    return this.candidates(bytes, now, exclude)[0]
  }

  /**
   * When the soonest 429 pause among the not-excluded mirrors ends, or
   * undefined when none is paused (nothing to wait for).
   */
  nextResume(now: number, exclude: ReadonlySet<string>): number | undefined {
    const paused = this.mirrors.filter(
      (m) => !m.dropped && !exclude.has(m.url) && m.pausedUntil > now
    )
    return paused.length > 0
      ? Math.min(...paused.map((m) => m.pausedUntil))
      : undefined
  }

  /** No first byte by this many ms after the request: ask another mirror too. */
  hedgeAfterMs(m: MirrorState): number {
    return Math.max(this.opts.hedgeFloorMs, this.opts.hedgeFactor * m.latencyMs)
  }

  /**
   * True when a transfer under way is projected to finish later than the
   * same file restarted from scratch on `alt` (with a margin of one hedge
   * bound, so that noise does not double the traffic).
   */
  isLate(
    m: MirrorState,
    t: { firstByteAt: number; bytesDone: number; totalBytes: number },
    now: number,
    alt: MirrorState
  ): boolean {
    const elapsed = now - t.firstByteAt
    if (elapsed < this.hedgeAfterMs(m) || t.totalBytes <= t.bytesDone)
      return false
    const rate = t.bytesDone / elapsed // bytes per ms
    const remainingMs =
      rate > 0 ? (t.totalBytes - t.bytesDone) / rate : Infinity
    const restartMs = this.expectedMs(alt, t.totalBytes)
    return remainingMs > restartMs + this.hedgeAfterMs(alt)
  }

  started(m: MirrorState): void {
    m.inflight++
  }

  /** A request passed its hedge bound without a first byte. */
  stalledRequest(m: MirrorState): void {
    m.stalled++
  }

  /** The first byte of a request arrived (after `ttfbMs`), or a stalled one ended. */
  firstByte(m: MirrorState, ttfbMs: number, wasStalled: boolean): void {
    if (wasStalled) m.stalled = Math.max(0, m.stalled - 1)
    m.latencyMs = m.latencyMs * (1 - EWMA) + ttfbMs * EWMA
  }

  /** The request ended (any outcome); `stalled` when it never had a first byte past its bound. */
  ended(m: MirrorState, stalled: boolean): void {
    m.inflight = Math.max(0, m.inflight - 1)
    if (stalled) m.stalled = Math.max(0, m.stalled - 1)
  }

  /** A complete, verified answer: `bytes` took `transferMs` after the first byte. */
  succeeded(m: MirrorState, bytes: number, transferMs: number): void {
    m.consecutiveFailures = 0
    // Small files say nothing about bandwidth.
    if (bytes >= 64 * 1024 && transferMs > 0) {
      const bps = (bytes / transferMs) * 1000
      m.bps = m.bps * (1 - EWMA) + bps * EWMA
    }
  }

  /**
   * An answer that moves the file elsewhere. 404/410 is the mirror's honest
   * "I do not have it" and costs nothing; every other failure counts
   * towards the circuit breaker, 429 too (a mirror that keeps refusing is
   * of no use to the run), which also pauses the mirror for its
   * Retry-After, floored and capped.
   */
  failed(
    m: MirrorState,
    kind: AttemptFailure,
    now: number,
    detail: string,
    retryAfterMs?: number
  ): void {
    if (ATTEMPT_KIND[kind] === 'missing') return
    if (kind === 'rate-limited') {
      const wait = Math.min(
        Math.max(retryAfterMs ?? 0, this.opts.minRetryAfterMs),
        this.opts.maxRetryAfterMs
      )
      m.pausedUntil = Math.max(m.pausedUntil, now + wait)
    }
    m.consecutiveFailures++
    if (!m.dropped && m.consecutiveFailures >= this.opts.breakerThreshold) {
      m.dropped = {
        atMs: now,
        why: `${m.consecutiveFailures} failures in a row, the last: ${kind}: ${detail}`
      }
    }
  }
}
