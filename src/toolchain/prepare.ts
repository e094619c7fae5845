// The toolchain step of main: decide which toolchain this job's go commands
// will run and, when they will switch to one go must download, fetch it now
// through the chosen mirrors so that it is in the module cache (and saved
// with it) before any later step needs it.
import * as core from '@actions/core'
import * as path from 'node:path'
import { findOnPath } from '../gomod/look-path.js'
import { fetchToolchain } from './fetch.js'
import { inspectLocalGo } from './local-go.js'
import type { ToolchainReport } from './report.js'
import { selectToolchain, toolchainModuleVersion } from './select.js'

type Env = Record<string, string | undefined>

export interface ToolchainPlan {
  report: ToolchainReport
  /** golang.org/toolchain version go will download; undefined when none. */
  moduleVersion?: string
}

export async function planToolchain(
  env: Env,
  workspace: string,
  workingDirectory: string
): Promise<ToolchainPlan> {
  if ((await findOnPath('go', env.PATH ?? '')) === undefined) {
    const note =
      'There is no go command on PATH, so no toolchain was checked and no module was prefetched. Set go-version (or go-version-file), or install Go before this step with actions/setup-go.'
    core.warning(note)
    return { report: { note, noGo: true } }
  }
  const local = await inspectLocalGo(
    env,
    path.resolve(workspace, workingDirectory)
  )
  if ('error' in local) {
    const note = `go env failed: ${local.error}`
    // No toolchain check, and go commands of later steps fail the same way.
    core.warning(note)
    return { report: { note } }
  }
  const decision = selectToolchain(local.select)
  const report: ToolchainReport = { local: local.select.localToolchain }
  // Workspace-relative: for annotations, and no machine paths in the summary.
  const cause = decision.kind === 'local' ? undefined : decision.cause
  if (cause?.file !== undefined)
    report.cause = {
      ...cause,
      file: path.relative(workspace, cause.file).split(path.sep).join('/')
    }
  if (decision.kind === 'invalid') {
    report.note = `go will refuse to run: ${decision.message}`
    return { report }
  }
  report.selected = decision.toolchain
  if (decision.kind === 'local') return { report }
  report.cause ??= decision.cause
  const onPath = await findOnPath(decision.toolchain, env.PATH ?? '')
  if (onPath) {
    report.note = `go runs ${decision.toolchain} from ${onPath}.`
    return { report }
  }
  if (decision.pathOnly) {
    report.note = `GOTOOLCHAIN allows only PATH, which has no ${decision.toolchain}.`
    return { report }
  }
  return {
    report,
    moduleVersion: toolchainModuleVersion(
      decision.toolchain,
      local.goos,
      local.goarch
    )
  }
}

/**
 * Fetches the planned toolchain; a toolchain no mirror has becomes an error
 * annotation on the go.mod or go.work line that asks for it.
 */
export async function prefetchToolchain(
  plan: ToolchainPlan,
  opts: { env: Record<string, string>; cwd: string; timeoutMs: number }
): Promise<void> {
  if (plan.moduleVersion === undefined) return
  const fetch = await fetchToolchain(plan.moduleVersion, opts)
  plan.report.fetch = fetch
  if (fetch.outcome !== 'failed') return
  const cause = plan.report.cause
  const asker =
    cause?.file !== undefined
      ? `The ${cause.source} of ${cause.file}`
      : 'GOTOOLCHAIN'
  core.error(
    `${asker} asks for ${plan.report.selected}, which could not be fetched through GOPROXY (${opts.env.GOPROXY ?? ''}): ${fetch.error}`,
    cause?.file !== undefined
      ? {
          title: 'Go toolchain not available',
          file: cause.file,
          startLine: cause.line
        }
      : { title: 'Go toolchain not available' }
  )
}
