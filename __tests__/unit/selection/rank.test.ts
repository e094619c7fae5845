// Long: the ranking maths (median, expected time, lower bound, tiers, near-ties) with worked numbers per case.
import { describe, expect, it } from '@jest/globals'
import {
  isOrderingReason,
  rankMirrors,
  tierOf
} from '../../../src/selection/rank.js'
import {
  expectedMs,
  median,
  type Workload
} from '../../../src/probe/cost-model.js'
import { mirrorProbe as probe } from '../../support/probes.js'
import {
  FAILURE_KINDS,
  FAILURE_SEVERITY,
  type Severity
} from '../../../src/base/failure-kinds.js'

const MiB = 1024 * 1024

// 40 module versions, 20 zips of ~256 KiB, 4 requests in flight
const w: Workload = { requests: 60, bytes: 5 * MiB, concurrency: 4 }

describe('median', () => {
  it('handles odd, even and empty lists without sorting the input', () => {
    const xs = [30, 10, 20]
    expect(median(xs)).toBe(20)
    expect(xs).toEqual([30, 10, 20])
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([7])).toBe(7)
    expect(median([])).toBe(0)
  })
})

describe('expectedMs', () => {
  it('spreads request latency and transfer time over concurrency', () => {
    const p = probe('https://a.test', { ttfbMs: 40, bps: MiB })
    // (60 × 40 + 5 MiB ÷ 1 MiB/s) / 4
    expect(expectedMs(p, w)).toBeCloseTo((2400 + 5000) / 4)
  })

  it('treats concurrency below one as one', () => {
    const p = probe('https://a.test', { ttfbMs: 10, bps: MiB })
    expect(expectedMs(p, { requests: 10, bytes: 0, concurrency: 0 })).toBe(100)
  })

  it('uses the fallback throughput when none was measured', () => {
    const p = probe('https://a.test', { ttfbMs: 10, bps: undefined })
    expect(
      expectedMs(p, { requests: 0, bytes: MiB, concurrency: 1 }, MiB)
    ).toBe(1000)
    expect(
      expectedMs(p, { requests: 0, bytes: 256 * 1024, concurrency: 1 })
    ).toBe(1000)
  })

  it('is undefined without a latency', () => {
    expect(expectedMs(probe('https://a.test', { ttfbMs: undefined }), w)).toBe(
      undefined
    )
  })
})

describe('tierOf', () => {
  it('calls a clean probe healthy', () => {
    expect(tierOf(probe('https://a.test'))).toEqual({
      tier: 'healthy',
      reasons: []
    })
  })

  it.each([
    'dns',
    'refused',
    'tls',
    'auth',
    'bad-response',
    'checksum'
  ] as const)('fails a mirror on %s', (kind) => {
    const t = tierOf(probe('https://a.test', { failures: [{ kind }] }))
    expect(t.tier).toBe('failed')
    expect(t.reasons[0]).toBe(`${kind}: boom`)
  })

  it('fails a mirror on a failure marked fatal (a stall)', () => {
    const t = tierOf(
      probe('https://a.test', {
        failures: [{ kind: 'timeout', detail: 'stalled', fatal: true }]
      })
    )
    expect(t).toEqual({ tier: 'failed', reasons: ['timeout: stalled'] })
  })

  it('fails a mirror that never answered', () => {
    expect(tierOf(probe('https://a.test', { ttfbMs: undefined }))).toEqual({
      tier: 'failed',
      reasons: ['no answer']
    })
    expect(
      tierOf(
        probe('https://a.test', {
          ttfbMs: undefined,
          failures: [{ kind: 'timeout', detail: 'no headers' }]
        })
      ).reasons
    ).toEqual(['timeout: no headers'])
  })

  it('fails a mirror that has none of the sampled versions', () => {
    expect(tierOf(probe('https://a.test', { found: 0, sampled: 3 }))).toEqual({
      tier: 'failed',
      reasons: ['has none of the sampled versions']
    })
  })

  it.each([
    'rate-limited',
    'server-error',
    'upstream',
    'timeout',
    'network'
  ] as const)('degrades a mirror on %s', (kind) => {
    const t = tierOf(probe('https://a.test', { failures: [{ kind }] }))
    expect(t).toEqual({ tier: 'degraded', reasons: [`${kind}: boom`] })
  })

  const TIER_OF: Record<Severity, string> = {
    fatal: 'failed',
    degrading: 'degraded',
    neutral: 'healthy'
  }

  it.each(FAILURE_KINDS)(
    'ranks a mirror with a %s failure by its severity',
    (kind) => {
      const t = tierOf(probe('https://a.test', { failures: [{ kind }] }))
      expect(t.tier).toBe(TIER_OF[FAILURE_SEVERITY[kind]])
    }
  )

  it('names degrading kinds in the severity table order, whatever came first', () => {
    const degrading = FAILURE_KINDS.filter(
      (k) => FAILURE_SEVERITY[k] === 'degrading'
    )
    const t = tierOf(
      probe('https://a.test', {
        failures: [...degrading].reverse().map((kind) => ({ kind }))
      })
    )
    expect(t.reasons).toEqual(degrading.map((k) => `${k}: boom`))
  })

  it('gives one reason per kind, counting repeats, with the first detail', () => {
    const t = tierOf(
      probe('https://a.test', {
        found: 2,
        unasked: 1,
        failures: [
          { kind: 'timeout', detail: 'stalled' },
          ...[502, 503, 504].map((status) => ({
            kind: 'server-error' as const,
            status,
            detail: `HTTP ${status}`
          }))
        ]
      })
    )
    expect(t).toEqual({
      tier: 'degraded',
      reasons: ['server-error ×3: HTTP 502', 'timeout: stalled']
    })
  })

  it('fails a mirror that served none of the sampled versions', () => {
    const t = tierOf(
      probe('https://a.test', {
        found: 0,
        unasked: 3,
        failures: [{ kind: 'server-error', detail: '503' }]
      })
    )
    expect(t).toEqual({
      tier: 'failed',
      reasons: ['served none of the sampled versions: server-error: 503']
    })
  })

  it('keeps a cut-short mirror healthy with a note; missing alone is not a failure', () => {
    expect(tierOf(probe('https://a.test', { cutShort: true }))).toEqual({
      tier: 'healthy',
      reasons: ['probe stopped before it finished']
    })
    expect(
      tierOf(
        probe('https://a.test', {
          found: 2,
          failures: [{ kind: 'missing', status: 404 }]
        })
      ).tier
    ).toBe('healthy')
  })
})

const urls = (rs: { url: string }[]) => rs.map((r) => r.url)

describe('rankMirrors', () => {
  it('orders usable mirrors by expected time and numbers them', () => {
    const r = rankMirrors(
      [
        probe('https://slow.test', { ttfbMs: 300 }),
        probe('https://fast.test', { ttfbMs: 20 }),
        probe('https://mid.test', { ttfbMs: 100 })
      ],
      w,
      'seed'
    )
    expect(urls(r)).toEqual([
      'https://fast.test',
      'https://mid.test',
      'https://slow.test'
    ])
    expect(r.map((x) => x.position)).toEqual([1, 2, 3])
    expect(r[0].expectedMs).toBeLessThan(r[1].expectedMs!)
  })

  it('prefers a farther wide mirror over a near thin one that finishes later', () => {
    // near: 60 × 15 / 4 + 5 MiB ÷ 200 KiB/s ≈ 225 + 25600 ms
    // far:  60 × 80 / 4 + 5 MiB ÷ 20 MiB/s  = 1200 + 250 ms
    const near = probe('https://near-thin.test', {
      ttfbMs: 15,
      bps: 200 * 1024
    })
    const far = probe('https://far-wide.test', { ttfbMs: 80, bps: 20 * MiB })
    for (const order of [
      [near, far],
      [far, near]
    ]) {
      const r = rankMirrors(order, w, 'seed')
      expect(urls(r)).toEqual([
        'https://far-wide.test',
        'https://near-thin.test'
      ])
    }
    // with nothing to transfer, latency alone decides
    const r = rankMirrors([far, near], { ...w, bytes: 0 }, 'seed')
    expect(r[0].url).toBe('https://near-thin.test')
  })

  it('puts healthy before degraded, however fast the degraded one is', () => {
    const r = rankMirrors(
      [
        probe('https://flaky.test', {
          ttfbMs: 5,
          failures: [{ kind: 'server-error', status: 502, detail: 'HTTP 502' }]
        }),
        probe('https://limited.test', {
          ttfbMs: 5,
          failures: [
            {
              kind: 'rate-limited',
              status: 429,
              detail: 'HTTP 429',
              retryAfterSec: 30
            }
          ]
        }),
        probe('https://steady.test', { ttfbMs: 200, bps: 2 * MiB })
      ],
      w,
      'seed'
    )
    expect(r[0].url).toBe('https://steady.test')
    expect(r[0].tier).toBe('healthy')
    expect(r.slice(1).map((x) => x.tier)).toEqual(['degraded', 'degraded'])
    const limited = r.find((x) => x.url === 'https://limited.test')!
    expect(limited.position).toBeGreaterThan(1)
    expect(limited.reasons).toContain('rate-limited: HTTP 429')
  })

  it('puts fresh before stale within a tier', () => {
    const r = rankMirrors(
      [
        probe('https://stale.test', { ttfbMs: 10, found: 2, sampled: 3 }),
        probe('https://fresh.test', { ttfbMs: 150, found: 3, sampled: 3 })
      ],
      w,
      'seed'
    )
    expect(urls(r)).toEqual(['https://fresh.test', 'https://stale.test'])
    expect(r[1].reasons).toContain('stale: lacks 1 of 3 sampled versions')
    expect(r[1].position).toBe(2)
  })

  it('leaves failed mirrors unranked, after the usable ones, with a reason', () => {
    const r = rankMirrors(
      [
        probe('https://dead.test', {
          ttfbMs: undefined,
          bps: undefined,
          failures: [{ kind: 'refused', detail: 'connect ECONNREFUSED' }]
        }),
        probe('https://tampered.test', {
          ttfbMs: 5,
          failures: [{ kind: 'checksum', detail: 'h1 mismatch' }]
        }),
        probe('https://ok.test', { ttfbMs: 100 })
      ],
      w,
      'seed'
    )
    expect(urls(r)).toEqual([
      'https://ok.test',
      'https://dead.test',
      'https://tampered.test'
    ])
    expect(r.map((x) => x.position)).toEqual([1, undefined, undefined])
    expect(r[1]).toMatchObject({
      tier: 'failed',
      expectedMs: undefined,
      reasons: ['refused: connect ECONNREFUSED']
    })
    expect(r[2].reasons).toEqual(['checksum: h1 mismatch'])
  })

  it('assumes the slowest measured throughput when a zip read did not finish', () => {
    const r = rankMirrors(
      [
        probe('https://unmeasured.test', { ttfbMs: 20, bps: undefined }),
        probe('https://slow.test', { ttfbMs: 30, bps: MiB }),
        probe('https://quick.test', { ttfbMs: 30, bps: 8 * MiB })
      ],
      w,
      'seed'
    )
    const un = r.find((x) => x.url === 'https://unmeasured.test')!
    expect(un.expectedMs).toBeCloseTo((60 * 20 + 5000) / 4)
    expect(un.reasons).toContain(
      'throughput not measured, so timed at the slowest throughput seen'
    )
    expect(un.reasons.filter(isOrderingReason)).toHaveLength(1)
    expect(r[0].url).toBe('https://quick.test')
  })

  it('does not count versions a cut-short probe never asked as stale', () => {
    const r = rankMirrors(
      [
        probe('https://stale.test', { ttfbMs: 10, found: 2, sampled: 3 }),
        probe('https://cut.test', {
          ttfbMs: 20,
          found: 1,
          sampled: 3,
          unasked: 2,
          cutShort: true
        })
      ],
      w,
      'seed'
    )
    expect(r.map((x) => x.url)).toEqual([
      'https://cut.test',
      'https://stale.test'
    ])
    expect(r[0].missing).toBe(0)
    expect(r[1].reasons.join()).toMatch(/stale: lacks 1 of 3/)
  })

  describe('near-ties', () => {
    const a = probe('https://a.test', { ttfbMs: 100, bps: 10 * MiB })
    const b = probe('https://b.test', { ttfbMs: 101, bps: 10 * MiB })
    const c = probe('https://c.test', { ttfbMs: 400, bps: 10 * MiB })

    it('are ordered the same way for the same seed', () => {
      const one = urls(rankMirrors([a, b, c], w, 'run-7/job-1'))
      for (let i = 0; i < 5; i++) {
        expect(urls(rankMirrors([b, a, c], w, 'run-7/job-1'))).toEqual(one)
      }
    })

    it('can be ordered differently by different seeds', () => {
      const firsts = new Set<string>()
      for (let i = 0; i < 40; i++) {
        const r = rankMirrors([a, b, c], w, `run-1/leg-${i}`)
        firsts.add(r[0].url)
        // the clearly slower mirror is never pulled into the tie
        expect(r[2].url).toBe('https://c.test')
      }
      expect(firsts).toEqual(new Set(['https://a.test', 'https://b.test']))
    })

    it('say so in the reasons', () => {
      const r = rankMirrors([a, b, c], w, 'seed')
      expect(r[0].reasons.join(' ')).toMatch(/within 5% of 1 other\(s\)/)
      expect(r[0].reasons.filter(isOrderingReason)).toHaveLength(1)
      expect(r[2].reasons.join(' ')).not.toMatch(/within 5%/)
    })

    it('respect the margin', () => {
      // 10% slower: not a tie at the default 5% margin, a tie at 20%
      const d = probe('https://d.test', { ttfbMs: 100, bps: 10 * MiB })
      const e = probe('https://e.test', { ttfbMs: 110, bps: 10 * MiB })
      const work = { ...w, bytes: 0 }
      for (let i = 0; i < 20; i++) {
        expect(rankMirrors([e, d], work, `s${i}`)[0].url).toBe('https://d.test')
      }
      const firsts = new Set<string>()
      for (let i = 0; i < 40; i++) {
        firsts.add(rankMirrors([e, d], work, `s${i}`, 0.2)[0].url)
      }
      expect(firsts.size).toBe(2)
    })

    it('never mix tiers or freshness', () => {
      const stale = probe('https://stale.test', {
        ttfbMs: 100,
        bps: 10 * MiB,
        found: 2
      })
      const degraded = probe('https://deg.test', {
        ttfbMs: 100,
        bps: 10 * MiB,
        failures: [{ kind: 'upstream' }]
      })
      for (let i = 0; i < 30; i++) {
        const r = rankMirrors([degraded, stale, a], w, `s${i}`)
        expect(urls(r)).toEqual([
          'https://a.test',
          'https://stale.test',
          'https://deg.test'
        ])
      }
    })
  })
})
