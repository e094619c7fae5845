// The files go will ask the proxy for, known before it asks: a `.mod` for
// every `/go.mod` line of go.sum, and `.info`, `.mod`, `.zip` for every
// module whose zip hash is listed (the build extracts those). Without a
// go.sum, go.mod's require lines stand in, unverified. Pure.
import type { GoSumEntry } from '../../gomod/gosum.js'
import {
  escapeModulePath,
  type ModuleVersion
} from '../../gomod/module-path.js'

export type FileKind = 'info' | 'mod' | 'zip'

export interface PlannedFile extends ModuleVersion {
  kind: FileKind
  /** Request path under a GOPROXY base, without the leading slash. */
  urlPath: string
  /** go.sum's h1: hash of this file (.mod and .zip only), when listed. */
  hash?: string
}

function fileUrlPath(m: ModuleVersion, kind: FileKind): string {
  return `${escapeModulePath(m.path)}/@v/${escapeModulePath(m.version)}.${kind}`
}

// go reads every .mod while it loads the graph, before any zip: small files
// first lets it get going while the zips stream in.
const KIND_ORDER: Record<FileKind, number> = { mod: 0, info: 1, zip: 2 }

/**
 * The work for the prefetch. Private modules and the toolchain pseudo-module
 * (fetched only if go selects a toolchain) are left out.
 */
export function planPrefetch(
  sums: readonly GoSumEntry[],
  requires: readonly ModuleVersion[],
  isPrivate: (path: string) => boolean
): PlannedFile[] {
  const out = new Map<string, PlannedFile>()
  const add = (m: ModuleVersion, kind: FileKind, hash?: string) => {
    if (isPrivate(m.path) || m.path === 'golang.org/toolchain') return
    const urlPath = fileUrlPath(m, kind)
    const prev = out.get(urlPath)
    if (!prev || (hash && !prev.hash))
      out.set(urlPath, {
        path: m.path,
        version: m.version,
        kind,
        urlPath,
        hash
      })
  }
  for (const e of sums) {
    if (e.modHash) add(e, 'mod', e.modHash)
    if (e.zipHash) {
      add(e, 'info')
      add(e, 'zip', e.zipHash)
      if (!e.modHash) add(e, 'mod')
    }
  }
  if (sums.length === 0)
    for (const r of requires)
      for (const k of ['mod', 'info', 'zip'] as const) add(r, k)
  return [...out.values()].sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]
  )
}
