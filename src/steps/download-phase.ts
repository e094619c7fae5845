// The downloads phase as main.ts calls it: prefetch in every module root,
// then annotations, outputs and fail-on-error.
import * as core from '@actions/core'
import * as path from 'node:path'
import { analyzeDownloads } from '../download/analyze.js'
import {
  downloadAnnotations,
  failedModulesOutput,
  failureGroups,
  workspaceReader
} from '../download/annotations.js'
import type { DownloadOptions } from '../download/options.js'
import type { PrefetchProgress } from '../download/progress.js'
import { findModuleRoots } from '../download/roots.js'
import { cacheFileSize, goOnPath } from '../download/run-go.js'
import type { RunReport } from '../report/report.js'
import { runPrefetch } from '../download/proxy/run-proxied.js'

export interface DownloadPhaseParams {
  inputs: DownloadOptions
  workspace: string
  /** working-directory input, relative to the workspace. */
  workingDirectory: string
  /** Absolute go.sum / go.work.sum paths cache-dependency-path selected. */
  dependencyFiles: string[]
  /** The environment with everything the action exported. */
  env: Record<string, string | undefined>
  gomodcache: string
  /** Why the prefetch must not run (GOPROXY=off kept), if it must not. */
  skip?: string
  /** The run so far (chain, probe) and the privacy rule, for the local proxy. */
  proxied: {
    report: RunReport
    isPrivate: (path: string) => boolean
  }
  /** The figures so far while the prefetch runs; the action has none. */
  onProgress?: (p: PrefetchProgress) => void
}

/**
 * Runs the prefetch; no downloads when it is off or there is nothing to
 * fetch. Returns the downloads section of the report, or why a prefetch
 * that was due did not run.
 */
export async function runDownloadPhase(
  p: DownloadPhaseParams
): Promise<Pick<RunReport, 'downloads' | 'downloadsSkipped'>> {
  if (p.inputs.download === false) return {}
  const roots = findModuleRoots(
    path.resolve(p.workspace, p.workingDirectory),
    p.dependencyFiles
  )
  if (roots.length === 0) {
    const msg = `No go.mod or go.work in ${p.workingDirectory} or next to the selected go.sum files: nothing to download.`
    if (p.inputs.download === true) core.warning(msg)
    else core.info(msg)
    return {}
  }
  if (p.skip) return { downloadsSkipped: p.skip }
  if (!(await goOnPath(p.env))) {
    const downloadsSkipped =
      'go is not on PATH; use actions/setup-go (or install Go) before this step'
    core.warning(
      `The module prefetch was skipped: ${downloadsSkipped}. GOPROXY and the other settings were still exported.`
    )
    return { downloadsSkipped }
  }
  const { runs, proxy, decision, installFailures, fellBack } = await core.group(
    `Downloading modules in ${roots.length} module root(s) (go mod download -x -json)`,
    () =>
      runPrefetch({
        roots,
        workspace: p.workspace,
        env: p.env,
        timeoutMs: p.inputs.timeoutMs,
        log: (line) => core.info(line),
        concurrency: p.inputs.concurrency,
        gomodcache: p.gomodcache,
        tempDir: p.env.RUNNER_TEMP || p.workspace,
        onProgress: p.onProgress,
        ...p.proxied
      })
  )
  const report = analyzeDownloads(runs, {
    goproxy: p.env.GOPROXY ?? '',
    timeoutSec: p.inputs.timeoutMs / 1000,
    gomodcache: p.gomodcache,
    fileSize: cacheFileSize
  })
  if (proxy) report.proxy = proxy
  if (decision)
    report.prefetch = fellBack
      ? `${decision}; then go alone on the chain, after a fault of this machine: ${fellBack}`
      : decision
  if (fellBack)
    core.warning(
      `The prefetch stopped on a fault of this machine, not of a mirror (${fellBack}); go downloaded alone on the exported chain.`
    )
  if (installFailures?.length)
    core.warning(
      `${installFailures.length} verified file(s) could not be put into the module cache, so go fetched them itself; the first: ${installFailures[0]}`
    )
  const fetched = report.modules.filter((m) => m.status === 'downloaded')
  core.info(
    `Downloads: ${fetched.length} module version(s) fetched, ` +
      `${report.modules.filter((m) => m.status === 'cached').length} from the cache, ` +
      `${report.failures.length} failure(s).`
  )
  return { downloads: report }
}

/**
 * Annotations, `failed-modules`, and fail-on-error. Call after the summary
 * is written: setFailed must not keep the summary from the reader.
 */
export function finishDownloads(
  report: RunReport,
  inputs: DownloadOptions,
  workspace: string
): void {
  const d = report.downloads
  const annotations = downloadAnnotations(
    d,
    report.chain,
    report.ranking,
    workspaceReader(workspace),
    inputs.failOnError
  )
  for (const a of annotations) {
    const props = { title: a.title, file: a.file, startLine: a.startLine }
    if (a.level === 'error') core.error(a.message, props)
    else core.warning(a.message, props)
  }
  core.setOutput('failed-modules', failedModulesOutput(d))
  const failures = d?.failures ?? []
  if (failures.length > 0 && inputs.failOnError) {
    core.setFailed(
      `${failures.length} module download(s) failed: ${failureGroups(failures).join(', ')}`
    )
  }
}
