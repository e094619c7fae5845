// The job summaries as a person reads them on GitHub: each scenario's
// summary rendered in the browser harness, checked for the verdict first,
// no markup shown as text, no table wider than the page, and a short page
// where nothing went wrong.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { CacheReport } from '../../../src/cache/report.js'
import { renderCrossLegTable } from '../../../src/report/merge.js'
import { REPORT_SCHEMA, type RunReport } from '../../../src/report/report.js'
import {
  renderPostSummary,
  renderSummary
} from '../../../src/report/summary.js'
import { synthesizeChain } from '../../../src/selection/chain.js'
import { rankMirrors } from '../../../src/selection/rank.js'
import {
  GitHubRenderer,
  type RenderedSummary
} from '../../support/github-render.js'
import { latestFixtureReport } from '../../support/download-fixtures.js'
import { mirrorProbe, type ProbeOptions } from '../../support/probes.js'

const MiB = 1024 * 1024
const KEY =
  'setup-goproxy-gomod-download-dbcc2206c5d4b98fc05f4c8094843168a903f1025baaeeb96a26f99da50c788a'

const healthy = (url: string, ttfbMs: number): [string, ProbeOptions] => [
  url,
  { ttfbMs, bps: 20 * MiB, sumdbSupported: 200 }
]
const dead: [string, ProbeOptions] = [
  'https://dead.test',
  {
    ttfbMs: undefined,
    bps: undefined,
    failures: Array.from({ length: 32 }, (_, i) => ({
      kind: 'timeout' as const,
      request: `/example.test/m${i}/@v/v1.0.0.info`,
      detail: 'no answer before the probe deadline'
    }))
  }
]
const limited: [string, ProbeOptions] = [
  'https://limited.test',
  {
    ttfbMs: 40,
    bps: 2e9,
    failures: [
      {
        kind: 'rate-limited',
        request: '/golang.org/x/mod/@v/v0.20.0.mod',
        status: 429,
        detail: 'HTTP 429',
        retryAfterSec: 60
      }
    ]
  }
]

function cache(hit: 'exact' | 'miss'): CacheReport {
  return {
    mode: 'download',
    save: 'auto',
    keyFiles: ['go.sum'],
    warnings: [],
    entries: [
      {
        kind: 'modules',
        dir: '/home/runner/go/pkg/mod',
        key: KEY,
        hit,
        ...(hit === 'exact'
          ? { matchedKey: KEY, sizeBytes: 400 * 1024, versions: 4 }
          : {}),
        durationMs: 300
      }
    ]
  }
}

/** A report shaped like a real run's: probed field, ranking, chain, downloads. */
function run(
  field: [string, ProbeOptions][],
  extra: Partial<RunReport> = {}
): RunReport {
  const mirrors = field.map(([u, o]) => mirrorProbe(u, o))
  const ranking = rankMirrors(
    mirrors,
    { requests: 30, bytes: 3 * MiB, concurrency: 2 },
    'seed'
  )
  const chain = synthesizeChain({
    privateProxies: [],
    ranking,
    maxMirrors: 3,
    fallbackOn: 'any-error',
    directFallback: true
  })
  return {
    schema: REPORT_SCHEMA,
    startedAt: '2025-01-01T00:00:00Z',
    runner: { os: 'Linux', arch: 'X64', job: 'build', runId: '1' },
    probe: {
      modules: [{ path: 'golang.org/x/text', version: 'v0.17.0' }],
      freshnessChecked: 3,
      source: 'go.sum',
      durationMs: 900,
      mirrors
    },
    ranking,
    chain,
    env: [
      { name: 'GOPROXY', value: chain.goproxy, reason: 'ranked mirror chain' }
    ],
    cache: cache('miss'),
    toolchain: { local: 'go1.26.8', selected: 'go1.26.8' },
    downloads: latestFixtureReport('fallthrough-502'),
    ...extra
  }
}

const clean = () =>
  run([healthy('https://a.test', 30), healthy('https://b.test', 60)], {
    downloads: latestFixtureReport('cached')
  })

let renderer: GitHubRenderer
beforeAll(async () => {
  renderer = await GitHubRenderer.launch()
}, 60_000)
afterAll(async () => {
  await renderer.close()
})

interface Seen {
  verdict?: string
  leaks: unknown[]
  wide: unknown[]
  broken: string[]
  height: number
  tables: string[][][]
}

async function seen(markdown: string): Promise<Seen> {
  const page: RenderedSummary = await renderer.render(markdown)
  try {
    return {
      verdict: await page.firstParagraph(),
      leaks: await page.markupLeaks(),
      wide: await page.tablesWiderThanPage(),
      broken: await page.brokenFigures(),
      height: await page.height(),
      tables: await page.tables()
    }
  } finally {
    await page.close()
  }
}

// What every summary owes its reader, whatever happened.
function readable(s: Seen) {
  expect(s.leaks).toEqual([])
  expect(s.wide).toEqual([])
  expect(s.broken).toEqual([])
}

describe("main's summary, rendered", () => {
  it('clean: ✅, every mirror usable, on a short page', async () => {
    const s = await seen(renderSummary(clean()))
    readable(s)
    expect(s.verdict).toMatch(
      /^✅ 2 of 2 mirrors usable, \d+ module versions? fetched/
    )
    expect(s.height).toBeLessThan(1600)
  })

  it('one dead and one rate-limited mirror: ⚠️, both named first', async () => {
    const s = await seen(
      renderSummary(
        run([
          healthy('https://a.test', 30),
          dead,
          limited,
          healthy('https://c.test', 90)
        ])
      )
    )
    readable(s)
    expect(s.verdict).toMatch(
      /^⚠️ 3 of 4 mirrors usable, .*left out as failed: dead\.test; degraded: limited\.test \(rate-limited\)/
    )
  })

  it('no usable mirror: ❌ and why, though the step failed before any download', async () => {
    const r = run([dead], { downloads: undefined, cache: undefined })
    r.failure =
      'No candidate mirror passed its probe and direct-fallback is false: https://dead.test (failed its probe)'
    const s = await seen(renderSummary(r))
    readable(s)
    expect(s.verdict).toMatch(
      /^❌ 0 of 1 mirror usable; left out as failed: dead\.test; the step failed: No candidate mirror passed its probe.* What to do: /
    )
  })

  it('a failed download: ❌ with the count, the table in view', async () => {
    const s = await seen(
      renderSummary(
        run([healthy('https://a.test', 30)], {
          downloads: latestFixtureReport('tampered-zip')
        })
      )
    )
    readable(s)
    expect(s.verdict).toMatch(/^❌ 1 of 1 mirror usable, .*download.* failed/)
  })

  it('cache hit: ✅ on a short page, the long key folded', async () => {
    const r = clean()
    r.cache = cache('exact')
    const md = renderSummary(r)
    const s = await seen(md)
    readable(s)
    expect(s.verdict).toMatch(/^✅ 2 of 2 mirrors usable/)
    expect(md).toContain('`setup-goproxy-gomod-download-dbcc2206c5d4…`')
    expect(s.height).toBeLessThan(1600)
  })
})

describe('the other summaries, rendered', () => {
  it('matrix merge: the verdict first, legs by what differs in their names, a dropped chain and a missing leg called out', async () => {
    const dropping = run([
      healthy('https://a.test', 30),
      healthy('https://b.test', 40),
      healthy('https://c.test', 50)
    ])
    // The prefetch dropped two of the three mirrors of the chain.
    dropping.downloads = {
      ...dropping.downloads!,
      proxy: {
        goproxy: dropping.chain!.goproxy,
        planned: 3,
        concurrency: 4,
        files: [],
        mirrors: ['https://a.test', 'https://b.test', 'https://c.test'].map(
          (url) => ({
            url,
            files: 0,
            bytes: 0,
            hedgesWon: 0,
            failures: {},
            badFiles: [],
            ...(url === 'https://a.test'
              ? {}
              : { dropped: { atMs: 500, why: 'failing' } })
          })
        )
      }
    }
    const s = await seen(
      renderCrossLegTable(
        [
          { name: 'goproxy-report-ap-east', report: clean() },
          { name: 'goproxy-report-eu-west', report: dropping }
        ],
        {
          count: 3,
          names: [
            'goproxy-report-ap-east',
            'goproxy-report-eu-west',
            'goproxy-report-us-west'
          ]
        }
      )
    )
    readable(s)
    expect(s.verdict).toBe(
      '❌ 1 of 3 legs fine; 1 report missing: us-west; eu-west: 1 of 3 mirrors usable; dropped during the prefetch: b.test, c.test (and 1 more).'
    )
    const rows = s.tables[0].slice(1)
    expect(rows.map((r) => r[0])).toEqual(['ap-east', 'eu-west', 'us-west'])
    expect(rows[1].at(-1)).toMatch(
      /^⚠️ 1 of 3 mirrors usable; dropped during the prefetch: b\.test, c\.test/
    )
    expect(rows[2].at(-1)).toBe('❌ wrote no report')
  })

  it('post: the verdict on the save first', async () => {
    const s = await seen(
      renderPostSummary({
        saves: [
          {
            kind: 'modules',
            outcome: 'saved',
            key: KEY,
            sizeBytes: 2.7 * MiB,
            durationMs: 100
          }
        ]
      })
    )
    readable(s)
    expect(s.verdict).toBe('✅ modules cache saved (2.7 MiB).')
  })
})
