// go's dirhash h1 of a zip computed while the zip arrives: with the central
// directory known (from a Range request for the file's tail), each entry is
// hashed as its bytes go by, so the check that must come before unpacking
// costs nothing after the download. The result equals hashZipFile's for the
// same bytes; the caller checks that the file it got ends with the very
// directory used here.
import { createHash, type Hash } from 'node:crypto'
import { inflateRawSync } from 'node:zlib'
import { hash1OfSums } from '../gomod/dirhash.js'
import type { CentralDirectory, CentralEntry } from './zip-central.js'

const LOCAL = 0x04034b50

export class ZipStreamHasher {
  private readonly order: { entry: CentralEntry; index: number }[]
  private readonly sums: string[]
  /** File offset of `pending[0]`. */
  private base = 0
  private pending = Buffer.alloc(0)
  private next = 0
  private dataStart = -1
  private hash: Hash | undefined
  private compressed: Buffer[] = []

  constructor(private readonly cd: CentralDirectory) {
    this.order = cd.entries
      .map((entry, index) => ({ entry, index }))
      .sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset)
    this.sums = new Array<string>(cd.entries.length)
  }

  /** The next bytes of the file, in order. Throws when they do not fit the directory. */
  push(chunk: Buffer): void {
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
        this.compressed = []
      }
      const dataEnd = this.dataStart + entry.compressedSize
      const from = Math.max(0, this.dataStart - at)
      const to = Math.min(buf.length, dataEnd - at)
      if (from < to) {
        const piece = buf.subarray(from, to)
        if (entry.method === 0) this.hash!.update(piece)
        else this.compressed.push(piece)
      }
      if (dataEnd - at > buf.length) break
      this.finishEntry()
    }
    this.pending = Buffer.from(buf.subarray(keepFrom))
    this.base = at + keepFrom
  }

  private finishEntry(): void {
    const { entry, index } = this.order[this.next]
    let size = entry.compressedSize
    if (entry.method === 8) {
      const data = inflateRawSync(Buffer.concat(this.compressed))
      size = data.length
      this.hash!.update(data)
    }
    if (size !== entry.size) throw new Error('zip entry size mismatch')
    this.sums[index] = this.hash!.digest('hex')
    this.next++
    this.dataStart = -1
    this.compressed = []
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
