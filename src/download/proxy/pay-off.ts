// Whether the wide prefetch beats go alone, from what the probe measured and
// what the plan holds. go fetches with GOMAXPROCS workers, each file a round
// trip, each module's .info, .mod and .zip one after another; the engine
// keeps `concurrency` requests open per lane across the ranked mirrors. The
// bytes cost the same CPU either way (the engine hashes a zip so go does
// not), so what is left to win is round trips and bandwidth, against the
// engine's fixed cost of starting up. Pure.

export interface PayoffInput {
  /** Files the engine would fetch and could verify. */
  files: number
  /** Expected bytes of those files. */
  bytes: number
  /** go's download workers (GOMAXPROCS). */
  goWorkers: number
  /** download-concurrency. */
  concurrency: number
  /** The ranked mirrors, best first, as the probe measured them. */
  mirrors: readonly { latencyMs?: number; bps?: number }[]
}

export interface Payoff {
  pays: boolean
  goAloneMs?: number
  prefetchMs?: number
  why: string
}

// Starting the pools and the spool, and moving files into the cache.
const ENGINE_FIXED_MS = 150
// Below this the estimates are noise next to the fixed cost.
const MARGIN_MS = 100
// Connections the engine holds to one mirror for bytes: a mirror's link,
// not the request count, bounds the rate past a few of them.
const BYTE_STREAMS = 6

export function prefetchPays(x: PayoffInput): Payoff {
  if (x.files === 0)
    return {
      pays: false,
      why: 'go alone: everything go needs is already in the module cache'
    }
  const best = x.mirrors[0]
  if (best?.latencyMs === undefined || !best.bps)
    return {
      pays: true,
      why: 'the prefetch: the best mirror was not measured, as happens with far ones'
    }
  const goAloneMs = estimateMs(
    x.files,
    x.bytes,
    best.latencyMs,
    best.bps,
    x.goWorkers,
    x.goWorkers
  )
  const prefetchMs =
    ENGINE_FIXED_MS +
    estimateMs(
      x.files,
      x.bytes,
      best.latencyMs,
      best.bps,
      x.concurrency,
      Math.min(x.concurrency, BYTE_STREAMS) * Math.max(1, x.mirrors.length)
    )
  const pays = goAloneMs - prefetchMs > MARGIN_MS
  const verdict = pays ? 'the prefetch' : 'go alone'
  return {
    pays,
    goAloneMs,
    prefetchMs,
    why: `${verdict}: about ${fmt(prefetchMs)} prefetching ${x.files} file(s) against ${fmt(goAloneMs)} for go alone`
  }
}

function estimateMs(
  files: number,
  bytes: number,
  latencyMs: number,
  bps: number,
  requestsAtOnce: number,
  streams: number
): number {
  return (files * latencyMs) / requestsAtOnce + (bytes / (bps * streams)) * 1000
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`
}
