// go's redirect rule on the one dispatcher every request goes through: at
// most 10 redirects, across hosts and schemes, but never from https to http.
import { afterAll, describe, expect, it } from '@jest/globals'
import { createServer as createHttp, type Server } from 'node:http'
import { createServer as createHttps } from 'node:https'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'
import { testCertificates } from '../../support/tls.js'

// The test CA reaches the dispatcher the way go's trust does.
process.env.SSL_CERT_FILE = testCertificates().caCertPath
const { goDispatcher } = await import('../../../src/net/dispatcher.js')

const servers: Server[] = []
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))))

// Answers /hop/N with a redirect to `next(N)` until N is 0, then 200.
async function serve(
  tls: boolean,
  next: (n: number) => string
): Promise<string> {
  const handler = (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse
  ) => {
    const n = Number(/^\/hop\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0)
    if (n > 0) res.writeHead(302, { location: next(n - 1) }).end()
    else res.writeHead(200).end('arrived')
  }
  const certs = testCertificates()
  const s = tls
    ? createHttps({ key: certs.key, cert: certs.cert }, handler)
    : createHttp(handler)
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return `${tls ? 'https' : 'http'}://127.0.0.1:${(s.address() as AddressInfo).port}`
}

async function get(url: string): Promise<string> {
  const dispatcher = goDispatcher()
  try {
    const res = await request(url, { dispatcher })
    return `${res.statusCode} ${await res.body.text()}`
  } finally {
    await dispatcher.destroy()
  }
}

describe('redirects as go follows them', () => {
  it('follows 9 redirects, from one host to another and from http to https', async () => {
    const secure = await serve(true, (n) => `/hop/${n}`)
    const plain = await serve(false, (n) => `${secure}/hop/${n}`)
    expect(await get(`${plain}/hop/9`)).toBe('200 arrived')
  })

  it('fails at the 10th, as go does (ten requests at most)', async () => {
    const plain = await serve(false, (n) => `/hop/${n}`)
    await expect(get(`${plain}/hop/10`)).rejects.toThrow(/redirect/i)
  })

  it('once the first request was https, refuses http on any later hop', async () => {
    const plain = await serve(false, (n) => `/hop/${n}`)
    const secure = await serve(true, (n) =>
      n === 1 ? `${plain}/hop/0` : `/hop/${n}`
    )
    await expect(get(`${secure}/hop/3`)).rejects.toThrow(/refused/)
  })

  it('refuses a redirect from https to http, naming it', async () => {
    const plain = await serve(false, (n) => `/hop/${n}`)
    const secure = await serve(true, (n) => `${plain}/hop/${n}`)
    await expect(get(`${secure}/hop/1`)).rejects.toThrow(
      /redirect from https:\/\/127\.0\.0\.1:\d+ to http:\/\/127\.0\.0\.1:\d+ refused: go refuses/
    )
  })
})
