// The files of one module version that the prefetch may put into the module
// cache: only what it can check as go would before go ever sees it, which
// is a `.mod` or `.zip` whose h1 hash go.sum lists, and the `.info` of a
// module whose zip it fetches (go checks an .info only for its shape). Pure.
import type { GoSumEntry } from '../../gomod/gosum.js'
import type { ModuleVersion } from '../../gomod/module-path.js'
import { moduleFilePath } from '../../gomod/proxy-url.js'

export type FileKind = 'info' | 'mod' | 'zip'

export interface PlannedFile extends ModuleVersion {
  kind: FileKind
  /** Request path under a GOPROXY base, without the leading slash. */
  urlPath: string
  /** go.sum's h1: hash of this file (.mod and .zip only), when listed. */
  hash?: string
}

/** go.sum entries by `path@version`. */
export type SumIndex = ReadonlyMap<string, GoSumEntry>

export function sumIndex(entries: readonly GoSumEntry[]): SumIndex {
  return new Map(entries.map((e) => [`${e.path}@${e.version}`, e]))
}

function plannedFile(
  m: ModuleVersion,
  kind: FileKind,
  hash?: string
): PlannedFile {
  return {
    path: m.path,
    version: m.version,
    kind,
    urlPath: moduleFilePath(m, kind),
    hash
  }
}

/** The `.mod` of a module version, with go.sum's hash of it when listed. */
export function modFile(m: ModuleVersion, sums: SumIndex): PlannedFile {
  return plannedFile(m, 'mod', sums.get(`${m.path}@${m.version}`)?.modHash)
}

/**
 * The `.info` and `.zip` of a module `go mod download` fetches, when go.sum
 * lists its zip hash; none otherwise (go fetches and checks those itself).
 */
export function downloadFiles(m: ModuleVersion, sums: SumIndex): PlannedFile[] {
  const zipHash = sums.get(`${m.path}@${m.version}`)?.zipHash
  if (!zipHash) return []
  return [plannedFile(m, 'info'), plannedFile(m, 'zip', zipHash)]
}
