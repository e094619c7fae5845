// A real module graph for the prefetch bench: the modules `go mod download`
// fetches for github.com/nektos/act v0.2.89, fetched once from the Go module
// proxy into a gitignored cache (the only network use of any bench), then
// served from memory by the loopback mirrors.
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync
} from 'node:fs'
import { join, relative } from 'node:path'
import type {
  ModuleVersionFiles,
  ProxyTree
} from '../__tests__/support/modules.js'
import { unescapeModulePath } from '../src/gomod/module-path.js'

export const REAL_MODULE = 'github.com/nektos/act'
export const REAL_VERSION = 'v0.2.89'

/**
 * The cached GOPROXY tree (a module cache's cache/download) and the module
 * directory holding act's go.mod and go.sum; fetched on first use.
 */
export function realGraph(cacheRoot: string): {
  downloadDir: string
  moduleDir: string
} {
  const root = join(cacheRoot, `act-${REAL_VERSION}`)
  const moduleDir = join(root, 'module')
  const modcache = join(root, 'modcache')
  const downloadDir = join(modcache, 'cache', 'download')
  const done = join(root, 'complete')
  if (existsSync(done)) return { downloadDir, moduleDir }
  console.log(
    `prefetch bench: fetching ${REAL_MODULE}@${REAL_VERSION} and its modules once from proxy.golang.org into ${root}`
  )
  const env = {
    ...process.env,
    GOPROXY: 'https://proxy.golang.org',
    GOSUMDB: 'sum.golang.org',
    GOMODCACHE: modcache,
    GOFLAGS: '-modcacherw',
    GOTOOLCHAIN: 'local',
    GOENV: 'off'
  }
  mkdirSync(moduleDir, { recursive: true })
  const src = join(modcache, `${REAL_MODULE}@${REAL_VERSION}`)
  execFileSync(
    'go',
    ['mod', 'download', '-json', `${REAL_MODULE}@${REAL_VERSION}`],
    {
      cwd: moduleDir,
      env,
      stdio: 'ignore'
    }
  )
  for (const f of ['go.mod', 'go.sum']) {
    copyFileSync(join(src, f), join(moduleDir, f))
    chmodSync(join(moduleDir, f), 0o644)
  }
  // What go fetches for this module is what the bench's go will ask for.
  execFileSync('go', ['mod', 'download'], { cwd: moduleDir, env })
  // Only the GOPROXY tree is served: the extracted sources would be seen by
  // the repository's linters, type checks and test runner.
  for (const name of readdirSync(modcache))
    if (name !== 'cache') rmSync(join(modcache, name), { recursive: true })
  mkdirSync(done)
  return { downloadDir, moduleDir }
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
