import { Agent, request } from 'undici'
import type { SumdbSetting } from './privacy-inputs.js'

export type Reachability = 'ok' | 'unreachable'

export interface SumdbFacts {
  sumGolangOrg?: Reachability
  googleCn?: Reachability
  /** Status of the first chosen mirror's /sumdb/sum.golang.org/supported. */
  firstMirrorSupported?: number
  firstMirror?: string
  /** GOSUMDB already set in the job, if any. */
  jobValue?: string
}

export interface SumdbDecision {
  /** GOSUMDB to export; undefined keeps go's default (or the job's value). */
  export?: string
  /** The value go will use, for the `gosumdb` output. */
  effective: string
  reason: string
  warning?: string
}

/** sum.golang.google.cn serves the same database under the same key. */
export const GOOGLE_CN_SUMDB = 'sum.golang.google.cn'

/** Whether `auto` needs to know if the checksum databases answer. */
export function needsReachability(
  setting: SumdbSetting,
  facts: Pick<SumdbFacts, 'firstMirrorSupported' | 'jobValue'>
): boolean {
  return (
    setting.mode === 'auto' &&
    !facts.jobValue &&
    facts.firstMirrorSupported !== 200
  )
}

/**
 * `auto` keeps verification on: the default database, through the first
 * mirror when it proxies it, else sum.golang.google.cn when only that one
 * answers. Never `off` unless the user wrote it.
 */
export function decideSumdb(
  setting: SumdbSetting,
  facts: SumdbFacts
): SumdbDecision {
  if (setting.mode === 'fixed') {
    return setting.value === 'off'
      ? {
          export: 'off',
          effective: 'off',
          reason: 'sumdb: off',
          warning:
            'sumdb is off: modules missing from go.sum are not verified against the checksum database. Prefer listing private modules in `private` or `no-sumdb`.'
        }
      : { export: setting.value, effective: setting.value, reason: 'sumdb' }
  }
  if (facts.jobValue) {
    return {
      effective: facts.jobValue,
      reason: 'GOSUMDB was already set in the job',
      warning:
        facts.jobValue === 'off'
          ? 'GOSUMDB=off was set earlier in the job: checksum verification stays off.'
          : undefined
    }
  }
  if (facts.firstMirrorSupported === 200) {
    return {
      effective: 'sum.golang.org',
      reason: `sum.golang.org through ${facts.firstMirror ?? 'the first mirror'} (it proxies the checksum database)`
    }
  }
  if (facts.sumGolangOrg === 'unreachable' && facts.googleCn === 'ok') {
    return {
      export: GOOGLE_CN_SUMDB,
      effective: GOOGLE_CN_SUMDB,
      reason:
        'sum.golang.org did not answer and the first mirror does not proxy it; sum.golang.google.cn is the same database with the same key'
    }
  }
  if (facts.sumGolangOrg === 'unreachable') {
    return {
      effective: 'sum.golang.org',
      reason: 'sum.golang.org (no reachable alternative)',
      warning:
        'Neither sum.golang.org nor sum.golang.google.cn answered and the first mirror does not proxy the checksum database: modules missing from go.sum will fail verification. Verification stays on.'
    }
  }
  return { effective: 'sum.golang.org', reason: 'sum.golang.org answers' }
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
  const dispatcher = new Agent({
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs
  })
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
    await dispatcher.close()
  }
}

/** How go treats a proxy's answer to `/sumdb/<name>/supported`. */
export type ProxySumdbVerdict = 'serves' | 'passes' | 'breaks'

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
 * 200: every checksum lookup of the run goes through this proxy; 404/410: go
 * asks the next GOPROXY entry; anything else (401, 500, no answer) is kept as
 * a permanent error and every verification of the run fails.
 */
export function proxySumdbVerdict(status?: number): ProxySumdbVerdict {
  if (status === 200) return 'serves'
  if (status === 404 || status === 410) return 'passes'
  return 'breaks'
}

/** The database name of a GOSUMDB value (`name[+key] [url]`). */
export function sumdbName(value: string): string {
  return value.trim().split(/\s+/)[0].split('+')[0]
}

/**
 * Asks each proxy, in GOPROXY order, whether it proxies the checksum database
 * `name`, stopping where go stops (the first answer other than 404/410).
 * `authorization` gives the header go would send from netrc, if any.
 */
export async function checkProxySumdb(
  proxies: readonly string[],
  name: string,
  authorization: (url: string) => string | undefined,
  timeoutMs = 5000
): Promise<ProxySumdbCheck[]> {
  const dispatcher = new Agent({
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs
  })
  const out: ProxySumdbCheck[] = []
  try {
    for (const proxy of proxies) {
      const url = `${proxy.replace(/\/+$/, '')}/sumdb/${name}/supported`
      const auth = authorization(url)
      let check: ProxySumdbCheck
      try {
        const res = await request(url, {
          dispatcher,
          signal: AbortSignal.timeout(timeoutMs),
          headers: {
            'user-agent': 'setup-goproxy',
            ...(auth ? { authorization: auth } : {})
          }
        })
        await res.body.dump()
        check = {
          proxy,
          name,
          url,
          status: res.statusCode,
          verdict: proxySumdbVerdict(res.statusCode)
        }
      } catch (e) {
        check = {
          proxy,
          name,
          url,
          error: (e as Error).message,
          verdict: 'breaks'
        }
      }
      out.push(check)
      if (check.verdict !== 'passes') break
    }
  } finally {
    await dispatcher.close()
  }
  return out
}

/** What a breaking proxy does to the run, and how to fix it. */
export function proxySumdbWarning(c: ProxySumdbCheck): string | undefined {
  if (c.verdict !== 'breaks') return undefined
  const answer =
    c.status !== undefined ? `answered ${c.status}` : `failed (${c.error})`
  const auth =
    c.status === 401 || c.status === 403
      ? ' It refused the credentials: give it credentials it accepts for that path, or let it answer 404 there.'
      : ''
  return (
    `${c.url} ${answer}. go asks the GOPROXY entries this in order before verifying any module against the checksum database, and an answer other than 200, 404 or 410 breaks verification for the whole run: every module missing from go.sum will fail. ` +
    `The proxy should answer 404 (it does not proxy the database) or 200 (it does).${auth}`
  )
}
