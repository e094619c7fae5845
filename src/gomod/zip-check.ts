// The checks go's module unzip (golang.org/x/mod/zip) makes before a byte is
// written, plus one of ours. Names are the raw bytes the h1 was computed
// over: never a name from an extra field or a code page, so that what is
// unpacked is what was verified. Refused: an Info-ZIP Unicode Path extra
// field (0x7075), which would let an unpacker that honours it write a file
// under another name than the one hashed; two entries that go's checks call
// one file (equal, or equal under case folding, or a file that is also a
// directory); names that are not plain relative paths under the prefix; and
// more than go's 500 MiB of declared content.
import yauzl from 'yauzl'
import { MAX_ZIP_BYTES } from './limits.js'

const UNICODE_PATH = 0x7075
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Opens a zip whose entries carry their raw names (Buffers), in directory order. */
export function openRawZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(
      file,
      {
        lazyEntries: true,
        autoClose: false,
        decodeStrings: false,
        validateEntrySizes: true
      },
      (err, z) => (err ? reject(err) : resolve(z))
    )
  )
}

export function rawName(e: yauzl.Entry): Buffer {
  return e.fileName as unknown as Buffer
}

/**
 * The entry's path under `prefix`; a directory entry ends with `/`. Module
 * zips name files in UTF-8 with `/` only; anything outside the prefix or
 * climbing out of it is refused rather than written.
 */
export function relativeName(raw: Buffer, prefix: string): string {
  let name: string
  try {
    name = utf8.decode(raw)
  } catch {
    throw new Error(
      `zip entry ${JSON.stringify(raw.toString('latin1'))} is not UTF-8`
    )
  }
  if (!name.startsWith(prefix))
    throw new Error(`zip entry ${JSON.stringify(name)} is outside ${prefix}`)
  const rel = name.slice(prefix.length)
  const parts = rel.split('/')
  if (
    rel === '' ||
    rel.includes('\\') ||
    parts.some(
      (p, i) => p === '..' || p === '.' || (p === '' && i < parts.length - 1)
    )
  )
    throw new Error(
      `zip entry ${JSON.stringify(name)} is not a plain relative path`
    )
  return rel
}

// go compares names under Unicode simple case folding (strToFold). Upper
// then lower case, one code point at a time, is that fold except for the
// few characters whose upper case is several (ß → SS): those keep their
// lower case, so no name go accepts is refused for them.
function fold(s: string): string {
  let out = ''
  for (const c of s) {
    const u = c.toUpperCase()
    out += [...u].length === 1 ? u.toLowerCase() : c.toLowerCase()
  }
  return out
}

/** go's collisionChecker: one name per folded path, files never also directories. */
class Collisions {
  private readonly seen = new Map<string, { path: string; isDir: boolean }>()

  check(p: string, isDir: boolean): void {
    const key = fold(p)
    const other = this.seen.get(key)
    if (other) {
      if (other.path !== p)
        throw new Error(
          `case-insensitive file name collision: ${JSON.stringify(other.path)} and ${JSON.stringify(p)}`
        )
      if (other.isDir !== isDir)
        throw new Error(
          `zip entry ${JSON.stringify(p)} is both a file and a directory`
        )
      if (!isDir)
        throw new Error(`multiple zip entries for file ${JSON.stringify(p)}`)
      return
    }
    this.seen.set(key, { path: p, isDir })
    const slash = p.lastIndexOf('/')
    if (slash > 0) this.check(p.slice(0, slash), true)
  }
}

/** Throws when the zip is not one go would unpack as this module, or uses a Unicode Path field. */
export async function checkModuleZip(
  file: string,
  prefix: string
): Promise<void> {
  const zip = await openRawZip(file)
  try {
    const collisions = new Collisions()
    let declared = 0
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject)
      zip.on('end', resolve)
      zip.on('entry', (e: yauzl.Entry) => {
        try {
          const rel = relativeName(rawName(e), prefix)
          if (e.extraFields.some((f) => f.id === UNICODE_PATH))
            throw new Error(
              `zip entry ${JSON.stringify(prefix + rel)} has an Info-ZIP Unicode Path extra field (0x7075), which would unpack it under another name than the one hashed`
            )
          const isDir = rel.endsWith('/')
          collisions.check(isDir ? rel.slice(0, -1) : rel, isDir)
          declared += e.uncompressedSize
          if (declared > MAX_ZIP_BYTES)
            throw new Error(
              `the zip's entries declare more than go's limit of ${MAX_ZIP_BYTES} bytes of content`
            )
        } catch (err) {
          reject(err as Error)
          return
        }
        zip.readEntry()
      })
      zip.readEntry()
    })
  } finally {
    zip.close()
  }
}
