import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { parseSumdb } from '../../../src/inputs/privacy-inputs.js'
import {
  askSupported,
  checkSumdbReachability,
  checkSumdbRoute,
  decideSumdb,
  needsReachability,
  proxiedSumdbName,
  proxyLinks,
  sumdbAgent,
  toolchainOffWarning,
  walkSumdbRoute,
  type SupportedAnswer
} from '../../../src/sumdb/choose-sumdb.js'
import { Agent } from 'undici'
import {
  silentListener,
  synDropListener
} from '../../support/hostile-listeners.js'
import { verifierKey } from '../../support/sumdb-keys.js'
import { testCertificates } from '../../support/tls.js'

const auto = { mode: 'auto' } as const
const brokenAt = (url: string, status: number) => ({
  kind: 'broken' as const,
  check: {
    proxy: url,
    name: 'sum.golang.org',
    url: `${url}/sumdb/sum.golang.org/supported`,
    status,
    verdict: 'breaks' as const
  }
})

describe('proxyLinks', () => {
  it('splits GOPROXY as go does and stops at direct or off', () => {
    expect(
      proxyLinks('https://a.test,https://b.test|direct|https://c')
    ).toEqual([
      { url: 'https://a.test', fallBackOnError: false },
      { url: 'https://b.test', fallBackOnError: true },
      { url: 'direct', fallBackOnError: true }
    ])
    expect(proxyLinks(' https://a.test ,, off,https://b')).toEqual([
      { url: 'https://a.test', fallBackOnError: false },
      { url: 'off', fallBackOnError: false }
    ])
  })
})

describe('walkSumdbRoute', () => {
  const answers = (
    m: Record<string, SupportedAnswer>
  ): ((url: string) => Promise<SupportedAnswer>) => {
    return (url) => Promise.resolve(m[new URL(url).host] ?? { status: 404 })
  }
  const walk = (goproxy: string, m: Record<string, SupportedAnswer>) =>
    walkSumdbRoute(proxyLinks(goproxy), 'sum.golang.org', answers(m))
  it('takes the first 200 and asks nothing after it', async () => {
    const r = await walk(
      'https://p.test,https://m1.test|https://m2.test|direct',
      {
        'm1.test': { status: 200 },
        'm2.test': { status: 500 }
      }
    )
    expect(r.route).toEqual({ kind: 'proxy', proxy: 'https://m1.test' })
    expect(r.checks.map((c) => c.verdict)).toEqual(['passes', 'serves'])
  })
  it('a 5xx or 403 ends the walk under ",": every verification fails', async () => {
    for (const status of [500, 403]) {
      const r = await walk('https://m1.test,https://m2.test,direct', {
        'm1.test': { status },
        'm2.test': { status: 200 }
      })
      expect(r.route).toMatchObject({ kind: 'broken', check: { status } })
      expect(r.checks).toHaveLength(1)
    }
  })
  it('under "|" an error is stepped over, and kept unless direct follows', async () => {
    const m = { 'm1.test': { status: 500 } }
    expect(
      (await walk('https://m1.test|https://m2.test|direct', m)).route
    ).toEqual({
      kind: 'direct'
    })
    const noDirect = await walk('https://m1.test|https://m2.test', m)
    expect(noDirect.route).toMatchObject({
      kind: 'broken',
      check: { status: 500 }
    })
    expect(noDirect.checks.map((c) => c.verdict)).toEqual(['breaks', 'passes'])
    expect((await walk('https://m1.test|off', m)).route.kind).toBe('broken')
    expect(
      (
        await walk('https://m1.test|https://m2.test', {
          ...m,
          'm2.test': { status: 200 }
        })
      ).route
    ).toEqual({ kind: 'proxy', proxy: 'https://m2.test' })
  })
  it('keeps the last error, as go reports it', async () => {
    const r = await walk('https://m1.test|https://m2.test|https://m3.test', {
      'm1.test': { status: 500 },
      'm2.test': { error: 'connection refused' }
    })
    expect(r.route).toMatchObject({
      kind: 'broken',
      check: { proxy: 'https://m2.test' }
    })
    expect(r.checks.map((c) => c.verdict)).toEqual([
      'falls-through',
      'breaks',
      'passes'
    ])
  })
  it('404 and 410 everywhere reach the database itself', async () => {
    const r = await walk('https://m1.test,https://m2.test', {
      'm2.test': { status: 410 }
    })
    expect(r.route).toEqual({ kind: 'direct' })
  })
})

describe('decideSumdb', () => {
  it('honours a fixed value, and warns about off', () => {
    expect(
      decideSumdb({ mode: 'fixed', value: 'sum.golang.google.cn' }, {})
    ).toMatchObject({
      export: 'sum.golang.google.cn',
      effective: 'sum.golang.google.cn',
      warning: undefined
    })
    const off = decideSumdb({ mode: 'fixed', value: 'off' }, {})
    expect(off).toMatchObject({ export: 'off', effective: 'off' })
    expect(off.warning).toMatch(/not verified/)
  })

  it('warns when a fixed value without URL meets a breaking proxy', () => {
    const d = decideSumdb(
      { mode: 'fixed', value: 'sum.golang.org' },
      { route: brokenAt('https://m.test', 502) }
    )
    expect(d.export).toBe('sum.golang.org')
    expect(d.warning).toMatch(
      /supported answered 502.*every module missing from go.sum will fail/
    )
  })

  it('keeps the default when the database answers', () => {
    const d = decideSumdb(auto, {
      route: { kind: 'direct' },
      sumGolangOrg: 'ok',
      googleCn: 'ok'
    })
    expect(d.export).toBeUndefined()
    expect(d.effective).toBe('sum.golang.org')
    expect(d.warning).toBeUndefined()
  })

  it('keeps the default when a GOPROXY entry proxies the database', () => {
    const d = decideSumdb(auto, {
      route: { kind: 'proxy', proxy: 'https://m.test' },
      sumGolangOrg: 'unreachable'
    })
    expect(d.export).toBeUndefined()
    expect(d.reason).toMatch(/through https:\/\/m\.test/)
  })

  it('routes around a breaking proxy with an explicit URL', () => {
    const d = decideSumdb(auto, {
      route: brokenAt('https://m.test', 503),
      sumGolangOrg: 'ok',
      googleCn: 'ok'
    })
    expect(d.export).toBe('sum.golang.org https://sum.golang.org')
    expect(d.reason).toMatch(/answered 503/)
    expect(d.warning).toBeUndefined()
    const cn = decideSumdb(auto, {
      route: brokenAt('https://m.test', 403),
      sumGolangOrg: 'unreachable',
      googleCn: 'ok'
    })
    expect(cn.export).toBe('sum.golang.google.cn')
    const none = decideSumdb(auto, {
      route: brokenAt('https://m.test', 403),
      sumGolangOrg: 'unreachable',
      googleCn: 'unreachable'
    })
    expect(none.export).toBeUndefined()
    expect(none.warning).toMatch(/answered 403.*could not route around it/)
  })

  it('switches to sum.golang.google.cn only when sum.golang.org is unreachable', () => {
    expect(
      decideSumdb(auto, {
        route: { kind: 'direct' },
        sumGolangOrg: 'unreachable',
        googleCn: 'ok'
      }).export
    ).toBe('sum.golang.google.cn')
  })

  it('never turns verification off by itself', () => {
    const d = decideSumdb(auto, {
      route: { kind: 'direct' },
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

  it('checks the databases only when that can change the result', () => {
    expect(needsReachability(auto, { route: { kind: 'direct' } })).toBe(true)
    expect(needsReachability(auto, { route: brokenAt('https://m', 500) })).toBe(
      true
    )
    expect(
      needsReachability(auto, { route: { kind: 'proxy', proxy: 'https://m' } })
    ).toBe(false)
    expect(needsReachability(auto, { jobValue: 'x' })).toBe(false)
    expect(needsReachability({ mode: 'fixed', value: 'off' }, {})).toBe(false)
  })
})

describe('proxiedSumdbName: whether go asks the proxies at all', () => {
  it.each([
    ['sum.golang.org', 'sum.golang.org'],
    [verifierKey('sum.corp-example.test'), 'sum.corp-example.test'],
    ['sum.golang.google.cn', undefined],
    ['sum.golang.org https://sum.golang.org', undefined],
    [`${verifierKey('sum.x.test')} http://127.0.0.1:9`, undefined],
    ['off', undefined]
  ])('%p -> %p', (value, name) => {
    expect(proxiedSumdbName(value)).toBe(name)
  })
})

describe('toolchainOffWarning', () => {
  it('names the consequence unless go cannot switch', () => {
    expect(toolchainOffWarning(undefined)).toMatch(
      /GOTOOLCHAIN=auto.*refuses to without the checksum database/
    )
    expect(toolchainOffWarning('go1.30.0+auto')).toMatch(/go1\.30\.0\+auto/)
    expect(toolchainOffWarning('local')).toBeUndefined()
  })
})

describe('parseSumdb: the values cmd/go dbDial accepts', () => {
  const good = verifierKey('sum.My-Corp_db.test/Go')
  it.each([
    'sum.golang.org',
    'sum.golang.google.cn',
    'off',
    'sum.golang.org https://sum.golang.org',
    'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
    good,
    `${good} https://sum.corp.test/db`
  ])('accepts %p', (v) => {
    expect(parseSumdb(v)).toEqual({ mode: 'fixed', value: v })
  })
  const [name, hash] = good.split('+')
  const key = good.slice(name.length + hash.length + 2)
  it.each([
    ['Off', 'NAME\\+HASH\\+KEY'],
    ['OFF', 'NAME\\+HASH\\+KEY'],
    ['sum.corp.test', 'only for sum.golang.org'],
    ['sum.golang.google.cn https://sum.golang.google.cn', 'NAME\\+HASH'],
    [
      `${name}+${hash === '00000000' ? '00000001' : '00000000'}+${key}`,
      'hashes to'
    ],
    [`${name}+${hash}+${key.slice(0, -4)}`, 'hashes to|NAME'],
    [verifierKey('sum.x.test', 2), 'unknown key algorithm'],
    [verifierKey('sum.x.test', 1, 31), 'key of 31 bytes'],
    [`sum.x.test+${hash}`, 'NAME\\+HASH'],
    ['sum.golang.org https://u:tok3n@sum.test', 'without credentials']
  ])('rejects %p', (v, why) => {
    expect(() => parseSumdb(v)).toThrow(new RegExp(`Input "sumdb".*(${why})`))
  })
  it('never echoes a URL credential', () => {
    expect(() => parseSumdb('a b https://u:tok3n@sum.test')).toThrow(
      /^(?!.*tok3n)/s
    )
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

describe('askSupported and checkSumdbRoute', () => {
  let server: Server
  let base: string
  const seen: { url: string; auth?: string }[] = []
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization })
      const [, first] = (req.url ?? '').split('/')
      if (first === 'moved') {
        res.writeHead(302, { location: `/served${req.url!.slice(6)}` })
      } else if (first === 'to-http') {
        res.writeHead(302, { location: 'http://127.0.0.1:1/x' })
      } else {
        res.statusCode =
          { gone: 410, served: 200, denied: 401, broken: 500 }[first] ?? 404
      }
      res.end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => {
    server.close()
  })

  it('follows redirects as go does, with credentials only where they match', async () => {
    seen.length = 0
    const r = await checkSumdbRoute(
      `${base}/gone,${base}/moved,direct`,
      'sum.golang.org',
      (url) => (url.includes('/moved/') ? 'Basic abc' : undefined)
    )
    expect(r.route).toEqual({ kind: 'proxy', proxy: `${base}/moved` })
    expect(seen).toEqual([
      { url: '/gone/sumdb/sum.golang.org/supported', auth: undefined },
      { url: '/moved/sumdb/sum.golang.org/supported', auth: 'Basic abc' },
      { url: '/served/sumdb/sum.golang.org/supported', auth: undefined }
    ])
  })

  it('a 401 or a dead proxy breaks the route under ","', async () => {
    const r = await checkSumdbRoute(
      `${base}/denied,${base}/served`,
      'sum.golang.org',
      () => undefined
    )
    expect(r.route).toMatchObject({ kind: 'broken', check: { status: 401 } })
    const dead = await checkSumdbRoute(
      'http://127.0.0.1:1,direct',
      'sum.golang.org',
      () => undefined,
      2000
    )
    expect(dead.route).toMatchObject({
      kind: 'broken',
      check: { error: expect.any(String) }
    })
  })

  it('never follows a redirect from https to http', async () => {
    const certs = testCertificates()
    const secure = createHttpsServer(
      { cert: certs.cert, key: certs.key },
      (_req, res) => {
        res.writeHead(302, { location: `${base}/served/sumdb/x/supported` })
        res.end()
      }
    )
    await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r))
    const d = new Agent({ connect: { ca: certs.caCert, timeout: 2000 } })
    seen.length = 0
    try {
      const a = await askSupported(
        `https://127.0.0.1:${(secure.address() as AddressInfo).port}/sumdb/x/supported`,
        () => undefined,
        2000,
        d
      )
      expect(a.error).toMatch(/redirected from secure URL .* to insecure URL/)
      expect(seen).toEqual([])
    } finally {
      await d.destroy()
      secure.close()
    }
  })

  it('ends by its deadline when TLS never starts', async () => {
    const stall = await silentListener()
    const d = sumdbAgent(500)
    const t0 = performance.now()
    try {
      const a: SupportedAnswer = await askSupported(
        `${stall.url('https')}/sumdb/sum.golang.org/supported`,
        () => undefined,
        500,
        d
      )
      expect(a.error).toMatch(/no answer within 500 ms|timeout/i)
      expect(stall.accepted).toBe(1)
      expect(performance.now() - t0).toBeLessThan(10_000)
    } finally {
      await d.destroy()
      await stall.close()
    }
  })

  it('ends by its deadline when SYNs are dropped, and so does the database check', async () => {
    const drop = await synDropListener()
    const d = sumdbAgent(500)
    const t0 = performance.now()
    try {
      const a = await askSupported(
        `${drop.url('https')}/sumdb/sum.golang.org/supported`,
        () => undefined,
        500,
        d
      )
      expect(a.error).toMatch(/no answer within 500 ms|connect timeout/i)
      expect(
        await checkSumdbReachability(
          { sumGolangOrg: drop.url('https'), googleCn: drop.url('https') },
          500
        )
      ).toEqual({ sumGolangOrg: 'unreachable', googleCn: 'unreachable' })
      expect(performance.now() - t0).toBeLessThan(10_000)
    } finally {
      await d.destroy()
      await drop.close()
    }
  })
})
