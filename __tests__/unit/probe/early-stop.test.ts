// The early stop against a fake clock: the caller's `now` is the only time
// it reads, so each case moves the clock and watches the decision.
import { describe, expect, it } from '@jest/globals'
import {
  firstPlaceDecided,
  type ProbeProgress
} from '../../../src/probe/early-stop.js'
import { expectedMs, type Workload } from '../../../src/probe/cost-model.js'

const MiB = 1024 * 1024
// 60 requests and 5 MiB of zips, 4 in flight.
const w: Workload = { requests: 60, bytes: 5 * MiB, concurrency: 4 }
const margin = 0.1

function progress(p: Partial<ProbeProgress> & { bps?: number }): ProbeProgress {
  return {
    done: false,
    unusable: false,
    ttfbSamples: [],
    ...p,
    result: {
      found: 3,
      sampled: 3,
      missing: [],
      failures: [],
      timings: { throughputBps: p.bps },
      ...p.result
    }
  }
}

// Finished cleanly: (60 × 10 ms + 5 MiB ÷ 10 MiB/s) / 4 = 275 ms expected.
const fast = progress({ done: true, ttfbSamples: [10, 10, 10], bps: 10 * MiB })
const fastMs = 275

describe('firstPlaceDecided', () => {
  it('has the finished mirror of these cases expect 275 ms', () => {
    expect(
      expectedMs({ timings: { ttfbMs: 10, throughputBps: 10 * MiB } }, w)
    ).toBe(fastMs)
  })

  it('stops once the request a slow mirror still waits on rules it out', () => {
    const clock = { now: 1000 }
    const slow = progress({ openSince: clock.now })
    // Open 5 ms: its latency could still be 5 ms, it could come first.
    clock.now += 5
    expect(firstPlaceDecided([fast, slow], w, margin, clock.now)).toBe(false)
    // Open 25 ms: at least 60 × 25 / 4 = 375 ms > 275 × 1.1.
    clock.now += 20
    expect(firstPlaceDecided([fast, slow], w, margin, clock.now)).toBe(true)
  })

  it('counts the open request as one more latency sample, not the only one', () => {
    const clock = { now: 0 }
    const mirror = progress({ ttfbSamples: [1, 1, 1], openSince: 0 })
    // Median of [1, 1, 1, 10 000]: 1 ms, however long the request is open.
    clock.now = 10_000
    expect(firstPlaceDecided([fast, mirror], w, margin, clock.now)).toBe(false)
  })

  it('weighs an unfinished mirror’s measured bandwidth with the tie margin', () => {
    // (60 × 11 + 1250) / 4 ≈ 290 ms: within 10 % of 275, outside 1 %.
    const close = progress({ ttfbSamples: [11, 11, 11], bps: 10 * MiB })
    expect(firstPlaceDecided([fast, close], w, 0.1, 0)).toBe(false)
    expect(firstPlaceDecided([fast, close], w, 0.01, 0)).toBe(true)
  })

  describe('a zip read in progress', () => {
    // Same latency as the finished mirror: only its bandwidth can rule it out.
    const reading = (bytes: number, ms: number): ProbeProgress =>
      progress({ ttfbSamples: [10, 10, 10], zipReading: { bytes, ms } })

    // A reading is trusted after 250 ms, with a safety factor of 1 + 250 ms / its length.
    it('projects nothing before it has run long enough', () => {
      const crawl = reading(1024, 249)
      expect(firstPlaceDecided([fast, crawl], w, margin, 0)).toBe(false)
    })

    it('rules out a slow projection, trusted more the longer the rate holds', () => {
      // At 4 MiB/s: 150 + 1250 / 4 = 462.5 ms, 1.68× the bar.
      // After 250 ms the projection must lose by 2×: not yet.
      expect(
        firstPlaceDecided([fast, reading(1 * MiB, 250)], w, margin, 0)
      ).toBe(false)
      // After 1 s by 1.25×: it does.
      expect(
        firstPlaceDecided([fast, reading(4 * MiB, 1000)], w, margin, 0)
      ).toBe(true)
    })

    it('keeps waiting for a fast one', () => {
      expect(
        firstPlaceDecided([fast, reading(100 * MiB, 1000)], w, margin, 0)
      ).toBe(false)
    })

    it('is not needed once the bandwidth was measured', () => {
      const measured = progress({ ttfbSamples: [10, 10, 10], bps: 4 * MiB })
      expect(firstPlaceDecided([fast, measured], w, margin, 0)).toBe(true)
    })
  })

  describe('nothing finished yet', () => {
    const hopeless = progress({ openSince: 0, ttfbSamples: [5000] })

    it('never stops, however slow the others are', () => {
      const busy = progress({ ttfbSamples: [10, 10] })
      expect(firstPlaceDecided([busy, hopeless], w, margin, 60_000)).toBe(false)
      expect(firstPlaceDecided([], w, margin, 0)).toBe(false)
    })

    it('does not count a finished mirror that failed, lacks a version or has no bandwidth', () => {
      const failed = progress({
        done: true,
        ttfbSamples: [1, 1, 1],
        bps: 10 * MiB,
        result: {
          found: 3,
          sampled: 3,
          missing: [],
          failures: [
            {
              kind: 'server-error',
              request: '/m/@v/v1.0.0.info',
              detail: '500'
            }
          ],
          timings: { throughputBps: 10 * MiB }
        }
      })
      const stale = progress({
        done: true,
        ttfbSamples: [1, 1, 1],
        result: {
          found: 2,
          sampled: 3,
          missing: [{ path: 'example.com/m', version: 'v1.0.0' }],
          failures: [],
          timings: { throughputBps: 10 * MiB }
        }
      })
      const unmeasured = progress({ done: true, ttfbSamples: [1, 1, 1] })
      for (const m of [failed, stale, unmeasured]) {
        expect(firstPlaceDecided([m, hopeless], w, margin, 60_000)).toBe(false)
      }
    })
  })

  it('ignores unfinished mirrors that already rank below a clean one', () => {
    const failedOnce = progress({
      result: {
        found: 0,
        sampled: 3,
        missing: [],
        failures: [{ kind: 'timeout', request: '/', detail: 'x' }],
        timings: {}
      }
    })
    const stale = progress({
      result: {
        found: 0,
        sampled: 3,
        missing: [{ path: 'example.com/m', version: 'v1.0.0' }],
        failures: [],
        timings: {}
      }
    })
    const unusable = progress({ unusable: true })
    expect(
      firstPlaceDecided([fast, failedOnce, stale, unusable], w, margin, 0)
    ).toBe(true)
  })
})
