// Asking mirrors and checksum databases over loopback sockets: what a
// route answers, within its deadline.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import {
  askSupported,
  checkSumdbRoute,
  sumdbAgent,
  type SupportedAnswer
} from '../../../src/sumdb/proxy-route.js'
import { checkSumdbReachability } from '../../../src/sumdb/reachability.js'
import { Agent } from 'undici'
import {
  silentListener,
  synDropListener
} from '../../support/hostile-listeners.js'
import { closeServer } from '../../support/closers.js'
import { testCertificates } from '../../support/tls.js'

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
  afterAll(() => Promise.all([closeServer(good), closeServer(portal)]))

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
  afterAll(async () => {
    await closeServer(server)
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
      await closeServer(secure)
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
