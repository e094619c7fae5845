// Fills the module download cache with what go mod download will read: the
// module graph's .mod files, read from the cache when there and otherwise
// fetched through the engine, and the .info/.zip of every module to
// download. Each file is asked for once, whichever root or walk wants it;
// only files that passed verification are put into the cache, so the cache
// never holds a byte go would not have accepted.
import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { ModuleVersion } from '../../gomod/module-path.js'
import { downloadCachePath, type ModuleCacheWriter } from './cache-install.js'
import type { Served } from './engine.js'
import {
  downloadFiles,
  modFile,
  type PlannedFile,
  type SumIndex
} from './work-plan.js'

export interface FillerOptions {
  sums: SumIndex
  isPrivate: (path: string) => boolean
  gomodcache: string
}

function readCached(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

export class CacheFiller {
  private readonly mods = new Map<string, Promise<string | undefined>>()
  private readonly files = new Map<string, Promise<void>>()
  /** Files the walk or the downloads needed that the cache lacks. */
  readonly missing = new Map<string, PlannedFile>()
  /** Request paths moved into the cache. */
  readonly installed = new Set<string>()
  /** Why a verified file could not be moved in (a full or read-only disk): go fetches it. */
  readonly installFailures: string[] = []

  private closed = false
  // Until fetchWith: what the cache holds is read, nothing is fetched (the
  // walk that decides whether the prefetch pays).
  private fetch?: (f: PlannedFile) => Promise<Served>
  private writer?: ModuleCacheWriter

  constructor(private readonly o: FillerOptions) {}

  /**
   * From now on what the cache lacks is fetched and installed. What the
   * walk so far found missing is forgotten, so the next walk asks for it;
   * what it read from the cache stays read.
   */
  fetchWith(
    fetch: (f: PlannedFile) => Promise<Served>,
    writer: ModuleCacheWriter
  ): void {
    this.fetch = fetch
    this.writer = writer
    for (const path of this.missing.keys()) {
      this.mods.delete(path)
      this.files.delete(path)
    }
    this.missing.clear()
  }

  /** go is done: nothing more is moved into the cache. */
  close(): void {
    this.closed = true
  }

  /** The text of a .mod go will read, or undefined when it cannot be had here. */
  readMod(m: ModuleVersion): Promise<string | undefined> {
    const f = modFile(m, this.o.sums)
    let p = this.mods.get(f.urlPath)
    if (!p) {
      // A spool gone with a stopped engine is a file go fetches itself.
      p = this.loadMod(f).catch(() => undefined)
      this.mods.set(f.urlPath, p)
    }
    return p
  }

  /** Queues the files `go mod download` fetches for module `m`. */
  download(m: ModuleVersion): void {
    const files = downloadFiles(m, this.o.sums)
    if (files.length === 0 || this.o.isPrivate(m.path)) return
    void this.readMod(m)
    for (const f of files) {
      if (this.files.has(f.urlPath)) continue
      this.files.set(
        f.urlPath,
        this.fill(f).catch(() => undefined)
      )
    }
  }

  /** Resolves when every file asked for so far is in place or given up. */
  async settled(): Promise<void> {
    for (;;) {
      const pending = [...this.mods.values(), ...this.files.values()]
      await Promise.all(pending)
      if (pending.length === this.mods.size + this.files.size) return
    }
  }

  private async loadMod(f: PlannedFile): Promise<string | undefined> {
    // A few hundred bytes each, and thousands on a warm cache: read at
    // once, a thread-pool round trip apiece cost more than the reading.
    const cached = readCached(downloadCachePath(this.o.gomodcache, f.urlPath))
    if (cached !== undefined) return cached
    if (this.o.isPrivate(f.path)) return undefined
    this.missing.set(f.urlPath, f)
    const served = await this.fetchFile(f)
    if (!served) return undefined
    const text = await readFile(served, 'utf8')
    // Unverified text still steers the walk; only go's own download of it
    // reaches the cache.
    if (f.hash) await this.install(f, served)
    return text
  }

  private async fill(f: PlannedFile): Promise<void> {
    const cached = downloadCachePath(this.o.gomodcache, f.urlPath)
    const complete =
      existsSync(cached) && (f.kind !== 'zip' || existsSync(`${cached}hash`))
    if (complete) return
    this.missing.set(f.urlPath, f)
    const served = await this.fetchFile(f)
    if (served) await this.install(f, served)
  }

  private async fetchFile(f: PlannedFile): Promise<string | undefined> {
    if (!this.fetch) return undefined
    const s = await this.fetch(f)
    return s.status === 200 ? s.file : undefined
  }

  private async install(f: PlannedFile, file: string): Promise<void> {
    if (!this.writer || this.closed) return
    try {
      await this.writer.install(f, file)
      this.installed.add(f.urlPath)
    } catch (err) {
      this.installFailures.push(
        `${f.urlPath}: ${err instanceof Error ? err.message : String(err)}`
      )
    }
  }
}
