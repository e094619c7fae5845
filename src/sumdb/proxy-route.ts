import { request, type Dispatcher } from 'undici'
import { goNetwork } from '../net/dispatcher.js'
import { parseGoproxy, type GoproxyEntry } from '../gomod/goproxy.js'

// go's walk over GOPROXY for /sumdb/<name>/supported (modfetch/sumdb.go):
// which entry, if any, will carry every checksum lookup of the run.

/** What one proxy answered to `/sumdb/<name>/supported` (after redirects). */
export interface ProxySumdbCheck {
  proxy: string
  /** The checksum database name asked about. */
  name: string
  /** The `supported` URL asked. */
  url: string
  status?: number
  error?: string
  verdict: ProxySumdbVerdict
}

/**
 * serves: every checksum lookup goes through this proxy; passes: 404/410, go
 * asks the next entry; falls-through: an error go steps over because of "|"
 * (it still fails verification unless a later entry serves or `direct` ends
 * the list); breaks: the error go keeps, and every verification fails.
 */
export type ProxySumdbVerdict = 'serves' | 'passes' | 'falls-through' | 'breaks'

/** Where go sends checksum lookups for a database without an explicit URL. */
export type SumdbRoute =
  | { kind: 'proxy'; proxy: string }
  | { kind: 'direct' }
  | { kind: 'broken'; check: ProxySumdbCheck }

export type SupportedAnswer = Pick<ProxySumdbCheck, 'status' | 'error'>

/**
 * Walks the GOPROXY entries as go's initBase/TryProxies do: the first 200
 * decides the route; 404/410 go on; another answer ends the walk unless "|"
 * follows the entry, and is kept as the error unless `direct` is reached.
 * `off` ends the walk without overriding that error.
 */
export async function walkSumdbRoute(
  links: readonly GoproxyEntry[],
  name: string,
  ask: (url: string) => Promise<SupportedAnswer>
): Promise<{ route: SumdbRoute; checks: ProxySumdbCheck[] }> {
  const checks: ProxySumdbCheck[] = []
  let kept: ProxySumdbCheck | undefined
  for (const link of links) {
    if (link.url === 'direct') return { route: { kind: 'direct' }, checks }
    if (link.url === 'off') break
    const url = supportedUrl(link.url, name)
    const answer = await ask(url)
    const check: ProxySumdbCheck = {
      proxy: link.url,
      name,
      url,
      ...answer,
      verdict: 'passes'
    }
    checks.push(check)
    if (answer.status === 200) {
      check.verdict = 'serves'
      return { route: { kind: 'proxy', proxy: link.url }, checks }
    }
    if (answer.status === 404 || answer.status === 410) continue
    // go keeps the last such error (TryProxies' proxy rank).
    check.verdict = 'falls-through'
    kept = check
    if (!link.fallBackOnError) break
  }
  if (!kept) return { route: { kind: 'direct' }, checks }
  kept.verdict = 'breaks'
  return { route: { kind: 'broken', check: kept }, checks }
}

function supportedUrl(proxy: string, name: string): string {
  return `${proxy.replace(/\/+$/, '')}/sumdb/${name}/supported`
}

/**
 * Asks `url` as go's web client does: redirects followed (at most 10, never
 * from https to http), credentials sent only where `authorization` gives
 * them for that very URL. Ends within `timeoutMs` whatever the socket does.
 */
export async function askSupported(
  url: string,
  authorization: (url: string) => string | undefined,
  timeoutMs: number,
  dispatcher: Dispatcher
): Promise<SupportedAnswer> {
  const signal = AbortSignal.timeout(timeoutMs)
  let target = url
  try {
    for (let hop = 0; ; hop++) {
      const auth = authorization(target)
      const res = await request(target, {
        dispatcher,
        signal,
        headers: {
          'user-agent': 'setup-goproxy',
          ...(auth ? { authorization: auth } : {})
        }
      })
      await res.body.dump()
      const location = res.headers.location
      if (
        ![301, 302, 303, 307, 308].includes(res.statusCode) ||
        typeof location !== 'string'
      ) {
        return { status: res.statusCode }
      }
      // cmd/go's client: ten requests at most, and once the first was
      // https, nothing but https.
      if (hop === 9) return { error: 'stopped after 10 redirects' }
      const next = new URL(location, target)
      if (url.startsWith('https:') && next.protocol !== 'https:') {
        return {
          error: `redirected from secure URL ${target} to insecure URL ${next.origin}${next.pathname}`
        }
      }
      target = next.href
    }
  } catch (e) {
    return {
      error: signal.aborted
        ? `no answer within ${timeoutMs} ms`
        : (e as Error).message
    }
  }
}

/**
 * The sumdb check's HTTP agent: the network as go reaches it, connect (TCP
 * and TLS) bounded by the same deadline as the whole request.
 */
export function sumdbAgent(timeoutMs: number): Dispatcher {
  return goNetwork({ connectTimeoutMs: timeoutMs, timeoutMs })
}

/** Asks the GOPROXY entries about database `name` in go's order. */
export async function checkSumdbRoute(
  goproxy: string,
  name: string,
  authorization: (url: string) => string | undefined,
  timeoutMs = 5000
): Promise<{ route: SumdbRoute; checks: ProxySumdbCheck[] }> {
  const dispatcher = sumdbAgent(timeoutMs)
  try {
    return await walkSumdbRoute(parseGoproxy(goproxy), name, (url) =>
      askSupported(url, authorization, timeoutMs, dispatcher)
    )
  } finally {
    await dispatcher.destroy()
  }
}
