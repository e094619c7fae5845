// The action's decision, off a runner: the same inputs, the same chain and
// the same variables (steps/plan-routing.ts), without the caches and the
// toolchain, which are Actions-specific.
import { setGlobalDispatcher } from 'undici'
import { EnvPlan } from '../env/env-plan.js'
import { runnerContext } from '../env/runner-context.js'
import { readInputs, type Inputs } from '../inputs/read-inputs.js'
import { goDispatcher } from '../net/dispatcher.js'
import { newRunReport, type RunReport } from '../report/report.js'
import { chooseChain, planRouting } from '../steps/plan-routing.js'
import type { SumdbPlan } from '../sumdb/plan.js'
import type { ParsedArgs } from './args.js'
import { requireGoProject } from './args.js'
import { addSecret } from './terminal-log.js'

export interface Decision {
  inputs: Inputs
  report: RunReport
  keptOff: boolean
  sumdb: SumdbPlan
}

export function readCliInputs(
  args: ParsedArgs,
  env: NodeJS.ProcessEnv
): Inputs {
  const inputs = readInputs(args.get, process.cwd(), env, addSecret)
  requireGoProject(inputs.project.workingDirectory)
  return inputs
}

/**
 * Probes, ranks and plans. The report is filled as it goes, so that a
 * caller still has the probe and ranking when no mirror is usable.
 */
export async function decide(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  report: RunReport = newRunReport(runnerContext(env))
): Promise<Decision> {
  // Every request reaches the network as go does, as in the action.
  setGlobalDispatcher(goDispatcher())
  const chosen = await chooseChain(inputs, runnerContext(env), env, report)
  const plan = new EnvPlan()
  const { sumdb } = await planRouting(inputs, chosen, env, plan)
  report.env = plan.entries()
  return { inputs, report, keptOff: chosen.keptOff, sumdb }
}
