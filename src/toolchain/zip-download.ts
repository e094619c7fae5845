// Downloads a module zip to a file and, where the mirror answers Range
// requests (object stores do), hashes it on the way: the central directory
// is read first from the file's tail, then every entry is hashed as it
// arrives. The streamed hash counts only when the downloaded file ends with
// the very bytes that directory came from; otherwise the caller hashes the
// finished file. No answer is read past what a module zip may be: go's
// 500 MiB for the zip, the end record's 64 KiB for the tail.
import { createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { request } from 'undici'
import { MAX_SMALL_BYTES, MAX_ZIP_BYTES } from '../gomod/limits.js'
import { readCapped, refuseDeclared, TooLarge } from '../net/read-body.js'
import type { HttpOptions } from '../sumdb/sumdb-client.js'
import {
  END_RECORD_REACH,
  findCentralDirectory,
  parseCentralDirectory,
  type CentralDirectory
} from '../gomod/zip-central.js'
import { ZipStreamHasher } from '../gomod/zip-stream-hash.js'

// A larger central directory is not read ahead; the file is hashed instead.
const MAX_DIRECTORY = MAX_SMALL_BYTES

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
  max: number,
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
  const start = Number(m[1])
  const total = Number(m[3])
  if (total > MAX_ZIP_BYTES) {
    r.body.destroy()
    throw new TooLarge(
      `${url}: a zip of ${total} bytes (Content-Range), over go's limit of ${MAX_ZIP_BYTES}`
    )
  }
  const bytes = await readCapped(r, url, max, `the answer to Range: ${range}`)
  if (Number(m[2]) !== total - 1 || bytes.length !== total - start)
    return undefined
  return { start, total, bytes }
}

async function readTail(
  url: string,
  o: HttpOptions
): Promise<Tail | undefined> {
  let tail = await getRange(
    url,
    `bytes=-${END_RECORD_REACH}`,
    END_RECORD_REACH,
    o
  )
  if (!tail) return undefined
  const loc = findCentralDirectory(tail.bytes, tail.start)
  if (!loc) return undefined
  if (loc.offset < tail.start) {
    const rest = tail.total - loc.offset
    if (rest > MAX_DIRECTORY) return undefined
    tail = await getRange(url, `bytes=${loc.offset}-`, rest, o)
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
    if (o.signal?.aborted || e instanceof TooLarge) throw e
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
  refuseDeclared(r, url, MAX_ZIP_BYTES, 'a zip')
  // A directory go would refuse, or bytes that do not fit it: the finished
  // file is checked and hashed instead.
  let hasher: ZipStreamHasher | undefined
  try {
    hasher = tail && new ZipStreamHasher(tail.dir)
  } catch {
    hasher = undefined
  }
  let bytes = 0
  await pipeline(
    r.body,
    async function* (body: AsyncIterable<Buffer>) {
      for await (const b of body) {
        bytes += b.length
        if (bytes > MAX_ZIP_BYTES)
          throw new TooLarge(
            `${url}: a zip refused after ${bytes} bytes, over go's limit of ${MAX_ZIP_BYTES}`
          )
        await hasher?.push(b).catch(() => (hasher = undefined))
        yield b
      }
    },
    createWriteStream(file)
  )
  const h1 = hasher?.h1()
  return {
    status: 200,
    bytes,
    h1:
      h1 !== undefined && tail && (await endsWith(file, tail)) ? h1 : undefined
  }
}
