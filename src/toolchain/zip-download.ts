// Downloads a module zip to a file and, where the mirror answers Range
// requests (object stores do), hashes it on the way: the central directory
// is read first from the file's tail, then every entry is hashed as it
// arrives. The streamed hash counts only when the downloaded file ends with
// the very bytes that directory came from; otherwise the caller hashes the
// finished file.
import { createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { request } from 'undici'
import type { HttpOptions } from './sumdb-client.js'
import {
  findCentralDirectory,
  parseCentralDirectory,
  type CentralDirectory
} from './zip-central.js'
import { ZipStreamHasher } from './zip-stream-hash.js'

// The end record plus the longest comment it may carry.
const TAIL = 22 + 0xffff

interface Tail {
  dir: CentralDirectory
  /** File offset of `bytes`, which run to the end of the file. */
  start: number
  bytes: Buffer
  total: number
}

async function getRange(
  url: string,
  range: string,
  o: HttpOptions
): Promise<{ start: number; total: number; bytes: Buffer } | undefined> {
  const r = await request(url, {
    headers: { range },
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
    signal: o.signal
  })
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(
    String(r.headers['content-range'] ?? '')
  )
  if (r.statusCode !== 206 || !m) {
    await r.body.dump()
    return undefined
  }
  const bytes = Buffer.from(await r.body.arrayBuffer())
  const start = Number(m[1])
  const total = Number(m[3])
  if (Number(m[2]) !== total - 1 || bytes.length !== total - start)
    return undefined
  return { start, total, bytes }
}

async function readTail(
  url: string,
  o: HttpOptions
): Promise<Tail | undefined> {
  let tail = await getRange(url, `bytes=-${TAIL}`, o)
  if (!tail) return undefined
  const loc = findCentralDirectory(tail.bytes, tail.start)
  if (!loc) return undefined
  if (loc.offset < tail.start) {
    tail = await getRange(url, `bytes=${loc.offset}-`, o)
    if (!tail || tail.start !== loc.offset) return undefined
  }
  const from = loc.offset - tail.start
  const dir = parseCentralDirectory(
    tail.bytes.subarray(from, from + loc.size),
    loc.offset,
    loc.count
  )
  return dir && { dir, ...tail }
}

/** Whether the file is `total` bytes long and ends with `bytes`. */
async function endsWith(file: string, t: Tail): Promise<boolean> {
  const f = await open(file, 'r')
  try {
    if ((await f.stat()).size !== t.total) return false
    const got = Buffer.alloc(t.bytes.length)
    await f.read(got, 0, got.length, t.start)
    return got.equals(t.bytes)
  } finally {
    await f.close()
  }
}

export interface ZipDownload {
  status: number
  bytes: number
  /** go's h1 of the file, when it could be computed on the way. */
  h1?: string
}

export async function downloadZip(
  url: string,
  file: string,
  o: HttpOptions
): Promise<ZipDownload> {
  const tail = await readTail(url, o).catch((e: Error) => {
    if (o.signal?.aborted) throw e
    return undefined
  })
  const r = await request(url, {
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
    signal: o.signal
  })
  if (r.statusCode !== 200) {
    await r.body.dump()
    return { status: r.statusCode, bytes: 0 }
  }
  let hasher = tail && new ZipStreamHasher(tail.dir)
  let bytes = 0
  r.body.on('data', (b: Buffer) => {
    bytes += b.length
    try {
      hasher?.push(b)
    } catch {
      // Bytes that do not fit the directory: hash the finished file instead.
      hasher = undefined
    }
  })
  await pipeline(r.body, createWriteStream(file))
  const h1 = hasher?.h1()
  return {
    status: 200,
    bytes,
    h1:
      h1 !== undefined && tail && (await endsWith(file, tail)) ? h1 : undefined
  }
}
