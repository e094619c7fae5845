// Real module graphs for the prefetch benches, fetched once from the Go
// module proxy into a gitignored cache (bench/.cache): a module@version's
// go.mod, go.sum and zip (`fetchModule`), and for the loopback prefetch bench
// also every module `go mod download` fetches for it (`realGraph`: the
// modules of github.com/nektos/act v0.2.89, served from memory by the
// loopback mirrors). `extractModule` unpacks the cached zip offline into a
// writable directory, for benches that need the project's source.
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import type {
  ModuleVersionFiles,
  ProxyTree
} from '../__tests__/support/modules.js'
import { unescapeModulePath } from '../src/gomod/module-path.js'

export const REAL_MODULE = 'github.com/nektos/act'
export const REAL_VERSION = 'v0.2.89'

export interface FetchedModule {
  /** A module cache's cache/download: a GOPROXY tree (file://). */
  downloadDir: string
  /** The module's go.mod and go.sum, nothing else. */
  moduleDir: string
}

const goEnv = (modcache: string, goproxy: string, gosumdb: string) => ({
  ...process.env,
  GOPROXY: goproxy,
  GOSUMDB: gosumdb,
  GOMODCACHE: modcache,
  GOFLAGS: '-modcacherw',
  GOTOOLCHAIN: 'local',
  GOENV: 'off'
})

// `github.com/cli/cli/v2` → `cli`: the last element that is not a major version.
function shortName(module: string): string {
  const parts = module.split('/').filter((p) => !/^v\d+$/.test(p))
  return parts.at(-1) ?? module
}

/**
 * module@version's go.mod, go.sum and zip in `<cacheRoot>/<name>-<version>`,
 * fetched from proxy.golang.org on first use; with `graph`, also every module
 * `go mod download` fetches for it (what a bench's go will ask for).
 */
export function fetchModule(
  cacheRoot: string,
  module: string,
  version: string,
  opts: { graph?: boolean } = {}
): FetchedModule {
  const root = join(cacheRoot, `${shortName(module)}-${version}`)
  const moduleDir = join(root, 'module')
  const modcache = join(root, 'modcache')
  const downloadDir = join(modcache, 'cache', 'download')
  // `complete`: the whole graph; `module-complete`: the module alone.
  const graphDone = join(root, 'complete')
  const moduleDone = join(root, 'module-complete')
  if (existsSync(graphDone) || (!opts.graph && existsSync(moduleDone)))
    return { downloadDir, moduleDir }
  console.log(
    `bench: fetching ${module}@${version}${opts.graph ? ' and its modules' : ''} once from proxy.golang.org into ${root}`
  )
  const env = goEnv(modcache, 'https://proxy.golang.org', 'sum.golang.org')
  mkdirSync(moduleDir, { recursive: true })
  const out = execFileSync(
    'go',
    ['mod', 'download', '-json', `${module}@${version}`],
    { cwd: moduleDir, env, encoding: 'utf8' }
  )
  const src = (JSON.parse(out) as { Dir: string }).Dir
  for (const f of ['go.mod', 'go.sum']) {
    copyFileSync(join(src, f), join(moduleDir, f))
    chmodSync(join(moduleDir, f), 0o644)
  }
  if (opts.graph)
    execFileSync('go', ['mod', 'download'], { cwd: moduleDir, env })
  // Only the GOPROXY tree is kept: the extracted sources would be seen by
  // the repository's linters, type checks and test runner.
  for (const name of readdirSync(modcache))
    if (name !== 'cache') rmSync(join(modcache, name), { recursive: true })
  mkdirSync(opts.graph ? graphDone : moduleDone)
  return { downloadDir, moduleDir }
}

/**
 * Unpacks module@version from a fetched cache/download into `into` (which
 * must not exist), offline and writable: the project's source as a checkout
 * would have it, go.mod and go.sum included.
 */
export function extractModule(
  fetched: FetchedModule,
  module: string,
  version: string,
  into: string
): void {
  const modcache = mkdtempSync(join(tmpdir(), 'setup-goproxy-bench-extract-'))
  try {
    const out = execFileSync(
      'go',
      ['mod', 'download', '-json', `${module}@${version}`],
      {
        cwd: modcache,
        env: goEnv(modcache, `file://${fetched.downloadDir}`, 'off'),
        encoding: 'utf8'
      }
    )
    const src = (JSON.parse(out) as { Dir: string }).Dir
    cpSync(src, into, { recursive: true })
    execFileSync('chmod', ['-R', 'u+w', into])
  } finally {
    execFileSync('chmod', ['-R', 'u+w', modcache])
    rmSync(modcache, { recursive: true, force: true })
  }
}

/**
 * The cached GOPROXY tree (a module cache's cache/download) and the module
 * directory holding act's go.mod and go.sum; fetched on first use.
 */
export function realGraph(cacheRoot: string): FetchedModule {
  return fetchModule(cacheRoot, REAL_MODULE, REAL_VERSION, { graph: true })
}

/** Serves a cache/download directory as a ProxyTree held in memory. */
export function loadTreeDir(dir: string): ProxyTree {
  const files = new Map<string, Buffer>()
  const modules: ModuleVersionFiles[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) {
        if (name !== 'sumdb') walk(p)
        continue
      }
      const rel = relative(dir, p)
      const m = /^(.+)\/@v\/(.+)\.(info|mod|zip)$/.exec(rel)
      if (!m && !rel.endsWith('/@v/list')) continue
      files.set(rel, readFileSync(p))
      if (m?.[3] === 'mod')
        modules.push({
          path: unescapeModulePath(m[1]),
          version: unescapeModulePath(m[2])
        } as ModuleVersionFiles)
    }
  }
  walk(dir)
  const unsupported = () => {
    throw new Error('not available for a tree loaded from a directory')
  }
  return {
    modules,
    files,
    get: (p) => files.get(p.replace(/^\/+/, '')),
    find: unsupported,
    latest: unsupported,
    paths: unsupported,
    sizes: unsupported,
    goSumLines: unsupported
  }
}
