import { homedir } from 'node:os'
import * as core from '@actions/core'
import { restoreCaches, planCacheEnv } from './cache-restore.js'
import { markCacheMainCompleted } from './cache-state.js'
import {
  compareEffective,
  readGoEnv,
  readGoEnvFile
} from './effective-config.js'
import { EnvPlan } from './env-plan.js'
import { readInputs } from './inputs.js'
import { isPrivateModule } from './patterns.js'
import { planPrivacyEnv } from './privacy-env.js'
import { applyPrivacy, maskSecrets, planSumdb } from './privacy-setup.js'
import { REPORT_SCHEMA, type RunReport } from './report.js'
import { runnerContext } from './runner-context.js'
import { selectMirrors } from './select-mirrors.js'
import { renderSummary } from './summary.js'
import { defaultModCache } from './cache-go-env.js'
import { findDependencyFiles } from './dependency-files.js'
import {
  finishDownloads,
  runDownloadPhase,
  writeReportFile
} from './download-phase.js'
import { runMergeReports } from './report-merge.js'

async function run(): Promise<void> {
  const inputs = readInputs((name) => core.getInput(name))
  maskSecrets(inputs.privacy)
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  if (inputs.download.mergeReports.length > 0) {
    await runMergeReports(workspace, inputs.download.mergeReports)
    return
  }
  // Before any go command can write to GOMODCACHE; concurrent with the probe.
  const cacheRestore = restoreCaches(inputs.cache, inputs.project)
  const jobEnv = { ...process.env }
  const ctx = runnerContext()
  const report: RunReport = {
    schema: REPORT_SCHEMA,
    startedAt: new Date().toISOString(),
    runner: { os: ctx.os, arch: ctx.arch, job: ctx.job, runId: ctx.runId },
    env: []
  }
  const plan = new EnvPlan()
  const sel = inputs.selection
  const isPrivate = (path: string): boolean =>
    isPrivateModule(inputs.privacy, path)

  const chain = await selectMirrors(sel, inputs.project, isPrivate, ctx, report)
  plan.set('GOPROXY', chain.goproxy, 'ranked mirror chain')
  const privacyPlan = planPrivacyEnv(
    inputs.privacy,
    { privateProxies: sel.privateProxies, env: jobEnv },
    plan
  )
  const firstProbe = report.probe?.mirrors.find(
    (p) => p.url === chain.firstMirror
  )
  const sumdb = await planSumdb(
    inputs.privacy,
    { url: firstProbe?.url, sumdbSupported: firstProbe?.sumdbSupported },
    plan,
    sel.privateProxies
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
  report.privacy = await applyPrivacy(
    inputs.privacy,
    sel.privateProxies,
    inputs.project.workingDirectory,
    privacyPlan,
    sumdb
  )
  core.setOutput(
    'probe-results',
    JSON.stringify({ probe: report.probe, ranking: report.ranking })
  )

  const exportedEnv = Object.fromEntries(
    report.env.map((e) => [e.name, e.value])
  )
  const goenv = await readGoEnv({
    ...(process.env as Record<string, string>),
    ...exportedEnv
  })
  if (goenv) {
    report.effective = compareEffective(
      report.env,
      goenv,
      await readGoEnvFile(goenv.GOENV),
      jobEnv
    )
    for (const f of report.effective) core.warning(`${f.name}: ${f.message}`)
  }

  report.downloads = await runDownloadPhase({
    inputs: inputs.download,
    workspace,
    workingDirectory: inputs.project.workingDirectory,
    dependencyFiles: await findDependencyFiles(
      workspace,
      inputs.project.workingDirectory,
      inputs.project.cacheDependencyPath
    ),
    env: { ...process.env },
    gomodcache: goenv?.GOMODCACHE || defaultModCache(process.env, homedir())
  })
  await writeReportFile(report)
  if (inputs.project.summary) {
    await core.summary.addRaw(renderSummary(report)).write()
  }
  finishDownloads(report, inputs.download, workspace)
  markCacheMainCompleted()
}

run()
  .catch((err: unknown) => {
    core.setFailed(err instanceof Error ? err.message : String(err))
  })
  // Pending keep-alive sockets must not hold the step open.
  .finally(() => process.exit())
