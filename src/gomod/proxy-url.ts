// The GOPROXY protocol's URLs (and the module cache's cache/download, which
// has the same layout): `<base>/<escaped path>/@v/<escaped version>.<ext>`
// and `<base>/<escaped path>/@v/list`, built in this one place.
import { escapeModulePath, type ModuleVersion } from './module-path.js'

export type ModuleFileExt = 'info' | 'mod' | 'zip'

/** `<escaped path>/@v/<escaped version>.<ext>`, relative to a proxy base. */
export function moduleFilePath(m: ModuleVersion, ext: ModuleFileExt): string {
  return `${escapeModulePath(m.path)}/@v/${escapeModulePath(m.version)}.${ext}`
}

/** URL of one file of a module version under a proxy base (or a path prefix). */
export function moduleFileUrl(
  base: string,
  m: ModuleVersion,
  ext: ModuleFileExt
): string {
  return `${trimBase(base)}/${moduleFilePath(m, ext)}`
}

/** URL of the version list of a module under a proxy base. */
export function versionListUrl(base: string, modulePath: string): string {
  return `${trimBase(base)}/${escapeModulePath(modulePath)}/@v/list`
}

// A base with a trailing slash would give `//` before the module path.
function trimBase(base: string): string {
  return base.replace(/\/+$/, '')
}
