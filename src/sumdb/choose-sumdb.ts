import { Agent, request, type Dispatcher } from 'undici'
import type { SumdbSetting } from '../inputs/privacy-inputs.js'
import { GOOGLE_CN_ALIAS, sumdbTarget } from './gosumdb-value.js'

export type Reachability = 'ok' | 'unreachable'

/** sum.golang.org named with its own URL: go then never asks the proxies. */
export const SUM_GOLANG_ORG_DIRECT = 'sum.golang.org https://sum.golang.org'

/** One GOPROXY entry as go walks it (modfetch/proxy.go proxyList). */
export interface ProxyLink {
  url: string
  /** Followed by "|": go goes on to the next entry after any error. */
  fallBackOnError: boolean
}

/** The GOPROXY list go walks; it ends at the first `direct` or `off`. */
export function proxyLinks(goproxy: string): ProxyLink[] {
  const out: ProxyLink[] = []
  for (const m of goproxy.matchAll(/([^,|]*)([,|]?)/g)) {
    const url = m[1].trim()
    if (url === '') {
      if (m[0] === '') break
      continue
    }
    out.push({ url, fallBackOnError: m[2] === '|' })
    if (url === 'direct' || url === 'off') break
  }
  return out
}

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
  links: readonly ProxyLink[],
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
      if (hop === 10) return { error: 'stopped after 10 redirects' }
      const next = new URL(location, target)
      if (target.startsWith('https:') && next.protocol !== 'https:') {
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
 * The sumdb check's HTTP agent: connect (TCP and TLS) bounded by the same
 * deadline as the whole request.
 */
export function sumdbAgent(timeoutMs: number): Agent {
  return new Agent({
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs
  })
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
    return await walkSumdbRoute(proxyLinks(goproxy), name, (url) =>
      askSupported(url, authorization, timeoutMs, dispatcher)
    )
  } finally {
    await dispatcher.destroy()
  }
}

export interface SumdbFacts {
  /** GOSUMDB already set in the job, if any. */
  jobValue?: string
  /** The route go takes for the value it would use; absent when it names a URL. */
  route?: SumdbRoute
  sumGolangOrg?: Reachability
  googleCn?: Reachability
}

export interface SumdbDecision {
  /** GOSUMDB to export; undefined keeps go's default (or the job's value). */
  export?: string
  /** The value go will use, for the `gosumdb` output. */
  effective: string
  reason: string
  warning?: string
}

/** The value go would use before the action decides anything. */
export function intendedSumdb(
  setting: SumdbSetting,
  jobValue: string | undefined
): string {
  if (setting.mode === 'fixed') return setting.value
  return jobValue ?? 'sum.golang.org'
}

/** The database name to ask the proxies about, or undefined when go never asks them. */
export function proxiedSumdbName(value: string): string | undefined {
  const t = sumdbTarget(value)
  return t instanceof Error || t.kind === 'off' || t.url !== undefined
    ? undefined
    : t.name
}

/** Whether `auto` needs to know which checksum databases answer. */
export function needsReachability(
  setting: SumdbSetting,
  facts: Pick<SumdbFacts, 'route' | 'jobValue'>
): boolean {
  return (
    setting.mode === 'auto' &&
    !facts.jobValue &&
    facts.route !== undefined &&
    facts.route.kind !== 'proxy'
  )
}

/**
 * `auto` keeps verification on: the default database through the proxy that
 * serves it, else straight from sum.golang.org; when a proxy's answer would
 * break every verification, or sum.golang.org does not answer, a value with
 * an explicit URL (which go reaches without asking the proxies). Never `off`
 * unless the user wrote it.
 */
export function decideSumdb(
  setting: SumdbSetting,
  facts: SumdbFacts
): SumdbDecision {
  const broken =
    facts.route?.kind === 'broken' ? brokenRouteWarning(facts.route) : undefined
  if (setting.mode === 'fixed') {
    if (setting.value === 'off') {
      return {
        export: 'off',
        effective: 'off',
        reason: 'sumdb: off',
        warning:
          'sumdb is off: modules missing from go.sum are not verified against the checksum database. Prefer listing private modules in `private` or `no-sumdb`.'
      }
    }
    return {
      export: setting.value,
      effective: setting.value,
      reason: 'sumdb',
      warning: broken
    }
  }
  if (facts.jobValue) {
    return {
      effective: facts.jobValue,
      reason: 'GOSUMDB was already set in the job',
      warning:
        facts.jobValue === 'off'
          ? 'GOSUMDB=off was set earlier in the job: checksum verification stays off.'
          : broken
    }
  }
  const route = facts.route ?? { kind: 'direct' as const }
  if (route.kind === 'proxy') {
    return {
      effective: 'sum.golang.org',
      reason: `through ${route.proxy}, which proxies the checksum database`
    }
  }
  const why =
    route.kind === 'broken'
      ? `${route.check.url} ${answerText(route.check)}, which would fail every verification`
      : 'no GOPROXY entry proxies the checksum database'
  if (route.kind === 'broken' && facts.sumGolangOrg === 'ok') {
    return {
      export: SUM_GOLANG_ORG_DIRECT,
      effective: SUM_GOLANG_ORG_DIRECT,
      reason: `${why}; with its URL named, go asks sum.golang.org itself and not the proxies`
    }
  }
  if (route.kind === 'direct' && facts.sumGolangOrg !== 'unreachable') {
    return {
      effective: 'sum.golang.org',
      reason: `${why}; sum.golang.org answers`
    }
  }
  if (facts.googleCn === 'ok') {
    return {
      export: GOOGLE_CN_ALIAS,
      effective: GOOGLE_CN_ALIAS,
      reason: `${why} and sum.golang.org did not answer; sum.golang.google.cn is the same database with the same key, and go reaches it without asking the proxies`
    }
  }
  return {
    effective: 'sum.golang.org',
    reason: `${why}, and neither sum.golang.org nor sum.golang.google.cn answered: no reachable alternative`,
    warning:
      route.kind === 'broken'
        ? `${brokenRouteWarning(route)} Neither sum.golang.org nor sum.golang.google.cn answered, so the action could not route around it.`
        : `Neither sum.golang.org nor sum.golang.google.cn answered and no GOPROXY entry proxies the checksum database (${why}): modules missing from go.sum will fail verification. Verification stays on.`
  }
}

function answerText(c: ProxySumdbCheck): string {
  return c.status !== undefined ? `answered ${c.status}` : `failed (${c.error})`
}

/** What a broken route does to the run, and how to fix it. */
export function brokenRouteWarning(route: { check: ProxySumdbCheck }): string {
  const c = route.check
  const auth =
    c.status === 401 || c.status === 403
      ? ' It refused the credentials: give it credentials it accepts for that path, or let it answer 404 there.'
      : ''
  return (
    `${c.url} ${answerText(c)}. go asks the GOPROXY entries this in order before verifying any module against the checksum database, and it keeps this answer for the whole run (no later entry serves the database and the list does not reach \`direct\` after it): every module missing from go.sum will fail verification. ` +
    `The proxy should answer 404 (it does not proxy the database) or 200 (it does); or name the database with its URL in \`sumdb\` (e.g. \`${SUM_GOLANG_ORG_DIRECT}\`), which go reaches without asking the proxies.${auth}`
  )
}

/**
 * sumdb off breaks toolchain switches: go verifies golang.org/toolchain
 * against the checksum database whatever GOSUMDB and GONOSUMDB say.
 */
export function toolchainOffWarning(
  gotoolchain: string | undefined
): string | undefined {
  const mode = (gotoolchain ?? '').trim()
  if (mode === 'local') return undefined
  return `GOSUMDB=off and GOTOOLCHAIN=${mode || 'auto'}: when go.mod or go.work asks for a newer Go than the runner's, go must download that toolchain, and it refuses to without the checksum database (golang.org/toolchain is always verified; GONOSUMDB does not apply), so every go command fails. Keep the checksum database on and list private modules in \`private\` or \`no-sumdb\`, or set GOTOOLCHAIN=local.`
}

export const SUMDB_ENDPOINTS = {
  sumGolangOrg: 'https://sum.golang.org',
  googleCn: 'https://sum.golang.google.cn'
}

/**
 * Whether each checksum database serves its signed tree head within the
 * timeout. The body is checked so that a captive portal's 200 does not count.
 */
export async function checkSumdbReachability(
  endpoints: typeof SUMDB_ENDPOINTS = SUMDB_ENDPOINTS,
  timeoutMs = 3000
): Promise<Pick<SumdbFacts, 'sumGolangOrg' | 'googleCn'>> {
  const dispatcher = sumdbAgent(timeoutMs)
  const check = async (base: string): Promise<Reachability> => {
    try {
      const res = await request(`${base}/latest`, {
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
        headers: { 'user-agent': 'setup-goproxy' }
      })
      const body = await res.body.text()
      return res.statusCode === 200 && body.startsWith('go.sum database tree')
        ? 'ok'
        : 'unreachable'
    } catch {
      return 'unreachable'
    }
  }
  try {
    const [sumGolangOrg, googleCn] = await Promise.all([
      check(endpoints.sumGolangOrg),
      check(endpoints.googleCn)
    ])
    return { sumGolangOrg, googleCn }
  } finally {
    await dispatcher.destroy()
  }
}
