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
    const rows = md.split('\n').filter((l) => l.startsWith('| report-'))
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatch(
      /^\| report-ubuntu \| Linux\/X64 \| proxy\.golang\.org \| – \| 3 \(3 from 127\.0\.0\.1:\d+\) \| 2\.3 s \| – \| ✅ \|$/
    )
    expect(rows[1]).toContain('❌ example.test/ghost@v1.0.0 (missing)')
    expect(md).toContain('- report-cn: `https://goproxy.cn|direct`')
  })

  test('a leg whose modules failed the same way has one entry for them', () => {
    const d = latestFixtureReport('missing')
    for (const module of ['github.com/My-Org/svc_a', 'github.com/My-Org/svc-b'])
      d.failures.push({ ...d.failures[0], module })
    const md = renderCrossLegTable([
      { name: 'report-eu', report: reportWithDownloads(d) }
    ])
    const row = md.split('\n').find((l) => l.startsWith('| report-eu'))
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
    })
    expect(named).toContain(
      '❌ 2 leg reports found, 3 expected: **1 missing** (`report-macos`).'
    )
    expect(
      named.split('\n').find((l) => l.startsWith('| report-windows'))
    ).toMatch(/\| ❌ step failed: No candidate mirror passed its probe \|$/)
    expect(renderCrossLegTable(legs, { count: 4, names: [] })).toContain(
      '❌ 2 leg reports found, 4 expected: **2 missing**.'
    )
    expect(renderCrossLegTable(legs, { count: 2, names: [] })).toContain(
      '2 leg reports found, 2 expected.'
    )
    expect(renderCrossLegTable(legs)).toContain('2 leg reports found.')
  })
})
