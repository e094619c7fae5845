// The prefetch through the local proxy: start the engine with the ranked
// mirrors (the probe's measurements as priors), serve it on loopback, run
// go through it with `<private proxies>,<local>|direct` (direct only when the
// chain has it), and stop both when go is done. Returns go's runs credited to the mirrors, and the record.
import { join } from 'node:path'
import type { RootRun } from '../run-collector.js'
import { runDownloads } from '../run-go.js'
import { median } from '../../selection/rank.js'
import { TYPICAL_ZIP_BYTES } from '../../probe/plan.js'
import type { RunReport } from '../../report/report.js'
import { attributeProxied } from './attribution.js'
import { PrefetchEngine } from './engine.js'
import { readPrefetchWork } from './read-work.js'
import type { ProxyReport } from './record.js'
import type { MirrorPrior } from './scheduler.js'
import { startLocalProxy } from './server.js'

export interface ProxiedDownloadParams {
  roots: string[]
  workspace: string
  env: Record<string, string | undefined>
  timeoutMs: number
  log?: (line: string) => void
  concurrency: number
  /** The run so far: its chain and probe give the mirrors and priors. */
  report: RunReport
  isPrivate: (path: string) => boolean
  gomodcache: string
  /** Parent of the spool (RUNNER_TEMP). */
  tempDir: string
}

// Deadlines of one request; a hang costs a hedge well before these.
export const DEADLINES = {
  connectMs: 10_000,
  firstByteMs: 30_000,
  idleMs: 30_000
}

/**
 * The prefetch runs: through the local proxy when download-concurrency is
 * above 0 and the chain has a public mirror, else go alone on the chain as
 * exported (download-concurrency 0 is exactly that).
 */
export async function runPrefetch(
  p: ProxiedDownloadParams
): Promise<{ runs: RootRun[]; proxy?: ProxyReport }> {
  const mirrors = mirrorPriors(p.report)
  if (p.concurrency <= 0 || mirrors.length === 0)
    return {
      runs: await runDownloads({
        roots: p.roots,
        workspace: p.workspace,
        env: p.env,
        timeoutMs: p.timeoutMs,
        log: p.log
      })
    }
  return runThroughProxy(p, mirrors)
}

async function runThroughProxy(
  p: ProxiedDownloadParams,
  mirrors: MirrorPrior[]
): Promise<{ runs: RootRun[]; proxy: ProxyReport }> {
  const plan = await readPrefetchWork(p.roots, p.isPrivate, p.gomodcache)
  const engine = await PrefetchEngine.start(
    {
      mirrors,
      concurrency: p.concurrency,
      spoolDir: join(p.tempDir, `setup-goproxy-spool-${process.pid}`),
      deadlines: DEADLINES,
      zipBytesHint: zipBytesHint(p.report)
    },
    plan
  )
  const server = await startLocalProxy(engine, p.isPrivate)
  const goproxy = localChain(p.report.chain, server.url)
  p.log?.(
    `Prefetching ${plan.length} file(s) from ${mirrors.length} mirror(s), ${p.concurrency} at once, through ${server.url}`
  )
  try {
    const runs = await runDownloads({
      roots: p.roots,
      workspace: p.workspace,
      env: { ...p.env, GOPROXY: goproxy },
      timeoutMs: p.timeoutMs,
      log: p.log
    })
    const record = engine.record()
    return {
      runs: attributeProxied(runs, server.url, record),
      proxy: { ...record, goproxy, planned: plan.length }
    }
  } finally {
    await server.close()
    await engine.stop()
  }
}

/**
 * The GOPROXY go runs with: the chain's private proxies (their refusals
 * final), then the local proxy in place of the public mirrors, then
 * `direct` with the separator the chain had before it (`|` under
 * fallback-on any-error, `,` under not-found), when the chain has it.
 */
export function localChain(
  chain: RunReport['chain'],
  localUrl: string
): string {
  const entries = chain?.entries ?? []
  const privates = entries.filter((e) => e.role === 'private').map((e) => e.url)
  const direct = /([,|])direct$/.exec(chain?.goproxy ?? '')
  return (
    [...privates, localUrl].join(',') + (direct ? `${direct[1]}direct` : '')
  )
}

/**
 * The chain's mirrors in rank order, with what the probe measured of each,
 * then candidates that had not answered when the probe stopped waiting
 * (slow, not broken as far as it saw): the hedging and the breaker find out
 * what they are worth.
 */
export function mirrorPriors(report: RunReport): MirrorPrior[] {
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

export function zipBytesHint(report: RunReport): number {
  const sizes = (report.probe?.mirrors ?? [])
    .map((m) =>
      m.timings.zipsRead
        ? (m.timings.throughputBytes ?? 0) / m.timings.zipsRead
        : undefined
    )
    .filter((b): b is number => b !== undefined && b > 0)
  return sizes.length > 0 ? median(sizes) : TYPICAL_ZIP_BYTES
}
