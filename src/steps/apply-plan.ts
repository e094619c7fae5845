// Acting on the plan: the export, the credentials, the toolchain the
// prefetch would switch to, the prefetch, and what it changes of the chain.
import { homedir, tmpdir } from 'node:os'
import * as core from '@actions/core'
import { defaultModCache } from '../cache/go-env.js'
import { findDependencyFiles } from '../gomod/dependency-files.js'
import { checkEffectiveConfig } from '../env/effective-config.js'
import type { RunnerContext } from '../env/runner-context.js'
import { saveState } from '../env/state.js'
import type { Inputs } from '../inputs/read-inputs.js'
import { isOffMirrors } from '../privacy/patterns.js'
import { applyPrivacy } from '../privacy/setup.js'
import type { RunReport } from '../report/report.js'
import { prefetchToolchain } from '../toolchain/prepare.js'
import { chainAfterPrefetch } from './after-prefetch.js'
import { runDownloadPhase } from './download-phase.js'
import { startKeptProxy } from './keep-alive.js'
import type { ChainResult } from '../selection/chain.js'
import type { PrivacyPlanResult } from '../privacy/plan-env.js'
import type { SumdbPlan } from '../sumdb/plan.js'
import type { ToolchainPlan } from '../toolchain/prepare.js'

/** What main planned before anything was exported. */
export interface PlannedEnv {
  chain: ChainResult
  keptOff: boolean
  privacy: PrivacyPlanResult
  sumdb: SumdbPlan
  toolchain: ToolchainPlan
}

/** Exports the plan and acts on it: the privacy, effective and downloads sections. */
export async function applyPlan(
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
