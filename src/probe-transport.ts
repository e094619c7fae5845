import { lookup } from 'node:dns/promises'
import * as net from 'node:net'
import * as tls from 'node:tls'
import { Client, EnvHttpProxyAgent, Pool, type Dispatcher } from 'undici'

export interface ConnectTimings {
  dnsMs?: number
  connectMs?: number
  tlsMs?: number
}

export interface TransportResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: AsyncIterable<Buffer> & {
    destroy(err?: Error): unknown
    dump(): Promise<void>
  }
}

/**
 * One mirror's connection. Without an HTTP(S)_PROXY it is a single kept-alive
 * connection whose DNS, TCP and TLS phases are timed separately; behind a
 * proxy (as go would use it) the phases are not observable.
 */
export interface Transport {
  readonly timings: ConnectTimings
  request(path: string, signal: AbortSignal): Promise<TransportResponse>
  close(): Promise<void>
}

const USER_AGENT = 'setup-goproxy (+https://github.com/features/actions)'

export function usesHttpProxy(url: URL, env = process.env): boolean {
  const proxy =
    url.protocol === 'https:'
      ? (env.HTTPS_PROXY ?? env.https_proxy)
      : (env.HTTP_PROXY ?? env.http_proxy)
  return Boolean(proxy)
}

export function openTransport(base: URL): Transport {
  return usesHttpProxy(base) ? proxyTransport(base) : timedTransport(base)
}

/**
 * Extra connections beside the measured one, for checks whose timing does
 * not matter (freshness of more module versions).
 */
export function openSidePool(base: URL, connections: number): Transport {
  if (usesHttpProxy(base)) return proxyTransport(base)
  const pool = new Pool(base.origin, {
    connections,
    headersTimeout: 0,
    bodyTimeout: 0
  })
  return {
    timings: {},
    request: (path, signal) => send(pool, base.origin, path, signal),
    close: () => pool.destroy()
  }
}

function timedTransport(base: URL): Transport {
  const timings: ConnectTimings = {}
  const https = base.protocol === 'https:'
  const port = Number(base.port || (https ? 443 : 80))
  const hostname = base.hostname.replace(/^\[|\]$/g, '')
  let address: Promise<string> | undefined
  const resolve = (): Promise<string> => {
    address ??= (async () => {
      if (net.isIP(hostname)) return hostname
      const t0 = performance.now()
      const { address } = await lookup(hostname)
      timings.dnsMs = performance.now() - t0
      return address
    })()
    return address
  }
  const connector = (
    _opts: unknown,
    cb: (...args: [null, net.Socket] | [Error, null]) => void
  ): void => {
    resolve().then(
      (ip) => {
        const t0 = performance.now()
        const socket = net.connect({ host: ip, port })
        socket.once('error', (err) => cb(err, null))
        socket.once('connect', () => {
          timings.connectMs ??= performance.now() - t0
          if (!https) {
            socket.removeAllListeners('error')
            cb(null, socket)
            return
          }
          const t1 = performance.now()
          const secure = tls.connect({
            socket,
            servername: net.isIP(hostname) ? undefined : hostname,
            ALPNProtocols: ['http/1.1']
          })
          secure.once('error', (err) => cb(err, null))
          secure.once('secureConnect', () => {
            timings.tlsMs ??= performance.now() - t1
            secure.removeAllListeners('error')
            cb(null, secure)
          })
        })
      },
      (err: Error) => cb(err, null)
    )
  }
  const client = new Client(base.origin, {
    connect: connector,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: 0,
    bodyTimeout: 0
  })
  return {
    timings,
    request: (path, signal) => send(client, base.origin, path, signal),
    close: () => client.destroy()
  }
}

function proxyTransport(base: URL): Transport {
  const agent = new EnvHttpProxyAgent({ headersTimeout: 0, bodyTimeout: 0 })
  return {
    timings: {},
    request: (path, signal) => send(agent, base.origin, path, signal),
    close: () => agent.destroy()
  }
}

// Redirects (goproxy.cn sends large zips to object storage) are followed on a
// separate agent: the mirror's own connection stays the measured one.
// EnvHttpProxyAgent behaves like a plain Agent when no proxy is configured.
let redirectAgent: EnvHttpProxyAgent | undefined

async function send(
  dispatcher: Dispatcher,
  origin: string,
  path: string,
  signal: AbortSignal,
  hops = 0
): Promise<TransportResponse> {
  const res = await dispatcher.request({
    origin,
    path,
    method: 'GET',
    headers: { 'user-agent': USER_AGENT },
    signal
  })
  const location = res.headers.location
  if (res.statusCode >= 300 && res.statusCode < 400 && location && hops < 5) {
    await res.body.dump()
    const next = new URL(String(location), origin + path)
    redirectAgent ??= new EnvHttpProxyAgent({
      headersTimeout: 0,
      bodyTimeout: 0
    })
    return send(
      redirectAgent,
      next.origin,
      next.pathname + next.search,
      signal,
      hops + 1
    )
  }
  return { status: res.statusCode, headers: res.headers, body: res.body }
}

export async function closeRedirectAgent(): Promise<void> {
  const a = redirectAgent
  redirectAgent = undefined
  await a?.destroy()
}
