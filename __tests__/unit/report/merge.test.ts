import { describe, expect, test } from '@jest/globals'
import {
  parseLegReport,
  renderCrossLegTable
} from '../../../src/report/merge.js'
import { REPORT_SCHEMA } from '../../../src/report/report.js'
import {
  latestFixtureReport,
  reportWithDownloads
} from '../../support/download-fixtures.js'

describe('cross-leg merge', () => {
  test('one row per leg with the chosen mirror and how it fared', () => {
    const legs = [
      {
        name: 'report-ubuntu',
        report: reportWithDownloads(latestFixtureReport('ok'), {
          chain: {
            goproxy: 'https://proxy.golang.org,direct',
            firstMirror: 'https://proxy.golang.org',
            entries: [],
            leftOut: [],
            warnings: []
          }
        })
      },
      {
        name: 'report-cn',
        report: reportWithDownloads(latestFixtureReport('missing'), {
          runner: { os: 'Linux', arch: 'ARM64', job: 'build', runId: '1' },
          chain: {
            goproxy: 'https://goproxy.cn|direct',
            firstMirror: 'https://goproxy.cn',
            entries: [],
            leftOut: [],
            warnings: []
          }
        })
      }
    ]
    const md = renderCrossLegTable(legs)
    const rows = md.split('\n').filter((l) => /^\| (ubuntu|cn) /.test(l))
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatch(
      /^\| ubuntu \| Linux\/X64 \| proxy\.golang\.org \| – \| 3 \(3 from 127\.0\.0\.1:\d+\) \| 2\.3\u00a0s \| – \| ✅ \|$/
    )
    expect(rows[1]).toContain('❌ example.test/ghost@v1.0.0 (missing)')
    expect(md).toContain('- cn: `https://goproxy.cn|direct`')
  })

  test('a leg whose modules failed the same way has one entry for them', () => {
    const d = latestFixtureReport('missing')
    for (const module of ['github.com/My-Org/svc_a', 'github.com/My-Org/svc-b'])
      d.failures.push({ ...d.failures[0], module })
    const md = renderCrossLegTable([
      { name: 'report-eu', report: reportWithDownloads(d) }
    ])
    const row = md.split('\n').find((l) => l.startsWith('| report-eu '))
    expect(row).toMatch(
      /\| ❌ missing ×3 \(e\.g\. example\.test\/ghost@v1\.0\.0\) \|$/
    )
  })

  test('rejects files that are not reports, naming them', () => {
    expect(() => parseLegReport('a.json', '{"schema":"other"}')).toThrow(
      /a\.json is not a setup-goproxy report/
    )
    expect(() => parseLegReport('b.json', 'nope')).toThrow(
      /b\.json is not JSON/
    )
    expect(
      parseLegReport(
        'c.json',
        JSON.stringify(reportWithDownloads(latestFixtureReport('ok')))
      ).schema
    ).toBe(REPORT_SCHEMA)
  })

  test('says how many reports it found, names the expected legs without one, and shows a failed leg', () => {
    const ok = reportWithDownloads(latestFixtureReport('ok'))
    const failed = { ...ok, failure: 'No candidate mirror passed its probe' }
    delete failed.downloads
    const legs = [
      { name: 'report-linux', report: ok },
      { name: 'report-windows', report: failed }
    ]
    const named = renderCrossLegTable(legs, {
      count: 3,
      names: ['report-linux', 'report-windows', 'report-macos']
    }).split('\n')
    expect(named[2]).toBe(
      '❌ **1 of 3 legs fine**; **1 report missing**: `macos`; windows: step failed: No candidate mirror passed its probe.'
    )
    expect(named[4]).toBe(
      '2 leg reports found (artifacts `report-*`), 3 expected: **1 missing**.'
    )
    expect(named.find((l) => l.startsWith('| windows'))).toMatch(
      /\| ❌ step failed: No candidate mirror passed its probe \|$/
    )
    expect(named).toContain(
      '| macos | – | – | – | – | – | – | ❌ wrote no report |'
    )
    // Names may be given without the artifact prefix.
    expect(
      renderCrossLegTable(legs, {
        count: 3,
        names: ['linux', 'windows', 'macos']
      })
    ).toContain('**1 report missing**: `macos`;')
    const counted = renderCrossLegTable(legs, { count: 4, names: [] })
    expect(counted).toContain('❌ **1 of 4 legs fine**; **2 reports missing**;')
    expect(counted).toContain('4 expected: **2 missing**.')
    expect(renderCrossLegTable(legs, { count: 2, names: [] })).toContain(
      '2 leg reports found (artifacts `report-*`), 2 expected.'
    )
    const unexpected = renderCrossLegTable(legs).split('\n')
    expect(unexpected[2]).toMatch(
      /^❌ \*\*1 of 2 leg reports fine\*\*; windows:/
    )
    expect(unexpected[4]).toBe(
      '2 leg reports found (artifacts `report-*`); set `expected-legs` to name a leg that wrote none.'
    )
  })

  test('a leg whose mirrors were mostly dropped is not fine, and says which', () => {
    const ok = reportWithDownloads(latestFixtureReport('ok'))
    const d = latestFixtureReport('ok')
    const urls = ['a', 'b', 'c', 'd', 'e'].map((h) => `https://${h}.test`)
    d.proxy = {
      goproxy: urls.join('|'),
      planned: 3,
      concurrency: 4,
      files: [],
      mirrors: urls.map((url, i) => ({
        url,
        files: 0,
        bytes: 0,
        hedgesWon: 0,
        failures: {},
        badFiles: [],
        ...(i >= 2 ? { dropped: { atMs: 100, why: 'failing' } } : {})
      }))
    }
    const ranking = urls.map((url, i) => ({
      url,
      tier: 'healthy' as const,
      found: 3,
      sampled: 3,
      missing: 0,
      position: i + 1,
      reasons: []
    }))
    const md = renderCrossLegTable([
      { name: 'goproxy-report-us', report: ok },
      {
        name: 'goproxy-report-ap-east',
        report: reportWithDownloads(d, { ranking })
      }
    ]).split('\n')
    expect(md[2]).toBe(
      '⚠️ **1 of 2 leg reports fine**; ap-east: 2 of 5 mirrors usable; dropped during the prefetch: c.test, d.test, e.test.'
    )
    expect(md.find((l) => l.startsWith('| ap-east '))).toMatch(
      /\| ⚠️ 2 of 5 mirrors usable; dropped during the prefetch: c\.test, d\.test, e\.test \|$/
    )
  })

  test('a lone leg loses the documented artifact prefix, and no more', () => {
    const ok = reportWithDownloads(latestFixtureReport('ok'))
    const one = (name: string) =>
      renderCrossLegTable([{ name, report: ok }])
        .split('\n')
        .find((l) => l.startsWith('| ') && !l.startsWith('| Leg'))
    expect(one('goproxy-report-eu-1')).toMatch(/^\| eu-1 \|/)
    expect(one('report-eu-1')).toMatch(/^\| report-eu-1 \|/)
    expect(one('goproxy-report-')).toMatch(/^\| goproxy-report- \|/)
  })
})
