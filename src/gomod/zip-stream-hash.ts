// go's dirhash h1 of a zip computed while the zip arrives: with the central
// directory known (from a Range request for the file's tail), each entry is
// hashed as its bytes go by, so the check that must come before unpacking
// costs nothing after the download. The result equals hashZipFile's for the
// same bytes; the caller checks that the file it got ends with the very
// directory used here. Deflated entries are inflated as they arrive and
// never past the size the directory declares, itself within go's 500 MiB
// of content for a whole module zip: a small entry that would inflate to
// gigabytes is stopped at its declared size.
import { createHash, type Hash } from 'node:crypto'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { createInflateRaw } from 'node:zlib'
import { MAX_ZIP_BYTES } from './limits.js'
import { hash1OfSums } from './dirhash.js'
import type { CentralDirectory, CentralEntry } from './zip-central.js'

const LOCAL = 0x04034b50

/** Hashes the inflated bytes of one entry, refusing any past `declared`. */
class EntryInflater {
  private readonly z = createInflateRaw()
  private readonly done: Promise<void>
  private size = 0

  constructor(declared: number, hash: Hash) {
    this.z.on('data', (b: Buffer) => {
      this.size += b.length
      if (this.size > declared)
        this.z.destroy(
          new Error(`zip entry inflates past its declared ${declared} bytes`)
        )
      else hash.update(b)
    })
    this.done = finished(this.z)
    this.done.catch(() => undefined)
  }

  async write(piece: Buffer): Promise<void> {
    if (!this.z.write(piece))
      await Promise.race([once(this.z, 'drain'), this.done])
  }

  /** The inflated size, once the entry's compressed bytes are all written. */
  async end(): Promise<number> {
    this.z.end()
    await this.done
    return this.size
  }
}

export class ZipStreamHasher {
  private readonly order: { entry: CentralEntry; index: number }[]
  private readonly sums: string[]
  /** File offset of `pending[0]`. */
  private base = 0
  private pending = Buffer.alloc(0)
  private next = 0
  private dataStart = -1
  private hash: Hash | undefined
  private inflater: EntryInflater | undefined

  constructor(private readonly cd: CentralDirectory) {
    const declared = cd.entries.reduce((n, e) => n + e.size, 0)
    if (declared > MAX_ZIP_BYTES)
      throw new Error(
        `the zip's entries declare ${declared} bytes of content, over go's limit of ${MAX_ZIP_BYTES}`
      )
    this.order = cd.entries
      .map((entry, index) => ({ entry, index }))
      .sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset)
    this.sums = new Array<string>(cd.entries.length)
  }

  /**
   * The next bytes of the file, in order, each call awaited before the next.
   * Rejects when they do not fit the directory.
   */
  async push(chunk: Buffer): Promise<void> {
    const buf =
      this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk
    const at = this.base
    let keepFrom = buf.length
    while (this.next < this.order.length) {
      const { entry } = this.order[this.next]
      if (this.dataStart < 0) {
        const rel = entry.localHeaderOffset - at
        if (rel < 0) throw new Error('zip entries overlap')
        if (rel + 30 > buf.length) {
          // The local header is not all here yet: keep what there is of it.
          keepFrom = Math.min(rel, buf.length)
          break
        }
        if (buf.readUInt32LE(rel) !== LOCAL)
          throw new Error('bad zip local header')
        this.dataStart =
          entry.localHeaderOffset +
          30 +
          buf.readUInt16LE(rel + 26) +
          buf.readUInt16LE(rel + 28)
        this.hash = createHash('sha256')
        this.inflater =
          entry.method === 8
            ? new EntryInflater(entry.size, this.hash)
            : undefined
      }
      const dataEnd = this.dataStart + entry.compressedSize
      const from = Math.max(0, this.dataStart - at)
      const to = Math.min(buf.length, dataEnd - at)
      if (from < to) {
        const piece = buf.subarray(from, to)
        if (this.inflater) await this.inflater.write(piece)
        else this.hash!.update(piece)
      }
      if (dataEnd - at > buf.length) break
      await this.finishEntry()
    }
    this.pending = Buffer.from(buf.subarray(keepFrom))
    this.base = at + keepFrom
  }

  private async finishEntry(): Promise<void> {
    const { entry, index } = this.order[this.next]
    const size = this.inflater
      ? await this.inflater.end()
      : entry.compressedSize
    if (size !== entry.size) throw new Error('zip entry size mismatch')
    this.sums[index] = this.hash!.digest('hex')
    this.next++
    this.dataStart = -1
    this.inflater = undefined
  }

  /** The h1 once every entry went by, or undefined when the bytes ended early. */
  h1(): string | undefined {
    if (this.next < this.order.length) return undefined
    // Like hashZipFile (and go): every occurrence of a name gets the sum of its last entry.
    const last = new Map<string, string>()
    this.cd.entries.forEach((e, i) =>
      last.set(e.name.toString('latin1'), this.sums[i])
    )
    return hash1OfSums(
      this.cd.entries.map((e) => ({
        name: e.name,
        sum: last.get(e.name.toString('latin1'))!
      }))
    )
  }
}
