// Puts a verified file into the module download cache the way go itself
// would have written it (cmd/go modfetch: writeDiskCache, hashZip,
// rewriteVersionList), so that go finds it there and asks no mirror:
// - every file lands by rename from a temporary file in its own directory,
//   so a reader (go, running beside the prefetch) never sees half a file;
// - a zip is complete for go only once its `.ziphash` exists, so that is
//   written last, and holds the go.sum hash the zip was checked against;
// - `@v/list` names every version with a `.mod`, as go rewrites it;
// - an `.info` is marshalled again, as go stores it.
import { randomBytes } from 'node:crypto'
import {
  copyFile,
  link,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  writeFile
} from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { goInfoFile } from '../../gomod/info-file.js'
import { compareVersions, isCanonicalVersion } from '../../gomod/module-path.js'
import type { PlannedFile } from './work-plan.js'

export function downloadCachePath(gomodcache: string, urlPath: string): string {
  return join(gomodcache, 'cache', 'download', urlPath)
}

export class ModuleCacheWriter {
  // Our rewrites of one `@v/list` one after another. go, beside us, takes a
  // file lock for its own that Node cannot take; a list it writes from an
  // older listing misses a version for `go list -m -versions` offline only.
  private readonly listWrites = new Map<string, Promise<void>>()

  constructor(private readonly gomodcache: string) {}

  /**
   * Puts `spoolFile` (already verified: `.mod`/`.zip` against go.sum's
   * hash, `.info` as go checks it) in its place in the cache.
   */
  async install(f: PlannedFile, spoolFile: string): Promise<void> {
    const dest = downloadCachePath(this.gomodcache, f.urlPath)
    await mkdir(dirname(dest), { recursive: true })
    if (f.kind === 'info') {
      const text = goInfoFile(await readFile(spoolFile, 'utf8'))
      if (text === undefined) throw new Error('an .info go would not read')
      await writeAtomically(dest, text)
    } else await linkInto(spoolFile, dest)
    if (f.kind === 'zip' && f.hash) await writeAtomically(`${dest}hash`, f.hash)
    if (f.kind === 'mod') await this.rewriteList(dirname(dest))
  }

  private rewriteList(dir: string): Promise<void> {
    const next = (this.listWrites.get(dir) ?? Promise.resolve()).then(
      async () => {
        const versions = (await readdir(dir))
          .filter((n) => n.endsWith('.mod'))
          .map((n) => n.slice(0, -'.mod'.length))
          .filter(isCanonicalVersion)
          .sort(compareVersions)
        await writeAtomically(
          join(dir, 'list'),
          versions.map((v) => `${v}\n`).join('')
        )
      }
    )
    this.listWrites.set(
      dir,
      next.catch(() => undefined)
    )
    return next
  }
}

// A link, not a move: the local proxy may still be serving the spool file
// to go.
async function linkInto(from: string, dest: string): Promise<void> {
  const tmp = tempName(dest)
  try {
    await link(from, tmp)
  } catch (err) {
    // The spool may sit on another file system than the module cache.
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err
    await copyFile(from, tmp)
  }
  await commit(tmp, dest)
}

async function writeAtomically(dest: string, data: string): Promise<void> {
  const tmp = tempName(dest)
  await writeFile(tmp, data, { mode: 0o666 })
  await commit(tmp, dest)
}

async function commit(tmp: string, dest: string): Promise<void> {
  try {
    await rename(tmp, dest)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

// Hidden, and unlike go's own `<file>*.tmp`, which go removes when it
// starts a download of the same zip (as it may beside the prefetch).
function tempName(dest: string): string {
  return join(
    dirname(dest),
    `.${basename(dest)}.${randomBytes(6).toString('hex')}.setup-goproxy`
  )
}
