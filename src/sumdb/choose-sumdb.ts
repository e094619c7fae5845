import type { SumdbSetting } from './options.js'
import { GOOGLE_CN_ALIAS, sumdbTarget } from './gosumdb-value.js'

/** sum.golang.org named with its own URL: go then never asks the proxies. */
const SUM_GOLANG_ORG_DIRECT = 'sum.golang.org https://sum.golang.org'

import type { ProxySumdbCheck, SumdbRoute } from './proxy-route.js'
import type { Reachability } from './reachability.js'

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
function brokenRouteWarning(route: { check: ProxySumdbCheck }): string {
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
