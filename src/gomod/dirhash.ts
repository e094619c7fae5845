import { createHash } from 'node:crypto'
import yauzl from 'yauzl'

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
 * dirhash.HashZip of a zip file on disk, streamed entry by entry so that a
 * toolchain or module zip is never held whole in memory. Like Go, it lists
 * the central directory's names and, for a duplicated name, hashes the last
 * entry of that name once per occurrence.
 */
export async function hashZipFile(file: string): Promise<string> {
  const zip = await openZip(file)
  try {
    const entries = await listEntries(zip)
    const last = new Map<string, yauzl.Entry>()
    for (const e of entries) last.set(nameKey(e), e)
    const sums = new Map<string, string>()
    for (const [key, e] of last) sums.set(key, await sha256Entry(zip, e))
    return hash1OfSums(
      entries.map((e) => ({
        name: e.fileName as unknown as Buffer,
        sum: sums.get(nameKey(e))!
      }))
    )
  } finally {
    zip.close()
  }
}

function nameKey(e: yauzl.Entry): string {
  return (e.fileName as unknown as Buffer).toString('latin1')
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(
      file,
      {
        lazyEntries: true,
        autoClose: false,
        decodeStrings: false,
        validateEntrySizes: true
      },
      (err, zip) => (err ? reject(err) : resolve(zip))
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

function sha256Entry(zip: yauzl.ZipFile, e: yauzl.Entry): Promise<string> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(e, (err, stream) => {
      if (err) return reject(err)
      const h = createHash('sha256')
      stream.on('data', (chunk: Buffer) => h.update(chunk))
      stream.once('end', () => resolve(h.digest('hex')))
      stream.once('error', reject)
    })
  )
}
