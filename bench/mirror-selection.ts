// Mirror-selection benchmark: randomized fields of loopback mirrors, the
// bundled main step run as the runner runs it, and the real go command as
// the judge of which mirror is really fastest for this project.
// Run through bench/run.mjs (`npm run bench [-- --fields N --seed S]`).
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startMirror, type Mirror } from '../__tests__/support/mirror-server.js'
import {
  buildProxyTree,
  writeConsumerModule,
  type ProxyTree
} from '../__tests__/support/modules.js'
import {
  createRunnerContext,
  runActionStep
} from '../__tests__/support/run-action.js'
import { goTempDir, runGo } from '../__tests__/support/go.js'
import { cleanupTempDirs, removeTree } from '../__tests__/support/temp.js'
import { makeField, projectModules, rng, type Field } from './field.js'
import {
  describeMachine,
  markdownTable,
  quantile,
  textTable,
  writeSection
} from './markdown.js'

interface Args {
  fields: number
  seed: number
  modules: number
  naiveCapMs: number
  write: boolean
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    fields: 10,
    seed: Math.floor(Math.random() * 2 ** 31),
    modules: 20,
    naiveCapMs: 10_000,
    write: true
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const num = () => {
      const v = Number(argv[++i])
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a}: bad value`)
      return v
    }
    if (a === '--fields') args.fields = Math.floor(num())
    else if (a === '--seed') args.seed = Math.floor(num())
    else if (a === '--modules') args.modules = Math.floor(num())
    else if (a === '--naive-cap') args.naiveCapMs = num() * 1000
    else if (a === '--no-write') args.write = false
    else if (a === '--help') {
      console.log(
        'mirror-selection [--fields N] [--seed S] [--modules N] [--naive-cap SECONDS] [--no-write]'
      )
      process.exit(0)
    } else throw new Error(`unknown argument ${a}`)
  }
  return args
}

interface Download {
  ms: number
  ok: boolean
  timedOut: boolean
  error?: string
}

const NEAR_TIE = 0.05

/** `go mod download` of the project through `goproxy` into a fresh cache. */
async function download(
  dir: string,
  goproxy: string,
  capMs: number
): Promise<Download> {
  const modcache = goTempDir('modcache-')
  const home = goTempDir('home-')
  const t0 = performance.now()
  const res = await runGo(['mod', 'download'], {
    cwd: dir,
    env: {
      GOPROXY: goproxy,
      GOMODCACHE: modcache,
      GOFLAGS: '-modcacherw',
      GONOSUMDB: 'bench.test',
      GOSUMDB: 'off',
      HOME: home,
      GOPATH: join(home, 'go')
    },
    timeoutMs: capMs
  })
  const ms = performance.now() - t0
  removeTree(modcache)
  removeTree(home)
  const ok = res.code === 0 && !res.timedOut
  return {
    ms,
    ok,
    timedOut: res.timedOut,
    error: ok
      ? undefined
      : res.timedOut
        ? `> ${(capMs / 1000).toFixed(0)} s`
        : res.stderr.trim().split('\n').pop()?.slice(0, 160)
  }
}

interface Ranked {
  url: string
  tier: string
  position?: number
  expectedMs?: number
  reasons: string[]
}

interface ProbeRow {
  url: string
  timings: { ttfbMs?: number; throughputBps?: number }
  found: number
  sampled: number
  failures: { kind: string }[]
}

interface FieldResult {
  field: number
  seed: number
  mainMs: number
  probeMs: number
  exitCode: number | null
  goproxy: string
  chosen?: string
  fastest?: string
  chosenMs?: number
  fastestMs?: number
  chainMs?: number
  chainOk: boolean
  naive: Download
  mirrors: {
    url: string
    label: string
    aloneMs: number[]
    aloneError?: string
    expectedMs?: number
    position?: number
    tier?: string
    ttfbMs?: number
    throughputBps?: number
    found?: number
    sampled?: number
  }[]
}

function best(ms: number[]): number {
  return ms.length ? Math.min(...ms) : Infinity
}

async function runField(
  field: Field,
  tree: ProxyTree,
  args: Args,
  dist: string,
  actionYml: string
): Promise<FieldResult> {
  const servers: Mirror[] = []
  try {
    for (const m of field.mirrors)
      servers.push(await startMirror(tree, m.profile))
    const urls = servers.map((s) => s.url)
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)

    const t0 = performance.now()
    const step = await runActionStep({
      context: ctx,
      dist,
      actionYml,
      timeoutMs: 60_000,
      inputs: {
        mirrors: urls.join('\n'),
        cache: 'false',
        download: 'false',
        // No `direct` (it would leave loopback) and no checksum-database
        // reachability check (it would too).
        'direct-fallback': 'false',
        sumdb: 'sum.golang.org'
      }
    })
    const mainMs = performance.now() - t0
    const results = step.outputs['probe-results']
      ? (JSON.parse(step.outputs['probe-results']) as {
          probe: { durationMs: number; mirrors: ProbeRow[] }
          ranking: Ranked[]
        })
      : undefined
    const goproxy = step.env.GOPROXY ?? ''
    if (goproxy.split(/[,|]/).some((e) => !e.startsWith('http://127.0.0.1')))
      throw new Error(`refusing to run go with GOPROXY=${goproxy}`)

    const rows: FieldResult['mirrors'] = field.mirrors.map((m, i) => {
      const rank = results?.ranking.find((r) => r.url === urls[i])
      const probe = results?.probe.mirrors.find((p) => p.url === urls[i])
      return {
        url: urls[i],
        label: m.label,
        aloneMs: [],
        expectedMs: rank?.expectedMs,
        position: rank?.position,
        tier: rank?.tier,
        ttfbMs: probe?.timings.ttfbMs,
        throughputBps: probe?.timings.throughputBps,
        found: probe?.found,
        sampled: probe?.sampled
      }
    })

    // Each mirror alone: the judge. Measured in the action's order, so that
    // a run slower than 1.5× the best so far, which cannot be the fastest,
    // can be cut there.
    const order = [...rows].sort(
      (a, b) => (a.position ?? 99) - (b.position ?? 99)
    )
    let bestSoFar = Infinity
    for (const row of order) {
      const cap = Number.isFinite(bestSoFar)
        ? Math.max(1500, 1.5 * bestSoFar)
        : args.naiveCapMs
      const d = await download(ctx.workspace, row.url, cap)
      if (d.ok) {
        row.aloneMs.push(d.ms)
        bestSoFar = Math.min(bestSoFar, d.ms)
      } else row.aloneError = d.error
    }
    // A second run for everything near the front, so that noise does not
    // pick the winner.
    for (const row of order) {
      if (row.aloneMs.length && row.aloneMs[0] <= 1.15 * bestSoFar) {
        const d = await download(ctx.workspace, row.url, 2 * bestSoFar)
        if (d.ok) row.aloneMs.push(d.ms)
      }
    }
    const usable = rows.filter((r) => r.aloneMs.length > 0)
    const fastest = usable.reduce<(typeof rows)[number] | undefined>(
      (a, b) => (!a || best(b.aloneMs) < best(a.aloneMs) ? b : a),
      undefined
    )

    // The exported chain twice, around one more run of the fastest mirror.
    const chainRuns: number[] = []
    let chainOk = goproxy !== ''
    for (let i = 0; chainOk && i < 2; i++) {
      const d = await download(ctx.workspace, goproxy, args.naiveCapMs)
      if (d.ok) chainRuns.push(d.ms)
      else chainOk = false
      if (fastest && i === 0) {
        const f = await download(ctx.workspace, fastest.url, args.naiveCapMs)
        if (f.ok) fastest.aloneMs.push(f.ms)
      }
    }
    const naive = await download(ctx.workspace, urls.join(','), args.naiveCapMs)
    const chosen = rows.find((r) => r.url === step.outputs.mirror)
    return {
      field: field.index,
      seed: field.seed,
      mainMs,
      probeMs: results?.probe.durationMs ?? NaN,
      exitCode: step.code,
      goproxy,
      chosen: chosen?.url,
      fastest: fastest?.url,
      chosenMs:
        chosen && chosen.aloneMs.length ? best(chosen.aloneMs) : undefined,
      fastestMs: fastest ? best(fastest.aloneMs) : undefined,
      chainMs: chainOk && chainRuns.length ? best(chainRuns) : undefined,
      chainOk,
      naive,
      mirrors: rows
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()))
  }
}

const sec = (ms: number | undefined) =>
  ms === undefined || !Number.isFinite(ms) ? '–' : (ms / 1000).toFixed(2)
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? '–' : (a / b).toFixed(2) + '×'

function roleOf(r: FieldResult, url: string | undefined): string {
  return r.mirrors.find((m) => m.url === url)?.label.split(' ')[0] ?? '–'
}

function naiveText(r: FieldResult, capMs: number): string {
  if (r.naive.timedOut) return `> ${(capMs / 1000).toFixed(0)} s`
  if (!r.naive.ok) return 'fails'
  return sec(r.naive.ms)
}

/** What the probe saw of a first choice that go could not use alone. */
function missDetail(r: FieldResult): string | undefined {
  if (r.chosen === r.fastest || r.chosenMs !== undefined) return undefined
  const m = r.mirrors.find((x) => x.url === r.chosen)
  if (!m) return `field ${r.field}: no mirror chosen`
  const fastest = r.mirrors.find((x) => x.url === r.fastest)
  return (
    `field ${r.field}: chose ${m.label} (probe: ${m.found}/${m.sampled} found, ` +
    `tier ${m.tier}, expected ${sec(m.expectedMs)} s); alone go fails: ` +
    `${(m.aloneError ?? '')
      .trim()
      .replace(/^server response: /, '')
      .slice(0, 90)}` +
    (fastest
      ? `; fastest was ${fastest.label} at position ${fastest.position ?? '–'}`
      : '')
  )
}

function fieldRow(r: FieldResult, capMs: number): string[] {
  const match =
    r.chosen === r.fastest
      ? 'yes'
      : r.chosenMs !== undefined &&
          r.fastestMs !== undefined &&
          r.chosenMs <= r.fastestMs * (1 + NEAR_TIE)
        ? 'tie'
        : 'NO'
  return [
    String(r.field),
    String(r.seed),
    sec(r.mainMs),
    sec(r.probeMs),
    sec(r.mainMs - r.probeMs),
    roleOf(r, r.chosen),
    roleOf(r, r.fastest),
    match,
    ratio(r.chosenMs, r.fastestMs),
    sec(r.fastestMs),
    sec(r.chainMs),
    ratio(r.chainMs, r.fastestMs),
    naiveText(r, capMs),
    r.naive.ok ? ratio(r.chainMs, r.naive.ms) : '–'
  ]
}

const FIELD_HEAD = [
  'field',
  'seed',
  'main s',
  'probe s',
  'rest s',
  'chosen',
  'fastest',
  'match',
  'chosen/fastest',
  'fastest s',
  'chain s',
  'chain/fastest',
  'naive s',
  'chain/naive'
]

function mirrorDetail(r: FieldResult): string {
  const rows = [...r.mirrors]
    .sort((a, b) => (a.position ?? 99) - (b.position ?? 99))
    .map((m) => [
      m.position ? String(m.position) : (m.tier ?? '–'),
      m.label,
      m.ttfbMs === undefined ? '–' : m.ttfbMs.toFixed(0),
      m.throughputBps === undefined
        ? '–'
        : (m.throughputBps / 1024 / 1024).toFixed(1),
      m.found === undefined ? '–' : `${m.found}/${m.sampled}`,
      sec(m.expectedMs),
      m.aloneMs.length
        ? m.aloneMs.map((x) => sec(x)).join(' ')
        : (m.aloneError ?? 'failed')
    ])
  return textTable(
    ['pos', 'mirror', 'ttfb ms', 'MB/s', 'found', 'expected s', 'go alone s'],
    rows
  )
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const dist = process.env.SETUP_GOPROXY_DIST
  const repo = process.env.BENCH_REPO_ROOT
  if (!dist || !repo)
    throw new Error('run through bench/run.mjs (SETUP_GOPROXY_DIST unset)')
  const started = performance.now()
  console.log(
    `mirror selection: ${args.fields} fields, seed ${args.seed}, ${args.modules} modules` +
      ` (reproduce: npm run bench -- --seed ${args.seed} --fields ${args.fields})`
  )
  const r = rng(args.seed)
  const specs = projectModules(r, args.modules)
  const tree = buildProxyTree(specs)
  const newest = tree.paths().map((p) => tree.latest(p))
  const zipBytes = newest.reduce((n, m) => n + m.zip.length, 0)
  console.log(
    `project: ${newest.length} modules, ${(zipBytes / 1024 / 1024).toFixed(1)} MB of zips` +
      ` (${(Math.min(...newest.map((m) => m.zip.length)) / 1024).toFixed(0)} KB – ${(Math.max(...newest.map((m) => m.zip.length)) / 1024 / 1024).toFixed(1)} MB)`
  )
  const actionYml = join(repo, 'action.yml')
  const results: FieldResult[] = []
  try {
    for (let i = 0; i < args.fields; i++) {
      const fieldSeed = Math.floor(r() * 2 ** 31)
      const field = makeField(fieldSeed, i + 1, newest)
      const res = await runField(field, tree, args, dist, actionYml)
      results.push(res)
      console.log(
        `\nfield ${i + 1} (seed ${fieldSeed}): GOPROXY=${res.goproxy}`
      )
      console.log(mirrorDetail(res))
      console.log(textTable(FIELD_HEAD, [fieldRow(res, args.naiveCapMs)]))
    }
  } finally {
    cleanupTempDirs()
  }

  const mains = results.map((x) => x.mainMs)
  const strict = results.filter((x) => x.chosen === x.fastest).length
  const withinTie = results.filter(
    (x) =>
      x.chosenMs !== undefined &&
      x.fastestMs !== undefined &&
      x.chosenMs <= x.fastestMs * (1 + NEAR_TIE)
  ).length
  const unusableFirst = results.filter(
    (x) => x.chosen !== x.fastest && x.chosenMs === undefined
  )
  const slowerFirst = results.filter(
    (x) =>
      x.chosenMs !== undefined &&
      x.fastestMs !== undefined &&
      x.chosenMs > x.fastestMs * (1 + NEAR_TIE)
  ).length
  const chainRatios = results
    .filter((x) => x.chainMs !== undefined && x.fastestMs !== undefined)
    .map((x) => x.chainMs! / x.fastestMs!)
  const naiveDone = results.filter((x) => x.naive.ok && x.chainMs)
  const naiveRatios = naiveDone.map((x) => x.chainMs! / x.naive.ms)
  const naiveCapped = results.filter((x) => x.naive.timedOut).length
  const naiveFailed = results.filter(
    (x) => !x.naive.ok && !x.naive.timedOut
  ).length
  const failedSteps = results.filter((x) => x.exitCode !== 0).length
  const n = results.length
  const pct = (k: number) => `${k}/${n} (${Math.round((100 * k) / n)}%)`
  const fmtRatio = (xs: number[]) =>
    xs.length
      ? `median ${quantile(xs, 0.5).toFixed(2)}×, p90 ${quantile(xs, 0.9).toFixed(2)}×, max ${Math.max(...xs).toFixed(2)}×`
      : '–'
  const summary: [string, string, string][] = [
    [
      'main step wall time',
      `median ${sec(quantile(mains, 0.5))} s, p90 ${sec(quantile(mains, 0.9))} s, max ${sec(Math.max(...mains))} s` +
        (failedSteps ? ` (${failedSteps} step(s) failed)` : ''),
      '< 2 s'
    ],
    ['first choice = real fastest (strict)', pct(strict), '≥ 95%'],
    [
      `first choice within ${NEAR_TIE * 100}% of the real fastest`,
      pct(withinTie),
      ''
    ],
    [
      'misses: first choice fails alone with go',
      `${unusableFirst.length}` +
        (unusableFirst.length
          ? ` (${unusableFirst.map((x) => roleOf(x, x.chosen)).join(', ')})`
          : ''),
      ''
    ],
    [
      `misses: first choice works but > ${NEAR_TIE * 100}% slower`,
      String(slowerFirst),
      ''
    ],
    ['chain / fastest single mirror', fmtRatio(chainRatios), '≤ 1.10×'],
    [
      'chain / naive chain',
      `${fmtRatio(naiveRatios)} over ${naiveDone.length} field(s) where it finished; ` +
        `> ${args.naiveCapMs / 1000} s cap in ${naiveCapped}, failed in ${naiveFailed}`,
      ''
    ]
  ]
  const misses = results
    .map(missDetail)
    .filter((x): x is string => x !== undefined)
  const totalMs = performance.now() - started
  console.log('\nper field:')
  console.log(
    textTable(
      FIELD_HEAD,
      results.map((x) => fieldRow(x, args.naiveCapMs))
    )
  )
  console.log('\nsummary:')
  console.log(textTable(['metric', 'result', 'target'], summary))
  if (misses.length) console.log('\n' + misses.join('\n'))
  console.log(`\nbench time ${(totalMs / 1000).toFixed(0)} s`)

  const out = join(tmpdir(), `setup-goproxy-bench-${args.seed}.json`)
  writeFileSync(out, JSON.stringify({ args, results }, null, 2))
  console.log(`raw results: ${out}`)

  if (!args.write) return
  const m = describeMachine()
  const body = [
    `Run ${m.date} on ${m.cores} cores (${m.cpu}), Node ${m.node}, ${m.go}: ` +
      `\`npm run bench -- --seed ${args.seed} --fields ${args.fields}\` ` +
      `(${(totalMs / 60000).toFixed(1)} min).`,
    '',
    `Each field is ${results[0]?.mirrors.length ?? 0} loopback mirrors in random order: good, a second good one, ` +
      'far-but-wide (120–300 ms, 40–100 MB/s), near-but-thin (1–8 ms, 0.5–3 MB/s), hanging, flaky (5–30% 502s), ' +
      'stale (lacks 1–3 of the newest versions), rate-limited (429 after 0–11 requests) and one of trickle / ' +
      'upstream-unhealthy 404 / captive HTML / middling; latencies and bandwidths are random per field, ' +
      'bandwidth is per response. ' +
      `The project has ${newest.length} modules with ${(zipBytes / 1024 / 1024).toFixed(1)} MB of zips. ` +
      'The bundled main step runs as the runner runs it (cache and download off, sumdb fixed, no `direct`). ' +
      'The judge is the real `go mod download` with a fresh GOMODCACHE through each mirror alone ' +
      '(runs near the front twice, fastest of the runs); the chain and the fastest mirror are then run twice ' +
      'each, interleaved. Ratios compare runs of the same field, never absolute times.',
    '',
    markdownTable(['metric', 'result', 'target'], summary),
    '',
    ...(misses.length
      ? [
          'First choices that go could not use alone, and what the probe had seen of them:',
          '',
          ...misses.map((x) => `- ${x}`),
          ''
        ]
      : []),
    '<details><summary>Per field</summary>',
    '',
    markdownTable(
      FIELD_HEAD,
      results.map((x) => fieldRow(x, args.naiveCapMs))
    ),
    '',
    '</details>'
  ].join('\n')
  writeSection(join(repo, 'BENCHMARKS.md'), 'Mirror selection', body)
  console.log('BENCHMARKS.md: "Mirror selection" section written')
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err)
  process.exitCode = 1
})
