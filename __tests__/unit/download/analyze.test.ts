// One test per recorded run of go's output (every scenario, every recorded
// go version): long because each scenario is its own case.
import { describe, expect, test } from '@jest/globals'
import { analyzeDownloads } from '../../../src/download/analyze.js'
import { classifyFailure } from '../../../src/download/diagnose-failure.js'
import { runParsers } from '../../../src/download/run-collector.js'
import {
  FIXTURE_GO_VERSIONS,
  analyzeFixture
} from '../../support/download-fixtures.js'

// Stand-in sizes: the recorded cache is gone, sizes only need to be known.
const analyze = (version: string, name: string) =>
  analyzeFixture(version, name, (p) =>
    p.endsWith('.zip') ? 1000 : p.endsWith('.mod') ? 30 : 50
  )

describe.each(FIXTURE_GO_VERSIONS)('recorded output of %s', (version) => {
  test('ok: every file from the one mirror', () => {
    const { report, meta } = analyze(version, 'ok')
    const [mirror] = meta.mirrors
    expect(
      report.modules.map((m) => [m.path, m.version, m.status, m.source])
    ).toEqual([
      ['example.test/Gamma', 'v1.0.0', 'downloaded', mirror],
      ['example.test/alpha', 'v1.2.0', 'downloaded', mirror],
      ['example.test/beta/v2', 'v2.1.0', 'downloaded', mirror]
    ])
    expect(report.failures).toEqual([])
    expect(report.sources).toEqual([
      expect.objectContaining({
        source: mirror,
        modules: 3,
        requests: 9,
        bytes: 3 * 1080,
        errors: 0,
        fallThroughs: 0
      })
    ])
    expect(report.requests.every((r) => !r.inFlight && r.status === 200)).toBe(
      true
    )
  })

  test('cached: no requests, all from the cache', () => {
    const { report } = analyze(version, 'cached')
    expect(report.requests).toEqual([])
    expect(
      report.modules.every((m) => m.status === 'cached' && m.source === 'cache')
    ).toBe(true)
    expect(report.sources.find((s) => s.source === 'cache')).toMatchObject({
      modules: 3,
      bytes: 3 * 1080
    })
  })

  test('fallthrough-502: alpha falls through to the second mirror on every file', () => {
    const { report, meta } = analyze(version, 'fallthrough-502')
    const [a, b] = meta.mirrors
    const alpha = report.modules.find((m) => m.path === 'example.test/alpha')!
    expect(alpha).toMatchObject({
      status: 'downloaded',
      source: b,
      fallThroughs: 3
    })
    expect(alpha.files.zip?.attempts).toEqual([
      { source: a, answer: '502 Bad Gateway' },
      { source: b, answer: '200 OK' }
    ])
    expect(report.sources.find((s) => s.source === a)).toMatchObject({
      modules: 2,
      errors: 3,
      fallThroughs: 3,
      answers: { '200': 6, '502': 3 }
    })
    expect(report.sources.find((s) => s.source === b)).toMatchObject({
      modules: 1,
      requests: 3
    })
    expect(report.warnings).toContainEqual(
      expect.objectContaining({
        source: a,
        kind: 'failing',
        count: 3,
        modules: ['example.test/alpha@v1.2.0']
      })
    )
    expect(report.failures).toEqual([])
  })

  test('stop-502: go stops at the 502 after ","; the failure names the mirror', () => {
    const { report, meta } = analyze(version, 'stop-502')
    const [a] = meta.mirrors
    expect(report.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/alpha',
        version: 'v1.2.0',
        kind: 'server-error',
        tried: [{ source: a, answers: ['mod: 502 Bad Gateway'] }]
      })
    ])
    expect(report.failures[0].detail).toContain('server response: status 502')
    expect(
      report.modules.find((m) => m.path === 'example.test/alpha')?.status
    ).toBe('failed')
  })

  test('zip-502: the JSON Error of a zip after the graph loaded', () => {
    const { report, meta } = analyze(version, 'zip-502')
    expect(report.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/alpha',
        kind: 'server-error',
        tried: [
          {
            source: meta.mirrors[0],
            answers: ['mod: 200 OK', 'info: 200 OK', 'zip: 502 Bad Gateway']
          }
        ]
      })
    ])
    expect(
      report.modules.filter((m) => m.status === 'downloaded')
    ).toHaveLength(2)
  })

  test('zip-missing: 404 then 410 is missing everywhere', () => {
    const { report, meta } = analyze(version, 'zip-missing')
    const [a, b] = meta.mirrors
    expect(report.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/alpha',
        kind: 'missing',
        tried: [
          {
            source: a,
            answers: ['mod: 200 OK', 'info: 200 OK', 'zip: 404 Not Found']
          },
          { source: b, answers: ['zip: 410 Gone'] }
        ]
      })
    ])
    expect(report.sources.find((s) => s.source === a)?.fallThroughs).toBe(1)
  })

  test('rate-limited: 429 stops go after "," and is flagged', () => {
    const { report, meta } = analyze(version, 'rate-limited')
    expect(report.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/beta/v2',
        kind: 'rate-limited'
      })
    ])
    expect(report.warnings).toContainEqual(
      expect.objectContaining({ source: meta.mirrors[0], kind: 'rate-limited' })
    )
  })

  test('rate-limited-pipe: the throttled module comes from the next mirror', () => {
    const { report, meta } = analyze(version, 'rate-limited-pipe')
    expect(report.failures).toEqual([])
    expect(
      report.modules.find((m) => m.path === 'example.test/beta/v2')
    ).toMatchObject({
      source: meta.mirrors[1],
      fallThroughs: 3
    })
    expect(report.sources[0].answers['429']).toBe(3)
  })

  test('stale: the first mirror lacks a version the second one has', () => {
    const { report, meta } = analyze(version, 'stale')
    expect(report.failures).toEqual([])
    expect(report.warnings).toEqual([
      expect.objectContaining({
        source: meta.mirrors[0],
        kind: 'stale',
        modules: ['example.test/alpha@v1.2.0']
      })
    ])
    expect(report.sources[0]).toMatchObject({
      notFound: 3,
      errors: 0,
      fallThroughs: 3
    })
  })

  test('missing: a module no mirror has', () => {
    const { report, meta } = analyze(version, 'missing')
    const [a, b] = meta.mirrors
    expect(report.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/ghost',
        version: 'v1.0.0',
        kind: 'missing',
        tried: [
          { source: a, answers: ['mod: 404 Not Found'] },
          { source: b, answers: ['mod: 404 Not Found'] }
        ]
      })
    ])
    expect(report.failures[0].hint).toMatch(/version exists/)
  })

  test('tampered-zip: the checksum mismatch is pinned on the mirror that served the zip', () => {
    const { report, meta } = analyze(version, 'tampered-zip')
    expect(report.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/alpha',
        version: 'v1.2.0',
        kind: 'checksum',
        badSource: meta.mirrors[0]
      })
    ])
    expect(report.failures[0].detail).toMatch(
      /downloaded: h1:\S+\n\tgo\.sum: +h1:/
    )
  })

  test('tampered-mod: a go.mod mismatch', () => {
    const { report, meta } = analyze(version, 'tampered-mod')
    expect(report.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/Gamma',
        kind: 'checksum',
        badSource: meta.mirrors[0]
      })
    ])
    expect(report.failures[0].message).toContain('/go.mod: checksum mismatch')
  })

  test('auth-403: the refusal is final after ","', () => {
    const { report } = analyze(version, 'auth-403')
    expect(report.failures).toEqual([
      expect.objectContaining({ module: 'example.test/beta/v2', kind: 'auth' })
    ])
    expect(report.failures[0].detail).toContain('token lacks scope')
  })

  test('auth-401-pipe: every file falls through the 401s', () => {
    const { report, meta } = analyze(version, 'auth-401-pipe')
    expect(report.failures).toEqual([])
    expect(report.sources[0]).toMatchObject({
      modules: 0,
      errors: 9,
      answers: { '401': 9 }
    })
    expect(report.sources[1]).toMatchObject({
      source: meta.mirrors[1],
      modules: 3
    })
  })

  test('refused: a transport error stops go after ","', () => {
    const { report } = analyze(version, 'refused')
    expect(report.failures).toHaveLength(1)
    expect(report.failures[0]).toMatchObject({ kind: 'network' })
    expect(report.sources[0].answers).toEqual({
      'connection refused': expect.any(Number)
    })
  })

  test('refused-pipe: falls through a refusing mirror', () => {
    const { report, meta } = analyze(version, 'refused-pipe')
    expect(report.failures).toEqual([])
    expect(report.modules.every((m) => m.source === meta.mirrors[0])).toBe(true)
    expect(
      report.sources.find((s) => s.source === 'http://127.0.0.1:9')
    ).toMatchObject({
      fallThroughs: 9,
      errors: 9
    })
  })

  test('sumdb: the checksum database poisoned through the mirror', () => {
    const { report } = analyze(version, 'sumdb')
    expect(report.failures).toEqual([
      expect.objectContaining({ kind: 'sumdb' })
    ])
  })

  test('hang: killed with a request open; the stuck zip is a timeout', () => {
    const { report, meta } = analyze(version, 'hang')
    expect(report.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/beta/v2',
        version: 'v2.1.0',
        kind: 'timeout'
      })
    ])
    expect(report.warnings).toEqual([
      expect.objectContaining({
        source: meta.mirrors[0],
        kind: 'unresponsive',
        count: 1
      })
    ])
    expect(report.sources[0].answers['no answer']).toBe(1)
  })

  test('toolchain: a toolchain no source carries', () => {
    const { report, run } = analyze(version, 'toolchain')
    expect(run.toolchainDownloads).toEqual(['go1.99.1'])
    expect(report.failures).toEqual([
      expect.objectContaining({
        module: 'golang.org/toolchain',
        version: 'go1.99.1',
        kind: 'toolchain'
      })
    ])
  })

  test('query: @latest resolves through the version list', () => {
    const { report } = analyze(version, 'query')
    expect(
      report.modules.find((m) => m.path === 'example.test/alpha')
    ).toMatchObject({
      version: 'v1.2.0',
      query: 'latest',
      status: 'downloaded'
    })
    expect(report.requests.some((r) => r.kind === 'list')).toBe(true)
  })

  test('direct-git: the private module comes from its repository', () => {
    const { report, run, meta } = analyze(version, 'direct-git')
    expect(run.vcsRepos).toEqual(['https://github.com/acme/private'])
    expect(
      report.modules.find((m) => m.path === 'github.com/acme/private')
    ).toMatchObject({
      status: 'downloaded',
      source: 'direct'
    })
    expect(report.sources.map((s) => [s.source, s.modules])).toEqual([
      [meta.mirrors[0], 3],
      ['direct', 1]
    ])
    expect(run.otherOutput).toEqual([])
  })
})

describe('a malformed go.sum', () => {
  // What go 1.26.8 prints when a go.sum line has the wrong number of
  // fields, here while two .mod requests of the same run were still open.
  const STDERR = [
    '# get https://goproxy.example-corp.test/github.com/!foo-!bar/baz_qux/@v/v1.2.0.mod',
    '# get https://goproxy.example-corp.test/golang.org/x/text/@v/v0.14.0.mod',
    '# get https://goproxy.example-corp.test/golang.org/x/text/@v/v0.14.0.mod: 200 OK (0.012s)',
    'malformed go.sum:',
    '/home/runner/work/svc-A_1/go.sum:3: wrong number of fields 4',
    ''
  ].join('\n')

  function run() {
    const p = runParsers('.', 'https://goproxy.example-corp.test,direct')
    p.stderr.push(STDERR)
    return p.finish({ exitCode: 1, timedOut: false, durationMs: 40 })
  }

  test('names the file and line and blames no mirror', () => {
    const report = analyzeDownloads([run()], {
      goproxy: 'https://goproxy.example-corp.test,direct',
      timeoutSec: 600
    })
    expect(report.failures).toHaveLength(1)
    expect(report.failures[0]).toMatchObject({
      kind: 'malformed-go-sum',
      message:
        'malformed go.sum: /home/runner/work/svc-A_1/go.sum:3: wrong number of fields 4'
    })
    expect(report.failures[0].hint).toContain('go mod tidy')
    expect(report.warnings).toEqual([])
    const mirror = report.sources.find(
      (s) => s.source === 'https://goproxy.example-corp.test'
    )
    expect(mirror).toMatchObject({ errors: 0, requests: 2 })
  })

  test('a run stopped by the deadline still counts open requests as unanswered', () => {
    const p = runParsers('.', 'https://goproxy.example-corp.test,direct')
    p.stderr.push(STDERR.split('\n').slice(0, 3).join('\n') + '\n')
    const timedOut = p.finish({
      exitCode: null,
      timedOut: true,
      durationMs: 40
    })
    const report = analyzeDownloads([timedOut], {
      goproxy: 'https://goproxy.example-corp.test,direct',
      timeoutSec: 1
    })
    expect(report.warnings.map((w) => w.kind)).toEqual(['unresponsive'])
  })

  test.each([
    'malformed go.sum: /w/go.sum:1: wrong number of fields 2',
    'malformed go.sum: C:\\w\\go.work.sum:7: wrong number of fields 1'
  ])('classifies %p before any mirror answer', (message) => {
    expect(
      classifyFailure(message, [{ status: 502 }, { inFlight: true }])
    ).toBe('malformed-go-sum')
  })
})
