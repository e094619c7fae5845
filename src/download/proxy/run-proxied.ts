// The prefetch: when the probe's figures say a wide fetch beats go alone,
// the engine fetches exactly the files `go mod download` will read (the
// module graph walked as go walks it, then the modules it downloads) from
// the ranked mirrors at once, verifies them and puts them into the module
// cache. go runs at the same time through the engine's local proxy: what it
// reaches before the engine has put it in place it gets from the proxy
// (the same fetch, never a second one); what is already in place it only
// extracts, without asking anyone or hashing it again. Returns go's runs
// credited to the mirrors, the engine's record, and the decision.
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { planModDownload } from '../../gomod/download-plan.js'
import { parseGoproxy } from '../../gomod/goproxy.js'
import { goRequestTally, type PrefetchProgress } from '../progress.js'
import type { RootRun } from '../run-collector.js'
import { runDownloads } from '../run-go.js'
import { median } from '../../probe/cost-model.js'
import { TYPICAL_ZIP_BYTES } from '../../probe/plan.js'
import type { ChainResult } from '../../selection/chain.js'
import type { MirrorProbe } from '../../probe/result.js'
import { attributeProxied, creditPrefetched } from './attribution.js'
import { ModuleCacheWriter } from './cache-install.js'
import { CacheFiller } from './cache-filler.js'
import { PrefetchEngine } from './engine.js'
import { LocalFault, spoolFault } from './local-fault.js'
import { prefetchPays, type Payoff } from './pay-off.js'
import { readLocalGoMod, readPrefetchWork, type RootWork } from './read-work.js'
import type { ProxyReport } from './record.js'
import type { MirrorPrior } from './scheduler.js'
import { startLocalProxy } from './server.js'

/** What the run knows before the prefetch: the chain, and what the probe saw of each mirror. */
export interface ProbedChain {
  chain?: ChainResult
  probe?: { mirrors: MirrorProbe[] }
}

export interface ProxiedDownloadParams {
  roots: string[]
  workspace: string
  env: Record<string, string | undefined>
  timeoutMs: number
  log?: (line: string) => void
  concurrency: number
  /** The run so far: its chain and probe give the mirrors and priors. */
  report: ProbedChain
  isPrivate: (path: string) => boolean
  gomodcache: string
  /** Parent of the spool (RUNNER_TEMP). */
  tempDir: string
  /** Receives the figures so far while it runs (the command's progress line). */
  onProgress?: (p: PrefetchProgress) => void
}

// How often the engine's figures are sampled for onProgress: a terminal
// line needs no more, and a sample walks the open files.
const PROGRESS_MS = 200

// Deadlines of one request; a hang costs a hedge well before these.
export const DEADLINES = {
  connectMs: 10_000,
  firstByteMs: 30_000,
  idleMs: 30_000
}

export interface PrefetchResult {
  runs: RootRun[]
  proxy?: ProxyReport
  /** Why the engine ran or go went alone. */
  decision?: string
  /** Verified files that could not be moved into the module cache. */
  installFailures?: string[]
  /** Why go ran alone after all: a fault of this machine stopped the engine. */
  fellBack?: string
}

/**
 * The prefetch runs: the engine ahead of go when download-concurrency is
 * above 0, the chain has a public mirror and the estimate says it pays;
 * else go alone on the chain as exported (download-concurrency 0 is exactly
 * that).
 */
export async function runPrefetch(
  p: ProxiedDownloadParams
): Promise<PrefetchResult> {
  const mirrors = mirrorPriors(p.report)
  const goAlone = (timeoutMs = p.timeoutMs) =>
    runDownloads({
      roots: p.roots,
      workspace: p.workspace,
      env: p.env,
      timeoutMs,
      log: p.log,
      onRequest: p.onProgress && goRequestTally(p.onProgress)
    })
  if (p.concurrency <= 0 || mirrors.length === 0)
    return { runs: await goAlone() }
  const work = await readPrefetchWork(p.roots)
  const filler = new CacheFiller({
    sums: work.sums,
    isPrivate: p.isPrivate,
    gomodcache: p.gomodcache
  })
  const payoff = await decide(p, work.roots, filler, mirrors)
  p.log?.(`Chose ${payoff.why}.`)
  if (!payoff.pays) return { runs: await goAlone(), decision: payoff.why }

  const startedAt = performance.now()
  const engine = await PrefetchEngine.start(
    {
      mirrors,
      concurrency: p.concurrency,
      spoolDir: join(p.tempDir, `setup-goproxy-spool-${process.pid}`),
      deadlines: DEADLINES,
      zipBytesHint: zipBytesHint(p.report)
    },
    []
  ).catch((err: unknown) => spoolFault(err))
  if (engine instanceof LocalFault)
    return {
      runs: await goAlone(),
      decision: payoff.why,
      fellBack: engine.message
    }
  filler.fetchWith((f) => engine.fetch(f), new ModuleCacheWriter(p.gomodcache))
  const server = await startLocalProxy(engine, p.isPrivate)
  const goproxy = localChain(p.report.chain, server.url)
  p.log?.(
    `Prefetching into the module cache from ${mirrors.length} mirror(s), ${p.concurrency} at once; go runs through ${server.url} meanwhile`
  )
  const filling = fill(work.roots, filler)
  const onProgress = p.onProgress
  const sampler =
    onProgress &&
    setInterval(
      () =>
        onProgress({
          by: 'engine',
          planned: filler.missing.size,
          ...engine.progress()
        }),
      PROGRESS_MS
    ).unref()
  try {
    const runs = await runDownloads({
      roots: p.roots,
      workspace: p.workspace,
      env: { ...p.env, GOPROXY: goproxy },
      timeoutMs: p.timeoutMs,
      log: p.log
    })
    // go is done: what the engine still has open, go did not need.
    clearInterval(sampler)
    filler.close()
    const record = engine.record()
    // go met the fault through the local proxy; on the chain it resumes
    // from what is already in the module cache.
    if (record.localFault)
      return {
        runs: await goAlone(p.timeoutMs - (performance.now() - startedAt)),
        proxy: { ...record, goproxy, planned: filler.missing.size },
        decision: payoff.why,
        fellBack: record.localFault
      }
    return {
      runs: creditPrefetched(
        attributeProxied(runs, server.url, record),
        record,
        filler.installed
      ),
      proxy: { ...record, goproxy, planned: filler.missing.size },
      decision: payoff.why,
      installFailures: filler.installFailures
    }
  } finally {
    clearInterval(sampler)
    await server.close()
    await engine.stop()
    await filling
  }
}

/**
 * The GOPROXY go runs with beside the prefetch: the chain's private proxies
 * (their refusals final), then the local proxy in place of the public
 * mirrors, then `direct` with the separator the chain had before it (`|`
 * under fallback-on any-error, `,` under not-found), when the chain has it.
 */
export function localChain(
  chain: ChainResult | undefined,
  localUrl: string
): string {
  const entries = chain?.entries ?? []
  const privates = entries.filter((e) => e.role === 'private').map((e) => e.url)
  const listed = parseGoproxy(chain?.goproxy ?? '')
  const beforeDirect =
    listed.at(-1)?.url === 'direct' ? listed.at(-2) : undefined
  const direct = beforeDirect
    ? `${beforeDirect.fallBackOnError ? '|' : ','}direct`
    : ''
  return [...privates, localUrl].join(',') + direct
}

/**
 * Walks the graph over what the module cache already holds: when nothing
 * is missing go needs no mirror at all; otherwise what is missing (a lower
 * bound when the walk could not finish) is weighed against go alone.
 */
async function decide(
  p: ProxiedDownloadParams,
  roots: readonly RootWork[],
  local: CacheFiller,
  mirrors: MirrorPrior[]
): Promise<Payoff> {
  await fill(roots, local)
  const verifiable = [...local.missing.values()].filter(
    (f) => f.hash || f.kind === 'info'
  )
  if (local.missing.size > 0 && verifiable.length === 0)
    return {
      pays: false,
      why: 'go alone: go.sum lists no hash for what the module cache lacks, so only go can check it'
    }
  const zips = verifiable.filter((f) => f.kind === 'zip').length
  return prefetchPays({
    files: verifiable.length,
    bytes: zips * zipBytesHint(p.report),
    goWorkers: goWorkers(p.env),
    concurrency: p.concurrency,
    mirrors
  })
}

// go downloads with GOMAXPROCS workers, which the environment may set.
function goWorkers(env: Record<string, string | undefined>): number {
  const n = Number(env.GOMAXPROCS)
  return Number.isInteger(n) && n > 0 ? n : availableParallelism()
}

async function fill(roots: readonly RootWork[], filler: CacheFiller) {
  await Promise.all(
    roots.map(async (root) => {
      if (root.goWork === undefined && root.mains.length !== 1) return
      // A go.mod go cannot read either is go's to report, when it runs.
      const targets = await planModDownload(
        { goWork: root.goWork, mains: root.mains },
        (m) => filler.readMod(m),
        (dir) => readLocalGoMod(root.dir, dir),
        (zips) => zips.forEach((m) => filler.download(m))
      ).catch(() => undefined)
      for (const m of targets?.zips ?? []) filler.download(m)
    })
  )
  await filler.settled()
}

/**
 * The chain's mirrors in rank order, with what the probe measured of each,
 * then candidates that had not answered when the probe stopped waiting
 * (slow, not broken as far as it saw): the hedging and the breaker find out
 * what they are worth.
 */
export function mirrorPriors(report: ProbedChain): MirrorPrior[] {
  const probes = report.probe?.mirrors ?? []
  const ranked = (report.chain?.entries ?? [])
    .filter((e) => e.role === 'mirror')
    .map((e) => {
      const t = probes.find((m) => m.url === e.url)?.timings
      return { url: e.url, latencyMs: t?.ttfbMs, bps: t?.throughputBps }
    })
  if (ranked.length === 0) return []
  const unanswered = probes
    .filter(
      (p) =>
        p.timings.ttfbMs === undefined &&
        p.failures.length > 0 &&
        p.failures.every((f) => f.kind === 'timeout' && !f.fatal) &&
        !ranked.some((r) => r.url === p.url)
    )
    .map((p) => ({ url: p.url }))
  return [...ranked, ...unanswered]
}

export function zipBytesHint(report: ProbedChain): number {
  const sizes = (report.probe?.mirrors ?? [])
    .map((m) =>
      m.timings.zipsRead
        ? (m.timings.throughputBytes ?? 0) / m.timings.zipsRead
        : undefined
    )
    .filter((b): b is number => b !== undefined && b > 0)
  return sizes.length > 0 ? median(sizes) : TYPICAL_ZIP_BYTES
}
