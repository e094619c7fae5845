import { describe, expect, test } from '@jest/globals'
import {
  renderDownloadHeadline,
  renderDownloadSection,
  sourceLabel
} from '../../../src/download/summary.js'
import { renderSummary } from '../../../src/report/summary.js'
import {
  latestFixtureReport,
  reportWithDownloads
} from '../../support/download-fixtures.js'

describe('summary', () => {
  test('headline: modules fetched, from where, time, cache result', () => {
    const d = latestFixtureReport('fallthrough-502')
    const head = renderDownloadHeadline(
      reportWithDownloads(d, {
        cache: {
          mode: 'download',
          save: 'auto',
          keyFiles: [],
          warnings: [],
          entries: [
            {
              kind: 'modules',
              dir: '/m',
              key: 'k',
              hit: 'partial',
              durationMs: 5
            }
          ]
        }
      })
    )
    expect(head).toMatch(
      /^⚠️ \*\*Downloads:\*\* 3 module versions fetched in 2\.3 s \(2 from `127\.0\.0\.1:\d+`, 1 from `127\.0\.0\.1:\d+`\)/
    )
    expect(head).toContain('0 already in the module cache (cache partial hit)')
  })

  test('section: one per-source table, warning, details; no chart', () => {
    const d = latestFixtureReport('fallthrough-502')
    const [a, b] = d.sources.map((s) => s.source)
    const md = renderDownloadSection(reportWithDownloads(d))
    const row = (src: string) =>
      md.split('\n').find((l) => l.startsWith(`| ${sourceLabel(src)} |`))
    // Source | Modules | Requests | Bytes | First byte (mean) | Other answers | Note
    expect(row(a)).toMatch(
      /^\| \S+ \| 2 \| 9 \| [\d.]+\u00a0KiB \| [\d.]+\u00a0m?s \| 502 ×3 \| {2}\|$/
    )
    expect(row(b)).toMatch(
      /^\| \S+ \| 1 \| 3 \| [\d.]+\u00a0KiB \| [\d.]+\u00a0m?s \| — \| {2}\|$/
    )
    // Two sources are a sentence (the headline), not a chart.
    expect(md).not.toContain('```mermaid')
    expect(md).toContain(`> ${a} failed 3 request(s): 502 Bad Gateway.`)
    expect(md).toMatch(/<details><summary>All 3 module versions<\/summary>/)
    expect(md).not.toContain('#### Failed downloads')
  })

  test('section: says whether the prefetch ran or go went alone, and why', () => {
    const d = latestFixtureReport('fallthrough-502')
    const md = renderDownloadSection(
      reportWithDownloads({
        ...d,
        prefetch: 'go alone: everything go needs is already in the module cache'
      })
    )
    expect(md).toContain(
      'Chose go alone: everything go needs is already in the module cache.'
    )
    expect(renderDownloadSection(reportWithDownloads(d))).not.toContain(
      'Chose '
    )
  })

  test('failures: what each source answered and a hint, go output folded', () => {
    const md = renderDownloadSection(
      reportWithDownloads(latestFixtureReport('tampered-zip'))
    )
    expect(md).toContain('#### Failed downloads')
    expect(md).toMatch(
      /\| `example\.test\/alpha@v1\.2\.0` \| \*\*checksum\*\*: the bits do not match go\.sum \| bad bits served by http:\/\/127\.0\.0\.1:\d+; /
    )
    expect(md).toContain('do not update go.sum')
    expect(md).toMatch(
      /<details><summary>go output for each failure<\/summary>[\s\S]*checksum mismatch\n\tdownloaded: h1:/
    )
  })

  test('modules that failed the same way share a row and a headline entry', () => {
    const d = latestFixtureReport('missing')
    const [ghost] = d.failures
    const paths = ['github.com/My-Org/svc_a', 'github.com/My-Org/svc-b']
    d.failures.push(
      ...paths.map((module) => ({ ...ghost, module, detail: `${module}: 404` }))
    )
    const r = reportWithDownloads(d)
    const head = renderDownloadHeadline(r)
    expect(head).toContain(
      '**3 failed**: missing ×3 (e.g. `example.test/ghost@v1.0.0`)'
    )
    const rows = renderDownloadSection(r)
      .split('\n')
      .filter((l) => l.includes('**missing**'))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatch(
      /^\| 3 modules, e\.g\. `example\.test\/ghost@v1\.0\.0` \| \*\*missing\*\*: not found \(404\/410\) \| http:\/\/127\.0\.0\.1:\d+ answered /
    )
    // Each failure's own go output stays, folded.
    for (const p of paths)
      expect(renderDownloadSection(r)).toContain(`${p}: 404`)
  })

  test('a run that hit the timeout says so in the headline', () => {
    const d = latestFixtureReport('hang')
    expect(renderDownloadHeadline(reportWithDownloads(d))).toContain(
      'stopped at download-timeout (600 s)'
    )
  })

  test('no downloads section without downloads', () => {
    const r = reportWithDownloads(latestFixtureReport('ok'))
    delete r.downloads
    expect(renderDownloadHeadline(r)).toBe('')
    expect(renderDownloadSection(r)).toBe('')
  })

  test('10,000 module versions, half of them failed: the summary stays under GitHub 1 MiB and says what it left out', () => {
    const d = latestFixtureReport('tampered-zip')
    const [module] = d.modules
    const [failure] = d.failures
    const n = 10_000
    d.modules = Array.from({ length: n }, (_, i) => ({
      ...module,
      path: `github.com/some-organisation/a-fairly-long-repository-name/module-${i}`,
      status: i % 2 === 0 ? ('failed' as const) : ('downloaded' as const)
    }))
    d.failures = Array.from({ length: n / 2 }, (_, i) => ({
      ...failure,
      module: `github.com/some-organisation/a-fairly-long-repository-name/module-${2 * i}`
    }))
    const md = renderSummary(reportWithDownloads(d))
    expect(Buffer.byteLength(md)).toBeLessThan(1024 * 1024)
    expect(md).toContain('All 10000 module versions (1000 shown)')
    expect(md).toContain(
      '_9000 more module versions are left out here; the JSON report (the `report` output) lists them all._'
    )
    expect(md).toContain('go output for the first 100 failures')
    expect(md).toContain('_4900 more failures are left out here')
    // The failures are what is kept past the cap.
    const rows = md.split('\n').filter((l) => l.includes('/module-'))
    expect(rows.some((l) => l.includes('| downloaded |'))).toBe(false)
    expect(d.modules).toHaveLength(n)
  })
})
