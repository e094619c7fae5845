// Prefetch benchmark: the bundled main step (probe + prefetch through the
// local proxy) against `go mod download` alone through the best single
// mirror, on fields of loopback mirrors 150 ms and 30 ms away with
// per-connection and per-link bandwidth limits; the prefetch against the
// field's physical floor; the best mirror hanging after a third of the
// files; and the main step's peak RSS while it prefetches ≥ 300 MB of zips.
// The near field: one unthrottled loopback mirror 1 ms away serving 400 and
// 2,000 small modules (5–20 KB zips), where go alone is hard to beat: main
// step ÷ go alone through the same mirror over alternating rounds, and the
// main step on a full module cache (main − probe).
// All ratios come from runs side by side in one process.
// Run through bench/run.mjs (`npm run bench -- --only prefetch [--no-write]
// [--rounds N] [--near-only]`): --rounds sets the near field's rounds
// (default 3), --near-only runs (and writes) only the near field.
import { readFileSync, readdirSync } from 'node:fs'
import { copyFile } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import {
  startMirror,
  type Mirror,
  type MirrorProfile
} from '../__tests__/support/mirror-server.js'
import {
  buildProxyTree,
  writeConsumerModule,
  type ModuleSpec,
  type ProxyTree
} from '../__tests__/support/modules.js'
import {
  createRunnerContext,
  runActionStep,
  type RunnerContext
} from '../__tests__/support/run-action.js'
import { goTempDir, runGo } from '../__tests__/support/go.js'
import { cleanupTempDirs, removeTree } from '../__tests__/support/temp.js'
import { logUniform, projectModules, rng, type Rng } from './field.js'
import {
  describeMachine,
  markdownTable,
  quantile,
  textTable,
  writeSection
} from './markdown.js'
import {
  loadTreeDir,
  realGraph,
  REAL_MODULE,
  REAL_VERSION
} from './proxy-tree-dir.js'

const MB = 1e6
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)

interface FieldSpec {
  latencyMs: number
  /** Per mirror: latency factor, per-connection and link bandwidth. */
  mirrors: { factor: number; perConn: number; link: number }[]
}

// Three mirrors: the best, and two a little further and thinner.
function field(latencyMs: number): FieldSpec {
  return {
    latencyMs,
    mirrors: [
      { factor: 1, perConn: 4 * MB, link: 24 * MB },
      { factor: 1.15, perConn: 3 * MB, link: 16 * MB },
      { factor: 1.3, perConn: 2 * MB, link: 12 * MB }
    ]
  }
}

const fromPrefetch = (req: IncomingMessage) =>
  (req.headers['user-agent'] ?? '').startsWith('setup-goproxy-prefetch')

async function startField(
  tree: ProxyTree,
  f: FieldSpec,
  extra: MirrorProfile[] = []
): Promise<Mirror[]> {
  const out: Mirror[] = []
  for (const [i, m] of f.mirrors.entries())
    out.push(
      await startMirror(tree, {
        latencyMs: Math.round(f.latencyMs * m.factor),
        bandwidth: m.perConn,
        linkBandwidth: m.link,
        sumdbSupported: 200,
        faultsOnly: fromPrefetch,
        ...extra[i]
      })
    )
  return out
}

/** The physical floor: bytes over the field's links, plus round trips spread over the concurrency. */
function floorMs(f: FieldSpec, bytes: number, files: number): number {
  const bw = f.mirrors.reduce(
    (n, m) => n + Math.min(m.link, CONCURRENCY * m.perConn),
    0
  )
  return (bytes / bw) * 1000 + (files * f.latencyMs) / CONCURRENCY
}

/** go mod download with a fresh module cache; into `gopath`'s (kept) when given. */
async function goAlone(
  dir: string,
  goproxy: string,
  gopath?: string
): Promise<number> {
  const home = goTempDir('home-')
  const modcache = gopath ? join(gopath, 'pkg', 'mod') : goTempDir('modcache-')
  const t0 = performance.now()
  const res = await runGo(['mod', 'download'], {
    cwd: dir,
    env: {
      GOPROXY: goproxy,
      GOMODCACHE: modcache,
      GOFLAGS: '-modcacherw',
      GOSUMDB: 'off',
      HOME: home,
      GOPATH: gopath ?? join(home, 'go')
    },
    timeoutMs: 300_000
  })
  const ms = performance.now() - t0
  if (!gopath) removeTree(modcache)
  removeTree(home)
  if (res.code !== 0)
    throw new Error(`go alone failed: ${res.stderr.slice(-400)}`)
  return ms
}

interface StepFigures {
  mainMs: number
  probeMs: number
  /** go mod download through the proxy (fetching, verifying, extracting). */
  prefetchMs: number
  /** Until the proxy had the last file go needed (from the proxy's start). */
  fetchedMs: number
  bytes: number
  files: number
  peakRssKb?: number
  ok: boolean
  byMirror: Record<string, number>
  /** Why the engine ran or go went alone (the report's downloads.prefetch). */
  prefetch: string
}

// VmHWM of the step's node process, polled until it exits (the kernel keeps
// the peak, so the last reading is the peak up to ~50 ms before the end).
function watchPeakRss(marker: string): () => number | undefined {
  let peak: number | undefined
  const timer = setInterval(() => {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        if (!cmd.includes(marker)) continue
        const m = /VmHWM:\s+(\d+) kB/.exec(
          readFileSync(`/proc/${pid}/status`, 'utf8')
        )
        if (m) peak = Math.max(peak ?? 0, Number(m[1]))
      } catch {
        // Gone meanwhile.
      }
    }
  }, 50)
  return () => {
    clearInterval(timer)
    return peak
  }
}

async function mainStep(
  ctx: RunnerContext,
  mirrors: Mirror[],
  dist: string,
  concurrency: number,
  rss = false,
  /** A GOPATH whose module cache is already filled (kept); else a fresh one. */
  warmGopath?: string
): Promise<StepFigures> {
  const gopath = warmGopath ?? goTempDir('gopath-')
  const stopRss = rss ? watchPeakRss(join(dist, 'main', 'index.js')) : undefined
  const t0 = performance.now()
  const step = await runActionStep({
    context: ctx,
    dist,
    actionYml: join(process.env.BENCH_REPO_ROOT ?? '', 'action.yml'),
    timeoutMs: 600_000,
    inputs: {
      mirrors: mirrors.map((m) => m.url).join('\n'),
      cache: 'false',
      'direct-fallback': 'false',
      sumdb: 'sum.golang.org',
      'probe-timeout': '5',
      'download-concurrency': String(concurrency)
    },
    env: {
      GOPATH: gopath,
      GOMODCACHE: join(gopath, 'pkg', 'mod'),
      GOFLAGS: '-modcacherw',
      GOTOOLCHAIN: 'local',
      GOENV: 'off',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost'
    }
  })
  const mainMs = performance.now() - t0
  const peakRssKb = stopRss?.()
  if (!warmGopath) removeTree(gopath)
  const report = step.outputs.report
    ? (JSON.parse(readFileSync(step.outputs.report, 'utf8')) as {
        probe?: { durationMs: number }
        downloads?: {
          durationMs: number
          prefetch?: string
          proxy?: {
            files: {
              status: string
              bytes?: number
              mirror?: string
              doneAtMs?: number
            }[]
          }
        }
      })
    : undefined
  const served =
    report?.downloads?.proxy?.files.filter((f) => f.status === 'served') ?? []
  const byMirror: Record<string, number> = {}
  for (const f of served)
    if (f.mirror) byMirror[f.mirror] = (byMirror[f.mirror] ?? 0) + 1
  if (step.code !== 0) console.error(step.stdout.slice(-2000))
  return {
    mainMs,
    probeMs: report?.probe?.durationMs ?? NaN,
    prefetchMs: report?.downloads?.durationMs ?? NaN,
    fetchedMs: Math.max(0, ...served.map((f) => f.doneAtMs ?? 0)),
    bytes: served.reduce((n, f) => n + (f.bytes ?? 0), 0),
    files: served.length,
    peakRssKb,
    ok: step.code === 0,
    byMirror,
    prefetch: report?.downloads?.prefetch ?? '(no prefetch sentence)'
  }
}

interface Row {
  graph: string
  latencyMs: number
  goAloneMs: number
  clean: StepFigures
  hang: StepFigures
  floorMs: number
}

async function runGraph(
  graph: string,
  tree: ProxyTree,
  workspace: (ctx: RunnerContext) => Promise<void>,
  latencyMs: number,
  dist: string
): Promise<Row> {
  const f = field(latencyMs)
  const ctx = createRunnerContext()
  await workspace(ctx)
  const mirrors = await startField(tree, f)
  try {
    const goAloneMs = await goAlone(ctx.workspace, mirrors[0].url)
    const clean = await mainStep(ctx, mirrors, dist, CONCURRENCY)
    const third = Math.max(1, Math.floor(clean.files / 3))
    const hangField = await startField(tree, f, [
      { faultsAfter: third, hang: true }
    ])
    let hang: StepFigures
    try {
      hang = await mainStep(ctx, hangField, dist, CONCURRENCY)
    } finally {
      await Promise.all(hangField.map((m) => m.close()))
    }
    return {
      graph,
      latencyMs,
      goAloneMs,
      clean,
      hang,
      floorMs: floorMs(f, clean.bytes, clean.files)
    }
  } finally {
    await Promise.all(mirrors.map((m) => m.close()))
  }
}

interface RssFigures {
  /** Through a 1 Gbit/s link (a hosted runner's order of magnitude). */
  gigabit: StepFigures
  /** Loopback at full speed: the worst case for buffering. */
  unthrottled: StepFigures
  /** The same project with download-concurrency 0 (go alone), unthrottled. */
  goAlone: StepFigures
}

async function rssRun(dist: string): Promise<RssFigures> {
  // 40 modules of 8 MB: 320 MB of zips through one wide, near mirror.
  const tree = buildProxyTree(
    Array.from({ length: 40 }, (_, i) => ({
      path: `bench.test/big${String(i).padStart(2, '0')}`,
      versions: ['v1.0.0'],
      zipSize: 8 * 1024 * 1024
    }))
  )
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, tree)
  const run = async (concurrency: number, linkBandwidth?: number) => {
    const m = await startMirror(tree, {
      latencyMs: 5,
      sumdbSupported: 200,
      linkBandwidth
    })
    try {
      return await mainStep(ctx, [m], dist, concurrency, true)
    } finally {
      await m.close()
    }
  }
  return {
    gigabit: await run(CONCURRENCY, 125 * MB),
    unthrottled: await run(CONCURRENCY),
    goAlone: await run(0)
  }
}

const SWEEP = [8, 16, 32, 64]

/** The main step on the real graph at each download-concurrency, for the default. */
async function sweep(
  tree: ProxyTree,
  workspace: (ctx: RunnerContext) => Promise<void>,
  latencyMs: number,
  dist: string
): Promise<{ concurrency: number; step: StepFigures }[]> {
  const ctx = createRunnerContext()
  await workspace(ctx)
  const mirrors = await startField(tree, field(latencyMs))
  try {
    const out: { concurrency: number; step: StepFigures }[] = []
    for (const c of SWEEP)
      out.push({ concurrency: c, step: await mainStep(ctx, mirrors, dist, c) })
    return out
  } finally {
    await Promise.all(mirrors.map((m) => m.close()))
  }
}

const mib = (kb: number | undefined) => `${((kb ?? 0) / 1024).toFixed(0)} MiB`

function rssText(r: RssFigures): string {
  return `Peak RSS of the main step while prefetching ${(r.gigabit.bytes / MB).toFixed(0)} MB of zips (40 × 8 MB, one mirror 5 ms away): ${mib(r.gigabit.peakRssKb)} through a 1 Gbit/s link, ${mib(r.unthrottled.peakRssKb)} from loopback at full speed; the same step with download-concurrency 0 (go alone) peaks at ${mib(r.goAlone.peakRssKb)}.${[r.gigabit, r.unthrottled, r.goAlone].every((x) => x.ok) ? '' : ' (a step failed)'}`
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const x = (r: number) => `${r.toFixed(2)}`

const NEAR_COUNTS = [400, 2000]

/** `count` small modules: one version each, zips of 5–20 KB (log-uniform). */
function smallModules(r: Rng, count: number): ModuleSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    path: `bench.test/small${String(i + 1).padStart(4, '0')}`,
    versions: ['v1.0.0'],
    zipSize: Math.round(logUniform(r, 5 * 1024, 20 * 1024))
  }))
}

interface NearRound {
  order: string
  goAloneMs: number
  cold: StepFigures
  /** The main step on the module cache go alone just filled. */
  warm: StepFigures
}

interface NearResult {
  modules: number
  /** Module files the mirror holds, and their bytes. */
  files: number
  bytes: number
  rounds: NearRound[]
}

async function nearRun(
  count: number,
  rounds: number,
  dist: string
): Promise<NearResult> {
  const tree = buildProxyTree(smallModules(rng(20261207 + count), count))
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, tree)
  const mirror = await startMirror(tree, { latencyMs: 1, sumdbSupported: 200 })
  const out: NearRound[] = []
  try {
    for (let i = 0; i < rounds; i++) {
      const mainFirst = i % 2 === 0
      const gopath = goTempDir('near-gopath-')
      try {
        let cold: StepFigures | undefined
        let goAloneMs = NaN
        for (const side of mainFirst ? ['main', 'go'] : ['go', 'main'])
          if (side === 'main')
            cold = await mainStep(ctx, [mirror], dist, CONCURRENCY)
          else goAloneMs = await goAlone(ctx.workspace, mirror.url, gopath)
        const warm = await mainStep(
          ctx,
          [mirror],
          dist,
          CONCURRENCY,
          false,
          gopath
        )
        const r: NearRound = {
          order: mainFirst ? 'main, go' : 'go, main',
          goAloneMs,
          cold: cold!,
          warm
        }
        out.push(r)
        console.log(
          `near ${count} modules round ${i + 1} (${r.order}): main ${s(r.cold.mainMs)} (probe ${s(r.cold.probeMs)}, ${r.cold.files} files through the proxy${r.cold.ok ? '' : ', FAILED'}) vs go alone ${s(r.goAloneMs)} = ${x(r.cold.mainMs / r.goAloneMs)}; warm main − probe ${s(r.warm.mainMs - r.warm.probeMs)}, ${r.warm.files} files fetched${r.warm.ok ? '' : ', FAILED'}\n  cold: ${r.cold.prefetch}\n  warm: ${r.warm.prefetch}`
        )
      } finally {
        removeTree(gopath)
      }
    }
  } finally {
    await mirror.close()
  }
  // The module files (.info, .mod, .zip) the mirror holds.
  const moduleFiles = [...tree.files].filter(([p]) =>
    /\.(info|mod|zip)$/.test(p)
  )
  return {
    modules: count,
    files: moduleFiles.length,
    bytes: moduleFiles.reduce((n, [, b]) => n + b.length, 0),
    rounds: out
  }
}

const med = (xs: number[]) => quantile(xs, 0.5)
const medMax = (xs: number[], f: (n: number) => string) =>
  `${f(med(xs))} (max ${f(Math.max(...xs))})`

const NEAR_HEAD = [
  'graph',
  'rounds',
  'go alone',
  'main step (probe)',
  'main ÷ go alone',
  'warm: main − probe',
  'warm: files fetched',
  'cold: the step chose'
]

function nearRow(n: NearResult): string[] {
  const r = n.rounds
  const ok = r.every((q) => q.cold.ok && q.warm.ok)
  const choices = [...new Set(r.map((q) => q.cold.prefetch.split(':')[0]))]
  return [
    `${n.modules} modules (${n.files} files, ${(n.bytes / MB).toFixed(1)} MB)`,
    `${r.length}${ok ? '' : ' (a step failed)'}`,
    s(med(r.map((q) => q.goAloneMs))),
    `${s(med(r.map((q) => q.cold.mainMs)))} (${s(med(r.map((q) => q.cold.probeMs)))})`,
    medMax(
      r.map((q) => q.cold.mainMs / q.goAloneMs),
      x
    ),
    medMax(
      r.map((q) => q.warm.mainMs - q.warm.probeMs),
      s
    ),
    String(Math.max(...r.map((q) => q.warm.files))),
    choices.join(' / ')
  ]
}

function nearBody(
  results: NearResult[],
  rounds: number,
  command: string,
  started: number
): string {
  const m = describeMachine()
  return `Run ${m.date} on ${m.cores} cores (${m.cpu}), Node ${m.node}, ${m.go}: \`${command}\` (near field ${((Date.now() - started) / 60000).toFixed(1)} min), download-concurrency ${CONCURRENCY}, ${rounds} round(s).

One loopback mirror 1 ms away, unthrottled, serving small modules (one version each, zips of 5–20 KB). "go alone" is \`go mod download\` with a fresh module cache through that mirror; "main step" is the bundled main step as the runner runs it, with a fresh module cache. Each round runs both, in an order that alternates from round to round; figures are medians over the rounds (max in brackets). Warm: the main step on the module cache go alone just filled; main − probe is the step's wall time less the probe's duration from its report, files fetched what its proxy served. The last column is the step's decision (its report's downloads.prefetch).

${markdownTable(NEAR_HEAD, results.map(nearRow))}
`
}

async function main(): Promise<void> {
  const dist = process.env.SETUP_GOPROXY_DIST
  const repo = process.env.BENCH_REPO_ROOT
  if (!dist || !repo) throw new Error('run through bench/run.mjs')
  const write = !process.argv.includes('--no-write')
  // --rss-only: just the memory figure (no table is written).
  if (process.argv.includes('--rss-only')) {
    console.log(rssText(await rssRun(dist)))
    return
  }
  const roundsAt = process.argv.indexOf('--rounds')
  const rounds = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 3
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error('--rounds takes a positive integer')
  const nearOnly = process.argv.includes('--near-only')
  const command = `npm run bench -- --only prefetch${nearOnly ? ' --near-only' : ''}${roundsAt >= 0 ? ` --rounds ${rounds}` : ''}`
  const started = Date.now()
  const near: NearResult[] = []
  for (const count of NEAR_COUNTS) {
    near.push(await nearRun(count, rounds, dist))
    console.log('\n' + textTable(NEAR_HEAD, near.map(nearRow)) + '\n')
  }
  const nearText = nearBody(near, rounds, command, started)
  if (write)
    writeSection(
      join(repo, 'BENCHMARKS.md'),
      'Prefetch from a near mirror',
      nearText
    )
  if (nearOnly) {
    console.log(nearText)
    cleanupTempDirs()
    return
  }
  const synthetic = buildProxyTree(projectModules(rng(20261129), 60))
  const real = realGraph(join(repo, 'bench', '.cache'))
  const realTree = loadTreeDir(real.downloadDir)
  const copyReal = async (ctx: RunnerContext) => {
    for (const f of ['go.mod', 'go.sum'])
      await copyFile(join(real.moduleDir, f), join(ctx.workspace, f))
  }
  const rows: Row[] = []
  for (const latency of [150, 30]) {
    rows.push(
      await runGraph(
        '60 synthetic modules',
        synthetic,
        async (ctx) =>
          void (await writeConsumerModule(ctx.workspace, synthetic)),
        latency,
        dist
      )
    )
    rows.push(
      await runGraph(
        `${REAL_MODULE}@${REAL_VERSION} go.sum`,
        realTree,
        copyReal,
        latency,
        dist
      )
    )
    const r = rows.slice(-2)
    for (const row of r)
      console.log(
        `${row.graph} @${row.latencyMs} ms: go alone ${s(row.goAloneMs)}, main ${s(row.clean.mainMs)} (probe ${s(row.clean.probeMs)}, prefetch ${s(row.clean.prefetchMs)}, fetched ${s(row.clean.fetchedMs)}), floor ${s(row.floorMs)}, hang ${s(row.hang.mainMs)} ok=${row.hang.ok}`
      )
  }
  const sweeps: {
    latencyMs: number
    runs: Awaited<ReturnType<typeof sweep>>
  }[] = []
  for (const latencyMs of [150, 30]) {
    sweeps.push({
      latencyMs,
      runs: await sweep(realTree, copyReal, latencyMs, dist)
    })
    console.log(
      `sweep @${latencyMs} ms: ` +
        sweeps
          .at(-1)!
          .runs.map(
            (r) =>
              `${r.concurrency}: main ${s(r.step.mainMs)}, fetched ${s(r.step.fetchedMs)}`
          )
          .join('; ')
    )
  }
  const rss = rssText(await rssRun(dist))
  console.log(rss)
  const m = describeMachine()
  const table = markdownTable(
    [
      'graph',
      'mirrors',
      'files, bytes',
      'go alone (best mirror)',
      'main step (probe + prefetch)',
      'main ÷ go alone',
      'prefetch ÷ floor',
      'best hangs after ⅓: main ÷ clean'
    ],
    rows.map((r) => [
      r.graph,
      `${r.latencyMs} ms`,
      `${r.clean.files}, ${(r.clean.bytes / MB).toFixed(1)} MB`,
      s(r.goAloneMs),
      `${s(r.clean.mainMs)} (probe ${s(r.clean.probeMs)}, go through the proxy ${s(r.clean.prefetchMs)})`,
      x(r.clean.mainMs / r.goAloneMs),
      `${x(r.clean.fetchedMs / r.floorMs)} (${s(r.clean.fetchedMs)} ÷ ${s(r.floorMs)})`,
      `${x(r.hang.mainMs / r.clean.mainMs)}${r.hang.ok ? '' : ' (step failed)'}`
    ])
  )
  const body = `Run ${new Date(started).toISOString().slice(0, 10)} on ${m.cores} cores (${m.cpu}), Node ${m.node}, ${m.go}: \`${command}\` (${((Date.now() - started) / 60000).toFixed(1)} min), download-concurrency ${CONCURRENCY}.

Each field is three loopback mirrors: the best at the field's latency with 4 MB/s per connection and a 24 MB/s link, two more 15% and 30% further with 3 and 2 MB/s per connection and 16 and 12 MB/s links (the link is a token bucket shared by all of a mirror's responses). "go alone" is \`go mod download\` with a fresh module cache through the best mirror only; "main step" is the bundled main step as the runner runs it (probe, then \`go mod download\` through the local proxy). The floor is the bytes over the sum of the links plus one round trip per file divided by the concurrency; the prefetch is timed from the proxy's start until it held the last file go needed (go then still verifies and extracts the zips, which the main step's time includes). In the hang run the best mirror stops answering the prefetch after a third of the files.

${table}

download-concurrency on the real graph (main step; time until the proxy held every file):

${markdownTable(
  ['mirrors', ...SWEEP.map((c) => String(c))],
  sweeps.map((w) => [
    `${w.latencyMs} ms`,
    ...w.runs.map(
      (r) =>
        `${s(r.step.mainMs)} (${s(r.step.fetchedMs)})${r.step.ok ? '' : ' failed'}`
    )
  ])
)}

${rss}
`
  console.log(body)
  if (write)
    writeSection(
      join(repo, 'BENCHMARKS.md'),
      'Prefetch through the local proxy',
      body
    )
  cleanupTempDirs()
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
