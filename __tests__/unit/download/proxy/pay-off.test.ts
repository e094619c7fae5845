import { describe, expect, it } from '@jest/globals'
import { prefetchPays } from '../../../../src/download/proxy/pay-off.js'

const MB = 1e6
const base = { goWorkers: 2, concurrency: 32 }

describe('whether the prefetch pays', () => {
  it('leaves go alone when the module cache already holds everything', () => {
    const p = prefetchPays({
      ...base,
      files: 0,
      bytes: 0,
      mirrors: [{ latencyMs: 5, bps: 50 * MB }]
    })
    expect(p.pays).toBe(false)
    expect(p.why).toMatch(/already in the module cache/)
  })

  it('leaves go alone for a handful of files from a near mirror: the fixed cost outweighs three round trips', () => {
    const p = prefetchPays({
      ...base,
      files: 9,
      bytes: 3 * 200_000,
      mirrors: [{ latencyMs: 7, bps: 40 * MB }]
    })
    expect(p.pays).toBe(false)
    expect(p.why).toMatch(/^go alone: /)
  })

  it('prefetches a real graph from a far mirror (the act graph at 150 ms)', () => {
    const p = prefetchPays({
      ...base,
      files: 365,
      bytes: 124 * MB,
      mirrors: [{ latencyMs: 150, bps: 4 * MB }]
    })
    expect(p.pays).toBe(true)
    expect(p.goAloneMs! / p.prefetchMs!).toBeGreaterThan(3)
  })

  it('prefetches hundreds of files even from a near mirror, where go has two workers', () => {
    const p = prefetchPays({
      ...base,
      files: 546,
      bytes: 121 * MB,
      mirrors: [{ latencyMs: 7, bps: 30 * MB }]
    })
    expect(p.pays).toBe(true)
  })

  it('weighs go by its own workers: with as many as the engine there is nothing to win', () => {
    const p = prefetchPays({
      goWorkers: 32,
      concurrency: 32,
      files: 546,
      bytes: 121 * MB,
      mirrors: [{ latencyMs: 7, bps: 30 * MB }]
    })
    expect(p.pays).toBe(false)
  })

  it('prefetches when the best mirror was not measured, since far fields are where that happens', () => {
    expect(
      prefetchPays({ ...base, files: 30, bytes: MB, mirrors: [{}] }).pays
    ).toBe(true)
  })

  it('pays more as the mirror gets further, never less', () => {
    const at = (latencyMs: number) =>
      prefetchPays({
        ...base,
        files: 60,
        bytes: 2 * MB,
        mirrors: [{ latencyMs, bps: 20 * MB }]
      })
    const gains = [1, 5, 20, 80, 300].map((l) => {
      const p = at(l)
      return p.goAloneMs! - p.prefetchMs!
    })
    expect([...gains].sort((a, b) => a - b)).toEqual(gains)
    expect(at(1).pays).toBe(false)
    expect(at(300).pays).toBe(true)
  })
})
