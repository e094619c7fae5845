// The checksum database chosen for the job, with what was asked of the
// chain's proxies on the way and the warnings the choice gives.
import type { SumdbDecision } from './choose-sumdb.js'
import type { ProxySumdbCheck } from './proxy-route.js'

export interface SumdbPlan extends SumdbDecision {
  proxyChecks: ProxySumdbCheck[]
  /** Every warning of the decision, also given as annotations. */
  warnings: string[]
}
