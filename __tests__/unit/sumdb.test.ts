import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  checkSumdbReachability,
  decideSumdb,
  needsReachability
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
