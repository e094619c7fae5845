import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { promisify } from 'node:util'
import { Readable } from 'node:stream'
import { crc32, createInflateRaw, inflateRaw, inflateRawSync } from 'node:zlib'
import yauzl from 'yauzl'

const inflate = promisify(inflateRaw)

/** One file of a dirhash: its name as raw bytes and the hex sha256 of its content. */
export interface FileSum {
  name: Buffer
  sum: string
}

/**
 * dirhash.Hash1 over precomputed sums: sha256 of "<hex>  <name>\n" lines
 * sorted by name. Go sorts names as byte strings, which differs from
 * JavaScript's UTF-16 order for characters beyond the BMP.
 */
export function hash1OfSums(files: readonly FileSum[]): string {
  const h = createHash('sha256')
  for (const f of [...files].sort((a, b) => Buffer.compare(a.name, b.name))) {
    if (f.name.includes(0x0a))
      throw new Error('dirhash: file names with newlines are not supported')
    h.update(`${f.sum}  `).update(f.name).update('\n')
  }
  return 'h1:' + h.digest('base64')
}

/**
 * dirhash.HashZip of a zip file on disk. Like Go, it lists the central
 * directory's names and, for a duplicated name, hashes the last entry of
 * that name once per occurrence. A module zip holds thousands of small
 * files, so the cost is per entry: a zip of up to 4 MiB is read in one go
 * and its small entries inflated in place, those of larger zips read with
 * positioned reads, and entries over 1 MiB streamed, so that memory stays
 * bounded (a stream per entry took 10.7 s for the 126 MB of cli/cli's zips,
 * this 2.1 s).
 */
export async function hashZipFile(file: string): Promise<string> {
  await hashSlot()
  try {
    return await hashZip(file)
  } finally {
    releaseHashSlot()
  }
}

async function hashZip(file: string): Promise<string> {
  const fh = await open(file, 'r')
  let zip: yauzl.ZipFile | undefined
  try {
    const size = (await fh.stat()).size
    if (size > WHOLE_ZIP_BYTES) {
      zip = await openZip(file)
      return await hashEntries(
        zip,
        (position, length) => readAt(fh, position, length),
        (position, length) =>
          createReadStream(file, {
            start: position,
            end: position + Math.max(0, length - 1)
          })
      )
    }
    const whole = await readAt(fh, 0, size)
    // In memory, the central directory is parsed without a read per entry.
    zip = await zipFromBuffer(whole)
    return await hashEntries(zip, wholeFile(whole), (position, length) =>
      Readable.from([whole.subarray(position, position + length)])
    )
  } finally {
    zip?.close()
    await fh.close()
  }
}

// Two zips hashed at once: the work is CPU-bound, and a wide prefetch
// finishing many together must not hold them all in memory (one at a time
// made the prefetch of cli/cli's zips a second slower).
const ZIPS_AT_ONCE = 2
let zipsBusy = 0
const waitingForSlot: (() => void)[] = []

function hashSlot(): Promise<void> {
  if (zipsBusy < ZIPS_AT_ONCE) {
    zipsBusy++
    return Promise.resolve()
  }
  return new Promise((resolve) => waitingForSlot.push(resolve))
}

function releaseHashSlot(): void {
  const next = waitingForSlot.shift()
  if (next) next()
  else zipsBusy--
}

async function hashEntries(
  zip: yauzl.ZipFile,
  read: ReadRange,
  stream: StreamRange
): Promise<string> {
  const entries = await listEntries(zip)
  const last = new Map<string, yauzl.Entry>()
  for (const e of entries) last.set(nameKey(e), e)
  const sums = new Map<string, string>()
  const todo = [...last]
  let next = 0
  const worker = async () => {
    while (next < todo.length) {
      const [key, e] = todo[next++]
      sums.set(key, await sha256Entry(read, stream, e))
    }
  }
  await Promise.all(Array.from({ length: ENTRIES_AT_ONCE }, worker))
  return hash1OfSums(
    entries.map((e) => ({
      name: e.fileName as unknown as Buffer,
      sum: sums.get(nameKey(e))!
    }))
  )
}

type ReadRange = (position: number, length: number) => Promise<Buffer>
type StreamRange = (position: number, length: number) => Readable

function wholeFile(data: Buffer): ReadRange {
  return (position, length) => {
    if (position + length > data.length)
      return Promise.reject(new Error('zip: unexpected end of file'))
    return Promise.resolve(data.subarray(position, position + length))
  }
}

const WHOLE_ZIP_BYTES = 4 << 20
// Inflated on the main thread: a thread pool round trip costs more.
const SMALL_ENTRY_BYTES = 256 << 10
// Above this an entry is streamed, so memory stays bounded.
const STREAM_ENTRY_BYTES = 1 << 20
// As many as libuv's default thread pool inflates at once.
const ENTRIES_AT_ONCE = 4
const LOCAL_HEADER = 0x04034b50

function nameKey(e: yauzl.Entry): string {
  return (e.fileName as unknown as Buffer).toString('latin1')
}

const ZIP_OPTIONS = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: true
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, ZIP_OPTIONS, (err, zip) =>
      err ? reject(err) : resolve(zip)
    )
  )
}

function zipFromBuffer(data: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(data, ZIP_OPTIONS, (err, zip) =>
      err ? reject(err) : resolve(zip)
    )
  )
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = []
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e)
      zip.readEntry()
    })
    zip.once('end', () => resolve(entries))
    zip.once('error', reject)
    zip.readEntry()
  })
}

async function sha256Entry(
  read: ReadRange,
  stream: StreamRange,
  e: yauzl.Entry
): Promise<string> {
  const header = await read(e.relativeOffsetOfLocalHeader, 30)
  if (header.readUInt32LE(0) !== LOCAL_HEADER)
    throw new Error(`zip entry ${nameKey(e)}: no local file header`)
  const start =
    e.relativeOffsetOfLocalHeader +
    30 +
    header.readUInt16LE(26) +
    header.readUInt16LE(28)
  if (e.compressionMethod !== 0 && e.compressionMethod !== 8)
    throw new Error(
      `zip entry ${nameKey(e)}: compression method ${e.compressionMethod}`
    )
  const h = createHash('sha256')
  // go's archive/zip checks it on every read ("zip: checksum error"): a zip
  // that fails it would fail go however it hashes.
  let crc = 0
  let size = 0
  if (Math.max(e.compressedSize, e.uncompressedSize) > STREAM_ENTRY_BYTES) {
    // Large entries pass through in pieces, and never past the size the
    // directory declares, however the data inflates.
    const source = stream(start, e.compressedSize)
    const data =
      e.compressionMethod === 8 ? source.pipe(createInflateRaw()) : source
    for await (const chunk of data as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > e.uncompressedSize) {
        data.destroy()
        break
      }
      h.update(chunk)
      crc = crc32(chunk, crc)
    }
  } else {
    const raw = await read(start, e.compressedSize)
    const limit = { maxOutputLength: e.uncompressedSize || 1 }
    try {
      const data =
        e.compressionMethod === 0
          ? raw
          : e.uncompressedSize <= SMALL_ENTRY_BYTES
            ? inflateRawSync(raw, limit)
            : await inflate(raw, limit)
      size = data.length
      h.update(data)
      crc = crc32(data)
    } catch (err) {
      // maxOutputLength stopped it: more than the directory declares.
      if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE')
        throw err
      size = e.uncompressedSize + 1
    }
  }
  if (size !== e.uncompressedSize)
    throw new Error(
      `zip entry ${nameKey(e)}: ${size > e.uncompressedSize ? 'more' : size} bytes, the directory says ${e.uncompressedSize}`
    )
  if (crc !== e.crc32)
    throw new Error(`zip entry ${nameKey(e)}: CRC-32 does not match its data`)
  return h.digest('hex')
}

async function readAt(
  fh: FileHandle,
  position: number,
  length: number
): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  const { bytesRead } = await fh.read(buf, 0, length, position)
  if (bytesRead !== length) throw new Error('zip: unexpected end of file')
  return buf
}
