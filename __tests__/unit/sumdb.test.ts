import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  checkProxySumdb,
  checkSumdbReachability,
  decideSumdb,
  needsReachability,
  proxySumdbVerdict,
  proxySumdbWarning,
  sumdbName
} from '../../src/sumdb.js'

const auto = { mode: 'auto' } as const

describe('decideSumdb', () => {
  it('honours a fixed value, and warns about off', () => {
    expect(
      decideSumdb({ mode: 'fixed', value: 'sum.golang.google.cn' }, {})
    ).toMatchObject({
      export: 'sum.golang.google.cn',
      effective: 'sum.golang.google.cn'
    })
    const off = decideSumdb({ mode: 'fixed', value: 'off' }, {})
    expect(off).toMatchObject({ export: 'off', effective: 'off' })
    expect(off.warning).toMatch(/not verified/)
  })

  it('keeps the default when sum.golang.org answers', () => {
    expect(decideSumdb(auto, { sumGolangOrg: 'ok', googleCn: 'ok' })).toEqual({
      effective: 'sum.golang.org',
      reason: 'sum.golang.org answers'
    })
  })

  it('keeps the default when the first mirror proxies the database', () => {
    const d = decideSumdb(auto, {
      sumGolangOrg: 'unreachable',
      googleCn: 'ok',
      firstMirrorSupported: 200,
      firstMirror: 'https://m.test'
    })
    expect(d.export).toBeUndefined()
    expect(d.reason).toMatch(/through https:\/\/m\.test/)
  })

  it('switches to sum.golang.google.cn only when sum.golang.org is unreachable', () => {
    expect(
      decideSumdb(auto, {
        sumGolangOrg: 'unreachable',
        googleCn: 'ok',
        firstMirrorSupported: 404
      }).export
    ).toBe('sum.golang.google.cn')
  })

  it('never turns verification off by itself', () => {
    const d = decideSumdb(auto, {
      sumGolangOrg: 'unreachable',
      googleCn: 'unreachable'
    })
    expect(d.export).toBeUndefined()
    expect(d.effective).toBe('sum.golang.org')
    expect(d.warning).toMatch(/stays on/)
  })

  it('keeps a GOSUMDB the job already set', () => {
    const d = decideSumdb(auto, { jobValue: 'off', sumGolangOrg: 'ok' })
    expect(d.export).toBeUndefined()
    expect(d.effective).toBe('off')
    expect(d.warning).toMatch(/stays off/)
  })

  it('skips the reachability check when it cannot change the result', () => {
    expect(needsReachability(auto, {})).toBe(true)
    expect(needsReachability(auto, { firstMirrorSupported: 200 })).toBe(false)
    expect(needsReachability(auto, { jobValue: 'x' })).toBe(false)
    expect(needsReachability({ mode: 'fixed', value: 'off' }, {})).toBe(false)
  })
})

describe('checkSumdbReachability', () => {
  let good: Server
  let portal: Server
  const url = (s: Server): string =>
    `http://127.0.0.1:${(s.address() as AddressInfo).port}`
  beforeAll(async () => {
    good = createServer((req, res) => {
      res.end(req.url === '/latest' ? 'go.sum database tree\n123\n' : 'x')
    })
    portal = createServer((_req, res) => res.end('<html>login</html>'))
    await Promise.all(
      [good, portal].map(
        (s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
      )
    )
  })
  afterAll(() => {
    good.close()
    portal.close()
  })

  it('tells a real tree head from a portal page and a closed port', async () => {
    expect(
      await checkSumdbReachability(
        { sumGolangOrg: url(portal), googleCn: url(good) },
        2000
      )
    ).toEqual({ sumGolangOrg: 'unreachable', googleCn: 'ok' })
    expect(
      await checkSumdbReachability(
        { sumGolangOrg: 'http://127.0.0.1:1', googleCn: url(good) },
        2000
      )
    ).toEqual({ sumGolangOrg: 'unreachable', googleCn: 'ok' })
  })
})

describe('private proxies and /sumdb/<name>/supported', () => {
  it('classifies answers the way go treats them', () => {
    expect(proxySumdbVerdict(200)).toBe('serves')
    expect(proxySumdbVerdict(404)).toBe('passes')
    expect(proxySumdbVerdict(410)).toBe('passes')
    for (const s of [401, 403, 500, undefined]) {
      expect(proxySumdbVerdict(s)).toBe('breaks')
    }
  })

  it('reads the database name from a GOSUMDB value', () => {
    expect(sumdbName('sum.golang.org')).toBe('sum.golang.org')
    expect(
      sumdbName(
        'sum.golang.google.cn+033de0ae+Ac4zctda https://sum.golang.google.cn'
      )
    ).toBe('sum.golang.google.cn')
  })

  const statusOf: Record<string, number> = {
    '/gone': 410,
    '/served': 200,
    '/denied': 401,
    '/broken': 500
  }
  let proxy: Server
  let base: string
  const seen: { url: string; auth?: string }[] = []
  beforeAll(async () => {
    proxy = createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization })
      const prefix = '/' + (req.url ?? '').split('/')[1]
      res.statusCode = statusOf[prefix] ?? 404
      res.end()
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  })
  afterAll(() => {
    proxy.close()
  })

  it('asks in order with the credentials and stops where go stops', async () => {
    seen.length = 0
    const checks = await checkProxySumdb(
      [`${base}/gone`, `${base}/denied/`, `${base}/served`],
      'sum.golang.org',
      (url) => (url.includes('/denied/') ? 'Basic abc' : undefined)
    )
    expect(checks.map((c) => [c.status, c.verdict])).toEqual([
      [410, 'passes'],
      [401, 'breaks']
    ])
    expect(seen).toEqual([
      { url: '/gone/sumdb/sum.golang.org/supported', auth: undefined },
      { url: '/denied/sumdb/sum.golang.org/supported', auth: 'Basic abc' }
    ])
    const w = proxySumdbWarning(checks[1])!
    expect(w).toContain(
      `${base}/denied/sumdb/sum.golang.org/supported answered 401`
    )
    expect(w).toMatch(/whole run/)
    expect(w).toMatch(/credentials/)
    expect(proxySumdbWarning(checks[0])).toBeUndefined()
  })

  it('a proxy that proxies the database ends the walk; no answer breaks it', async () => {
    const served = await checkProxySumdb(
      [`${base}/served`, `${base}/broken`],
      'sum.golang.org',
      () => undefined
    )
    expect(served.map((c) => c.verdict)).toEqual(['serves'])
    const dead = await checkProxySumdb(
      ['http://127.0.0.1:1'],
      'sum.golang.org',
      () => undefined,
      2000
    )
    expect(dead[0]).toMatchObject({ verdict: 'breaks' })
    expect(proxySumdbWarning(dead[0])).toMatch(/failed \(/)
  })
})
