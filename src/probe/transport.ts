import { lookup } from 'node:dns/promises'
import * as net from 'node:net'
import * as tls from 'node:tls'
import { createGunzip } from 'node:zlib'
import { Agent, Client, EnvHttpProxyAgent, Pool, type Dispatcher } from 'undici'

export interface ConnectTimings {
  dnsMs?: number
  connectMs?: number
  tlsMs?: number
}

/** The connection phase a transport is in while no connection is up yet. */
export type ConnectPhase = 'dns' | 'connect' | 'tls'

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
 *
 * Everything a transport does ends when its signal aborts, whatever the
 * sockets do: a connect whose SYNs are dropped or a TLS handshake that never
 * gets an answer is destroyed, and pending requests reject at once.
 */
export interface Transport {
  readonly timings: ConnectTimings
  /** The phase of a connection still being set up, if any. */
  readonly connecting: ConnectPhase | undefined
  request(path: string): Promise<TransportResponse>
  close(): Promise<void>
}

const USER_AGENT = 'setup-goproxy (+https://github.com/features/actions)'
// go follows at most 10 redirects (cmd/go/internal/web checkRedirect).
const MAX_REDIRECTS = 10
// The statuses net/http's client follows for a GET.
const REDIRECTS = new Set([301, 302, 303, 307, 308])

export function usesHttpProxy(url: URL, env = process.env): boolean {
  const proxy =
    url.protocol === 'https:'
      ? (env.HTTPS_PROXY ?? env.https_proxy)
      : (env.HTTP_PROXY ?? env.http_proxy)
  return Boolean(proxy)
}

export function openTransport(base: URL, signal: AbortSignal): Transport {
  return usesHttpProxy(base)
    ? proxyTransport(base, signal)
    : directTransport(
        base,
        signal,
        (connect) => new Client(base.origin, opts(connect)),
        true
      )
}

/**
 * Extra connections beside the measured one, for checks whose timing does
 * not matter (freshness of more module versions, zip throughput).
 */
export function openSidePool(
  base: URL,
  connections: number,
  signal: AbortSignal
): Transport {
  if (usesHttpProxy(base)) return proxyTransport(base, signal)
  return directTransport(
    base,
    signal,
    (connect) => new Pool(base.origin, { ...opts(connect), connections }),
    false
  )
}

/** A redirect refused the way go refuses it. */
export class RedirectError extends Error {
  code = 'ERR_PROBE_REDIRECT'
  name = 'RedirectError'
}

type Connector = (
  o: { hostname: string; port: string | number; protocol: string },
  cb: (...args: [null, net.Socket] | [Error, null]) => void
) => void

function opts(connect: Connector) {
  return {
    connect,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: 0,
    bodyTimeout: 0
  }
}

/**
 * Connections made by our own connector: every socket is tracked, and the
 * abort of `signal` destroys them and the dispatchers at once (undici does
 * not settle a request aborted while its connector is still working).
 */
function directTransport(
  base: URL,
  signal: AbortSignal,
  make: (connect: Connector) => Dispatcher,
  timed: boolean
): Transport {
  const timings: ConnectTimings = {}
  const sockets = new Set<net.Socket>()
  // Connections being set up, each ended at once by abort().
  const attempts = new Set<{ phase: ConnectPhase; abort(): void }>()
  // The transport's own view of the signal, so that the shared probe signal
  // collects no listeners however many transports and requests there are.
  const own = AbortSignal.any([signal])
  const addresses = new Map<string, Promise<string>>()
  const resolve = (hostname: string): Promise<string> => {
    let address = addresses.get(hostname)
    if (!address) {
      address = (async () => {
        if (net.isIP(hostname)) return hostname
        const t0 = performance.now()
        const { address } = await lookup(hostname)
        if (timed && hostname === base.hostname)
          timings.dnsMs ??= performance.now() - t0
        return address
      })()
      addresses.set(hostname, address)
    }
    return address
  }
  const connect: Connector = (o, cb) => {
    const hostname = o.hostname.replace(/^\[|\]$/g, '')
    const https = o.protocol === 'https:'
    const port = Number(o.port || (https ? 443 : 80))
    // Only the mirror's own connection is timed, not redirect targets.
    const measured = timed && hostname === base.hostname.replace(/^\[|\]$/g, '')
    const mine: net.Socket[] = []
    let settled = false
    const done = (...args: [null, net.Socket] | [Error, null]): void => {
      if (settled) return
      settled = true
      attempts.delete(attempt)
      cb(...args)
    }
    // A lookup cannot be cancelled: abort() ends the wait for it instead.
    const attempt = {
      phase: 'dns' as ConnectPhase,
      abort() {
        for (const s of mine) s.destroy()
        done(abortError(own), null)
      }
    }
    if (own.aborted) return done(abortError(own), null)
    attempts.add(attempt)
    const track = (s: net.Socket): net.Socket => {
      mine.push(s)
      sockets.add(s)
      s.once('close', () => sockets.delete(s))
      return s
    }
    resolve(hostname).then(
      (ip) => {
        if (settled) return
        attempt.phase = 'connect'
        const t0 = performance.now()
        const socket = track(net.connect({ host: ip, port }))
        socket.once('error', (err) => done(err, null))
        socket.once('connect', () => {
          if (measured) timings.connectMs ??= performance.now() - t0
          if (!https) {
            socket.removeAllListeners('error')
            done(null, socket)
            return
          }
          attempt.phase = 'tls'
          const t1 = performance.now()
          const secure = track(
            tls.connect({
              socket,
              servername: net.isIP(hostname) ? undefined : hostname,
              ALPNProtocols: ['http/1.1']
            })
          )
          secure.once('error', (err) => done(err, null))
          secure.once('secureConnect', () => {
            if (measured) timings.tlsMs ??= performance.now() - t1
            secure.removeAllListeners('error')
            done(null, secure)
          })
        })
      },
      (err: Error) => done(err, null)
    )
  }
  const dispatcher = make(connect)
  // Redirect targets (goproxy.cn sends large zips to object storage) get
  // connections of their own: the mirror's connection stays the measured one.
  let redirects: Agent | undefined
  const redirectAgent = (): Agent => (redirects ??= new Agent(opts(connect)))
  const destroyAll = (): void => {
    const reason = abortError(own)
    for (const a of attempts) a.abort()
    for (const s of sockets) s.destroy()
    void dispatcher.destroy(reason).catch(() => undefined)
    void redirects?.destroy(reason).catch(() => undefined)
  }
  own.addEventListener('abort', destroyAll, { once: true })
  return {
    timings,
    get connecting() {
      const p = [...attempts].map((a) => a.phase)
      return p.includes('tls')
        ? 'tls'
        : p.includes('connect')
          ? 'connect'
          : p[0]
    },
    request: (path) =>
      send(base, path, own, (origin) =>
        origin === base.origin ? dispatcher : redirectAgent()
      ),
    close: async () => {
      own.removeEventListener('abort', destroyAll)
      await Promise.all([dispatcher.destroy(), redirects?.destroy()])
    }
  }
}

/**
 * Behind a proxy the connections are undici's: an abort destroys the agent,
 * which rejects whatever is pending at once.
 */
function proxyTransport(base: URL, signal: AbortSignal): Transport {
  const agent = new EnvHttpProxyAgent({ headersTimeout: 0, bodyTimeout: 0 })
  const own = AbortSignal.any([signal])
  const destroy = (): void => {
    void agent.destroy(abortError(own)).catch(() => undefined)
  }
  own.addEventListener('abort', destroy, { once: true })
  return {
    timings: {},
    connecting: undefined,
    request: (path) => send(base, path, own, () => agent),
    close: async () => {
      own.removeEventListener('abort', destroy)
      await agent.destroy()
    }
  }
}

function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason
  return r instanceof Error ? r : new DOMException('aborted', 'AbortError')
}

/**
 * GETs `path` under the base's origin and follows redirects as go does: at
 * most 10, and never from an https URL to a plain-http one. The answer is
 * gzip-decoded when the server says so (go asks for gzip and decodes it).
 * The request itself takes no signal (each would add a listener to it): the
 * transport's abort destroys the dispatchers, which rejects it.
 */
async function send(
  base: URL,
  path: string,
  signal: AbortSignal,
  dispatcherFor: (origin: string) => Dispatcher
): Promise<TransportResponse> {
  let url = new URL(path, base.origin)
  for (let hops = 0; ; hops++) {
    if (signal.aborted) throw abortError(signal)
    const res = await dispatcherFor(url.origin).request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'GET',
      headers: { 'user-agent': USER_AGENT, 'accept-encoding': 'gzip' }
    })
    const location = res.headers.location
    if (!REDIRECTS.has(res.statusCode) || !location) return decoded(res)
    await res.body.dump()
    const next = new URL(String(location), url)
    if (hops >= MAX_REDIRECTS)
      throw new RedirectError(`stopped after ${MAX_REDIRECTS} redirects`)
    if (base.protocol === 'https:' && next.protocol !== 'https:') {
      // Only origin and path: a presigned query would carry a credential.
      throw new RedirectError(
        `redirected from secure URL ${url.origin}${url.pathname} to insecure URL ${next.origin}${next.pathname}, which go refuses`
      )
    }
    url = next
  }
}

function decoded(res: Dispatcher.ResponseData): TransportResponse {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase()
  if (encoding !== 'gzip')
    return { status: res.statusCode, headers: res.headers, body: res.body }
  // As net/http does: the length is the encoded one, so it is dropped. The
  // caller reads at most what it wants, so a gzip bomb inflates no further.
  const headers = { ...res.headers }
  delete headers['content-length']
  delete headers['content-encoding']
  const gunzip = createGunzip()
  res.body.on('error', (err) => gunzip.destroy(err))
  gunzip.on('close', () => res.body.destroy())
  res.body.pipe(gunzip)
  const body = Object.assign(gunzip, {
    dump: async () => {
      gunzip.destroy()
      await res.body.dump()
    }
  })
  return { status: res.statusCode, headers, body }
}
