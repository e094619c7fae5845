// Unpacks a verified toolchain module zip into a directory: the files live
// under `golang.org/toolchain@<version>/`, which is stripped, as go's module
// extraction would place them at the root of the module directory. Exec bits
// and the `_go.mod` → `go.mod` copies are what go adds on first use.
import { createWriteStream } from 'node:fs'
import { chmod, copyFile, mkdir } from 'node:fs/promises'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'
import yauzl from 'yauzl'
import { isExecutable } from './platform.js'

export async function extractToolchainZip(
  zipFile: string,
  prefix: string,
  dest: string,
  platform: string = process.platform
): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(
      zipFile,
      {
        lazyEntries: true,
        autoClose: false,
        validateEntrySizes: true,
        strictFileNames: true
      },
      (err, z) => (err ? reject(err) : resolve(z))
    )
  )
  const goMods: string[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject)
      zip.on('end', resolve)
      zip.on('entry', (e: yauzl.Entry) => {
        void (async () => {
          const rel = relativeName(e.fileName, prefix)
          if (rel.endsWith('/')) return
          const file = path.join(dest, ...rel.split('/'))
          await mkdir(path.dirname(file), { recursive: true })
          const stream = await new Promise<NodeJS.ReadableStream>((res, rej) =>
            zip.openReadStream(e, (err, s) => (err ? rej(err) : res(s)))
          )
          await pipeline(stream, createWriteStream(file))
          if (isExecutable(rel, platform)) await chmod(file, 0o755)
          if (path.basename(rel) === '_go.mod') goMods.push(file)
        })().then(() => zip.readEntry(), reject)
      })
      zip.readEntry()
    })
  } finally {
    zip.close()
  }
  for (const f of goMods)
    await copyFile(f, path.join(path.dirname(f), 'go.mod'))
}

// Module zips name files with `/` only; anything outside the prefix or
// climbing out of it is refused rather than written.
function relativeName(name: string, prefix: string): string {
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
