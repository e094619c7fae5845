// The main step as a pipeline: inputs → plan (probe, chain, every variable
// to export) → effects (export, credentials, the prefetch) → report (the
// JSON file, the job summary, annotations). Each phase returns its section
// of the report and run() assembles them, so a phase that throws still
// leaves the sections before it for the summary.
import * as core from '@actions/core'
import { setGlobalDispatcher } from 'undici'
import { describeError } from '../base/errors.js'
import { planCacheEnv } from '../cache/restore.js'
import { markCacheMainCompleted } from '../cache/state.js'
import { finishDownloads } from './download-phase.js'
import { incompleteDownloads } from '../download/incomplete.js'
import { EnvPlan } from '../env/env-plan.js'
import { goDispatcher } from '../net/dispatcher.js'
import { readInputs, type Inputs } from '../inputs/read-inputs.js'
import { newRunReport, type RunReport } from '../report/report.js'
import { runMergeReports } from '../report/merge.js'
import { writeReportFile } from '../report/write-report.js'
import { runnerContext } from '../env/runner-context.js'
import { chooseChain, planRouting, type ChosenChain } from './plan-routing.js'
import { writeJobSummary } from '../report/job-summary.js'
import { renderHeadlineText, renderSummary } from '../report/summary.js'
import { startGoSetup, type GoSetup } from './go-setup.js'
import { applyPlan, type PlannedEnv } from './apply-plan.js'

export async function runMainStep(): Promise<void> {
  // Every request without a dispatcher of its own (the toolchain install,
  // the checksum database) reaches the network as go does.
  setGlobalDispatcher(goDispatcher())
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const inputs = readInputs(
    (name) => core.getInput(name),
    workspace,
    process.env,
    core.setSecret
  )
  if (inputs.download.mergeReports.length > 0) {
    await runMergeReports(
      workspace,
      inputs.download.mergeReports,
      inputs.download.expectedLegs
    )
    return
  }
  // Taken before the cache library briefly changes GITHUB_WORKSPACE.
  const jobEnv = { ...process.env }
  const ctx = runnerContext()
  const report = newRunReport(ctx)
  try {
    // The Go that will run (go-version from the tool cache), the toolchain it
    // switches to, and the cache restore: before any go command can write to
    // GOMODCACHE, concurrent with the probe unless Go must come from a mirror.
    const go = await startGoSetup(
      inputs.go,
      inputs.cache,
      inputs.project,
      workspace
    )
    // Before the chain, which throws when no mirror is usable.
    const chain = await chooseChain(inputs, ctx, jobEnv, report, () =>
      core.setOutput(
        'probe-results',
        JSON.stringify({ probe: report.probe, ranking: report.ranking })
      )
    )
    const planned = await planEnv(inputs, chain, jobEnv, go, report)
    await applyPlan(inputs, planned, jobEnv, workspace, ctx, report)
  } catch (err) {
    report.failure = describeError(err)
    throw err
  } finally {
    await writeOutcome(report, inputs.project.summary)
  }
  finishDownloads(report, inputs.download, workspace)
  markCacheMainCompleted(incompleteDownloads(report.downloads))
}

/**
 * The report file and the summary, also after a failure past input
 * validation: a matrix merge still finds the leg, the probe table explains
 * the failure, and the headline gives the verdict.
 */
async function writeOutcome(report: RunReport, summary: boolean) {
  // A report nowhere to be written costs a warning there, never the step.
  await writeReportFile(report)
  // The log ends with the recap, summary or not (without one,
  // writeJobSummary logs it).
  const recap = renderHeadlineText(report)
  if (!summary || (await writeJobSummary(renderSummary(report), recap)))
    core.info(`setup-goproxy: ${recap}`)
}

/**
 * Every variable to export, with its reason (the env, toolchain and cache
 * sections); nothing exported yet, except what a go-version install puts on
 * PATH once it is verified.
 */
async function planEnv(
  inputs: Inputs,
  { chain, keptOff }: ChosenChain,
  jobEnv: Record<string, string | undefined>,
  go: GoSetup,
  report: RunReport
): Promise<PlannedEnv> {
  const plan = new EnvPlan()
  const { privacy, sumdb } = await planRouting(
    inputs,
    { chain, keptOff },
    jobEnv,
    plan
  )
  await go.finishInstall({
    chain,
    gosumdb: sumdb.effective,
    timeoutMs: inputs.download.timeoutMs
  })
  const { toolchain, restore } = await go.caches()
  report.toolchain = toolchain.report
  const cache = await restore
  report.cache = cache?.report
  planCacheEnv(plan, cache)
  report.env = plan.entries()
  return { chain, keptOff, privacy, sumdb, toolchain }
}
