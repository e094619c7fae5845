// Benchmark of the two module cache modes on a generated module graph:
// archive size, archive creation, restore time, and the time until `go build`
// can start (restore plus whatever go must still extract). Everything is
// local: a file:// GOPROXY written here, tar and zstd as @actions/cache runs
// them. Usage: node bench/cache-mode.mjs [modules=200] [runs=3]
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
  chmodSync,
  readdirSync
} from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { zipSync } from 'fflate'

const MODULES = Number(process.argv[2] ?? 200)
const RUNS = Number(process.argv[3] ?? 3)
const root = mkdtempSync(join(tmpdir(), 'bench-cache-mode-'))

// Deterministic pseudo-random numbers (mulberry32).
let seed = 42
function rand() {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const WORDS =
  'func return if else for range var const type struct interface map chan err nil string int byte error context ctx value key index buffer reader writer client server request response handler config options result'.split(
    ' '
  )
// Source-like text: compresses about as well as real Go code (3-5x).
function sourceText(bytes, pkg) {
  const lines = [`package ${pkg}`, '']
  let n = 0
  while (n < bytes) {
    const len = 3 + Math.floor(rand() * 9)
    const words = Array.from(
      { length: len },
      () =>
        WORDS[Math.floor(rand() * WORDS.length)] +
        (rand() < 0.3 ? Math.floor(rand() * 100) : '')
    )
    const l = '\t// ' + words.join(' ')
    lines.push(l)
    n += l.length + 1
  }
  return lines.join('\n') + '\n'
}
// Module sizes: log-normal around 60 KiB of source, a long tail to several MiB.
function moduleSourceBytes() {
  const z =
    Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand())
  return Math.min(
    12e6,
    Math.max(2000, Math.round(Math.exp(Math.log(60_000) + 1.4 * z)))
  )
}
function hash1(files) {
  const lines = files
    .map((f) => ({
      name: f.name,
      sum: createHash('sha256').update(f.data).digest('hex')
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((f) => `${f.sum}  ${f.name}\n`)
    .join('')
  return 'h1:' + createHash('sha256').update(lines).digest('base64')
}

function generate() {
  const proxy = join(root, 'proxy')
  const sums = []
  const requires = []
  let zipBytes = 0
  let files = 0
  for (let i = 0; i < MODULES; i++) {
    const path = `bench.test/org${i % 17}/mod${i}`
    const version = `v1.${i % 5}.${i % 3}`
    const pkg = `mod${i}`
    const mod = `module ${path}\n\ngo 1.21\n`
    const entries = [
      { name: `${path}@${version}/go.mod`, data: Buffer.from(mod) }
    ]
    const total = moduleSourceBytes()
    const nfiles = Math.max(1, Math.round(total / 6000))
    for (let f = 0; f < nfiles; f++) {
      const dir = f === 0 ? '' : `internal/sub${f % 7}/`
      const p = f === 0 ? pkg : `sub${f % 7}`
      const body =
        f === 0
          ? `package ${pkg}\n\nfunc Name() string { return ${JSON.stringify(path)} }\n`
          : sourceText(total / nfiles, p)
      entries.push({
        name: `${path}@${version}/${dir}file${f}.go`,
        data: Buffer.from(body)
      })
    }
    files += entries.length
    const zippable = {}
    for (const e of entries)
      zippable[e.name] = [
        e.data,
        { level: 6, mtime: new Date('2024-01-01T00:00:00Z') }
      ]
    const zip = Buffer.from(zipSync(zippable))
    zipBytes += zip.length
    const dir = join(proxy, path, '@v')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `${version}.zip`), zip)
    writeFileSync(join(dir, `${version}.mod`), mod)
    writeFileSync(
      join(dir, `${version}.info`),
      JSON.stringify({ Version: version, Time: '2024-01-01T00:00:00Z' })
    )
    writeFileSync(join(dir, 'list'), version + '\n')
    sums.push(
      `${path} ${version} ${hash1(entries)}`,
      `${path} ${version}/go.mod ${hash1([{ name: 'go.mod', data: Buffer.from(mod) }])}`
    )
    requires.push({ path, version, pkg })
  }
  const consumer = join(root, 'consumer')
  mkdirSync(consumer)
  writeFileSync(
    join(consumer, 'go.mod'),
    `module bench.test/consumer\n\ngo 1.21\n\nrequire (\n${requires.map((r) => `\t${r.path} ${r.version}\n`).join('')})\n`
  )
  writeFileSync(join(consumer, 'go.sum'), sums.sort().join('\n') + '\n')
  writeFileSync(
    join(consumer, 'main.go'),
    `package main\n\nimport (\n${requires.map((r) => `\t${r.pkg} ${JSON.stringify(r.path)}\n`).join('')})\n\nfunc main() {\n${requires.map((r) => `\tprintln(${r.pkg}.Name())\n`).join('')}}\n`
  )
  return { proxy, consumer, zipBytes, files }
}

function goEnv(home, goproxy) {
  return {
    PATH: process.env.PATH,
    HOME: home,
    GOPATH: join(home, 'go'),
    GOMODCACHE: join(home, 'go', 'pkg', 'mod'),
    GOCACHE: join(root, 'gocache'),
    GOPROXY: goproxy,
    GOFLAGS: '-modcacherw',
    GOTOOLCHAIN: 'local',
    GOENV: 'off',
    GOSUMDB: 'off',
    GOTELEMETRY: 'off'
  }
}
function timed(fn) {
  const t = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - t) / 1e6
}
function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { ...opts, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}
function dropTree(dir) {
  const walk = (d) => {
    chmodSync(d, 0o755)
    for (const e of readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory()) walk(join(d, e.name))
  }
  if (existsSync(dir)) walk(dir)
  rmSync(dir, { recursive: true, force: true })
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const gen = generate()
// The saving job: go downloads (and extracts) every module.
const saver = join(root, 'saver')
run('go', ['mod', 'download'], {
  cwd: gen.consumer,
  env: goEnv(saver, 'file://' + gen.proxy)
})
run('go', ['list', '-deps', './...'], {
  cwd: gen.consumer,
  env: goEnv(saver, 'off')
})

const results = {}
for (const mode of ['download', 'full']) {
  const rel = mode === 'download' ? 'go/pkg/mod/cache/download' : 'go/pkg/mod'
  const work = join(root, `archive-${mode}`)
  mkdirSync(work)
  writeFileSync(join(work, 'manifest.txt'), rel)
  const archive = join(work, 'cache.tzst')
  // The commands @actions/cache 6.3 runs on Linux (zstd-without-long).
  const createMs = timed(() =>
    run(
      'tar',
      [
        '--posix',
        '-cf',
        archive,
        '--exclude',
        archive,
        '-P',
        '-C',
        saver,
        '--files-from',
        'manifest.txt',
        '--use-compress-program',
        'zstdmt'
      ],
      { cwd: work }
    )
  )
  const size = statSync(archive).size
  const restore = []
  const ready = []
  for (let i = 0; i < RUNS; i++) {
    const home = join(root, `restore-${mode}-${i}`)
    mkdirSync(home)
    execFileSync('sync')
    const r = timed(() =>
      run(
        'tar',
        ['-xf', archive, '-P', '-C', home, '--use-compress-program', 'unzstd'],
        {}
      )
    )
    // What go must still do before compiling: load every imported package,
    // extracting the zips in download mode.
    const l = timed(() =>
      run('go', ['list', '-deps', './...'], {
        cwd: gen.consumer,
        env: goEnv(home, 'off')
      })
    )
    restore.push(r)
    ready.push(r + l)
    dropTree(home)
  }
  results[mode] = {
    archiveBytes: size,
    createMs,
    restoreMs: median(restore),
    readyMs: median(ready)
  }
}

const cpu = cpus()[0]?.model ?? 'unknown'
console.log(
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${process.platform}/${process.arch}`,
      go: run('go', ['env', 'GOVERSION'], { env: goEnv(saver, 'off') }).trim(),
      tar: run('tar', ['--version'], {}).split('\n')[0],
      zstd: run('zstd', ['--version'], {}).trim(),
      modules: MODULES,
      zipBytes: gen.zipBytes,
      files: gen.files,
      runs: RUNS,
      results
    },
    null,
    2
  )
)
dropTree(root)
