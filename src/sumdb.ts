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
