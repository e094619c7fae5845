// Prefetch against the real Go module proxy: the bundled main step (probe,
// prefetch, `go mod download`) against `go mod download` alone, both with
// GOPROXY=https://proxy.golang.org and fresh module caches, for real projects
// (github.com/cli/cli/v2 v2.63.0, github.com/nektos/act v0.2.89). Per round,
// in an order that alternates from round to round:
//   cold:  main step ÷ go alone, and the bytes the step fetched ÷ the bytes
//          go alone fetched (module files: .info, .mod, .zip);
//   warm:  the main step on a copy of go alone's full module cache: main −
//          probe (from the step's report), and whether it fetched anything;
//   job:   (main step + `go list -deps -test ./...`) ÷ (go alone + the same
//          go list), in the project's source (the module's zip unpacked into
//          a writable workspace), on the caches the cold runs just filled.
// This bench uses the network: bench/run.mjs runs it only when named,
// `npm run bench -- --only prefetch-real [--rounds N] [--project SUBSTR]
// [--write]`. It prints; with --write it also replaces its section of
// BENCHMARKS.md. The projects' go.mod, go.sum and zip are fetched once into
// bench/.cache (gitignored).
import { cpSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import {
  createRunnerContext,
  runActionStep,
  type RunnerContext
} from '../__tests__/support/run-action.js'
import { goTempDir, parseGetLines, runGo } from '../__tests__/support/go.js'
import { cleanupTempDirs, removeTree } from '../__tests__/support/temp.js'
import {
  describeMachine,
  markdownTable,
  quantile,
  textTable,
  writeSection
} from './markdown.js'
import { extractModule, fetchModule } from './proxy-tree-dir.js'

const GOPROXY = 'https://proxy.golang.org'
const GOSUMDB = 'sum.golang.org'
const MB = 1e6

const PROJECTS = [
  { module: 'github.com/cli/cli/v2', version: 'v2.63.0' },
  { module: 'github.com/nektos/act', version: 'v0.2.89' }
]

/** This machine's CA settings (a TLS-inspecting CA), for node and go alike. */
function caEnv(): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'])
    if (process.env[k]) out[k] = process.env[k]
  return out
}

/** One simulated machine's Go directories, all fresh. */
interface GoDirs {
  root: string
  gopath: string
  modcache: string
  gocache: string
}

function freshDirs(prefix: string): GoDirs {
  const root = goTempDir(prefix)
  const gopath = join(root, 'gopath')
  return {
    root,
    gopath,
    modcache: join(gopath, 'pkg', 'mod'),
    gocache: join(root, 'gocache')
  }
}

/** What every go invocation of this bench sets, explicitly. */
function goEnv(d: GoDirs): Record<string, string> {
  return {
    ...caEnv(),
    GOPROXY,
    GOSUMDB,
    GOMODCACHE: d.modcache,
    GOPATH: d.gopath,
    GOCACHE: d.gocache,
    GOFLAGS: '-modcacherw',
    GOTOOLCHAIN: 'local',
    GOENV: 'off'
  }
}

/** Module files (.info, .mod, .zip) under cache/download: path → bytes. */
function moduleFiles(modcache: string): Map<string, number> {
  const base = join(modcache, 'cache', 'download')
  const out = new Map<string, number>()
  const walk = (d: string) => {
    let names: string[]
    try {
      names = readdirSync(d)
    } catch {
      return
    }
    for (const name of names) {
      const p = join(d, name)
      const st = statSync(p)
      if (st.isDirectory()) {
        if (!(d === base && name === 'sumdb')) walk(p)
      } else if (/\.(info|mod|zip)$/.test(name))
        out.set(relative(base, p), st.size)
    }
  }
  walk(base)
  return out
}

const sum = (m: Map<string, number>) =>
  [...m.values()].reduce((n, b) => n + b, 0)

interface Report {
  probe?: {
    durationMs: number
    mirrors?: { timings?: { throughputBytes?: number } }[]
  }
  downloads?: {
    durationMs: number
    prefetch?: string
    proxy?: {
      files: {
        path: string
        status: string
        kind: string
        bytes?: number
        doneAtMs?: number
      }[]
    }
    modules?: unknown[]
  }
}

interface MainRun {
  ms: number
  ok: boolean
  probeMs: number
  downloadsMs: number
  prefetch: string
  /** Module files the local proxy served (none when go went alone). */
  servedFiles: number
  /** Until the proxy held the last file it served (from the proxy's start). */
  fetchedMs: number
  /** Bytes of module files fetched: those in the cache, plus those served but not kept. */
  bytes: number
  /** Zip bytes the probe read to measure throughput. */
  probeBytes: number
  listMs?: number
}

interface GoRun {
  ms: number
  /** `# get` lines answered 200. */
  gets: number
  bytes: number
  listMs?: number
}

async function goList(ws: string, d: GoDirs): Promise<number> {
  const t0 = performance.now()
  const r = await runGo(['list', '-deps', '-test', './...'], {
    cwd: ws,
    env: goEnv(d),
    timeoutMs: 600_000
  })
  const ms = performance.now() - t0
  if (r.code !== 0) throw new Error(`go list failed: ${r.stderr.slice(-600)}`)
  return ms
}

async function goAlone(ws: string, d: GoDirs): Promise<GoRun> {
  const t0 = performance.now()
  const r = await runGo(['mod', 'download', '-x'], {
    cwd: ws,
    env: goEnv(d),
    timeoutMs: 900_000
  })
  const ms = performance.now() - t0
  if (r.code !== 0)
    throw new Error(`go mod download failed: ${r.stderr.slice(-600)}`)
  return {
    ms,
    gets: parseGetLines(r.stderr).filter((l) => l.status === 200).length,
    bytes: sum(moduleFiles(d.modcache))
  }
}

async function mainStep(
  ctx: RunnerContext,
  dist: string,
  repo: string,
  d: GoDirs
): Promise<MainRun> {
  const t0 = performance.now()
  const step = await runActionStep({
    context: ctx,
    dist,
    actionYml: join(repo, 'action.yml'),
    timeoutMs: 900_000,
    inputs: {
      mirrors: GOPROXY,
      cache: 'false',
      sumdb: GOSUMDB,
      'direct-fallback': 'true',
      'probe-timeout': '10'
    },
    env: goEnv(d)
  })
  const ms = performance.now() - t0
  const report = step.outputs.report
    ? (JSON.parse(readFileSync(step.outputs.report, 'utf8')) as Report)
    : undefined
  if (step.code !== 0 || !report)
    console.error(step.stdout.slice(-3000), step.stderr.slice(-2000))
  const served = (report?.downloads?.proxy?.files ?? []).filter(
    (f) => f.status === 'served' && f.kind !== 'sumdb'
  )
  const inCache = moduleFiles(d.modcache)
  // Served by the proxy but not in the module cache (go never asked for it):
  // fetched all the same.
  const notKept = served.filter((f) => !inCache.has(f.path.replace(/^\/+/, '')))
  return {
    ms,
    ok: step.code === 0 && report !== undefined,
    probeMs: report?.probe?.durationMs ?? NaN,
    downloadsMs: report?.downloads?.durationMs ?? NaN,
    prefetch: report?.downloads?.prefetch ?? '(no prefetch sentence)',
    servedFiles: served.length,
    fetchedMs: Math.max(0, ...served.map((f) => f.doneAtMs ?? 0)),
    bytes: sum(inCache) + notKept.reduce((n, f) => n + (f.bytes ?? 0), 0),
    probeBytes: (report?.probe?.mirrors ?? []).reduce(
      (n, m) => n + (m.timings?.throughputBytes ?? 0),
      0
    )
  }
}

interface Round {
  order: string
  main: MainRun
  go: GoRun
  warm: MainRun
}

interface ProjectResult {
  name: string
  rounds: Round[]
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const x = (r: number) => r.toFixed(2)
const med = (xs: number[]) => quantile(xs, 0.5)
const max = (xs: number[]) => Math.max(...xs)
const medMax = (xs: number[], f: (n: number) => string) =>
  `${f(med(xs))} (max ${f(max(xs))})`

async function runProject(
  module: string,
  version: string,
  rounds: number,
  dist: string,
  repo: string
): Promise<ProjectResult> {
  const name = `${module}@${version}`
  const fetched = fetchModule(join(repo, 'bench', '.cache'), module, version)
  const ctx = createRunnerContext()
  // The project's source as a checkout has it (createRunnerContext made the
  // workspace; the unpacked module replaces it).
  removeTree(ctx.workspace)
  extractModule(fetched, module, version, ctx.workspace)
  const out: Round[] = []
  for (let i = 0; i < rounds; i++) {
    const mainFirst = i % 2 === 0
    let main: MainRun | undefined
    let go: GoRun | undefined
    const mainDirs = freshDirs('main-')
    const goDirs = freshDirs('go-')
    try {
      for (const side of mainFirst ? ['main', 'go'] : ['go', 'main'])
        if (side === 'main') {
          main = await mainStep(ctx, dist, repo, mainDirs)
          main.listMs = await goList(ctx.workspace, mainDirs)
        } else {
          go = await goAlone(ctx.workspace, goDirs)
          go.listMs = await goList(ctx.workspace, goDirs)
        }
      removeTree(mainDirs.root)
      // Warm: a copy of go alone's whole module cache, nothing left out.
      const warmDirs = freshDirs('warm-')
      cpSync(goDirs.modcache, warmDirs.modcache, { recursive: true })
      const warm = await mainStep(ctx, dist, repo, warmDirs)
      removeTree(warmDirs.root)
      const r: Round = {
        order: mainFirst ? 'main, go' : 'go, main',
        main: main!,
        go: go!,
        warm
      }
      out.push(r)
      console.log(
        `${name} round ${i + 1} (${r.order}): main ${s(r.main.ms)} (probe ${s(r.main.probeMs)}, downloads ${s(r.main.downloadsMs)}, ${r.main.servedFiles} files through the proxy in ${s(r.main.fetchedMs)}${r.main.ok ? '' : ', FAILED'}) vs go alone ${s(r.go.ms)} (${r.go.gets} gets) = ${x(r.main.ms / r.go.ms)}; bytes ${(r.main.bytes / MB).toFixed(1)} ÷ ${(r.go.bytes / MB).toFixed(1)} MB = ${x(r.main.bytes / r.go.bytes)} (+ probe ${(r.main.probeBytes / MB).toFixed(1)} MB); job ${s(r.main.ms + r.main.listMs!)} ÷ ${s(r.go.ms + r.go.listMs!)} = ${x((r.main.ms + r.main.listMs!) / (r.go.ms + r.go.listMs!))}; warm main − probe ${s(r.warm.ms - r.warm.probeMs)}, ${r.warm.servedFiles} files fetched${r.warm.ok ? '' : ', FAILED'}\n  cold: ${r.main.prefetch}\n  warm: ${r.warm.prefetch}`
      )
    } finally {
      removeTree(mainDirs.root)
      removeTree(goDirs.root)
    }
  }
  removeTree(ctx.root)
  return { name, rounds: out }
}

const HEAD = [
  'project',
  'rounds',
  'go alone',
  'main step (probe)',
  'main ÷ go alone',
  'bytes ÷ go alone (probe)',
  'warm: main − probe',
  'warm: files fetched',
  'job ÷ go alone job'
]

function row(p: ProjectResult): string[] {
  const r = p.rounds
  const ok = r.every((q) => q.main.ok && q.warm.ok)
  return [
    p.name,
    `${r.length}${ok ? '' : ' (a step failed)'}`,
    s(med(r.map((q) => q.go.ms))),
    `${s(med(r.map((q) => q.main.ms)))} (${s(med(r.map((q) => q.main.probeMs)))})`,
    medMax(
      r.map((q) => q.main.ms / q.go.ms),
      x
    ),
    `${medMax(
      r.map((q) => q.main.bytes / q.go.bytes),
      x
    )} (+${(med(r.map((q) => q.main.probeBytes)) / MB).toFixed(1)} MB)`,
    medMax(
      r.map((q) => q.warm.ms - q.warm.probeMs),
      s
    ),
    String(max(r.map((q) => q.warm.servedFiles))),
    medMax(
      r.map((q) => (q.main.ms + q.main.listMs!) / (q.go.ms + q.go.listMs!)),
      x
    )
  ]
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name)
  return at >= 0 ? process.argv[at + 1] : undefined
}

async function main(): Promise<void> {
  const dist = process.env.SETUP_GOPROXY_DIST
  const repo = process.env.BENCH_REPO_ROOT
  if (!dist || !repo) throw new Error('run through bench/run.mjs')
  const rounds = Number(argValue('--rounds') ?? 3)
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error('--rounds takes a positive integer')
  const only = argValue('--project')
  const write = process.argv.includes('--write')
  const started = Date.now()
  const results: ProjectResult[] = []
  for (const p of PROJECTS.filter((q) => !only || q.module.includes(only))) {
    results.push(await runProject(p.module, p.version, rounds, dist, repo))
    console.log('\n' + textTable(HEAD, results.map(row)) + '\n')
  }
  const m = describeMachine()
  const body = `Run ${m.date} on ${m.cores} cores (${m.cpu}), Node ${m.node}, ${m.go}: \`npm run bench -- --only prefetch-real --rounds ${rounds}\` (${((Date.now() - started) / 60000).toFixed(1)} min), against the real proxy.golang.org over the machine's own network.

"go alone" is \`go mod download\` with GOPROXY=https://proxy.golang.org and a fresh module cache; "main step" is the bundled main step as the runner runs it (mirrors https://proxy.golang.org, sumdb sum.golang.org, direct-fallback on, cache off, probe-timeout 10) with a fresh module cache. Each round runs both, in an order that alternates from round to round; figures are medians over the rounds (max in brackets). Bytes are the module files (.info, .mod, .zip) the step fetched (its module cache's cache/download, plus files its proxy served that go never kept) over those of go alone's cache; the zips the probe read to measure throughput are shown apart. Warm: the main step on a copy of go alone's full module cache; main − probe is the step's wall time less the probe's duration from its report (target ≤ 0.5 s); files fetched counts what its proxy served (target 0). Job: the step (or go alone) plus \`go list -deps -test ./...\` in the project's source, on the cache the cold run just filled.

${markdownTable(HEAD, results.map(row))}
`
  console.log(body)
  if (write)
    writeSection(
      join(repo, 'BENCHMARKS.md'),
      'Prefetch from proxy.golang.org',
      body
    )
  cleanupTempDirs()
}

main().catch((err: unknown) => {
  console.error(err)
  cleanupTempDirs()
  process.exit(1)
})
