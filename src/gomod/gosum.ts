import { createHash } from 'node:crypto'
import { goFields } from './go-fields.js'
import { compareVersions, type ModuleVersion } from './module-path.js'

export interface GoSumEntry extends ModuleVersion {
  /** h1: hash of the module zip, when go.sum lists it (the build needs the zip). */
  zipHash?: string
  /** h1: hash of the go.mod file. */
  modHash?: string
}

// go once wrote this hash (a tree holding an empty go.mod) for non-modules;
// it drops such lines when reading go.sum (modfetch emptyGoModHash).
const EMPTY_GO_MOD_HASH = 'h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY='

/** A go.sum line that makes go stop with "malformed go.sum". */
export interface MalformedGoSumLine {
  /** 1-based, as go reports it. */
  line: number
  fields: number
}

// Non-blank lines split as modfetch.readGoSum does: on "\n", then strings.Fields.
function goSumLines(text: string): { line: number; fields: string[] }[] {
  return text
    .split('\n')
    .map((l, i) => ({ line: i + 1, fields: goFields(l) }))
    .filter((l) => l.fields.length > 0)
}

/**
 * Parses go.sum / go.work.sum text into one entry per module version with
 * the hashes go checks downloads against: of several lines for the same
 * file, only the first h1: line counts (go reports a SECURITY ERROR when
 * that one differs, whatever follows it).
 */
export function parseGoSum(text: string): GoSumEntry[] {
  const byKey = new Map<string, GoSumEntry>()
  for (const { fields } of goSumLines(text)) {
    if (fields.length !== 3) continue
    const [path, ver, hash] = fields
    if (!hash.startsWith('h1:') || hash === EMPTY_GO_MOD_HASH) continue
    const isMod = ver.endsWith('/go.mod')
    const version = isMod ? ver.slice(0, -'/go.mod'.length) : ver
    const key = `${path}@${version}`
    const e = byKey.get(key) ?? { path, version }
    if (isMod) e.modHash ??= hash
    else e.zipHash ??= hash
    byKey.set(key, e)
  }
  return [...byKey.values()]
}

/** Lines go refuses (any field count but 3; `go mod tidy` alone skips them). */
export function malformedGoSumLines(text: string): MalformedGoSumLine[] {
  return goSumLines(text)
    .filter((l) => l.fields.length !== 3)
    .map((l) => ({ line: l.line, fields: l.fields.length }))
}

/**
 * Merges entries from several go.sum files in the order go consults them:
 * a hash from an earlier file wins, a later file only fills gaps.
 */
export function mergeGoSums(lists: GoSumEntry[][]): GoSumEntry[] {
  const byKey = new Map<string, GoSumEntry>()
  for (const list of lists) {
    for (const e of list) {
      const key = `${e.path}@${e.version}`
      const prev = byKey.get(key)
      byKey.set(key, {
        ...e,
        ...prev,
        zipHash: prev?.zipHash ?? e.zipHash,
        modHash: prev?.modHash ?? e.modHash
      })
    }
  }
  return [...byKey.values()]
}

// Timestamp of a pseudo-version (vX.Y.Z-...yyyymmddhhmmss-abcdefabcdef),
// which is the only recency go.sum carries.
function pseudoTime(version: string): number {
  const m = /(\d{14})-[0-9a-f]{12}(?:\+incompatible)?$/.exec(version)
  return m ? Number(m[1]) : 0
}

/**
 * Picks `count` module versions to probe. Only the newest version of each
 * module is a candidate (older ones in go.sum are usually graph-only), those
 * whose zip the build downloads come first, and recent pseudo-versions and
 * higher versions weigh more, since those are what a lagging mirror lacks.
 * The draw is deterministic for a given seed.
 */
export function sampleModules(
  entries: GoSumEntry[],
  count: number,
  isPrivate: (path: string) => boolean,
  seed: string
): GoSumEntry[] {
  const newest = new Map<string, GoSumEntry>()
  for (const e of entries) {
    if (isPrivate(e.path) || e.path === 'golang.org/toolchain') continue
    const prev = newest.get(e.path)
    const better =
      !prev ||
      (e.zipHash !== undefined && prev.zipHash === undefined) ||
      ((e.zipHash !== undefined) === (prev.zipHash !== undefined) &&
        compareVersions(e.version, prev.version) > 0)
    if (better) newest.set(e.path, e)
  }
  const maxTime = Math.max(
    0,
    ...[...newest.values()].map((e) => pseudoTime(e.version))
  )
  const weighted = [...newest.values()].map((e) => {
    const recency = maxTime > 0 ? pseudoTime(e.version) / maxTime : 0
    const weight = (e.zipHash ? 3 : 1) * (1 + recency) * (e.modHash ? 1.5 : 1)
    // Efraimidis–Spirakis: key = u^(1/w); the largest keys form a weighted sample.
    const u = uniform(seed, `${e.path}@${e.version}`)
    return { e, key: Math.pow(u, 1 / weight) }
  })
  return weighted
    .sort((a, b) => b.key - a.key)
    .slice(0, count)
    .map((w) => w.e)
}

function uniform(seed: string, item: string): number {
  const h = createHash('sha256').update(seed).update('\0').update(item).digest()
  return (h.readUInt32BE(0) + 1) / 4294967297
}
