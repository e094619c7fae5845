import { createHash } from 'node:crypto'
import { hash1OfSums } from './dirhash.js'

// The proxy protocol's case encoding (golang.org/x/mod/module EscapePath):
// every upper-case letter becomes "!" plus its lower-case form, so that
// module paths survive case-insensitive file systems and URLs.
export function escapeModulePath(s: string): string {
  return s.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase())
}

export function unescapeModulePath(s: string): string {
  return s.replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase())
}

export interface ModuleVersion {
  path: string
  version: string
}

export function formatModuleVersion(m: ModuleVersion): string {
  return `${m.path}@${m.version}`
}

/**
 * True when an element of the slash-separated path is dots only (`.`,
 * `..`): go refuses those (module.CheckPath), and joined to a URL they
 * would leave the path they are under. Dots inside an element (`a..b`)
 * are go's to accept.
 */
export function hasDotsOnlyElement(path: string): boolean {
  return /(^|\/)\.+(\/|$)/.test(path)
}

// Canonical semver as module.CanonicalVersion returns it: no build
// metadata but +incompatible.
const CANONICAL =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+incompatible)?$/

export function isCanonicalVersion(v: string): boolean {
  return CANONICAL.test(v)
}

/** Parses `path@version`; returns undefined when the shape is wrong. */
export function parseModuleVersion(s: string): ModuleVersion | undefined {
  const at = s.lastIndexOf('@')
  if (at <= 0 || at === s.length - 1) return undefined
  const path = s.slice(0, at)
  const version = s.slice(at + 1)
  if (!/^v\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$/.test(version)) return undefined
  if (/[\s@!]/.test(path) || path.startsWith('/') || hasDotsOnlyElement(path))
    return undefined
  return { path, version }
}

// dirhash.Hash1 of in-memory files. A .mod file is hashed as a single file
// named "go.mod".
export function hash1(
  files: { name: string; data: Buffer | string }[]
): string {
  return hash1OfSums(
    files.map((f) => ({
      name: Buffer.from(f.name),
      sum: createHash('sha256').update(f.data).digest('hex')
    }))
  )
}

export function hashGoMod(data: Buffer | string): string {
  return hash1([{ name: 'go.mod', data }])
}

/** Semver-ish comparison good enough to order versions of one module. */
export function compareVersions(a: string, b: string): number {
  const pa = splitVersion(a)
  const pb = splitVersion(b)
  for (let i = 0; i < 3; i++) {
    if (pa.nums[i] !== pb.nums[i]) return pa.nums[i] - pb.nums[i]
  }
  if (pa.pre === pb.pre) return 0
  if (pa.pre === '') return 1
  if (pb.pre === '') return -1
  return comparePrerelease(pa.pre.split('.'), pb.pre.split('.'))
}

// Semver §11: numeric identifiers compare as numbers and sort before
// alphanumeric ones; a shorter list of equal identifiers sorts first.
function comparePrerelease(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue
    const na = /^\d+$/.test(a[i])
    const nb = /^\d+$/.test(b[i])
    if (na && nb) return Number(a[i]) - Number(b[i])
    if (na !== nb) return na ? -1 : 1
    return a[i] < b[i] ? -1 : 1
  }
  return a.length - b.length
}

function splitVersion(v: string): { nums: number[]; pre: string } {
  const m = /^v(\d+)\.(\d+)\.(\d+)(?:-([^+]*))?/.exec(v)
  if (!m) return { nums: [0, 0, 0], pre: v }
  return { nums: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ?? '' }
}
