// The one decision the action and the command line share: which mirrors,
// in which GOPROXY chain, and the private-module and GOSUMDB variables that
// go with it. Everything Actions-specific (outputs, caches, the toolchain)
// stays with the caller.
import type { EnvPlan } from '../env/env-plan.js'
import type { RunnerContext } from '../env/runner-context.js'
import type { Inputs } from '../inputs/read-inputs.js'
import { isPrivateModule } from '../privacy/patterns.js'
import { planPrivacyEnv, type PrivacyPlanResult } from '../privacy/plan-env.js'
import type { RunReport } from '../report/report.js'
import type { ChainResult } from '../selection/chain.js'
import { keptOffChain } from '../selection/goproxy-off.js'
import type { SumdbPlan } from '../sumdb/plan.js'
import { planSumdb } from './plan-sumdb.js'
import { chainFromRanking, probeAndRankMirrors } from './select-mirrors.js'

export interface ChosenChain {
  chain: ChainResult
  keptOff: boolean
}

/**
 * The probe, ranking and chain sections; GOPROXY=off in the job is kept
 * unprobed. onRanked runs before the chain, which throws when no mirror is
 * usable.
 */
export async function chooseChain(
  inputs: Inputs,
  ctx: RunnerContext,
  jobEnv: Record<string, string | undefined>,
  report: RunReport,
  onRanked: () => void = () => {}
): Promise<ChosenChain> {
  const keptOff = keptOffChain(jobEnv.GOPROXY)
  if (!keptOff) {
    const isPrivate = (path: string) => isPrivateModule(inputs.privacy, path)
    Object.assign(
      report,
      await probeAndRankMirrors(
        inputs.selection,
        inputs.project,
        isPrivate,
        ctx
      )
    )
  }
  onRanked()
  report.chain =
    keptOff ?? chainFromRanking(inputs.selection, report.ranking ?? [])
  return { chain: report.chain, keptOff: keptOff !== undefined }
}

/** GOPROXY, the private-module variables and GOSUMDB, recorded in the plan. */
export async function planRouting(
  inputs: Inputs,
  { chain, keptOff }: ChosenChain,
  jobEnv: Record<string, string | undefined>,
  plan: EnvPlan
): Promise<{ privacy: PrivacyPlanResult; sumdb: SumdbPlan }> {
  plan.set(
    'GOPROXY',
    chain.goproxy,
    keptOff ? 'kept: the job env sets GOPROXY=off' : 'ranked mirror chain'
  )
  const privacy = planPrivacyEnv(
    inputs.privacy,
    { privateProxies: inputs.selection.privateProxies, env: jobEnv },
    plan
  )
  const sumdb = await planSumdb(
    inputs.privacy,
    chain.goproxy,
    plan,
    jobEnv,
    // GOPROXY=off asks for no network: no reachability check either.
    keptOff ? () => Promise.resolve({}) : undefined
  )
  return { privacy, sumdb }
}
