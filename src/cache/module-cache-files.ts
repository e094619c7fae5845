// Reads and prunes a Go module cache (GOMODCACHE) on disk. The layout is
// cmd/go's: cache/download/<escaped path>/@v/<escaped version>.{info,mod,zip,
// ziphash,lock,partial} plus a `list` per module, and extracted trees at
// <escaped path>@<escaped version> whose directories go makes read-only.
import { createHash } from 'node:crypto'
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  rmdir,
  writeFile
} from 'node:fs/promises'
import * as path from 'node:path'
import type { CacheMode } from './options.js'
import type { GoSumEntry } from '../gomod/gosum.js'
import {
  compareVersions,
  escapeModulePath,
  unescapeModulePath,
  type ModuleVersion
} from '../gomod/module-path.js'

const DOWNLOAD = path.join('cache', 'download')

export interface TreeStats {
  /** sha256 over the relative names and sizes of the files that matter. */
  digest: string
  files: number
  bytes: number
  /** Module versions whose .mod or .zip is present. */
  versions: number
}

export interface PruneResult {
  removedFiles: number
  removedBytes: number
  removedDirs: number
}

interface FileEntry {
  rel: string
  size: number
}

async function listFiles(root: string, rel = ''): Promise<FileEntry[]> {
  const out: FileEntry[] = []
  let entries
  try {
    entries = await readdir(path.join(root, rel), { withFileTypes: true })
  } catch {
    return out
  }
  for (const e of entries) {
    const r = rel === '' ? e.name : path.join(rel, e.name)
    if (e.isDirectory()) out.push(...(await listFiles(root, r)))
    else if (e.isFile()) {
      const st = await lstat(path.join(root, r))
      out.push({ rel: r, size: st.size })
    }
  }
  return out
}

// Lock files are left behind by every go command and carry no content.
const isNoise = (rel: string) => rel.endsWith('.lock')

/** Digest and size of a directory tree (the build cache, for one). */
export async function treeStats(root: string): Promise<TreeStats> {
  const files = (await listFiles(root)).filter((f) => !isNoise(f.rel))
  return statsOf(files, 0)
}

function statsOf(files: FileEntry[], versions: number): TreeStats {
  const h = createHash('sha256')
  let bytes = 0
  for (const f of [...files].sort((a, b) => (a.rel < b.rel ? -1 : 1))) {
    h.update(`${f.rel.split(path.sep).join('/')} ${f.size}\n`)
    bytes += f.size
  }
  return { digest: h.digest('hex'), files: files.length, bytes, versions }
}

/** Extracted module roots (`<escaped path>@<escaped version>`), relative. */
async function extractedRoots(gomodcache: string, rel = ''): Promise<string[]> {
  const out: string[] = []
  let entries
  try {
    entries = await readdir(path.join(gomodcache, rel), { withFileTypes: true })
  } catch {
    return out
  }
  for (const e of entries) {
    if (!e.isDirectory() || (rel === '' && e.name === 'cache')) continue
    const r = rel === '' ? e.name : path.join(rel, e.name)
    if (e.name.includes('@')) out.push(r)
    else out.push(...(await extractedRoots(gomodcache, r)))
  }
  return out
}

/**
 * What the cache holds in the given mode: the download cache, plus (full)
 * the names of the extracted trees, which are derived from the zips.
 */
export async function moduleCacheStats(
  gomodcache: string,
  mode: CacheMode
): Promise<TreeStats> {
  const download = path.join(gomodcache, DOWNLOAD)
  const files = (await listFiles(download)).filter((f) => !isNoise(f.rel))
  const versions = new Set(
    files
      .map((f) => /^(.*)[\\/]@v[\\/](.+)\.(mod|zip)$/.exec(f.rel))
      .filter((m) => m !== null)
      .map((m) => `${m[1]}@${m[2]}`)
  ).size
  if (mode === 'full') {
    for (const r of await extractedRoots(gomodcache)) {
      files.push({ rel: path.join('..', '..', r), size: 0 })
    }
  }
  return statsOf(files, versions)
}

/** True when GOMODCACHE has anything in it (before a restore). */
export async function isPopulated(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0
  } catch {
    return false
  }
}

/**
 * Gives the owner write permission on every directory of the tree, so that
 * tar can replace files inside module directories go made read-only.
 */
export async function makeDirsWritable(root: string): Promise<number> {
  let changed = 0
  const visit = async (dir: string): Promise<void> => {
    let st
    try {
      st = await lstat(dir)
    } catch {
      return
    }
    if (!st.isDirectory()) return
    if ((st.mode & 0o200) === 0) {
      await chmod(dir, (st.mode & 0o7777) | 0o700)
      changed++
    }
    for (const name of await readdir(dir)) await visit(path.join(dir, name))
  }
  await visit(root)
  return changed
}

async function removeTree(p: string): Promise<void> {
  await makeDirsWritable(p)
  await rm(p, { recursive: true, force: true })
}

export type Keep = (
  modulePath: string,
  version: string
) => 'zip' | 'mod' | undefined

/** What go.sum references: the zip (the build needs the source) or only go.mod. */
export function keepFromGoSum(entries: readonly GoSumEntry[]): Keep {
  const m = new Map<string, 'zip' | 'mod'>()
  for (const e of entries) {
    const k = `${e.path}@${e.version}`
    if (e.zipHash) m.set(k, 'zip')
    else if (e.modHash && !m.has(k)) m.set(k, 'mod')
  }
  return (p, v) => m.get(`${p}@${v}`)
}

/** `keep`, and also the whole of each given module version (toolchains go will switch to). */
export function keepAlso(keep: Keep, extra: readonly ModuleVersion[]): Keep {
  const zips = new Set(extra.map((m) => `${m.path}@${m.version}`))
  return (p, v) => (zips.has(`${p}@${v}`) ? 'zip' : keep(p, v))
}

const MOD_FILES = new Set(['info', 'mod', 'lock'])

/** Whether a file of cache/download/…/@v survives, given what go.sum references. */
export function keepDownloadFile(
  name: string,
  modulePath: string,
  keep: Keep
): boolean {
  const m = /^(.+)\.(info|mod|zip|ziphash|lock|partial)$/.exec(name)
  if (!m || name.includes('.tmp')) return false
  const ref = keep(modulePath, unescapeModulePath(m[1]))
  if (ref === 'zip') return m[2] !== 'partial'
  return ref === 'mod' && MOD_FILES.has(m[2])
}

/**
 * Deletes what no current go.sum references, so that a cache restored from
 * an older key does not grow forever: unreferenced versions (and zips of
 * versions only needed for their go.mod), their extracted trees, leftovers of
 * interrupted downloads, the sumdb and VCS caches, and toolchains `keep`
 * does not name. Rewrites
 * each `list` to the versions that remain.
 */
export async function pruneModuleCache(
  gomodcache: string,
  keep: Keep
): Promise<PruneResult> {
  const res: PruneResult = { removedFiles: 0, removedBytes: 0, removedDirs: 0 }
  const download = path.join(gomodcache, DOWNLOAD)
  for (const extra of ['sumdb']) {
    const p = path.join(download, extra)
    const files = await listFiles(p)
    if (files.length > 0 || (await isPopulated(p))) {
      res.removedFiles += files.length
      res.removedBytes += files.reduce((n, f) => n + f.size, 0)
      await removeTree(p)
    }
  }
  const vcs = path.join(gomodcache, 'cache', 'vcs')
  if (await isPopulated(vcs)) {
    res.removedDirs++
    await removeTree(vcs)
  }
  const pruneVDir = async (vdir: string, modulePath: string) => {
    const kept: string[] = []
    for (const e of await readdir(vdir, { withFileTypes: true })) {
      const file = path.join(vdir, e.name)
      if (e.name === 'list' || e.name === 'list.lock') continue
      if (e.isFile() && keepDownloadFile(e.name, modulePath, keep)) {
        if (e.name.endsWith('.mod'))
          kept.push(unescapeModulePath(e.name.slice(0, -4)))
        continue
      }
      const st = await lstat(file)
      res.removedFiles++
      res.removedBytes += st.isFile() ? st.size : 0
      await removeTree(file)
    }
    const list = path.join(vdir, 'list')
    if (kept.length === 0) {
      await rm(list, { force: true })
    } else {
      // go serves `list` from the cache when offline; it must not name versions that are gone.
      const escaped = kept.sort(compareVersions).map(escapeModulePath)
      await writeFile(list, escaped.join('\n') + '\n')
    }
  }
  const walkDownload = async (rel: string): Promise<void> => {
    const dir = path.join(download, rel)
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue
      const r = rel === '' ? e.name : path.join(rel, e.name)
      if (e.name === '@v')
        await pruneVDir(
          path.join(download, r),
          unescapeModulePath(rel.split(path.sep).join('/'))
        )
      else await walkDownload(r)
    }
  }
  await walkDownload('')
  for (const r of await extractedRoots(gomodcache)) {
    const at = r.lastIndexOf('@')
    const modulePath = unescapeModulePath(
      r.slice(0, at).split(path.sep).join('/')
    )
    const version = unescapeModulePath(r.slice(at + 1))
    if (!version.includes('.tmp') && keep(modulePath, version) === 'zip')
      continue
    res.removedDirs++
    await removeTree(path.join(gomodcache, r))
  }
  await removeEmptyDirs(gomodcache)
  return res
}

async function removeEmptyDirs(dir: string, isRoot = true): Promise<boolean> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return false
  }
  let empty = true
  for (const e of entries) {
    if ((e.isDirectory() && !e.name.includes('@')) || e.name === '@v') {
      if (!(await removeEmptyDirs(path.join(dir, e.name), false))) empty = false
    } else empty = false
  }
  if (empty && !isRoot) {
    await chmod(dir, 0o755).catch(() => undefined)
    await rmdir(dir).catch(() => undefined)
  }
  return empty
}

/**
 * A new empty directory beside `dir` (so on its filesystem, and outside it)
 * to extract an archive into before it takes `dir`'s place.
 */
export async function makeStagingDir(dir: string): Promise<string> {
  const parent = path.dirname(path.resolve(dir))
  await mkdir(parent, { recursive: true })
  return mkdtemp(path.join(parent, `.${path.basename(dir)}.restore-`))
}

/**
 * Moves the tree `from` into `to`: a whole directory where `to` has none at
 * that place, entry by entry where it has one; files replace files, as tar
 * would have replaced them.
 */
export async function moveInto(from: string, to: string): Promise<void> {
  const dest = await lstat(to).catch(() => undefined)
  const src = await lstat(from)
  if (dest?.isDirectory() && src.isDirectory()) {
    for (const name of await readdir(from))
      await moveInto(path.join(from, name), path.join(to, name))
    return
  }
  if (dest) await removeTree(to)
  else await mkdir(path.dirname(to), { recursive: true })
  await rename(from, to)
}
