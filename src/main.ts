import { homedir } from 'node:os'
import * as core from '@actions/core'
import { defaultModCache } from './cache/go-env.js'
import { planCacheEnv, restoreCaches } from './cache/restore.js'
import { markCacheMainCompleted } from './cache/state.js'
import { findDependencyFiles } from './gomod/dependency-files.js'
import { finishDownloads, runDownloadPhase } from './download/phase.js'
import { writeReportFile } from './report/write-report.js'
import { checkEffectiveConfig } from './env/effective-config.js'
import { EnvPlan } from './env/env-plan.js'
import { keptOffChain } from './selection/goproxy-off.js'
import { readInputs, type Inputs } from './inputs/read-inputs.js'
import { isPrivateModule } from './privacy/patterns.js'
import { planPrivacyEnv } from './privacy/plan-env.js'
import {
  applyPrivacy,
  maskRawCredentials,
  maskSecrets,
  planSumdb
} from './privacy/setup.js'
import { REPORT_SCHEMA, type RunReport } from './report/report.js'
import { runMergeReports } from './report/merge.js'
import { runnerContext, type RunnerContext } from './env/runner-context.js'
import { selectMirrors } from './selection/select-mirrors.js'
import { writeJobSummary } from './report/job-summary.js'
import { renderHeadlineText, renderSummary } from './report/summary.js'

async function run(): Promise<void> {
  maskRawCredentials(core.getInput('credentials'))
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const inputs = readInputs((name) => core.getInput(name), workspace)
  maskSecrets(inputs.privacy)
  if (inputs.download.mergeReports.length > 0) {
    await runMergeReports(workspace, inputs.download.mergeReports)
    return
  }
  // Taken before the cache library briefly changes GITHUB_WORKSPACE.
  const jobEnv = { ...process.env }
  // Before any go command can write to GOMODCACHE; concurrent with the probe.
  const cacheRestore = restoreCaches(inputs.cache, inputs.project)
  const ctx = runnerContext()
  const report: RunReport = {
    schema: REPORT_SCHEMA,
    startedAt: new Date().toISOString(),
    runner: { os: ctx.os, arch: ctx.arch, job: ctx.job, runId: ctx.runId },
    env: []
  }
  try {
    await setUp(inputs, ctx, report, jobEnv, cacheRestore, workspace)
  } finally {
    // Also after a failure past input validation: the probe table explains it.
    if (inputs.project.summary && (report.probe || report.chain)) {
      await writeJobSummary(renderSummary(report), renderHeadlineText(report))
    }
  }
  finishDownloads(report, inputs.download, workspace)
  markCacheMainCompleted()
}

async function setUp(
  inputs: Inputs,
  ctx: RunnerContext,
  report: RunReport,
  jobEnv: Record<string, string | undefined>,
  cacheRestore: ReturnType<typeof restoreCaches>,
  workspace: string
): Promise<void> {
  const plan = new EnvPlan()
  const sel = inputs.selection
  const isPrivate = (path: string): boolean =>
    isPrivateModule(inputs.privacy, path)

  const keptOff = keptOffChain(jobEnv.GOPROXY)
  if (keptOff) report.chain = keptOff
  const chain =
    keptOff ??
    (await selectMirrors(sel, inputs.project, isPrivate, ctx, report))
  plan.set(
    'GOPROXY',
    chain.goproxy,
    keptOff ? 'kept: the job env sets GOPROXY=off' : 'ranked mirror chain'
  )
  const privacyPlan = planPrivacyEnv(
    inputs.privacy,
    { privateProxies: sel.privateProxies, env: jobEnv },
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
  const cache = await cacheRestore
  report.cache = cache?.report
  planCacheEnv(plan, cache)

  for (const w of chain.warnings) core.warning(w)
  for (const e of plan.entries()) core.exportVariable(e.name, e.value)
  report.env = plan.entries()
  core.setOutput('goproxy', chain.goproxy)
  core.setOutput('mirror', chain.firstMirror)
  core.setOutput('gosumdb', sumdb.effective)
  core.setOutput(
    'probe-results',
    JSON.stringify({ probe: report.probe, ranking: report.ranking })
  )
  report.privacy = await applyPrivacy(
    inputs.privacy,
    sel.privateProxies,
    inputs.project.workingDirectory,
    privacyPlan,
    sumdb,
    sel.privateStrict,
    sel.probeTimeoutMs
  )

  const effective = await checkEffectiveConfig(report.env, jobEnv)
  report.effective = effective.findings
  for (const f of effective.findings) core.warning(`${f.name}: ${f.message}`)

  const downloads = await runDownloadPhase({
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
    skip: keptOff ? 'GOPROXY=off in the job env' : undefined
  })
  report.downloads = downloads.downloads
  report.downloadsSkipped = downloads.skipped
  await writeReportFile(report)
}

run()
  .catch((err: unknown) => {
    core.setFailed(err instanceof Error ? err.message : String(err))
  })
  // Pending keep-alive sockets must not hold the step open.
  .finally(() => process.exit())
