import { describe, expect, it } from '@jest/globals'
import { parseSumdb } from '../../../src/inputs/privacy-inputs.js'
import {
  decideSumdb,
  needsReachability,
  proxiedSumdbName,
  toolchainOffWarning
} from '../../../src/sumdb/choose-sumdb.js'
import { parseGoproxy } from '../../../src/gomod/goproxy.js'
import {
  walkSumdbRoute,
  type SupportedAnswer
} from '../../../src/sumdb/proxy-route.js'
import { verifierKey } from '../../support/sumdb-keys.js'

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

describe('parseGoproxy', () => {
  it('splits GOPROXY as go does and stops at direct or off', () => {
    expect(
      parseGoproxy('https://a.test,https://b.test|direct|https://c')
    ).toEqual([
      { url: 'https://a.test', fallBackOnError: false },
      { url: 'https://b.test', fallBackOnError: true },
      { url: 'direct', fallBackOnError: true }
    ])
    expect(parseGoproxy(' https://a.test ,, off,https://b')).toEqual([
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
    walkSumdbRoute(parseGoproxy(goproxy), 'sum.golang.org', answers(m))
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

  it('gives a reason that does not repeat the value it explains', () => {
    // The summary prints "`<effective>` (<reason>)".
    const decisions = [
      decideSumdb(auto, { route: { kind: 'proxy', proxy: 'https://m.test' } }),
      decideSumdb(auto, {
        route: { kind: 'direct' },
        sumGolangOrg: 'unreachable',
        googleCn: 'unreachable'
      }),
      decideSumdb(auto, {
        route: brokenAt('https://m.test', 403),
        sumGolangOrg: 'unreachable',
        googleCn: 'unreachable'
      })
    ]
    for (const d of decisions) {
      expect(d.effective).toBe('sum.golang.org')
      expect(d.reason.startsWith(d.effective)).toBe(false)
    }
    expect(decisions[0].reason).toBe(
      'through https://m.test, which proxies the checksum database'
    )
    expect(decisions[1].reason).toMatch(
      /^no GOPROXY entry proxies the checksum database, and neither sum\.golang\.org nor sum\.golang\.google\.cn answered/
    )
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
