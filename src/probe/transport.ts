// One mirror's connections for the probe: sockets made and timed by our own
// connector, ended at once by an abort whatever the network does.
import { lookup } from 'node:dns/promises'
import * as net from 'node:net'
import * as tls from 'node:tls'
import { Agent, Client, Pool, type Dispatcher } from 'undici'
import { goNetwork, goProxyEnv, goTrust } from '../net/dispatcher.js'
import { proxyFor } from '../net/proxy-env.js'
import { abortReason, getLikeGo, type TransportResponse } from './http-get.js'

export interface ConnectTimings {
  dnsMs?: number
  connectMs?: number
  tlsMs?: number
}

/** The connection phase a transport is in while no connection is up yet. */
export type ConnectPhase = 'dns' | 'connect' | 'tls'

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

function usesHttpProxy(url: URL): boolean {
  return proxyFor(url, goProxyEnv()).via === 'proxy'
}

export function openTransport(base: URL, signal: AbortSignal): Transport {
  return usesHttpProxy(base)
    ? proxyTransport(base, signal)
    : directTransport(
        base,
        signal,
        (connect) => new Client(base.origin, dispatcherOptions(connect)),
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
    (connect) =>
      new Pool(base.origin, { ...dispatcherOptions(connect), connections }),
    false
  )
}

type Connector = (
  o: { hostname: string; port: string | number; protocol: string },
  cb: (...args: [null, net.Socket] | [Error, null]) => void
) => void

function dispatcherOptions(connect: Connector) {
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
  makeDispatcher: (connect: Connector) => Dispatcher,
  timeConnections: boolean
): Transport {
  const timings: ConnectTimings = {}
  const sockets = new Set<net.Socket>()
  // Connections being set up, each ended at once by abort().
  const attempts = new Set<{ phase: ConnectPhase; abort(): void }>()
  // The transport's own view of the signal, so that the shared probe signal
  // collects no listeners however many transports and requests there are.
  const transportSignal = AbortSignal.any([signal])
  const addresses = new Map<string, Promise<string>>()
  const resolve = (hostname: string): Promise<string> => {
    let address = addresses.get(hostname)
    if (!address) {
      address = (async () => {
        if (net.isIP(hostname)) return hostname
        const t0 = performance.now()
        const { address } = await lookup(hostname)
        if (timeConnections && hostname === base.hostname)
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
    const measured =
      timeConnections && hostname === base.hostname.replace(/^\[|\]$/g, '')
    const attemptSockets: net.Socket[] = []
    let settled = false
    const settle = (...args: [null, net.Socket] | [Error, null]): void => {
      if (settled) return
      settled = true
      attempts.delete(attempt)
      cb(...args)
    }
    // A lookup cannot be cancelled: abort() ends the wait for it instead.
    const attempt = {
      phase: 'dns' as ConnectPhase,
      abort() {
        for (const s of attemptSockets) s.destroy()
        settle(abortReason(transportSignal), null)
      }
    }
    if (transportSignal.aborted)
      return settle(abortReason(transportSignal), null)
    attempts.add(attempt)
    const tracked = (s: net.Socket): net.Socket => {
      attemptSockets.push(s)
      sockets.add(s)
      s.once('close', () => sockets.delete(s))
      return s
    }
    resolve(hostname).then(
      (ip) => {
        if (settled) return
        attempt.phase = 'connect'
        const t0 = performance.now()
        const socket = tracked(net.connect({ host: ip, port }))
        socket.once('error', (err) => settle(err, null))
        socket.once('connect', () => {
          if (measured) timings.connectMs ??= performance.now() - t0
          if (!https) {
            socket.removeAllListeners('error')
            settle(null, socket)
            return
          }
          attempt.phase = 'tls'
          const t1 = performance.now()
          const secure = tracked(
            tls.connect({
              socket,
              // The certificate is checked against the URL's host, a name
              // or an IP, as go checks it.
              host: hostname,
              servername: net.isIP(hostname) ? undefined : hostname,
              secureContext: goTrust(),
              ALPNProtocols: ['http/1.1']
            })
          )
          secure.once('error', (err) => settle(err, null))
          secure.once('secureConnect', () => {
            if (measured) timings.tlsMs ??= performance.now() - t1
            secure.removeAllListeners('error')
            settle(null, secure)
          })
        })
      },
      (err: Error) => settle(err, null)
    )
  }
  const dispatcher = makeDispatcher(connect)
  // Redirect targets (goproxy.cn sends large zips to object storage) get
  // connections of their transportSignal: the mirror's connection stays the measured one.
  let redirects: Agent | undefined
  const redirectAgent = (): Agent =>
    (redirects ??= new Agent(dispatcherOptions(connect)))
  const destroyAll = (): void => {
    const reason = abortReason(transportSignal)
    for (const a of attempts) a.abort()
    for (const s of sockets) s.destroy()
    void dispatcher.destroy(reason).catch(() => undefined)
    void redirects?.destroy(reason).catch(() => undefined)
  }
  transportSignal.addEventListener('abort', destroyAll, { once: true })
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
      getLikeGo(base, path, transportSignal, (origin) =>
        origin === base.origin ? dispatcher : redirectAgent()
      ),
    close: async () => {
      transportSignal.removeEventListener('abort', destroyAll)
      await Promise.all([dispatcher.destroy(), redirects?.destroy()])
    }
  }
}

/**
 * Behind a proxy the connections are undici's: an abort destroys the agent,
 * which rejects whatever is pending at once.
 */
function proxyTransport(base: URL, signal: AbortSignal): Transport {
  const agent = goNetwork()
  const choice = proxyFor(base, goProxyEnv())
  const via = choice.via === 'proxy' ? redacted(choice.proxy) : undefined
  const transportSignal = AbortSignal.any([signal])
  const destroy = (): void => {
    void agent.destroy(abortReason(transportSignal)).catch(() => undefined)
  }
  transportSignal.addEventListener('abort', destroy, { once: true })
  return {
    timings: {},
    connecting: undefined,
    request: (path) =>
      getLikeGo(base, path, transportSignal, () => agent).catch(
        (err: unknown) => {
          // Say which way it failed: the code stays, for classification.
          // (Not instanceof: errors of another realm fail it.)
          const e = err as { message?: unknown } | null
          if (via && e && typeof e.message === 'string')
            e.message = `through the egress proxy ${via}: ${e.message}`
          throw err
        }
      ),
    close: async () => {
      transportSignal.removeEventListener('abort', destroy)
      await agent.destroy()
    }
  }
}

// A proxy URL without its credentials, for messages.
function redacted(u: URL): string {
  return `${u.protocol}//${u.host}`
}
