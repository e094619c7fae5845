import { describe, expect, it } from '@jest/globals'
import type { RootRun } from '../../../../src/download/run-collector.js'
import {
  attributeProxied,
  creditPrefetched
} from '../../../../src/download/proxy/attribution.js'
import type { ProxyRecord } from '../../../../src/download/proxy/record.js'
import {
  localChain,
  mirrorPriors
} from '../../../../src/download/proxy/run-proxied.js'
import type { MirrorProbe } from '../../../../src/probe/result.js'
import type { RunReport } from '../../../../src/report/report.js'

const LOCAL = 'http://127.0.0.1:4100'
const A = 'https://goproxy.example'
const B = 'https://mirror-b.example/go'
const ZIP = 'github.com/!burnt!sushi/toml/@v/v1.3.2.zip'

function run(requests: RootRun['requests']): RootRun {
  return {
    dir: '.',
    goproxy: `${LOCAL}|direct`,
    requests,
    json: [],
    errors: [],
    checksums: [],
    vcsRepos: [],
    toolchainDownloads: [],
    exitCode: 0,
    timedOut: false,
    durationMs: 1,
    otherOutput: []
  }
}

const goRequest = (path: string, status?: number) => ({
  url: `${LOCAL}/${path.replace(/!/g, '%21')}`,
  source: LOCAL,
  kind: 'zip' as const,
  module: 'github.com/BurntSushi/toml',
  version: 'v1.3.2',
  status,
  inFlight: status === undefined ? true : undefined
})

// What go itself logged: a request it made for a file not prefetched.
const goOwn = {
  url: `${A}/golang.org/x/mod/@v/v0.20.0.zip`,
  source: A,
  kind: 'zip' as const,
  module: 'golang.org/x/mod',
  version: 'v0.20.0',
  status: 200
}

function record(file: Partial<ProxyRecord['files'][number]>): ProxyRecord {
  return {
    concurrency: 8,
    mirrors: [],
    files: [
      {
        path: ZIP,
        module: 'github.com/BurntSushi/toml',
        version: 'v1.3.2',
        kind: 'zip',
        status: 'served',
        attempts: 2,
        hedges: 0,
        failures: [],
        verified: true,
        planned: true,
        askedByGo: true,
        ...file
      }
    ]
  }
}

describe('attribution of proxied requests', () => {
  it('credits the mirror that served the file, after the answers the proxy moved away from', () => {
    const [r] = attributeProxied(
      [run([goRequest(ZIP, 200)])],
      LOCAL,
      record({
        mirror: B,
        failures: [
          {
            mirror: A,
            kind: 'checksum',
            detail: 'h1:x, go.sum has h1:y',
            atMs: 5
          }
        ]
      })
    )
    expect(r.requests.map((q) => [q.source, q.status, q.error])).toEqual([
      [A, undefined, 'checksum mismatch'],
      [B, 200, undefined]
    ])
    expect(r.requests[1].url).toBe(`${B}/${ZIP}`)
  })

  it('names the mirrors still asked when go was stopped, and keeps unknown paths as they were', () => {
    const other = {
      ...goRequest('golang.org/x/mod/@v/list', 200),
      kind: 'list' as const
    }
    const [r] = attributeProxied(
      [run([goRequest(ZIP), other])],
      LOCAL,
      record({ status: 'pending', waitingOn: [A] })
    )
    expect(r.requests.map((q) => [q.source, q.inFlight])).toEqual([
      [A, true],
      [LOCAL, undefined]
    ])
  })

  it('lists a mirror 404 with its status, not as an error', () => {
    const [r] = attributeProxied(
      [run([goRequest(ZIP, 404)])],
      LOCAL,
      record({
        status: 'not-found',
        failures: [
          { mirror: A, kind: 'not-found', status: 404, detail: '404', atMs: 1 },
          { mirror: B, kind: 'not-found', status: 404, detail: '404', atMs: 2 }
        ]
      })
    )
    expect(r.requests.map((q) => [q.source, q.status])).toEqual([
      [A, 404],
      [B, 404]
    ])
  })
})

describe('credit for what the engine put into the module cache', () => {
  it("credits the mirror that served the file, after the answers the engine moved away from, before go's own requests", () => {
    const [r] = creditPrefetched(
      [run([goOwn])],
      record({
        mirror: B,
        askedByGo: false,
        failures: [
          {
            mirror: A,
            kind: 'checksum',
            detail: 'h1:x, go.sum has h1:y',
            atMs: 5
          }
        ]
      }),
      new Set([ZIP])
    )
    expect(r.requests.map((q) => [q.source, q.status, q.error])).toEqual([
      [A, undefined, 'checksum mismatch'],
      [B, 200, undefined],
      [A, 200, undefined]
    ])
    expect(r.requests[1]).toMatchObject({
      url: `${B}/${ZIP}`,
      module: 'github.com/BurntSushi/toml',
      version: 'v1.3.2',
      kind: 'zip'
    })
  })

  it('credits no mirror for a file that was served but not moved into the cache: go fetched it itself', () => {
    const [r] = creditPrefetched(
      [run([])],
      record({ mirror: B, askedByGo: false }),
      new Set()
    )
    expect(r.requests).toEqual([])
  })

  it("leaves a file go asked for to go's own request through the proxy", () => {
    const [r] = creditPrefetched(
      [run([])],
      record({ mirror: B, askedByGo: true }),
      new Set([ZIP])
    )
    expect(r.requests).toEqual([])
  })

  it('puts the credit into the first root only, so that no file counts twice', () => {
    const runs = creditPrefetched(
      [run([]), { ...run([goOwn]), dir: 'tools' }],
      record({ mirror: B, askedByGo: false }),
      new Set([ZIP])
    )
    expect(runs.map((x) => x.requests.length)).toEqual([1, 1])
  })
})

describe('mirror priors', () => {
  const probe = (url: string, p: Partial<MirrorProbe>): MirrorProbe => ({
    url,
    timings: { ttfbSamplesMs: [] },
    found: 0,
    sampled: 3,
    missing: [],
    integrity: { checked: 0, mismatches: [] },
    failures: [],
    cutShort: false,
    ...p
  })

  it('takes the chain in rank order with its measurements, then mirrors the probe stopped waiting for', () => {
    const report = {
      probe: {
        mirrors: [
          probe(A, {
            timings: { ttfbMs: 30, throughputBps: 5e6, ttfbSamplesMs: [30] }
          }),
          probe(B, {
            failures: [
              { kind: 'timeout', request: '/', detail: 'no answer in 71 ms' }
            ]
          }),
          probe('https://refused.example', {
            failures: [
              { kind: 'refused', request: '/', detail: 'ECONNREFUSED' }
            ]
          }),
          probe('https://stalls.example', {
            failures: [
              { kind: 'timeout', request: '/', detail: 'stalled', fatal: true }
            ]
          })
        ]
      },
      chain: {
        entries: [
          { url: 'https://private.example', role: 'private', reason: '' },
          { url: A, role: 'mirror', reason: '' },
          { url: 'direct', role: 'direct', reason: '' }
        ]
      }
    } as unknown as RunReport
    expect(mirrorPriors(report)).toEqual([
      { url: A, latencyMs: 30, bps: 5e6 },
      { url: B }
    ])
  })

  it('is empty when the chain has no public mirror', () => {
    expect(
      mirrorPriors({ chain: { entries: [] } } as unknown as RunReport)
    ).toEqual([])
  })
})

describe('the GOPROXY go runs with', () => {
  const chain = (goproxy: string, entries: [string, string][]) =>
    ({
      goproxy,
      entries: entries.map(([url, role]) => ({ url, role, reason: '' }))
    }) as unknown as RunReport['chain']

  it('keeps private proxies first with ",", then the local proxy, then direct with the chain\'s separator', () => {
    const priv = 'https://athens.corp.example'
    expect(
      localChain(
        chain(`${priv},${A}|${B}|direct`, [
          [priv, 'private'],
          [A, 'mirror'],
          [B, 'mirror'],
          ['direct', 'direct']
        ]),
        LOCAL
      )
    ).toBe(`${priv},${LOCAL}|direct`)
    // fallback-on: not-found keeps "," before direct.
    expect(
      localChain(
        chain(`${A},direct`, [
          [A, 'mirror'],
          ['direct', 'direct']
        ]),
        LOCAL
      )
    ).toBe(`${LOCAL},direct`)
    // direct-fallback: false.
    expect(localChain(chain(A, [[A, 'mirror']]), LOCAL)).toBe(LOCAL)
  })
})
