import * as core from '@actions/core'
import { synthesizeChain, type ChainResult } from '../selection/chain.js'
import type { ProjectOptions } from '../env/project.js'
import type { SelectionOptions } from '../selection/options.js'
import { failureGroupsLine } from '../probe/failure-groups.js'
import { probeMirrors } from '../probe/probe-mirrors.js'
import type { MirrorProbe } from '../probe/result.js'
import {
  estimateWorkload,
  planProbe,
  readProjectRequires,
  readProjectSums
} from '../probe/plan.js'
import { rankMirrors, type MirrorRanking } from '../selection/rank.js'
import { median } from '../probe/cost-model.js'
import type { RunReport } from '../report/report.js'
import type { RunnerContext } from '../env/runner-context.js'

// Upper bound of the one throughput-measuring zip read per mirror.
const ZIP_TIME_BOX_MS = 1500

/**
 * Probes the candidate mirrors with this project's own modules and ranks
 * them: the probe and ranking sections of the report.
 */
export async function probeAndRankMirrors(
  selection: SelectionOptions,
  project: ProjectOptions,
  isPrivate: (path: string) => boolean,
  ctx: RunnerContext
): Promise<Required<Pick<RunReport, 'probe' | 'ranking'>>> {
  const sums = await readProjectSums(project.workingDirectory)
  const requires =
    sums.length > 0 ? [] : await readProjectRequires(project.workingDirectory)
  const plan = planProbe(
    sums,
    selection.probeModules,
    isPrivate,
    ctx.tieSeed,
    requires
  )
  const probeStart = performance.now()
  const probes = await core.group(
    `Probing ${selection.mirrors.length} mirrors`,
    async () => {
      const probes = await probeMirrors(selection.mirrors, {
        modules: plan.modules,
        freshness: plan.freshness,
        deadlineMs: selection.probeTimeoutMs,
        zipTimeBoxMs: Math.min(ZIP_TIME_BOX_MS, selection.probeTimeoutMs / 2),
        workload: estimateWorkload(plan.entries, undefined)
      })
      for (const p of probes) core.info(probeLine(p))
      return probes
    }
  )
  const probe = {
    modules: plan.modules.map(({ path, version }) => ({ path, version })),
    freshnessChecked: plan.freshness.length,
    source: plan.source,
    durationMs: performance.now() - probeStart,
    mirrors: probes
  }
  // Mirrors read the same zips, so any reading gives the typical zip size.
  const zipSizes = probes
    .map((p) =>
      p.timings.zipsRead
        ? (p.timings.throughputBytes ?? 0) / p.timings.zipsRead
        : undefined
    )
    .filter((b): b is number => b !== undefined)
  const workload = estimateWorkload(
    plan.entries,
    zipSizes.length ? median(zipSizes) : undefined
  )
  return { probe, ranking: rankMirrors(probes, workload, ctx.tieSeed) }
}

/**
 * The GOPROXY chain from the ranking and the selection inputs: the chain
 * section of the report. Throws NoUsableMirrorError when nothing is usable
 * and direct-fallback is off.
 */
export function chainFromRanking(
  selection: SelectionOptions,
  ranking: MirrorRanking[]
): ChainResult {
  return synthesizeChain({
    privateProxies: selection.privateProxies,
    ranking,
    maxMirrors: selection.maxMirrors,
    fallbackOn: selection.fallbackOn,
    directFallback: selection.directFallback,
    privateStrict: selection.privateStrict
  })
}

// One line per mirror: what it served first, then its failures grouped by kind.
function probeLine(p: MirrorProbe): string {
  const failures = failureGroupsLine(p.failures)
  return `${p.url}: ${p.found}/${p.sampled} found, ttfb ${p.timings.ttfbMs?.toFixed(0) ?? '–'} ms${failures ? `; ${failures}` : ''}`
}
