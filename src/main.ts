// The main step as a pipeline: inputs → plan (probe, chain, every variable
// to export) → effects (export, credentials, the prefetch) → report (the
// JSON file, the job summary, annotations). Each phase returns its section
// of the report and run() assembles them, so a phase that throws still
// leaves the sections before it for the summary.
import { homedir, tmpdir } from 'node:os'
import * as core from '@actions/core'
import { setGlobalDispatcher } from 'undici'
import { describeError } from './base/errors.js'
import { defaultModCache } from './cache/go-env.js'
import { planCacheEnv } from './cache/restore.js'
import { markCacheMainCompleted } from './cache/state.js'
import { findDependencyFiles } from './gomod/dependency-files.js'
import { finishDownloads, runDownloadPhase } from './steps/download-phase.js'
import { incompleteDownloads } from './download/incomplete.js'
import { runKeptProxy } from './download/proxy/detached.js'
import { KEPT_PROXY_ENV } from './download/proxy/kept-config.js'
import { startKeptProxy } from './steps/keep-alive.js'
import { checkEffectiveConfig } from './env/effective-config.js'
import { EnvPlan } from './env/env-plan.js'
import { goDispatcher } from './net/dispatcher.js'
import { keptOffChain } from './selection/goproxy-off.js'
import { chainAfterPrefetch } from './steps/after-prefetch.js'
import { readInputs, type Inputs } from './inputs/read-inputs.js'
import { isOffMirrors, isPrivateModule } from './privacy/patterns.js'
import { planPrivacyEnv, type PrivacyPlanResult } from './privacy/plan-env.js'
import {
  applyPrivacy,
  maskRawCredentials,
  maskSecrets,
  planSumdb,
  type SumdbPlan
} from './privacy/setup.js'
import { newRunReport, type RunReport } from './report/report.js'
import { runMergeReports } from './report/merge.js'
import { writeReportFile } from './report/write-report.js'
import { runnerContext, type RunnerContext } from './env/runner-context.js'
import { saveState } from './env/state.js'
import type { ChainResult } from './selection/chain.js'
import {
  chainFromRanking,
  probeAndRankMirrors
} from './steps/select-mirrors.js'
import { writeJobSummary } from './report/job-summary.js'
import { renderHeadlineText, renderSummary } from './report/summary.js'
import { startGoSetup, type GoSetup } from './steps/go-setup.js'
import { prefetchToolchain, type ToolchainPlan } from './toolchain/prepare.js'

async function run(): Promise<void> {
  maskRawCredentials(core.getInput('credentials'))
  // Every request without a dispatcher of its own (the toolchain install,
  // the checksum database) reaches the network as go does.
  setGlobalDispatcher(goDispatcher())
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const inputs = readInputs((name) => core.getInput(name), workspace)
  maskSecrets(inputs.privacy)
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
      (name) => core.getInput(name),
      inputs.cache,
      inputs.project,
      workspace,
      jobEnv
    )
    const chain = await chooseChain(inputs, ctx, jobEnv, report)
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
  if (summary)
    await writeJobSummary(renderSummary(report), renderHeadlineText(report))
}

/** The probe, ranking and chain sections; GOPROXY=off in the job is kept unprobed. */
async function chooseChain(
  inputs: Inputs,
  ctx: RunnerContext,
  jobEnv: Record<string, string | undefined>,
  report: RunReport
): Promise<{ chain: ChainResult; keptOff: boolean }> {
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
  // Before the chain, which throws when no mirror is usable.
  core.setOutput(
    'probe-results',
    JSON.stringify({ probe: report.probe, ranking: report.ranking })
  )
  report.chain =
    keptOff ?? chainFromRanking(inputs.selection, report.ranking ?? [])
  return { chain: report.chain, keptOff: keptOff !== undefined }
}

interface PlannedEnv {
  chain: ChainResult
  keptOff: boolean
  privacy: PrivacyPlanResult
  sumdb: SumdbPlan
  toolchain: ToolchainPlan
}

/**
 * Every variable to export, with its reason (the env, toolchain and cache
 * sections); nothing exported yet, except what a go-version install puts on
 * PATH once it is verified.
 */
async function planEnv(
  inputs: Inputs,
  { chain, keptOff }: { chain: ChainResult; keptOff: boolean },
  jobEnv: Record<string, string | undefined>,
  go: GoSetup,
  report: RunReport
): Promise<PlannedEnv> {
  const plan = new EnvPlan()
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

/** Exports the plan and acts on it: the privacy, effective and downloads sections. */
async function applyPlan(
  inputs: Inputs,
  { chain, keptOff, privacy, sumdb, toolchain }: PlannedEnv,
  jobEnv: Record<string, string | undefined>,
  workspace: string,
  ctx: RunnerContext,
  report: RunReport
): Promise<void> {
  for (const w of chain.warnings) core.warning(w)
  for (const e of report.env) core.exportVariable(e.name, e.value)
  core.setOutput('goproxy', chain.goproxy)
  core.setOutput('mirror', chain.firstMirror)
  core.setOutput('gosumdb', sumdb.effective)
  const sel = inputs.selection
  report.privacy = await applyPrivacy(
    inputs.privacy,
    sel.privateProxies,
    inputs.project.workingDirectory,
    privacy,
    sumdb,
    sel.privateStrict,
    sel.probeTimeoutMs
  )

  const effective = await checkEffectiveConfig(report.env, jobEnv)
  report.effective = effective.findings
  for (const f of effective.findings) core.warning(`${f.name}: ${f.message}`)

  // Before the prefetch, whose go commands would otherwise switch and
  // download the toolchain themselves, unattributed.
  await prefetchToolchain(toolchain, {
    env: { ...process.env } as Record<string, string>,
    cwd: ctx.temp || tmpdir(),
    timeoutMs: inputs.download.timeoutMs
  })
  Object.assign(
    report,
    await runDownloadPhase({
      inputs: inputs.download,
      workspace,
      workingDirectory: inputs.project.workingDirectory,
      dependencyFiles: await findDependencyFiles(
        workspace,
        inputs.project.workingDirectory,
        inputs.project.cacheDependencyPath
      ),
      env: { ...process.env },
      gomodcache:
        effective.goenv?.GOMODCACHE || defaultModCache(process.env, homedir()),
      skip: keptOff ? 'GOPROXY=off in the job env' : undefined,
      proxied: {
        report,
        isPrivate: (path) => isOffMirrors(inputs.privacy, path)
      }
    })
  )
  reexportAfterPrefetch(inputs.selection, report)
  // Last, once nothing before it can fail; post stops it.
  if (inputs.download.keepProxy && !keptOff)
    await keepProxy(inputs, ctx, report)
}

/** GOPROXY and its outputs again, without the mirrors the prefetch dropped. */
function reexportAfterPrefetch(
  selection: Inputs['selection'],
  report: RunReport
): void {
  const after = chainAfterPrefetch(selection, report)
  if (!after) return
  const { chain, left } = after
  report.chain = chain
  exportGoproxyAgain(
    report,
    chain.goproxy,
    `ranked mirror chain, without ${left.join(', ')}: dropped during the prefetch`
  )
  core.setOutput('goproxy', chain.goproxy)
  core.setOutput('mirror', chain.firstMirror)
  core.warning(
    `GOPROXY re-exported without ${left.join(', ')}, which the prefetch dropped: GOPROXY=${chain.goproxy}`
  )
}

// Bounds a kept proxy that post never stops: the longest job on a
// GitHub-hosted runner.
const KEPT_PROXY_MAX_MS = 6 * 3600 * 1000

/** keep-proxy: the local proxy first in GOPROXY for the rest of the job. */
async function keepProxy(
  inputs: Inputs,
  ctx: RunnerContext,
  report: RunReport
): Promise<void> {
  const kept = await startKeptProxy({
    report,
    privatePatterns: inputs.privacy,
    concurrency: inputs.download.concurrency,
    tempDir: ctx.temp || tmpdir(),
    idleMs: inputs.download.keepProxyIdleMs,
    maxMs: KEPT_PROXY_MAX_MS,
    env: process.env
  })
  if (!kept.ok) {
    core.warning(
      `keep-proxy: not kept (${kept.why}); later steps use the chain.`
    )
    return
  }
  saveState('keptProxy', JSON.stringify(kept.state))
  exportGoproxyAgain(
    report,
    kept.goproxy,
    'local proxy kept for the job (keep-proxy), then the ranked chain'
  )
  core.info(`Local proxy kept for the rest of the job: GOPROXY=${kept.goproxy}`)
}

/** GOPROXY exported anew, and the env section of the report says why. */
function exportGoproxyAgain(
  report: RunReport,
  value: string,
  reason: string
): void {
  core.exportVariable('GOPROXY', value)
  const entry = report.env.find((e) => e.name === 'GOPROXY')
  if (entry) Object.assign(entry, { value, reason })
}

// The same bundle runs the kept proxy when main started it for keep-proxy.
const keptProxyConfig = process.env[KEPT_PROXY_ENV]
;(keptProxyConfig ? runKeptProxy(keptProxyConfig) : run())
  .catch((err: unknown) => {
    core.setFailed(err instanceof Error ? err.message : String(err))
  })
  // Pending keep-alive sockets must not hold the step open.
  .finally(() => process.exit())
