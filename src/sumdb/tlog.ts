// The checksum database's transparency log (golang.org/x/mod/sumdb/tlog):
// an RFC 6962 Merkle tree over the records, whose stored hashes are served
// in tiles of height 8. A record is proven to be in a signed tree by
// recomputing the tree's root from the record's own hash and the tiles'
// hashes of every subtree beside it: a changed record or tile changes the
// root, which the signature covers.
import { createHash } from 'node:crypto'

const TILE_HEIGHT = 8
const TILE_WIDTH = 1 << TILE_HEIGHT
const HASH_SIZE = 32

export interface Tree {
  size: number
  hash: Buffer
}

/** `go.sum database tree\n<N>\n<base64 hash>\n` (later lines ignored). */
export function parseTree(text: Buffer): Tree {
  const s = text.toString('utf8')
  const lines = s.split('\n')
  if (!s.startsWith('go.sum database tree\n') || lines.length < 4)
    throw new Error('malformed tree note')
  const size = Number(lines[1])
  const hash = Buffer.from(lines[2], 'base64')
  if (
    !/^(0|[1-9]\d*)$/.test(lines[1]) ||
    !Number.isSafeInteger(size) ||
    hash.length !== HASH_SIZE
  )
    throw new Error('malformed tree note')
  return { size, hash }
}

export function recordHash(data: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(data)
    .digest()
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest()
}

export interface TileRef {
  level: number
  index: number
  /** Hashes in the tile: 256, or fewer for the tree's last tile. */
  width: number
}

/** `tile/8/<L>/x001/234[.p/<W>]` */
export function tilePath(t: TileRef): string {
  let n = t.index
  let s = String(n % 1000).padStart(3, '0')
  while (n >= 1000) {
    n = Math.floor(n / 1000)
    s = `x${String(n % 1000).padStart(3, '0')}/${s}`
  }
  return `tile/${TILE_HEIGHT}/${t.level}/${s}${t.width === TILE_WIDTH ? '' : `.p/${t.width}`}`
}

/** Reads a tile's bytes (width × 32). */
export type TileReader = (t: TileRef) => Promise<Buffer>

const pow2 = (k: number) => 2 ** k

/**
 * The root of the tree of `size` records in which record `id` has hash
 * `leaf`, with every other subtree hash taken from the tiles.
 */
export async function rootWithRecord(
  size: number,
  id: number,
  leaf: Buffer,
  readTile: TileReader
): Promise<Buffer> {
  if (id < 0 || id >= size)
    throw new Error(`record ${id} is not in a tree of ${size}`)
  const tiles = new Map<string, Promise<Buffer>>()
  // The hash of the complete subtree of 2^level records starting at index << level.
  const stored = async (level: number, index: number): Promise<Buffer> => {
    const tileLevel = Math.floor(level / TILE_HEIGHT)
    const within = level - tileLevel * TILE_HEIGHT
    const first = index * pow2(within)
    const tileIndex = Math.floor(first / TILE_WIDTH)
    const inTree = Math.floor(size / pow2(tileLevel * TILE_HEIGHT))
    const width = Math.min(TILE_WIDTH, inTree - tileIndex * TILE_WIDTH)
    const ref = { level: tileLevel, index: tileIndex, width }
    const key = tilePath(ref)
    if (!tiles.has(key)) tiles.set(key, readTile(ref))
    const data = await tiles.get(key)!
    if (data.length !== width * HASH_SIZE)
      throw new Error(`${key}: ${data.length} bytes, want ${width * HASH_SIZE}`)
    let row: Buffer[] = []
    const offset = first - tileIndex * TILE_WIDTH
    for (let i = 0; i < pow2(within); i++)
      row.push(
        data.subarray((offset + i) * HASH_SIZE, (offset + i + 1) * HASH_SIZE)
      )
    while (row.length > 1) {
      const next: Buffer[] = []
      for (let i = 0; i < row.length; i += 2)
        next.push(nodeHash(row[i], row[i + 1]))
      row = next
    }
    return row[0]
  }
  // RFC 6962 MTH over records [lo, lo + n): split at the largest power of two below n.
  const subtree = async (lo: number, n: number): Promise<Buffer> => {
    const level = Math.log2(n)
    if (Number.isInteger(level) && (id < lo || id >= lo + n))
      return stored(level, lo / n)
    if (n === 1) return leaf
    let k = 1
    while (k * 2 < n) k *= 2
    return nodeHash(await subtree(lo, k), await subtree(lo + k, n - k))
  }
  return subtree(0, size)
}
