import { describe, expect, test } from '@jest/globals'
import {
  downloadAnnotations,
  failedModulesOutput,
  type FileReader
} from '../../../src/download/annotations.js'
import {
  findRequireLine,
  findToolchainLine
} from '../../../src/gomod/go-mod-files.js'
import { analyzeDownloads } from '../../../src/download/analyze.js'
import type { DownloadsReport } from '../../../src/download/downloads-report.js'
import { attributeProxied } from '../../../src/download/proxy/attribution.js'
import type { ProxyRecord } from '../../../src/download/proxy/record.js'
import type { RootRun } from '../../../src/download/run-collector.js'
import { latestFixtureReport } from '../../support/download-fixtures.js'

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

describe('annotations', () => {
  const files: Record<string, string> = { 'go.mod': GO_MOD }
  const read: FileReader = (f) => files[f]

  test('a missing module: error on its require line naming every mirror and answer', () => {
    const d = latestFixtureReport('missing')
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
    const d = latestFixtureReport('toolchain')
    const [a] = downloadAnnotations(d, undefined, undefined, read, false)
    expect(a).toMatchObject({ level: 'warning', file: 'go.mod', startLine: 5 })
    expect(a.title).toContain('toolchain go1.99.1')
  })

  test('warnings for stale, rate-limited, dropped and demoted mirrors', () => {
    const stale = latestFixtureReport('stale')
    const limited = latestFixtureReport('rate-limited-pipe')
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
    const out = JSON.parse(
      failedModulesOutput(latestFixtureReport('tampered-zip'))
    )
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

describe('annotations of a prefetch run', () => {
  const LOCAL = 'http://127.0.0.1:4100'
  const A = 'https://a.example'
  const B = 'https://b.example/go'
  const MOD = 'example.test/ghost/@v/v1.0.0.mod'

  // go asked the local proxy, which relayed the mirrors' 404s.
  function prefetchRun(
    status: 'not-found' | 'failed',
    failures: ProxyRecord['files'][number]['failures']
  ): DownloadsReport {
    const run: RootRun = {
      dir: '.',
      goproxy: `${LOCAL},direct`,
      requests: [
        {
          url: `${LOCAL}/${MOD}`,
          source: LOCAL,
          kind: 'mod',
          module: 'example.test/ghost',
          version: 'v1.0.0',
          status: status === 'failed' ? 502 : 404
        }
      ],
      json: [
        {
          Path: 'example.test/ghost',
          Version: 'v1.0.0',
          Error: `example.test/ghost@v1.0.0: reading ${LOCAL}/${MOD}: ${status === 'failed' ? '502 Bad Gateway' : '404 Not Found'}`
        }
      ],
      errors: [],
      checksums: [],
      vcsRepos: [],
      toolchainDownloads: [],
      exitCode: 1,
      timedOut: false,
      durationMs: 1,
      otherOutput: []
    }
    const record: ProxyRecord = {
      concurrency: 4,
      mirrors: [],
      files: [
        {
          path: MOD,
          module: 'example.test/ghost',
          version: 'v1.0.0',
          kind: 'mod',
          status,
          attempts: failures.length,
          hedges: 0,
          failures,
          verified: false,
          planned: true,
          askedByGo: true
        }
      ]
    }
    const d = analyzeDownloads(attributeProxied([run], LOCAL, record), {
      goproxy: `${LOCAL},direct`,
      timeoutSec: 600
    })
    return { ...d, proxy: { ...record, goproxy: d.goproxy, planned: 1 } }
  }

  test('the first line says no mirror had it, and names the mirrors, not the local proxy', () => {
    const d = prefetchRun('not-found', [
      { mirror: A, kind: 'not-found', status: 404, detail: '404', atMs: 1 },
      { mirror: B, kind: 'not-found', status: 410, detail: '410', atMs: 2 }
    ])
    const a = downloadAnnotations(d, undefined, undefined, () => GO_MOD, true)
    const first = a.find((x) => x.level === 'error')!.message.split('\n')[0]
    expect(first).not.toContain('127.0.0.1')
    expect(first).toBe(
      `example.test/ghost@v1.0.0 could not be downloaded (missing): no mirror of the chain had it (asked ${A}, ${B}); go: example.test/ghost@v1.0.0: reading ${B}/${MOD}: 410 Gone`
    )
  })

  test('a file every mirror failed names the last mirror and its answer', () => {
    const d = prefetchRun('failed', [
      { mirror: A, kind: 'server-error', status: 502, detail: '502', atMs: 1 },
      { mirror: B, kind: 'timeout', detail: 'no answer in 30 s', atMs: 2 }
    ])
    const a = downloadAnnotations(d, undefined, undefined, () => GO_MOD, true)
    const first = a.find((x) => x.level === 'error')!.message.split('\n')[0]
    expect(first).not.toContain('127.0.0.1')
    expect(first).toContain(
      `no mirror of the chain had it (asked ${A}, ${B}); go: example.test/ghost@v1.0.0: reading ${B}/${MOD}: timeout`
    )
  })
})
