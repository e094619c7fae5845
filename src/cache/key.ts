import { createHash } from 'node:crypto'
import * as path from 'node:path'
import type { CacheMode } from './options.js'
import { goFields } from '../gomod/go-fields.js'
import { goBoolFlag, goFlagName } from '../env/goflags.js'

export interface CacheKeys {
  key: string
  /** Prefixes tried in order when the primary key misses. */
  restoreKeys: string[]
}

// Only the hash lines matter: their set names exactly the module versions the
// cache must hold, so reordering, comments or duplicate lines across go.sum
// files do not change the key, and two matrix legs with the same dependency
// graph share one entry.
export function goSumDigest(contents: readonly string[]): string {
  const lines = new Set<string>()
  for (const text of contents) {
    for (const raw of text.split(/\r?\n/)) {
      const f = raw.trim().split(/\s+/)
      if (f.length === 3 && f[2].startsWith('h1:')) lines.add(f.join(' '))
    }
  }
  const h = createHash('sha256')
  for (const l of [...lines].sort()) h.update(l + '\n')
  return h.digest('hex')
}

/**
 * The module cache key. It deliberately has no OS, architecture or Go
 * version: the download cache is the same bytes everywhere, so one entry
 * serves every leg of a matrix. The exception is a toolchain go will
 * download (`v0.0.1-go1.25.4.linux-amd64`): it is kept in the cache, so it
 * names the entry, and a changed toolchain saves a new entry instead of
 * living on an exact hit of one without it. Entries with the same toolchain
 * are preferred on a miss.
 */
export function moduleCacheKeys(
  prefix: string,
  mode: CacheMode,
  goSums: readonly string[],
  toolchainVersion?: string
): CacheKeys {
  const base = `${prefix}-gomod-${mode}-`
  if (toolchainVersion === undefined)
    return { key: base + goSumDigest(goSums), restoreKeys: [base] }
  const withToolchain = `${base}${toolchainVersion.replace(/[^A-Za-z0-9._+-]+/g, '_')}-`
  return {
    key: withToolchain + goSumDigest(goSums),
    restoreKeys: [withToolchain, base]
  }
}

export interface BuildCacheKeyParts {
  prefix: string
  goos: string
  goarch: string
  goVersion: string
  job: string
  now: Date
}

/**
 * The build cache key: compiled objects depend on the toolchain and target,
 * so OS, architecture and Go version are in it. The day stamp makes the first
 * run of each day save a fresh entry (restored from the previous one), so the
 * cache follows the code instead of freezing at its first save.
 */
export function buildCacheKeys(p: BuildCacheKeyParts): CacheKeys {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._+-]+/g, '_')
  const toolchain = `${p.prefix}-gobuild-${clean(p.goos)}-${clean(p.goarch)}-${clean(p.goVersion)}-`
  const job = `${toolchain}${clean(p.job || 'job')}-`
  const day = p.now.toISOString().slice(0, 10).replace(/-/g, '')
  return { key: job + day, restoreKeys: [job, toolchain] }
}

/**
 * GOFLAGS with -modcacherw in force, or undefined when go already reads it
 * as true. A `-modcacherw=false` (or an unparsable value) is replaced.
 */
export function withModCacheRw(goflags: string): string | undefined {
  if (goBoolFlag(goflags, 'modcacherw') === true) return undefined
  const others = goFields(goflags).filter((w) => goFlagName(w) !== 'modcacherw')
  return [...others, '-modcacherw'].join(' ')
}

export interface CachePathSpec {
  /** The path as given to @actions/cache (it is part of the entry's version). */
  pattern: string
  /** Directory the archive's entries are relative to. */
  root: string
}

/**
 * How a directory is named to @actions/cache. The entry version hashes the
 * path string and tar stores paths relative to GITHUB_WORKSPACE; naming a
 * directory under the home as `~/…` and archiving relative to the home makes
 * both independent of where the runner keeps its workspace, so one entry
 * restores on any runner whose cache sits at the same place under its home,
 * and never into a different place than the one its version names.
 */
export function cachePathSpec(
  dir: string,
  home: string,
  p: path.PlatformPath = path
): CachePathSpec {
  const abs = p.resolve(dir)
  const rel = p.relative(p.resolve(home), abs)
  if (
    home !== '' &&
    rel !== '' &&
    !rel.startsWith('..') &&
    !p.isAbsolute(rel)
  ) {
    return { pattern: '~/' + rel.split(p.sep).join('/'), root: p.resolve(home) }
  }
  return { pattern: abs.split(p.sep).join('/'), root: p.parse(abs).root }
}

// A key readable in a narrow column: each long hash cut to a few digits
// (a repaired key keeps its suffix after the hash); the whole key goes in
// fullKeysDetails.
export function shortKey(key: string): string {
  return key.replace(/[0-9a-f]{16,}/g, (hash) => `${hash.slice(0, 12)}…`)
}

/** The whole keys a table showed short, folded, each once. */
export function fullKeysDetails(keys: readonly string[]): string[] {
  return [
    '<details><summary>Full cache keys</summary>',
    '',
    ...[...new Set(keys.filter(Boolean))].map((k) => `- \`${k}\``),
    '',
    '</details>'
  ]
}
