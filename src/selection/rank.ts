import { createHash } from 'node:crypto'
import {
  FAILURE_KINDS,
  FAILURE_SEVERITY,
  kindCount
} from '../base/failure-kinds.js'
import type { MirrorProbe } from '../probe/result.js'
import {
  expectedMs,
  TIE_MARGIN,
  UNMEASURED_BPS,
  type Workload
} from '../probe/cost-model.js'
import { groupFailures } from '../probe/failure-groups.js'

export type Tier = 'healthy' | 'degraded' | 'failed'

export interface MirrorRanking {
  url: string
  tier: Tier
  found: number
  sampled: number
  /** Sampled versions the mirror answered 404/410 for (a cut-short probe leaves some unasked). */
  missing: number
  /** Expected time for this project's downloads through this mirror alone. */
  expectedMs?: number
  /** Position among usable mirrors (1 = best); undefined when left out. */
  position?: number
  reasons: string[]
}

// Degrading kinds, in the order a mirror's reasons name them.
const DEGRADING = FAILURE_KINDS.filter(
  (k) => FAILURE_SEVERITY[k] === 'degrading'
)

export function tierOf(p: MirrorProbe): { tier: Tier; reasons: string[] } {
  const reasons: string[] = []
  const fatal = p.failures.find(
    (f) => f.fatal || FAILURE_SEVERITY[f.kind] === 'fatal'
  )
  if (fatal) {
    return { tier: 'failed', reasons: [`${fatal.kind}: ${fatal.detail}`] }
  }
  if (p.timings.ttfbMs === undefined) {
    const f = p.failures[0]
    return {
      tier: 'failed',
      reasons: [f ? `${f.kind}: ${f.detail}` : 'no answer']
    }
  }
  if (p.sampled > 0 && p.found === 0 && !p.cutShort) {
    const f = p.failures[0]
    return {
      tier: 'failed',
      reasons: [
        p.missing.length > 0 || !f
          ? 'has none of the sampled versions'
          : `served none of the sampled versions: ${f.kind}: ${f.detail}`
      ]
    }
  }
  // One reason per kind, in this order, with how often it happened.
  const groups = groupFailures(p.failures)
  for (const k of DEGRADING) {
    const g = groups.find((x) => x.kind === k)
    if (g) reasons.push(`${kindCount(k, g.count)}: ${g.example.detail}`.trim())
  }
  const tier = reasons.length > 0 ? 'degraded' : 'healthy'
  // Stopped because it could no longer come first, or by the deadline: its
  // figures are partial, which says nothing about its health.
  if (p.cutShort) reasons.push('probe stopped before it finished')
  return { tier, reasons }
}

const TIER_ORDER: Record<Tier, number> = { healthy: 0, degraded: 1, failed: 2 }

const UNMEASURED_REASON =
  'throughput not measured, so timed at the slowest throughput seen'
const TIE_REASON_END =
  '; the order is drawn per job, so a matrix spreads over them'

/** A reason that says how a mirror's time was estimated or a tie broken. */
export function isOrderingReason(reason: string): boolean {
  return reason === UNMEASURED_REASON || reason.endsWith(TIE_REASON_END)
}

/**
 * Orders mirrors: healthy before degraded, fresh before stale, then by the
 * expected time of this project's downloads. Mirrors within `tieMargin` of
 * each other are ordered by a hash of `tieSeed`, so that the legs of a matrix
 * spread over equally good mirrors instead of all picking the same one.
 */
export function rankMirrors(
  probes: MirrorProbe[],
  workload: Workload,
  tieSeed: string,
  tieMargin = TIE_MARGIN
): MirrorRanking[] {
  // Only usable mirrors say what an unmeasured one may be worth: a trickling
  // one that failed would make every guess absurd.
  const measured = probes
    .filter((p) => tierOf(p).tier !== 'failed')
    .map((p) => p.timings.throughputBps)
    .filter((b): b is number => b !== undefined)
  const fallbackBps =
    measured.length > 0 ? Math.min(...measured) : UNMEASURED_BPS
  const rows = probes.map((p) => {
    const { tier, reasons } = tierOf(p)
    const expected =
      tier === 'failed' ? undefined : expectedMs(p, workload, fallbackBps)
    if (tier !== 'failed' && p.timings.throughputBps === undefined) {
      reasons.push(UNMEASURED_REASON)
    }
    if (p.missing.length > 0 && tier !== 'failed') {
      reasons.push(
        `stale: lacks ${p.missing.length} of ${p.sampled} sampled versions`
      )
    }
    return {
      url: p.url,
      tier,
      found: p.found,
      sampled: p.sampled,
      missing: p.missing.length,
      expectedMs: expected,
      reasons
    } as MirrorRanking
  })
  const usable = rows.filter((r) => r.tier !== 'failed')
  usable.sort(
    (a, b) =>
      TIER_ORDER[a.tier] - TIER_ORDER[b.tier] ||
      a.missing - b.missing ||
      (a.expectedMs ?? Infinity) - (b.expectedMs ?? Infinity)
  )
  const ordered = breakNearTies(usable, tieSeed, tieMargin)
  ordered.forEach((r, i) => (r.position = i + 1))
  return [...ordered, ...rows.filter((r) => r.tier === 'failed')]
}

function breakNearTies(
  rows: MirrorRanking[],
  seed: string,
  margin: number
): MirrorRanking[] {
  const out: MirrorRanking[] = []
  let i = 0
  while (i < rows.length) {
    const head = rows[i]
    let j = i + 1
    while (
      j < rows.length &&
      rows[j].tier === head.tier &&
      rows[j].missing === head.missing &&
      (rows[j].expectedMs ?? Infinity) <=
        (head.expectedMs ?? Infinity) * (1 + margin)
    ) {
      j++
    }
    const group = rows.slice(i, j)
    if (group.length > 1) {
      group.sort((a, b) => tieKey(seed, a.url) - tieKey(seed, b.url))
      for (const r of group)
        r.reasons.push(
          `within ${Math.round(margin * 100)}% of ${group.length - 1} other(s)${TIE_REASON_END}`
        )
    }
    out.push(...group)
    i = j
  }
  return out
}

function tieKey(seed: string, url: string): number {
  return createHash('sha256')
    .update(seed)
    .update('\0')
    .update(url)
    .digest()
    .readUInt32BE(0)
}
