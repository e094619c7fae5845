// Turns the parsed output of one or more `go mod download -x -json` runs into
// the report's downloads section: which source served each file of each
// module version, after how many fall-throughs, what every source answered,
// and why a module could not be downloaded. Pure: file sizes come from a
// lookup the caller fills from the module cache.
import { moduleFileUrl } from '../gomod/proxy-url.js'
import { parseGoproxy } from '../gomod/goproxy.js'
import {
  CACHE_SOURCE,
  DIRECT_SOURCE,
  FILE_KINDS,
  NO_SOURCE,
  decidingIndex,
  moduleKey,
  type DownloadFailure,
  type DownloadsReport,
  type FileFetch,
  type ModuleDownload
} from './downloads-report.js'
import { dedupeFailures, runFailures } from './failures.js'
import { describeAnswer, isModuleFile, isOk } from './request-answers.js'
import type { RootRun } from './run-collector.js'
import { sourceStats } from './source-stats.js'
import { sourceWarnings } from './source-warnings.js'

export interface AnalyzeOptions {
  goproxy: string
  timeoutSec: number
  /** GOMODCACHE, to find the files of modules go did not list. */
  gomodcache?: string
  /** Size of a file in the module cache, or undefined when absent. */
  fileSize?: (absPath: string) => number | undefined
}

/** The downloads section of the report from the runs of every module root. */
export function analyzeDownloads(
  runs: readonly RootRun[],
  opts: AnalyzeOptions
): DownloadsReport {
  const modules = new Map<string, ModuleDownload>()
  const failures: DownloadFailure[] = []
  const requests = runs.flatMap((r) => r.requests)
  const order = parseGoproxy(opts.goproxy).map((e) => e.url)

  const moduleFor = (path: string, version: string): ModuleDownload => {
    const k = moduleKey(path, version)
    let m = modules.get(k)
    if (!m) {
      m = {
        path,
        version,
        status: 'go.mod only',
        source: CACHE_SOURCE,
        files: {},
        fallThroughs: 0,
        bytes: 0,
        roots: []
      }
      modules.set(k, m)
    }
    return m
  }

  for (const run of runs) {
    for (const r of run.requests) {
      if (!r.module || !r.version || !isModuleFile(r.kind)) continue
      const m = moduleFor(r.module, r.version)
      const f = (m.files[r.kind] ??= { attempts: [] })
      f.attempts.push({ source: r.source, answer: describeAnswer(r) })
      if (isOk(r)) f.servedBy = r.source
    }
    for (const o of run.json) {
      if (!o.Version) continue
      const m = moduleFor(o.Path, o.Version)
      if (!m.roots.includes(run.dir)) m.roots.push(run.dir)
      if (o.Query && o.Query !== o.Version) m.query = o.Query
      const paths = { info: o.Info, mod: o.GoMod, zip: o.Zip }
      for (const kind of FILE_KINDS) {
        const p = paths[kind]
        const size = p ? opts.fileSize?.(p) : undefined
        if (size === undefined) continue
        const f = (m.files[kind] ??= { attempts: [] })
        f.bytes = size
      }
      if (!o.Error && m.status !== 'failed') {
        m.status = hasNetwork(m) ? 'downloaded' : 'cached'
      }
    }
  }

  // Files of modules go fetched but did not list (graph loading, a run cut
  // short) are still in the cache; count their bytes too.
  for (const m of modules.values()) {
    for (const kind of FILE_KINDS) {
      const f = m.files[kind]
      if (!f || f.bytes !== undefined || !f.servedBy || !opts.gomodcache)
        continue
      f.bytes = opts.fileSize?.(
        moduleFileUrl(`${opts.gomodcache}/cache/download`, m, kind)
      )
    }
  }

  // Direct (VCS) fetches print no `# get` lines for the module's files.
  const repos = runs.flatMap((r) => r.vcsRepos.map(stripScheme))
  const goGets = requests
    .filter((r) => r.kind === 'go-get' && r.module)
    .map((r) => r.module!)
  for (const m of modules.values()) {
    const viaVcs = [...repos, ...goGets].some(
      (p) => m.path === p || m.path.startsWith(p + '/')
    )
    if (viaVcs && !hasNetwork(m) && m.status === 'cached')
      m.status = 'downloaded'
    m.source = primarySource(m, viaVcs)
    m.fallThroughs = FILE_KINDS.reduce(
      (n, k) => n + fallThroughsOf(m.files[k]),
      0
    )
    m.bytes = FILE_KINDS.reduce((n, k) => n + (m.files[k]?.bytes ?? 0), 0)
  }

  for (const run of runs) failures.push(...runFailures(run, modules, requests))
  for (const f of failures) {
    if (!f.module || !f.version) continue
    const m = modules.get(moduleKey(f.module, f.version))
    if (!m) continue
    m.status = 'failed'
    if (m.source === CACHE_SOURCE) m.source = NO_SOURCE
  }

  const sources = sourceStats(order, [...modules.values()], requests)
  return {
    goproxy: opts.goproxy,
    roots: runs.map((r) => ({
      dir: r.dir,
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      durationMs: r.durationMs,
      otherOutput: r.otherOutput
    })),
    durationMs: runs.reduce((n, r) => n + r.durationMs, 0),
    timeoutSec: opts.timeoutSec,
    modules: [...modules.values()].sort((a, b) =>
      a.path === b.path
        ? a.version < b.version
          ? -1
          : 1
        : a.path < b.path
          ? -1
          : 1
    ),
    sources,
    failures: dedupeFailures(failures),
    warnings: sourceWarnings(requests, modules),
    toolchains: [...new Set(runs.flatMap((r) => r.toolchainDownloads))],
    requests
  }
}

function hasNetwork(m: ModuleDownload): boolean {
  return FILE_KINDS.some((k) => (m.files[k]?.attempts.length ?? 0) > 0)
}

function stripScheme(repo: string): string {
  return repo.replace(/^[a-z+]+:\/\/(?:[^@/]*@)?/, '').replace(/\.git$/, '')
}

function primarySource(m: ModuleDownload, viaVcs: boolean): string {
  const served =
    m.files.zip?.servedBy ?? m.files.mod?.servedBy ?? m.files.info?.servedBy
  if (served) return served
  return viaVcs ? DIRECT_SOURCE : CACHE_SOURCE
}

function fallThroughsOf(f: FileFetch | undefined): number {
  return f ? decidingIndex(f) : 0
}
