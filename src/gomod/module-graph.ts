// The module requirement graph go reads before `go mod download` fetches
// anything: cmd/go/internal/modload readModGraph and mvs.Graph, without the
// error reporting (a .mod that cannot be read just ends that branch).
import { compareVersions, type ModuleVersion } from './module-path.js'

export type Pruning = 'pruned' | 'unpruned' | 'workspace'

export interface ModSummary {
  /** Graph pruning the module's own go line allows (go >= 1.17: pruned). */
  pruning: 'pruned' | 'unpruned'
  /** Requirements after the main modules' excludes. */
  require: ModuleVersion[]
}

const key = (m: ModuleVersion) => `${m.path}@${m.version}`

// Main modules have version '', which sorts above every real version.
function compareSelected(a: string, b: string): number {
  if (a === b) return 0
  if (a === '') return 1
  if (b === '') return -1
  return compareVersions(a, b)
}

/** mvs.Graph: each path's selected version is the highest anything requires. */
export class ModuleGraph {
  private readonly required = new Map<string, ModuleVersion[]>()
  private readonly selectedVersions = new Map<string, string>()

  constructor(roots: ModuleVersion[]) {
    roots.forEach((m) => this.raise(m))
  }

  private raise(m: ModuleVersion): void {
    const v = this.selectedVersions.get(m.path)
    if (v === undefined || compareSelected(v, m.version) < 0)
      this.selectedVersions.set(m.path, m.version)
  }

  require(m: ModuleVersion, reqs: ModuleVersion[]): void {
    this.required.set(key(m), reqs)
    reqs.forEach((r) => this.raise(r))
  }

  requiredBy(m: ModuleVersion): ModuleVersion[] | undefined {
    return this.required.get(key(m))
  }

  selected(path: string): string | undefined {
    return this.selectedVersions.get(path)
  }

  /** Every path in the graph at its selected version, main modules included. */
  buildList(): ModuleVersion[] {
    return [...this.selectedVersions].map(([path, version]) => ({
      path,
      version
    }))
  }
}

export interface ReadGraphOptions {
  pruning: Pruning
  /** Outside a workspace, the main module's requirements; in one, the workspace modules. */
  roots: ModuleVersion[]
  /** The single main module outside a workspace (its requirements are `roots`). */
  main?: ModuleVersion
  /** Summary of a module's go.mod; called at most once per module version. */
  load: (m: ModuleVersion) => Promise<ModSummary | undefined>
}

export async function readModGraph(
  opts: ReadGraphOptions
): Promise<ModuleGraph> {
  const graph = new ModuleGraph(opts.main ? [opts.main] : opts.roots)
  if (opts.main) graph.require(opts.main, opts.roots)

  const loads = new Map<string, Promise<ModSummary | undefined>>()
  const loadOne = (m: ModuleVersion) => {
    let p = loads.get(key(m))
    if (!p) {
      p = opts.load(m).then((s) => {
        if (s) graph.require(m, s.require)
        return s
      })
      loads.set(key(m), p)
    }
    return p
  }

  // Like go's load queue, every enqueued module loads at once; the loop in
  // idle() waits for those that loading the others enqueued.
  const enqueued = new Set<string>()
  const pending: Promise<void>[] = []
  const enqueue = (m: ModuleVersion, pruning: Pruning) => {
    const k = `${key(m)} ${pruning}`
    if (enqueued.has(k)) return
    enqueued.add(k)
    pending.push(
      loadOne(m).then((s) => {
        if (!s) return
        // An unpruned go.mod may omit requirements its packages need, so
        // go reads its dependencies' go.mod files too, all the way down.
        const next = pruning === 'unpruned' ? 'unpruned' : s.pruning
        if (pruning === 'pruned' && s.pruning === 'pruned') return
        s.require.forEach((r) => enqueue(r, next))
      })
    )
  }
  const idle = async () => {
    while (pending.length > 0) await Promise.all(pending.splice(0))
  }

  opts.roots.forEach((m) => enqueue(m, opts.pruning))
  await idle()
  if (opts.pruning === 'workspace') await reloadWorkspaceDeps()
  return graph

  // A workspace module's requirements say nothing about the dependencies of
  // a higher version another module selects: go reads those in full (and so
  // on for what they select), as readModGraph does after its first pass.
  async function reloadWorkspaceDeps(): Promise<void> {
    const hasDepsInAll = new Set(opts.roots.map((m) => m.path))
    const seen = new Set<string>()
    for (;;) {
      const needed = new Map<string, ModuleVersion>()
      for (const path of hasDepsInAll) {
        const m = { path, version: graph.selected(path) ?? '' }
        if (!seen.has(key(m))) {
          needed.set(key(m), m)
          continue
        }
        for (const r of graph.requiredBy(m) ?? []) {
          const s = { path: r.path, version: graph.selected(r.path) ?? '' }
          if (
            s.version !== '' &&
            compareVersions(s.version, r.version) > 0 &&
            !seen.has(key(s))
          )
            needed.set(key(s), s)
        }
      }
      if (needed.size === 0) return
      for (const [k, m] of needed) {
        enqueue(m, 'workspace')
        seen.add(k)
        hasDepsInAll.add(m.path)
      }
      await idle()
    }
  }
}
