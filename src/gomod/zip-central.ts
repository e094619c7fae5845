// The central directory of a zip from its last bytes: where each entry's
// data sits and how it is stored, so that entries can be hashed while the
// file is still arriving. Zip64 and split archives are not handled: the
// caller then hashes the finished file instead.

export interface CentralEntry {
  /** The name as stored (raw bytes, as go's dirhash uses it). */
  name: Buffer
  method: number
  compressedSize: number
  size: number
  localHeaderOffset: number
}

export interface CentralDirectory {
  offset: number
  entries: CentralEntry[]
}

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const EOCD_SIZE = 22

/** The longest tail that can hold the end record: the record and a comment of at most 64 KiB. */
export const END_RECORD_REACH = EOCD_SIZE + 0xffff

/**
 * Where in `tail` (the last bytes of a zip) the end-of-central-directory
 * record starts: the last signature whose record and comment end exactly
 * where the file ends. Undefined when there is none.
 */
export function findEndRecord(tail: Buffer): number | undefined {
  for (
    let i = tail.length - EOCD_SIZE;
    i >= 0 && i >= tail.length - END_RECORD_REACH;
    i--
  ) {
    if (tail.readUInt32LE(i) !== EOCD) continue
    if (i + EOCD_SIZE + tail.readUInt16LE(i + 20) === tail.length) return i
  }
  return undefined
}

/** Where the central directory starts, from a tail of the file (undefined: not found or zip64). */
export function findCentralDirectory(
  tail: Buffer,
  tailStart: number
): { offset: number; size: number; count: number } | undefined {
  const i = findEndRecord(tail)
  if (i === undefined) return undefined
  const count = tail.readUInt16LE(i + 10)
  const size = tail.readUInt32LE(i + 12)
  const offset = tail.readUInt32LE(i + 16)
  if (tail.readUInt16LE(i + 4) !== 0 || tail.readUInt16LE(i + 6) !== 0)
    return undefined
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff)
    return undefined
  if (offset + size !== tailStart + i) return undefined
  return { offset, size, count }
}

/** The entries of a central directory held in `data` (which starts at the directory). */
export function parseCentralDirectory(
  data: Buffer,
  offset: number,
  count: number
): CentralDirectory | undefined {
  const entries: CentralEntry[] = []
  let p = 0
  for (let n = 0; n < count; n++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== CENTRAL)
      return undefined
    const nameLen = data.readUInt16LE(p + 28)
    const extraLen = data.readUInt16LE(p + 30)
    const commentLen = data.readUInt16LE(p + 32)
    const entry: CentralEntry = {
      name: Buffer.from(data.subarray(p + 46, p + 46 + nameLen)),
      method: data.readUInt16LE(p + 10),
      compressedSize: data.readUInt32LE(p + 20),
      size: data.readUInt32LE(p + 24),
      localHeaderOffset: data.readUInt32LE(p + 42)
    }
    if (
      entry.compressedSize === 0xffffffff ||
      entry.size === 0xffffffff ||
      entry.localHeaderOffset === 0xffffffff ||
      (entry.method !== 0 && entry.method !== 8)
    )
      return undefined
    entries.push(entry)
    p += 46 + nameLen + extraLen + commentLen
  }
  return p === data.length ? { offset, entries } : undefined
}
