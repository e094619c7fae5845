// Which module version (or local directory) go really reads for a required
// one, as cmd/go/internal/modload replacementFrom decides it: go.work's
// replace directives first, then those of the main modules' go.mod files.
import { posix } from 'node:path'
import type { Replace } from './mod-file.js'
import type { ModuleVersion } from './module-path.js'

export interface ReplaceSource {
  replace: Replace[]
  /** Directory, relative to the root, that relative replacement paths start from. */
  dir: string
}

export type Resolved = { module: ModuleVersion } | { dir: string }

type Lookup = (m: ModuleVersion) => Resolved | undefined

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\')
}

function lookupIn(source: ReplaceSource): Lookup {
  // A version-specific replacement wins over a path-wide one.
  const exact = new Map<string, Replace['new']>()
  const pathWide = new Map<string, Replace['new']>()
  for (const r of source.replace) {
    if (r.old.version === undefined) pathWide.set(r.old.path, r.new)
    else exact.set(`${r.old.path}@${r.old.version}`, r.new)
  }
  return (m) => {
    const to = exact.get(`${m.path}@${m.version}`) ?? pathWide.get(m.path)
    if (!to) return undefined
    if (to.version !== undefined)
      return { module: { path: to.path, version: to.version } }
    return {
      dir: isAbsolute(to.path) ? to.path : posix.join(source.dir, to.path)
    }
  }
}

/**
 * `work` is go.work's (when there is one), `mains` the main modules'. A main
 * module itself (version '') is never replaced. Returns undefined for a
 * module version that is not replaced.
 */
export function replacer(
  work: ReplaceSource | undefined,
  mains: ReplaceSource[]
): Lookup {
  const workLookup = work && lookupIn(work)
  const mainLookups = mains.map(lookupIn)
  return (m) => {
    if (m.version === '') return undefined
    const fromWork = workLookup?.(m)
    if (fromWork) return fromWork
    // go reports conflicting replacements across workspace modules as an
    // error; when they agree, the last one found is as good as any.
    let found: Resolved | undefined
    for (const lookup of mainLookups) found = lookup(m) ?? found
    return found
  }
}
