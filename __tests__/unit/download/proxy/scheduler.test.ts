import { describe, expect, it } from '@jest/globals'
import { Scheduler } from '../../../../src/download/proxy/scheduler.js'

const MB = 1e6
const none = new Set<string>()

const mirror = (s: Scheduler, url: string) =>
  s.mirrors.find((m) => m.url === url)!

function two(opts = {}) {
  return new Scheduler(
    [
      { url: 'https://near.example', latencyMs: 30, bps: 2 * MB },
      { url: 'https://far-wide.example', latencyMs: 150, bps: 50 * MB }
    ],
    opts
  )
}

describe('scheduler', () => {
  it('sends small files to the low-latency mirror and large ones to the wide one', () => {
    const s = two()
    expect(s.choose(1000, 0)?.url).toBe('https://near.example')
    // 4 MB: 30 ms + 2000 ms against 150 ms + 80 ms.
    expect(s.choose(4 * MB, 0)?.url).toBe('https://far-wide.example')
  })

  it('spreads load: a mirror carrying many requests loses to an idle one', () => {
    const s = two({ slotsPerMirror: 4 })
    const near = mirror(s, 'https://near.example')
    for (let i = 0; i < 20; i++) s.started(near)
    // (30 + 0.5) × 6 = 183 ms against 150 ms.
    expect(s.choose(1000, 0)?.url).toBe('https://far-wide.example')
  })

  it('derives the hedge bound from the measured latency, with a floor', () => {
    const s = two({ hedgeFactor: 4, hedgeFloorMs: 250 })
    expect(s.hedgeAfterMs(mirror(s, 'https://near.example'))).toBe(250)
    expect(s.hedgeAfterMs(mirror(s, 'https://far-wide.example'))).toBe(600)
    // The bound follows what the mirror shows during the run.
    const far = mirror(s, 'https://far-wide.example')
    for (let i = 0; i < 20; i++) s.firstByte(far, 400, false)
    expect(s.hedgeAfterMs(far)).toBeGreaterThan(1500)
  })

  it('a stalled request pushes a mirror behind the others until it answers', () => {
    const s = two()
    const near = mirror(s, 'https://near.example')
    s.started(near)
    s.stalledRequest(near)
    expect(s.choose(1000, 0)?.url).toBe('https://far-wide.example')
    s.firstByte(near, 40, true)
    s.ended(near, false)
    expect(s.choose(1000, 0)?.url).toBe('https://near.example')
  })

  it('projects a transfer late only when a restart elsewhere finishes sooner by a margin', () => {
    const s = two({ hedgeFloorMs: 250 })
    const near = mirror(s, 'https://near.example')
    const far = mirror(s, 'https://far-wide.example')
    const total = 10 * MB
    // 1 s in, 0.1 MB done: 99 s to go; far restarts in ~350 ms.
    expect(
      s.isLate(
        near,
        { firstByteAt: 0, bytesDone: 0.1 * MB, totalBytes: total },
        1000,
        far
      )
    ).toBe(true)
    // 1 s in, 9.9 MB done: 10 ms to go.
    expect(
      s.isLate(
        near,
        { firstByteAt: 0, bytesDone: 9.9 * MB, totalBytes: total },
        1000,
        far
      )
    ).toBe(false)
    // Too early to judge a rate: inside the hedge bound.
    expect(
      s.isLate(
        near,
        { firstByteAt: 0, bytesDone: 1, totalBytes: total },
        100,
        far
      )
    ).toBe(false)
  })

  it('429 pauses the mirror for its Retry-After, capped, then it comes back', () => {
    const s = two()
    const near = mirror(s, 'https://near.example')
    s.failed(near, 'rate-limited', 1000, '429', 5000)
    expect(s.choose(1000, 1000)?.url).toBe('https://far-wide.example')
    expect(s.choose(1000, 5999)?.url).toBe('https://far-wide.example')
    expect(s.choose(1000, 6000)?.url).toBe('https://near.example')
    expect(s.nextResume(2000, new Set(['https://far-wide.example']))).toBe(6000)
    s.failed(near, 'rate-limited', 10_000, '429', 3_600_000)
    expect(near.pausedUntil).toBe(40_000)
  })

  it.each([0, undefined])(
    'pauses at least 1 s on Retry-After %p: never a tight loop',
    (retryAfterMs) => {
      const s = two()
      const near = mirror(s, 'https://near.example')
      s.failed(near, 'rate-limited', 1000, '429', retryAfterMs)
      expect(near.pausedUntil).toBe(2000)
    }
  )

  it('counts 429s in a row towards dropping the mirror', () => {
    const s = two({ breakerThreshold: 3 })
    const near = mirror(s, 'https://near.example')
    for (const t of [10, 2000, 4000])
      s.failed(near, 'rate-limited', t, '429', 1000)
    expect(near.dropped?.why).toMatch(
      /^3 failures in a row, the last: rate-limited/
    )
  })

  it('drops a mirror after failures in a row, saying when and why; 404 and success do not count', () => {
    const s = two({ breakerThreshold: 3 })
    const near = mirror(s, 'https://near.example')
    s.failed(near, 'server-error', 10, '502', undefined)
    s.failed(near, 'not-found', 20, '404', undefined)
    s.failed(near, 'checksum', 30, 'h1:x, go.sum has h1:y', undefined)
    s.succeeded(near, 100, 1)
    expect(near.consecutiveFailures).toBe(0)
    s.failed(near, 'timeout', 40, 'no first byte', undefined)
    s.failed(near, 'truncated', 50, '10 of 20 bytes', undefined)
    expect(near.dropped).toBeUndefined()
    s.failed(near, 'garbage', 60, 'an HTML page', undefined)
    expect(near.dropped).toEqual({
      atMs: 60,
      why: '3 failures in a row, the last: garbage: an HTML page'
    })
    expect(s.candidates(1000, 100).map((m) => m.url)).toEqual([
      'https://far-wide.example'
    ])
  })

  it('asks a dropped mirror again only when no other is left for the file', () => {
    const s = two({ breakerThreshold: 1 })
    const near = mirror(s, 'https://near.example')
    s.failed(near, 'timeout', 0, 'no first byte', undefined)
    expect(s.choose(1000, 0)?.url).toBe('https://far-wide.example')
    expect(s.choose(1000, 0, new Set(['https://far-wide.example']))?.url).toBe(
      'https://near.example'
    )
    s.failed(near, 'rate-limited', 0, '429', 5000)
    expect(
      s.choose(1000, 0, new Set(['https://far-wide.example']))
    ).toBeUndefined()
  })

  it('excludes mirrors already tried for a file; none left means undefined', () => {
    const s = two()
    const tried = new Set(['https://near.example', 'https://far-wide.example'])
    expect(s.choose(1000, 0, new Set(['https://near.example']))?.url).toBe(
      'https://far-wide.example'
    )
    expect(s.choose(1000, 0, tried)).toBeUndefined()
    expect(s.nextResume(0, none)).toBeUndefined()
  })

  it('learns throughput from large transfers only', () => {
    const s = two()
    const near = mirror(s, 'https://near.example')
    s.succeeded(near, 1000, 1)
    expect(near.bps).toBe(2 * MB)
    s.succeeded(near, 10 * MB, 1000)
    expect(near.bps).toBeCloseTo(0.7 * 2 * MB + 0.3 * 10 * MB)
  })
})
