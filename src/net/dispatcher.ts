// The network as go sees it, for every request the action makes: the egress
// proxy go would take for each URL (proxy-env.ts), the certificate
// authorities go trusts (trust.ts), one name lookup per host (dns-cache.ts),
// and go's redirect rule: at most 10, never from https to http.
import { createSecureContext, type SecureContext } from 'node:tls'
import {
  Agent,
  Dispatcher,
  ProxyAgent,
  interceptors,
  type Dispatcher as DispatcherTypes
} from 'undici'
import { cachingLookup } from './dns-cache.js'
import { proxyEnv, proxyFor, type ProxyEnv } from './proxy-env.js'
import { trustedCertificates } from './trust.js'

let trust: SecureContext | undefined
/**
 * The TLS context of every connection, with the CAs go trusts, made once
 * per process: a CA list given to each connection instead is parsed again
 * for each one (289 certificates here), which slowed the probe threefold.
 */
export function goTrust(): SecureContext {
  return (trust ??= createSecureContext({ ca: trustedCertificates() }))
}

const PROXY_VARS = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'NO_PROXY',
  'no_proxy',
  'REQUEST_METHOD'
]
let env: { key: string; value: ProxyEnv } | undefined
/** The egress proxy settings of this process, parsed again only when they change. */
export function goProxyEnv(): ProxyEnv {
  const key = PROXY_VARS.map((v) => process.env[v] ?? '').join('\0')
  if (env?.key !== key) env = { key, value: proxyEnv(process.env) }
  return env.value
}

class RedirectRefused extends Error {}

// cmd/go's client, like net/http's default, fails when a tenth redirect
// would be followed (ten requests at most); undici with this bound and
// throwOnMaxRedirect fails on the eleventh response: the same chains pass.
const MAX_REDIRECTS = 10

export interface NetworkOptions {
  /** Connections per origin. */
  connections?: number
  connectTimeoutMs?: number
  /** Headers and body each within this (undici's own default otherwise). */
  timeoutMs?: number
}

/**
 * Routes each request to a direct agent or the egress proxy go would use,
 * each made on first use: the CA list is read only when a request needs it.
 */
class GoNetwork extends Dispatcher {
  private readonly agents = new Map<string, Dispatcher>()

  constructor(private readonly o: NetworkOptions) {
    super()
  }

  dispatch(
    options: DispatcherTypes.DispatchOptions,
    handler: DispatcherTypes.DispatchHandler
  ): boolean {
    return this.pick(String(options.origin)).dispatch(options, handler)
  }

  close(): Promise<void>
  close(callback: () => void): void
  close(callback?: () => void): Promise<void> | void {
    const done = Promise.all(this.all().map((d) => d.close())).then(() => {})
    if (!callback) return done
    void done.then(callback, callback)
  }

  destroy(): Promise<void>
  destroy(err: Error | null): Promise<void>
  destroy(callback: () => void): void
  destroy(err: Error | null, callback: () => void): void
  destroy(
    a?: Error | null | (() => void),
    b?: () => void
  ): Promise<void> | void {
    const err = typeof a === 'function' ? null : (a ?? null)
    const callback = typeof a === 'function' ? a : b
    const done = Promise.all(this.all().map((d) => d.destroy(err))).then(
      () => {}
    )
    if (!callback) return done
    void done.then(callback, callback)
  }

  private all(): Dispatcher[] {
    return [...this.agents.values()]
  }

  private pick(origin: string): Dispatcher {
    const choice = proxyFor(new URL(origin), goProxyEnv())
    const proxy = choice.via === 'proxy' ? choice.proxy.href : undefined
    const key = proxy ?? 'direct'
    let agent = this.agents.get(key)
    if (!agent) {
      const common = {
        connections: this.o.connections,
        connect: this.connectOptions(),
        keepAliveTimeout: 30_000,
        headersTimeout: this.o.timeoutMs,
        bodyTimeout: this.o.timeoutMs
      }
      agent = proxy
        ? new ProxyAgent({
            ...common,
            uri: proxy,
            requestTls: { secureContext: goTrust() },
            proxyTls: { secureContext: goTrust() }
          })
        : new Agent(common)
      this.agents.set(key, agent)
    }
    return agent
  }

  private connectOptions() {
    return {
      secureContext: goTrust(),
      lookup: cachingLookup(),
      timeout: this.o.connectTimeoutMs ?? 10_000
    }
  }
}

/** Reaches and trusts the network as go does; redirects are the caller's. */
export function goNetwork(o: NetworkOptions = {}): Dispatcher {
  return new GoNetwork(o)
}

/**
 * A dispatcher that reaches and trusts the network as go does, following
 * redirects as go does.
 */
export function goDispatcher(o: NetworkOptions = {}): Dispatcher {
  return new GoNetwork(o).compose(
    refuseDowngrade,
    interceptors.redirect({ maxRedirections: MAX_REDIRECTS }),
    // Outermost: what every hop must know of the first request.
    (dispatch) => (opts, handler) =>
      dispatch(
        {
          ...opts,
          // Past the last redirect go fails; undici would hand back the 3xx.
          throwOnMaxRedirect: true,
          [FIRST_SCHEME]: new URL(String(opts.origin)).protocol
        } as typeof opts,
        handler
      )
  )
}

const FIRST_SCHEME = 'setupGoproxyFirstScheme'

/**
 * Below the redirect interceptor, every hop passes here: once the first
 * request was https, a redirect to anything but https ends the request
 * (cmd/go's securityPreservingHTTPClient).
 */
const refuseDowngrade: DispatcherTypes.DispatcherComposeInterceptor =
  (dispatch) => (opts, handler) => {
    const first = (opts as unknown as Record<string, unknown>)[FIRST_SCHEME]
    if (first !== 'https:') return dispatch(opts, handler)
    const origin = String(opts.origin)
    const guarded: DispatcherTypes.DispatchHandler = {
      onRequestStart: (c, ctx) => handler.onRequestStart?.(c, ctx),
      onRequestUpgrade: (c, s, h, socket) =>
        handler.onRequestUpgrade?.(c, s, h, socket),
      onResponseStart: (c, statusCode, headers, statusMessage) => {
        const location = headers.location
        if (statusCode >= 300 && statusCode < 400 && location) {
          const to = new URL(String(location), `${origin}${opts.path}`)
          if (to.protocol !== 'https:') {
            c.abort(
              new RedirectRefused(
                `redirect from ${origin} to ${to.origin} refused: go refuses a redirect from https to http too`
              )
            )
            return
          }
        }
        handler.onResponseStart?.(c, statusCode, headers, statusMessage)
      },
      onResponseData: (c, chunk) => handler.onResponseData?.(c, chunk),
      onResponseEnd: (c, trailers) => handler.onResponseEnd?.(c, trailers),
      onResponseError: (c, err) => handler.onResponseError?.(c, err)
    }
    return dispatch(opts, guarded)
  }
