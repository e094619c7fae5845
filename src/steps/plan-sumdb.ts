// Which GOSUMDB the job gets: the user's setting, the job's value, what the
// chain's proxies say of the database and, only when that can change the
// answer, whether the databases are reachable. The decision is sumdb's;
// this step gathers its facts and records the export.
import * as core from '@actions/core'
import type { EnvPlan } from '../env/env-plan.js'
import { basicAuth, credentialForUrl } from '../privacy/credentials.js'
import type { PrivacyOptions } from '../privacy/options.js'
import { checkSumdbReachability } from '../sumdb/reachability.js'
import { checkSumdbRoute } from '../sumdb/proxy-route.js'
import type { SumdbPlan } from '../sumdb/plan.js'
import {
  decideSumdb,
  intendedSumdb,
  needsReachability,
  proxiedSumdbName,
  toolchainOffWarning,
  type SumdbFacts
} from '../sumdb/choose-sumdb.js'

/**
 * Resolves `sumdb` and records GOSUMDB in the plan when it must be exported.
 * Where go would ask the GOPROXY entries about the database (a value without
 * a URL), they are asked in go's order with go's credentials; the databases
 * themselves are checked only when that can change the result.
 */
export async function planSumdb(
  privacy: PrivacyOptions,
  goproxy: string,
  plan: EnvPlan,
  env: NodeJS.ProcessEnv = process.env,
  check: () => Promise<
    Pick<SumdbFacts, 'sumGolangOrg' | 'googleCn'>
  > = checkSumdbReachability
): Promise<SumdbPlan> {
  const jobValue = env.GOSUMDB || undefined
  const name = proxiedSumdbName(intendedSumdb(privacy.sumdb, jobValue))
  const walk =
    name !== undefined
      ? await checkSumdbRoute(goproxy, name, (url) => {
          const c = credentialForUrl(privacy.credentials, url)
          return c ? `Basic ${basicAuth(c)}` : undefined
        })
      : undefined
  const facts: SumdbFacts = { jobValue, route: walk?.route }
  if (needsReachability(privacy.sumdb, facts)) {
    Object.assign(facts, await check())
  }
  const d = decideSumdb(privacy.sumdb, facts)
  if (d.export !== undefined) plan.set('GOSUMDB', d.export, d.reason)
  const warnings = [
    d.warning,
    d.effective === 'off' ? toolchainOffWarning(env.GOTOOLCHAIN) : undefined
  ].filter((w): w is string => w !== undefined)
  for (const w of warnings) core.warning(w, { title: 'Checksum database' })
  return { ...d, proxyChecks: walk?.checks ?? [], warnings }
}
