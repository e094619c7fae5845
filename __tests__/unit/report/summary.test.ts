import { describe, expect, it } from '@jest/globals'
import { synthesizeChain } from '../../../src/selection/chain.js'
import { rankMirrors } from '../../../src/selection/rank.js'
import { REPORT_SCHEMA, type RunReport } from '../../../src/report/report.js'
import { renderSummary } from '../../../src/report/summary.js'
import { analyzeFixture } from '../../support/download-fixtures.js'
import { mirrorProbe, type ProbeOptions } from '../../support/probes.js'

const MiB = 1024 * 1024

// Connection timings every row shows, from a mirror that proxies the
// checksum database.
const probe = (url: string, opts: ProbeOptions) =>
  mirrorProbe(url, {
    dnsMs: 3.4,
    connectMs: 12.6,
    tlsMs: 20,
    sumdbSupported: 200,
    ...opts
  })

function buildReport(): RunReport {
  const mirrors = [
    probe('https://fast.test', { ttfbMs: 30, bps: 20 * MiB }),
    probe('https://second.test/base', { ttfbMs: 60, bps: 4 * MiB }),
    probe('https://flaky.test', {
      ttfbMs: 10,
      bps: 50 * MiB,
      failures: [
        {
          kind: 'server-error',
          request: '/golang.org/x/text/@v/v0.17.0.info',
          status: 502,
          detail: 'HTTP 502 | bad gateway'
        }
      ]
    }),
    probe('https://dead.test', {
      ttfbMs: undefined,
      bps: undefined,
      failures: [
        {
          kind: 'refused',
          request: '/golang.org/x/text/@v/v0.17.0.info',
          detail: 'connect ECONNREFUSED 127.0.0.1:9'
        }
      ],
      sumdbSupported: undefined,
      sumdbError: 'refused'
    }),
    probe('https://limited.test', {
      ttfbMs: 40,
      bps: 2e9,
      failures: [
        {
          kind: 'rate-limited',
          request: '/golang.org/x/mod/@v/v0.20.0.mod',
          status: 429,
          detail: 'HTTP 429',
          retryAfterSec: 30
        }
      ]
    })
  ]
  const ranking = rankMirrors(
    mirrors,
    { requests: 30, bytes: 3 * MiB, concurrency: 2 },
    'seed'
  )
  const chain = synthesizeChain({
    privateProxies: ['https://athens.corp.test'],
    ranking,
    maxMirrors: 2,
    fallbackOn: 'any-error',
    directFallback: true
  })
  return {
    schema: REPORT_SCHEMA,
    startedAt: '2025-01-01T00:00:00Z',
    runner: { os: 'Linux', arch: 'X64', job: 'build', runId: '42' },
    probe: {
      modules: [
        { path: 'golang.org/x/text', version: 'v0.17.0' },
        { path: 'golang.org/x/mod', version: 'v0.20.0' }
      ],
      freshnessChecked: 5,
      source: 'go.sum',
      durationMs: 1234,
      mirrors
    },
    ranking,
    chain,
    env: [
      { name: 'GOPROXY', value: chain.goproxy, reason: 'ranked | chained' },
      { name: 'GOPRIVATE', value: '*.corp.test', reason: 'private input' }
    ],
    effective: [
      {
        name: 'GOPROXY',
        exported: chain.goproxy,
        effective: 'https://x.test|direct',
        message: 'go uses GOPROXY=https://x.test|direct'
      }
    ]
  }
}

// Pipes that separate cells (not escaped with a backslash).
const cellPipes = (line: string) => line.match(/(?<!\\)\|/g)?.length ?? 0

describe('renderSummary', () => {
  const report = buildReport()
  const md = renderSummary(report)
  const lines = md.split('\n')

  it('opens with the verdict: status, mirrors usable, what failed, what to do', () => {
    expect(lines[0]).toBe('## setup-goproxy')
    expect(lines[2]).toBe(
      '⚠️ **4 of 5 mirrors usable**, 2 in the chain; left out as failed: dead.test; degraded: flaky.test (server-error), limited.test (rate-limited). If a mirror keeps failing, leave it out of `mirrors`.'
    )
    expect(lines[4]).toBe(
      'GOPROXY `https://athens.corp.test,https://fast.test|https://second.test/base|direct`'
    )
    expect(md.endsWith('\n')).toBe(true)
  })

  it('folds the probe table: one row per mirror, best first, a dash where nothing was measured', () => {
    const header = lines.findIndex((l) => l.startsWith('| Mirror | Versions'))
    expect(lines[header - 4]).toBe(
      '<details><summary>Probe: 5 mirrors in 1.2 s</summary>'
    )
    const rows = lines.slice(header + 2, header + 7)
    for (const r of rows) expect(cellPipes(r)).toBe(6)
    expect(rows[0]).toBe(
      '| fast.test | 3 of 3 | 30\u00a0ms | 20\u00a0MiB/s | proxied |'
    )
    expect(rows[3]).toBe(
      '| limited.test | 3 of 3 | 40\u00a0ms | not limiting | proxied |'
    )
    expect(rows[4]).toBe('| dead.test | 3 of 3 | — | — | refused |')
  })

  it('says which versions a mirror cut short was never asked for', () => {
    const r = buildReport()
    const fast = r.probe!.mirrors[0]
    Object.assign(fast, { cutShort: true, found: 1, sampled: 3, missing: [] })
    expect(renderSummary(r)).toContain('| fast.test | 1 of 1 (2 not checked) |')
  })

  it('names the probed modules and their source', () => {
    expect(md).toContain(
      'Timed with 2 module versions from go.sum: `golang.org/x/text@v0.17.0`, `golang.org/x/mod@v0.20.0`; 5 more checked for presence.'
    )
  })

  it('lists each probe failure kind of a mirror once, with Retry-After when given', () => {
    expect(md).toContain(
      '- https://limited.test: **rate-limited**, throttled (429); `/golang.org/x/mod/@v/v0.20.0.mod`: HTTP 429 (Retry-After 30 s)'
    )
    expect(md).toContain(
      '- https://flaky.test: **server-error**, server error (5xx or a broken body); `/golang.org/x/text/@v/v0.17.0.info`: HTTP 502 | bad gateway'
    )
  })

  it("groups a dead mirror's repeated failures per kind, with the count and one example", () => {
    const r = buildReport()
    const paths = Array.from(
      { length: 17 },
      (_, i) => `/github.com/!my-org/svc_${i}/@v/v1.0.${i}.info`
    )
    r.probe!.mirrors.push(
      probe('https://goproxy.example-corp.test', {
        ttfbMs: undefined,
        bps: undefined,
        failures: [
          ...paths.map((request) => ({
            kind: 'server-error' as const,
            request,
            status: 503,
            detail: 'HTTP 503'
          })),
          {
            kind: 'timeout',
            request: '/golang.org/x/mod/@v/v0.20.0.zip',
            detail: 'no answer before the probe deadline'
          }
        ]
      })
    )
    const out = renderSummary(r)
    const lines = out
      .split('\n')
      .filter((l) => l.startsWith('- https://goproxy.example-corp.test'))
    expect(lines).toEqual([
      '- https://goproxy.example-corp.test: **server-error ×17**, server error (5xx or a broken body); e.g. `/github.com/!my-org/svc_0/@v/v1.0.0.info`: HTTP 503',
      '- https://goproxy.example-corp.test: **timeout**, no answer before the deadline; `/golang.org/x/mod/@v/v0.20.0.zip`: no answer before the probe deadline'
    ])
  })

  it('groups a mirror’s repeated failures by kind, with a count and one example', () => {
    const r = buildReport()
    const dead = r.probe!.mirrors.find((m) => m.url === 'https://dead.test')!
    dead.failures = ['info', 'mod'].flatMap((ext) =>
      ['v0.17.0', 'v0.18.0'].map((v) => ({
        kind: 'server-error' as const,
        request: `/golang.org/x/text/@v/${v}.${ext}`,
        status: 500,
        detail: `HTTP 500 (${v}.${ext})`
      }))
    )
    const grouped = renderSummary(r)
      .split('\n')
      .filter((l) => l.startsWith('- https://dead.test'))
    expect(grouped).toEqual([
      '- https://dead.test: **server-error ×4**, server error (5xx or a broken body); e.g. `/golang.org/x/text/@v/v0.17.0.info`: HTTP 500 (v0.17.0.info)'
    ])
  })

  it('explains the chain in words: place, expected time, why; then what was left out', () => {
    const start = lines.indexOf('### Why this chain')
    expect(start).toBeGreaterThan(4)
    expect(lines[start + 2]).toBe(
      '| In GOPROXY | Mirror | Expected time | To scale | Why |'
    )
    expect(lines[start + 4]).toBe(
      '| 1st | athens.corp.test | — |  | private proxy: asked first, and its refusals are final |'
    )
    expect(lines[start + 5]).toMatch(
      /^\| 2nd \| fast\.test \| \d+\u00a0ms \| [█▏▎▍▌▋▊▉]+ \| healthy \|$/
    )
    expect(lines[start + 7]).toBe(
      "| 4th | direct | — |  | direct: what no mirror has comes from the module's origin |"
    )
    expect(md).toMatch(
      /\| left out \| flaky\.test \| \d+\u00a0ms \| [█▏▎▍▌▋▊▉]+ \| degraded; server-error \(HTTP 502 \\\| bad gateway\); usable, but ranked 3, beyond max-mirrors \(2\) \|/
    )
    expect(md).toContain(
      '| left out | dead.test | — |  | failed its probe: refused (connect ECONNREFUSED 127.0.0.1:9) |'
    )
  })

  it('gives how a time was estimated or a tie broken only for mirrors in the chain', () => {
    const r = buildReport()
    const tie =
      'within 5% of 1 other(s); the order is drawn per job, so a matrix spreads over them'
    const estimate =
      'throughput not measured, so timed at the slowest throughput seen'
    for (const k of r.ranking!)
      if (k.url === 'https://fast.test' || k.url === 'https://flaky.test')
        k.reasons.push(estimate, tie)
    const rows = renderSummary(r).split('\n')
    const fast = rows.find((l) => /^\| \d\w\w \| fast\.test \|/.test(l))
    const flaky = rows.find((l) => l.startsWith('| left out | flaky.test |'))
    expect(fast).toContain(`healthy; ${estimate}; ${tie} |`)
    expect(flaky).toBeDefined()
    expect(flaky).not.toContain('throughput not measured')
    expect(flaky).not.toContain('within 5%')
  })

  it('draws the expected times to scale when three or more are known', () => {
    const bars = lines
      .filter((l) => /^\| (\d+(st|nd|rd|th)|left out) \|/.test(l))
      .map((l) => l.split(' | ')[3])
    // The slowest known time fills the column; a missing time draws nothing.
    expect(bars.filter((b) => b !== '')).toContain('█'.repeat(12))
    expect(bars.filter((b) => b === '')).toHaveLength(3)
    const two = buildReport()
    two.ranking = two.ranking!.slice(0, 2)
    const header = renderSummary(two)
      .split('\n')
      .find((l) => l.startsWith('| In GOPROXY'))
    expect(header).toBe('| In GOPROXY | Mirror | Expected time | Why |')
  })

  it('escapes pipes in the environment table and the findings', () => {
    expect(md).toContain(
      '| GOPROXY | `https://athens.corp.test,https://fast.test\\|https://second.test/base\\|direct` | ranked \\| chained |'
    )
    const envRows = lines.filter((l) => l.startsWith('| GO'))
    for (const r of envRows) expect(cellPipes(r)).toBe(4)
    expect(md).toContain('**What go will really use differs:**')
    // The findings come first; the table is folded below them.
    expect(md.indexOf('What go will really use')).toBeLessThan(
      md.indexOf('<details><summary>2 variables exported, and why</summary>')
    )
    expect(md).toContain('- GOPROXY: go uses GOPROXY=https://x.test|direct')
  })

  it('warns when no mirror is usable', () => {
    const dead = buildReport()
    dead.ranking = rankMirrors(
      dead.probe!.mirrors.filter((m) => m.url === 'https://dead.test'),
      { requests: 1, bytes: 1, concurrency: 1 },
      's'
    )
    dead.chain = synthesizeChain({
      privateProxies: [],
      ranking: dead.ranking,
      maxMirrors: 3,
      fallbackOn: 'any-error',
      directFallback: true
    })
    const out = renderSummary(dead)
    expect(out.split('\n')[2]).toMatch(
      /^⚠️ \*\*0 of 1 mirror usable\*\*; left out as failed: dead\.test\. What to do: check that the runner reaches the mirrors/
    )
    expect(out).toContain('GOPROXY `direct`')
    expect(out).toMatch(
      /> \[!WARNING\]\n> No candidate mirror passed its probe/
    )
  })

  it('says what the downloads did in the verdict, before the warnings', () => {
    const r = buildReport()
    r.chain!.warnings.push('GOPROXY=off is set in the job env, and more.')
    r.downloads = analyzeFixture('go1.26.8', 'ok', () => 100).report
    const out = renderSummary(r)
    expect(out.split('\n')[2]).toMatch(
      /^⚠️ \*\*4 of 5 mirrors usable\*\*, 2 in the chain, 3 module versions fetched in /
    )
    expect(out.indexOf('> [!WARNING]')).toBeLessThan(
      out.indexOf('### Why this chain')
    )
    expect(out.indexOf('### Why this chain')).toBeLessThan(
      out.indexOf('### Downloads')
    )
  })

  it('says why first when the step failed', () => {
    const r = buildReport()
    r.failure = 'No candidate mirror passed its probe'
    expect(renderSummary(r).split('\n')[2]).toMatch(
      /^❌ .*; \*\*the step failed:\*\* No candidate mirror passed its probe\./
    )
  })

  it('renders only the verdict for a report without sections', () => {
    expect(
      renderSummary({
        schema: REPORT_SCHEMA,
        startedAt: '2025-01-01T00:00:00Z',
        runner: { os: 'Linux', arch: 'X64', job: 'j', runId: '1' },
        env: []
      })
    ).toBe('## setup-goproxy\n\n✅ done.\n')
  })
})
