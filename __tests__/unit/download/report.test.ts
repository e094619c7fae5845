import { describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { analyzeDownloads } from '../../../src/download/analyze.js'
import type { DownloadsReport } from '../../../src/download/downloads-report.js'
import { runParsers } from '../../../src/download/run-collector.js'
import {
  downloadAnnotations,
  failedModulesOutput,
  type FileReader
} from '../../../src/download/annotations.js'
import {
  renderDownloadHeadline,
  renderDownloadSection
} from '../../../src/download/summary.js'
import { findModuleRoots } from '../../../src/download/roots.js'
import { readDownloadInputs } from '../../../src/inputs/download-inputs.js'
import {
  findRequireLine,
  findToolchainLine,
  parseGoWorkUses
} from '../../../src/gomod/go-mod-files.js'
import {
  parseLegReport,
  renderCrossLegTable
} from '../../../src/report/merge.js'
import { REPORT_SCHEMA, type RunReport } from '../../../src/report/report.js'

const FIXTURES = fileURLToPath(
  new URL('../../fixtures/download/go1.26.8/', import.meta.url)
)

function fromFixture(name: string): DownloadsReport {
  const read = (ext: string) =>
    readFileSync(`${FIXTURES}${name}.${ext}`, 'utf8')
  const meta = JSON.parse(read('meta.json')) as {
    goproxy: string
    exitCode: number | null
    killed: boolean
    gomodcache: string
  }
  const p = runParsers('.', meta.goproxy)
  p.stderr.push(read('stderr'))
  p.stdout.push(read('stdout'))
  const run = p.finish({
    exitCode: meta.exitCode,
    timedOut: meta.killed,
    durationMs: 2345
  })
  return analyzeDownloads([run], {
    goproxy: meta.goproxy,
    timeoutSec: 600,
    gomodcache: meta.gomodcache,
    fileSize: (f) => (f.endsWith('.zip') ? 2048 : 40)
  })
}

function runReport(
  d: DownloadsReport,
  extra: Partial<RunReport> = {}
): RunReport {
  return {
    schema: REPORT_SCHEMA,
    startedAt: '2025-01-01T00:00:00Z',
    runner: { os: 'Linux', arch: 'X64', job: 'build', runId: '1' },
    env: [],
    downloads: d,
    ...extra
  }
}

const GO_MOD = `module example.test/consumer

go 1.21

toolchain go1.99.1

require (
\texample.test/alpha v1.2.0 // indirect
\t"example.test/beta/v2" v2.1.0
)

require example.test/ghost v1.0.0
`

describe('go.mod lines', () => {
  test('require lines in blocks, quoted and single', () => {
    expect(findRequireLine(GO_MOD, 'example.test/alpha')).toBe(8)
    expect(findRequireLine(GO_MOD, 'example.test/beta/v2')).toBe(9)
    expect(findRequireLine(GO_MOD, 'example.test/ghost')).toBe(12)
    expect(findRequireLine(GO_MOD, 'example.test/other')).toBeUndefined()
    expect(findToolchainLine(GO_MOD)).toBe(5)
    expect(findToolchainLine('module m\n\ngo 1.22\n')).toBe(3)
  })
})

describe('module roots', () => {
  test('working directory, go.sum neighbours, and workspaces covering their modules', () => {
    const ws = mkdtempSync(join(tmpdir(), 'roots-'))
    for (const d of ['a', 'b', 'tools', 'nomod']) mkdirSync(join(ws, d))
    writeFileSync(
      join(ws, 'go.work'),
      'go 1.22\n\nuse (\n\t./a\n\t"./b" // b\n)\n'
    )
    for (const d of ['a', 'b', 'tools'])
      writeFileSync(join(ws, d, 'go.mod'), `module x/${d}\n`)
    expect(parseGoWorkUses(readFileSync(join(ws, 'go.work'), 'utf8'))).toEqual([
      './a',
      './b'
    ])
    const roots = findModuleRoots(ws, [
      join(ws, 'a', 'go.sum'),
      join(ws, 'tools', 'go.sum'),
      join(ws, 'nomod', 'go.sum')
    ])
    expect(roots).toEqual([ws, join(ws, 'tools')])
  })
})

describe('download inputs', () => {
  test('defaults and errors that name the input', () => {
    const get = (v: Record<string, string>) => (n: string) => v[n] ?? ''
    expect(readDownloadInputs(get({}))).toEqual({
      download: undefined,
      timeoutMs: 600_000,
      failOnError: true,
      mergeReports: []
    })
    expect(
      readDownloadInputs(
        get({ download: 'false', 'merge-reports': 'legs/*/r.json\n' })
      )
    ).toMatchObject({
      download: false,
      mergeReports: ['legs/*/r.json']
    })
    expect(() =>
      readDownloadInputs(get({ 'download-timeout': 'soon' }))
    ).toThrow(/download-timeout.*"soon"/)
    expect(() => readDownloadInputs(get({ 'fail-on-error': 'maybe' }))).toThrow(
      /fail-on-error/
    )
  })
})

describe('annotations', () => {
  const files: Record<string, string> = { 'go.mod': GO_MOD }
  const read: FileReader = (f) => files[f]

  test('a missing module: error on its require line naming every mirror and answer', () => {
    const d = fromFixture('missing')
    const [a] = downloadAnnotations(d, undefined, undefined, read, true)
    expect(a).toMatchObject({ level: 'error', file: 'go.mod', startLine: 12 })
    expect(a.message).toMatch(
      /example\.test\/ghost@v1\.0\.0 could not be downloaded \(missing\)/
    )
    expect(a.message).toMatch(
      /Tried: http:\/\/127\.0\.0\.1:\d+ answered mod: 404 Not Found; http:\/\/127\.0\.0\.1:\d+ answered mod: 404 Not Found\./
    )
  })

  test('fail-on-error false turns errors into warnings; toolchain lands on the toolchain line', () => {
    const d = fromFixture('toolchain')
    const [a] = downloadAnnotations(d, undefined, undefined, read, false)
    expect(a).toMatchObject({ level: 'warning', file: 'go.mod', startLine: 5 })
    expect(a.title).toContain('toolchain go1.99.1')
  })

  test('warnings for stale, rate-limited, dropped and demoted mirrors', () => {
    const stale = fromFixture('stale')
    const limited = fromFixture('rate-limited-pipe')
    const ranking = [
      {
        url: 'https://bad.test',
        tier: 'failed' as const,
        found: 0,
        sampled: 3,
        missing: 0,
        reasons: ['refused']
      },
      {
        url: 'https://slow.test',
        tier: 'degraded' as const,
        found: 3,
        sampled: 3,
        missing: 0,
        position: 2,
        reasons: ['slow']
      }
    ]
    const chain = {
      goproxy: 'https://slow.test',
      firstMirror: 'https://slow.test',
      entries: [
        { url: 'https://slow.test', role: 'mirror' as const, reason: '' }
      ],
      leftOut: [],
      warnings: []
    }
    const titles = [
      ...downloadAnnotations(stale, chain, ranking, read, true),
      ...downloadAnnotations(limited, undefined, undefined, read, true)
    ].map((a) => `${a.level} ${a.title}`)
    expect(titles).toEqual([
      'warning setup-goproxy: mirror dropped',
      'warning setup-goproxy: mirror demoted',
      'warning setup-goproxy: stale mirror',
      'warning setup-goproxy: rate-limited mirror'
    ])
  })

  test('failed-modules output', () => {
    const out = JSON.parse(failedModulesOutput(fromFixture('tampered-zip')))
    expect(out).toEqual([
      expect.objectContaining({
        module: 'example.test/alpha',
        version: 'v1.2.0',
        kind: 'checksum',
        badSource: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)
      })
    ])
    expect(failedModulesOutput(undefined)).toBe('[]')
  })
})

describe('summary', () => {
  test('headline: modules fetched, from where, time, cache result', () => {
    const d = fromFixture('fallthrough-502')
    const head = renderDownloadHeadline(
      runReport(d, {
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

  test('section: per-source table with fall-throughs and errors, chart, warning, details', () => {
    const d = fromFixture('fallthrough-502')
    const [a, b] = d.sources.map((s) => s.source)
    const md = renderDownloadSection(runReport(d))
    const row = (src: string) =>
      md.split('\n').find((l) => l.startsWith(`| ${src} |`))
    // Source | Role | Modules | Requests | Bytes | Time | Fall-throughs | Errors | Other answers
    expect(row(a)).toMatch(
      /^\| \S+ \| {2}\| 2 \| 9 \| [\d.]+ KiB \| [\d.]+ s \| 3 \| 3 \| 502 ×3 \|$/
    )
    expect(row(b)).toMatch(
      /^\| \S+ \| {2}\| 1 \| 3 \| [\d.]+ KiB \| [\d.]+ s \| 0 \| 0 \| {2}\|$/
    )
    expect(md).toContain('pie showData title Where module versions came from')
    expect(md).toContain(`> ${a} failed 3 request(s): 502 Bad Gateway.`)
    expect(md).toMatch(/<details><summary>All 3 module versions<\/summary>/)
    expect(md).not.toContain('#### Failed downloads')
  })

  test('failures: what each source answered and a hint, go output folded', () => {
    const md = renderDownloadSection(runReport(fromFixture('tampered-zip')))
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
    const d = fromFixture('missing')
    const [ghost] = d.failures
    const paths = ['github.com/My-Org/svc_a', 'github.com/My-Org/svc-b']
    d.failures.push(
      ...paths.map((module) => ({ ...ghost, module, detail: `${module}: 404` }))
    )
    const r = runReport(d)
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
    const d = fromFixture('hang')
    expect(renderDownloadHeadline(runReport(d))).toContain(
      'stopped at download-timeout (600 s)'
    )
  })

  test('no downloads section without downloads', () => {
    const r = runReport(fromFixture('ok'))
    delete r.downloads
    expect(renderDownloadHeadline(r)).toBe('')
    expect(renderDownloadSection(r)).toBe('')
  })
})

describe('cross-leg merge', () => {
  test('one row per leg with the chosen mirror and how it fared', () => {
    const legs = [
      {
        name: 'report-ubuntu',
        report: runReport(fromFixture('ok'), {
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
        report: runReport(fromFixture('missing'), {
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

  test('rejects files that are not reports, naming them', () => {
    expect(() => parseLegReport('a.json', '{"schema":"other"}')).toThrow(
      /a\.json is not a setup-goproxy report/
    )
    expect(() => parseLegReport('b.json', 'nope')).toThrow(
      /b\.json is not JSON/
    )
    expect(
      parseLegReport('c.json', JSON.stringify(runReport(fromFixture('ok'))))
        .schema
    ).toBe(REPORT_SCHEMA)
  })
})
