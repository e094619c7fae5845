// Zips written byte by byte, for what zip libraries will not write: extra
// fields of our choosing (an Info-ZIP Unicode Path naming another file),
// duplicate names, sizes that lie. Entries are stored unless `deflate` or
// `deflated` is given; both headers say what `declaredSize` says.
import { crc32, deflateRawSync } from 'node:zlib'

export interface RawEntry {
  name: string | Buffer
  data: Buffer
  /** Another name in an Info-ZIP Unicode Path extra field (0x7075). */
  unicodePath?: string
  deflate?: boolean
  /** `data` is deflated already (its CRC is left 0: nothing reads that far). */
  deflated?: boolean
  /** The uncompressed size both headers claim (default: the real one). */
  declaredSize?: number
}

/** The 0x7075 field: version 1, the CRC-32 of the raw name, the UTF-8 name. */
export function unicodePathField(raw: Buffer, name: string): Buffer {
  const utf8 = Buffer.from(name)
  const f = Buffer.alloc(4 + 5 + utf8.length)
  f.writeUInt16LE(0x7075, 0)
  f.writeUInt16LE(5 + utf8.length, 2)
  f.writeUInt8(1, 4)
  f.writeUInt32LE(crc32(raw), 5)
  utf8.copy(f, 9)
  return f
}

export function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name)
    const extra =
      e.unicodePath === undefined
        ? Buffer.alloc(0)
        : unicodePathField(name, e.unicodePath)
    const body = e.deflate ? deflateRawSync(e.data) : e.data
    const size = e.declaredSize ?? e.data.length
    const crc = e.deflated ? 0 : crc32(e.data)
    const method = e.deflate || e.deflated ? 8 : 0
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x800, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(extra.length, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x800, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(body.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt16LE(extra.length, 30)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, extra, body)
    centrals.push(central, name, extra)
    offset += 30 + name.length + extra.length + body.length
  }
  const dir = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(dir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dir, end])
}
