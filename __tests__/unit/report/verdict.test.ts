import { describe, expect, it } from '@jest/globals'
import type { MirrorRecord } from '../../../src/download/proxy/record.js'
import { synthesizeChain } from '../../../src/selection/chain.js'
import { rankMirrors } from '../../../src/selection/rank.js'
import type { RunReport } from '../../../src/report/report.js'
import { verdictLine } from '../../../src/report/verdict.js'
import {
  latestFixtureReport,
  reportWithDownloads
} from '../../support/download-fixtures.js'
import { mirrorProbe, type ProbeOptions } from '../../support/probes.js'

const MiB = 1024 * 1024

/** A run over these mirrors with the ok downloads; `dropped` mirrors were dropped by the prefetch. */
function run(
  probes: [string, ProbeOptions][],
  maxMirrors: number,
  dropped: string[] = []
): RunReport {
  const ranking = rankMirrors(
    probes.map(([url, o]) => mirrorProbe(url, o)),
    { requests: 30, bytes: 3 * MiB, concurrency: 2 },
    'seed'
  )
  const chain = synthesizeChain({
    privateProxies: [],
    ranking,
    maxMirrors,
    fallbackOn: 'any-error',
    directFallback: true
  })
  const mirrors: MirrorRecord[] = chain.entries
    .filter((e) => e.role === 'mirror')
    .map((e) => ({
      url: e.url,
      files: 0,
      bytes: 0,
      hedgesWon: 0,
      failures: {},
      badFiles: [],
      ...(dropped.includes(e.url)
        ? { dropped: { atMs: 900, why: '5 failures in a row (server-error)' } }
        : {})
    }))
  const downloads = latestFixtureReport('ok')
  downloads.proxy = {
    goproxy: chain.goproxy,
    planned: 3,
    concurrency: 4,
    files: [],
    mirrors
  }
  return reportWithDownloads(downloads, { ranking, chain })
}

describe('verdictLine', () => {
  it('counts a mirror dropped during the prefetch as not usable, and names it', () => {
    const r = run(
      [
        ['https://a.test', { ttfbMs: 20 }],
        ['https://b.test', { ttfbMs: 40 }],
        ['https://c.test', { ttfbMs: 60 }]
      ],
      3,
      ['https://b.test', 'https://c.test']
    )
    expect(verdictLine(r)).toMatch(
      /^⚠️ \*\*1 of 3 mirrors usable\*\*, 3 module versions fetched in .*; dropped during the prefetch: b\.test, c\.test\.$/
    )
  })

  it('does not count mirrors beyond max-mirrors as failures', () => {
    const r = run(
      [
        ['https://a.test', { ttfbMs: 20 }],
        ['https://b.test', { ttfbMs: 40 }],
        ['https://c.test', { ttfbMs: 60 }]
      ],
      1
    )
    expect(verdictLine(r)).toMatch(
      /^✅ \*\*3 of 3 mirrors usable\*\*, 1 in the chain, 3 module versions fetched in [^;]*\.$/
    )
  })

  it('gives the advice of a degraded mirror when that is the only problem', () => {
    const r = run(
      [
        ['https://a.test', { ttfbMs: 20 }],
        [
          'https://limited.test',
          {
            ttfbMs: 40,
            failures: [
              { kind: 'rate-limited', status: 429, detail: 'HTTP 429' }
            ]
          }
        ]
      ],
      2
    )
    expect(verdictLine(r)).toMatch(
      /; degraded: limited\.test \(rate-limited\)\. A mirror throttled this runner \(429\): keep `fallback-on: any-error`/
    )
  })
})
