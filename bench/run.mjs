// `npm run bench`: builds the action once into a temp dir (never the repo's
// dist/), compiles the TypeScript benchmarks and their test support next to
// it, then runs the mirror-selection benchmark followed by bench/prefetch.ts,
// every bench/cache-*.{ts,mjs,js} and bench/toolchain-*.{ts,mjs,js}. Arguments go to the
// mirror-selection bench; `--only <name> [args]` runs one bench with them.
// Benches that use the network (NETWORK below: prefetch-real, against the real
// proxy.golang.org) never run in a plain `npm run bench`, only when named with
// `--only <name>`.
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = dirname(dirname(fileURLToPath(import.meta.url)))
const bin = (name) => join(repo, 'node_modules', '.bin', name)
const args = process.argv.slice(2)
const onlyAt = args.indexOf('--only')
const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1] : undefined
const work = mkdtempSync(join(tmpdir(), 'setup-goproxy-bench-'))
const keep = process.env.BENCH_KEEP === '1'
// Benches that leave the machine: skipped unless named with --only.
const NETWORK = ['prefetch-real']

function run(cmd, argv, env = {}) {
  const r = spawnSync(cmd, argv, {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, ...env }
  })
  return r.status ?? 1
}

let failed = 0
try {
  console.log(
    `bench: building the main and kept-proxy entries into ${work}/dist`
  )
  for (const entry of ['main', 'kept-proxy']) {
    const built = run(bin('ncc'), [
      'build',
      `src/${entry}.ts`,
      '-o',
      join(work, 'dist', entry),
      '-q'
    ])
    if (built !== 0) throw new Error(`ncc build of src/${entry}.ts failed`)
  }
  // Compiled benches resolve packages through this link to the repo's.
  const out = join(work, 'build')
  console.log('bench: compiling bench/*.ts')
  const tsc = run(bin('tsc'), ['-p', 'bench/tsconfig.json', '--outDir', out])
  symlinkSync(join(repo, 'node_modules'), join(out, 'node_modules'), 'dir')
  if (tsc !== 0)
    console.warn('bench: tsc reported errors; running what it emitted')

  // Benches: files in bench/ that are entries (not helpers imported by one).
  const names = readdirSync(join(repo, 'bench'))
  const entries = names
    .filter((f) =>
      /^(mirror-selection|prefetch(-[\w-]+)?|cache-[\w-]+|toolchain-[\w-]+)\.(ts|mjs|js)$/.test(
        f
      )
    )
    .filter((f) => {
      const name = f.replace(/\.\w+$/, '')
      return only ? name === only : !NETWORK.includes(name)
    })
    .sort((a, b) =>
      a.startsWith('mirror-selection')
        ? -1
        : b.startsWith('mirror-selection')
          ? 1
          : a.localeCompare(b)
    )
  const env = { SETUP_GOPROXY_DIST: join(work, 'dist'), BENCH_REPO_ROOT: repo }
  for (const f of entries) {
    const script = f.endsWith('.ts')
      ? join(out, 'bench', f.replace(/\.ts$/, '.js'))
      : join(repo, 'bench', f)
    if (!existsSync(script)) {
      console.error(`bench: ${f} was not compiled`)
      failed++
      continue
    }
    console.log(`\n=== bench/${f} ===`)
    const own = only || f.startsWith('mirror-selection') ? args : []
    if (run(process.execPath, [script, ...own], env) !== 0) failed++
  }
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true })
}
process.exitCode = failed ? 1 : 0
