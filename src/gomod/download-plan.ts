// The files `go mod download` (no arguments) asks a GOPROXY for, worked out
// from the main modules and the .mod files of their dependencies, the way
// cmd/go/internal/modcmd runDownload chooses what to download.
import { compareGoVersions } from './gover.js'
import { parseModFile, type ModFile } from './mod-file.js'
import {
  readModGraph,
  type ModSummary,
  type ModuleGraph
} from './module-graph.js'
import { compareVersions, type ModuleVersion } from './module-path.js'
import { replacer, type Resolved } from './replacements.js'

export interface MainModuleFiles {
  /** dir relative to the root, '.' for the root */
  dir: string
  /** go.mod text */
  goMod: string
}

export interface DownloadTargets {
  /**
   * .mod files go reads from the proxy (module versions after replacement;
   * local-directory replacements left out; main modules, at their version
   * '', left out).
   */
  mods: ModuleVersion[]
  /** Modules whose .info, .mod and .zip `go mod download` fetches (after replacement). */
  zips: ModuleVersion[]
  /** True when some go.mod needed for the walk could not be read: the plan is then a lower bound. */
  incomplete: boolean
}

/** Reads `<dir>/go.mod` of a local-directory replacement (dir relative to the root, or absolute). */
export type ReadLocalGoMod = (dir: string) => Promise<string | undefined>

// gover.ExplicitIndirectVersion: from here on a go.mod lists every module
// its packages need, so go prunes the graph below it. A go.mod without a go
// line means go 1.16.
const PRUNING_GO_VERSION = '1.17'

function pruningOf(f: ModFile): 'pruned' | 'unpruned' {
  return f.go !== undefined && compareGoVersions(f.go, PRUNING_GO_VERSION) >= 0
    ? 'pruned'
    : 'unpruned'
}

// `go` and `toolchain` are requirements go synthesizes without a .mod, and
// golang.org/toolchain is fetched by the toolchain switch, not the download.
function isToolchainPath(path: string): boolean {
  return (
    path === 'go' || path === 'toolchain' || path === 'golang.org/toolchain'
  )
}

const key = (m: ModuleVersion) => `${m.path}@${m.version}`

function uniqueSorted(ms: Iterable<ModuleVersion>): ModuleVersion[] {
  const byKey = new Map<string, ModuleVersion>()
  for (const m of ms) byKey.set(key(m), { path: m.path, version: m.version })
  return [...byKey.values()].sort(
    (a, b) =>
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      compareVersions(a.version, b.version)
  )
}

interface Main extends MainModuleFiles {
  file: ModFile
  path: string
}

/**
 * `goWork` is the go.work text when the root has one (then `mains` are its
 * `use` modules), else undefined and `mains` is the single main module.
 * loadMod returns the .mod file text of path@version, or undefined when
 * unavailable; it is called concurrently, at most once per module version.
 * readLocalGoMod reads the go.mod of a local-directory replacement; without
 * it, or when it returns undefined, the plan is marked incomplete.
 * onLikelyZips hears, before the walk, the downloads a go >= 1.17 main
 * module's go.mod names.
 */
export async function planModDownload(
  root: { goWork?: string; mains: MainModuleFiles[] },
  loadMod: (m: ModuleVersion) => Promise<string | undefined>,
  readLocalGoMod?: ReadLocalGoMod,
  onLikelyZips?: (zips: ModuleVersion[]) => void
): Promise<DownloadTargets> {
  if (root.goWork === undefined && root.mains.length !== 1)
    throw new Error('planModDownload: without go.work, one main module')
  const mains: Main[] = root.mains.map((m) => {
    const file = parseModFile(m.goMod)
    return { ...m, file, path: file.module ?? '' }
  })
  const resolve = replacer(
    root.goWork === undefined
      ? undefined
      : { replace: parseModFile(root.goWork).replace, dir: '.' },
    mains.map((m) => ({ replace: m.file.replace, dir: m.dir }))
  )
  const excluded = new Set(mains.flatMap((m) => m.file.exclude.map(key)))
  const mainsByPath = new Map(mains.map((m) => [m.path, m]))

  let incomplete = false
  const readMods = new Map<string, ModuleVersion>()
  const texts = new Map<string, Promise<string | undefined>>()
  // Cached by what is read, so that two versions replaced by one module
  // version load it once.
  const readText = (m: ModuleVersion, r: Resolved | undefined) => {
    const source = r ?? { module: m }
    const k = 'dir' in source ? `dir:${source.dir}` : key(source.module)
    let p = texts.get(k)
    if (!p) {
      if ('module' in source) readMods.set(k, source.module)
      p = (
        'dir' in source
          ? (readLocalGoMod?.(source.dir) ?? Promise.resolve(undefined))
          : loadMod(source.module)
      ).then((text) => {
        if (text === undefined) incomplete = true
        return text
      })
      texts.set(k, p)
    }
    return p
  }
  const summarize = (f: ModFile): ModSummary => ({
    pruning: pruningOf(f),
    require: f.require.filter(
      (r) => !excluded.has(key(r)) && !isToolchainPath(r.path)
    )
  })
  const load = async (m: ModuleVersion) => {
    const main = m.version === '' ? mainsByPath.get(m.path) : undefined
    if (main) return summarize(main.file)
    const text = await readText(m, resolve(m))
    return text === undefined ? undefined : summarize(parseModFile(text))
  }
  const downloaded = (ms: ModuleVersion[]) =>
    ms.flatMap((m) => {
      if (m.version === '' || isToolchainPath(m.path)) return []
      const r = resolve(m)
      if (!r) return [m]
      return 'module' in r ? [r.module] : []
    })

  // A tidy go >= 1.17 go.mod already names the downloads: the caller may
  // start on them while the walk confirms (or raises) their versions.
  if (root.goWork === undefined && pruningOf(mains[0].file) === 'pruned')
    onLikelyZips?.(downloaded(summarize(mains[0].file).require))
  const zips =
    root.goWork === undefined
      ? downloaded(await singleModuleTargets(mains[0], summarize, load))
      : downloaded(await workspaceTargets(mains, load))
  return {
    mods: uniqueSorted([...readMods.values(), ...zips]),
    zips: uniqueSorted(zips),
    incomplete
  }
}

type Load = (m: ModuleVersion) => Promise<ModSummary | undefined>

// In a workspace go downloads `all`: the build list of a graph read with
// workspace pruning.
async function workspaceTargets(
  mains: Main[],
  load: Load
): Promise<ModuleVersion[]> {
  const graph = await readModGraph({
    pruning: 'workspace',
    roots: mains.map((m) => ({ path: m.path, version: '' })),
    load
  })
  return graph.buildList()
}

async function singleModuleTargets(
  main: Main,
  summarize: (f: ModFile) => ModSummary,
  load: Load
): Promise<ModuleVersion[]> {
  const self = { path: main.path, version: '' }
  const own = summarize(main.file)
  const pruning = pruningOf(main.file)
  if (pruning === 'unpruned') {
    // Before go 1.17 go.mod does not list every module the build needs, so
    // go downloads `all`; with nothing required it has nothing to do.
    if (main.file.require.length === 0) return []
    const graph = await readModGraph({
      pruning,
      roots: own.require,
      main: self,
      load
    })
    return graph.buildList().filter((m) => m.path !== main.path)
  }

  // From go 1.17 go downloads what go.mod requires, at the versions of the
  // roots after go made them consistent with the graph (expandGraph).
  let roots = own.require
  let graph: ModuleGraph
  for (;;) {
    graph = await readModGraph({ pruning, roots, main: self, load })
    const g = graph
    if (roots.every((r) => g.selected(r.path) === r.version)) break
    const paths = [...new Set(roots.map((r) => r.path))]
    roots = paths.map((path) => ({ path, version: g.selected(path) ?? '' }))
  }
  const rootVersion = new Map<string, string>()
  for (const r of roots) {
    const v = rootVersion.get(r.path)
    if (v === undefined || compareVersions(v, r.version) < 0)
      rootVersion.set(r.path, r.version)
  }
  return [...new Set(main.file.require.map((r) => r.path))]
    .filter((path) => path !== main.path)
    .flatMap((path) => {
      const version = rootVersion.get(path) ?? graph.selected(path)
      return version === undefined ? [] : [{ path, version }]
    })
}
