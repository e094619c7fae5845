import { firstPlaceDecided } from './early-stop.js'
import type { GoSumEntry } from '../gomod/gosum.js'
import {
  finalResult,
  newProbeState,
  noteStop,
  type MirrorProbeState
} from './probe-state.js'
import { checkFreshness, probeTimedSequence } from './request-sequences.js'
import type { MirrorProbe } from './result.js'
import { TIE_MARGIN, type Workload } from './cost-model.js'
import { measureThroughput } from './zip-throughput.js'

export interface ProbeOptions {
  /** Module versions to request, with go.sum hashes when known. */
  modules: GoSumEntry[]
  /**
   * More module versions whose .info is asked on side connections: a stale,
   * flaky or rate-limiting mirror shows itself over more requests than the
   * timed ones.
   */
  freshness?: GoSumEntry[]
  /** The whole probe phase ends by then (ms from start). */
  deadlineMs: number
  /** Upper bound of the throughput-measuring .zip reads. */
  zipTimeBoxMs: number
  /** Used to stop early once slower mirrors cannot change the choice. */
  workload: Workload
  /** Mirrors whose expected time is within this share of the best must finish. */
  tieMargin?: number
}

// How often the early stop is checked.
const EARLY_STOP_CHECK_MS = 20

/**
 * Probes every mirror in parallel the way go will use it: .info, .mod and one
 * .zip of this project's own module versions over one kept-alive connection,
 * plus the sumdb `supported` endpoint. Ends by the deadline whatever the
 * mirrors do, and earlier once no unfinished mirror can still come first.
 */
export async function probeMirrors(
  urls: string[],
  opts: ProbeOptions
): Promise<MirrorProbe[]> {
  const start = performance.now()
  const stop = new AbortController()
  const mirrors = urls.map((url) =>
    newProbeState(url, opts.modules.length + (opts.freshness?.length ?? 0))
  )
  stop.signal.addEventListener('abort', () =>
    noteStop(mirrors, performance.now())
  )
  const deadline = setTimeout(
    () => stop.abort(new ProbeDeadlineError()),
    opts.deadlineMs
  )
  const earlyStop = setInterval(() => {
    const decided = firstPlaceDecided(
      mirrors,
      opts.workload,
      opts.tieMargin ?? TIE_MARGIN,
      performance.now()
    )
    if (decided) stop.abort(new SettledError())
  }, EARLY_STOP_CHECK_MS)
  try {
    await Promise.all(mirrors.map((m) => probeMirror(m, opts, stop.signal)))
  } finally {
    clearTimeout(deadline)
    clearInterval(earlyStop)
  }
  const elapsedMs = performance.now() - start
  const settled = stop.signal.reason instanceof SettledError
  return mirrors.map((m) => finalResult(m, settled, elapsedMs))
}

class ProbeDeadlineError extends Error {
  name = 'TimeoutError'
}
class SettledError extends Error {
  name = 'SettledError'
}

// The three sequences of one mirror run in parallel, each on its own
// connections; the mirror is done when all three completed.
async function probeMirror(
  mirror: MirrorProbeState,
  opts: ProbeOptions,
  signal: AbortSignal
): Promise<void> {
  const base = new URL(mirror.result.url)
  const prefix = base.pathname.replace(/\/$/, '')
  const completed = await Promise.all([
    opts.freshness?.length
      ? checkFreshness(mirror, base, prefix, opts.freshness, signal)
      : true,
    probeTimedSequence(mirror, base, prefix, opts.modules, signal),
    measureThroughput(
      mirror,
      base,
      prefix,
      [...opts.modules, ...(opts.freshness ?? [])],
      opts.zipTimeBoxMs,
      signal
    )
  ])
  if (completed.every(Boolean) && !mirror.unusable && !signal.aborted)
    mirror.done = true
}
