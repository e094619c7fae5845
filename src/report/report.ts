import type { CacheReport } from '../cache/report.js'
import type { DownloadsReport } from '../download/downloads-report.js'
import type { EnvEntry } from '../env/env-plan.js'
import type { MirrorProbe } from '../probe/result.js'
import type { MirrorRanking } from '../selection/rank.js'
import type { ChainResult } from '../selection/chain.js'
import type { EffectiveFinding } from '../env/effective-config.js'
import type { ModuleVersion } from '../gomod/module-path.js'
import type { PrivacyReport } from '../privacy/report.js'
import type { RunnerContext } from '../env/runner-context.js'
import type { ToolchainReport } from '../toolchain/report.js'

export const REPORT_SCHEMA = 'setup-goproxy/report@1'

// The one data model of a run: every phase fills its section, the summary
// and the `report` output are rendered from it.
export interface RunReport {
  schema: typeof REPORT_SCHEMA
  startedAt: string
  runner: { os: string; arch: string; job: string; runId: string }
  probe?: {
    /** Versions fetched in full (.info, .mod, one .zip) and timed. */
    modules: ModuleVersion[]
    /** Further versions only checked for presence. */
    freshnessChecked: number
    source: 'go.sum' | 'go.mod' | 'probe-modules' | 'built-in'
    durationMs: number
    mirrors: MirrorProbe[]
  }
  ranking?: MirrorRanking[]
  chain?: ChainResult
  env: EnvEntry[]
  effective?: EffectiveFinding[]
  cache?: CacheReport
  downloads?: DownloadsReport
  /** Why the prefetch did not run when it would have (go not on PATH, GOPROXY=off). */
  downloadsSkipped?: string
  privacy?: PrivacyReport
  toolchain?: ToolchainReport
  /** Why the main step failed, when it did: the leg's verdict in a merge. */
  failure?: string
}

/** A report with only what is known before any phase ran. */
export function newRunReport(
  ctx: Pick<RunnerContext, 'os' | 'arch' | 'job' | 'runId'>,
  startedAt = new Date()
): RunReport {
  return {
    schema: REPORT_SCHEMA,
    startedAt: startedAt.toISOString(),
    runner: { os: ctx.os, arch: ctx.arch, job: ctx.job, runId: ctx.runId },
    env: []
  }
}
