// Unpacks a verified toolchain module zip into a directory: the files live
// under `golang.org/toolchain@<version>/`, which is stripped, as go's module
// extraction would place them at the root of the module directory. Exec bits
// and the `_go.mod` → `go.mod` copies are what go adds on first use. Files
// are written under the raw names the h1 was computed over (checkModuleZip
// has refused anything that would make another name apply).
import { createWriteStream } from 'node:fs'
import { chmod, copyFile, mkdir } from 'node:fs/promises'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type yauzl from 'yauzl'
import { isExecutable } from './platform.js'
import { openRawZip, rawName, relativeName } from '../gomod/zip-check.js'

export async function extractToolchainZip(
  zipFile: string,
  prefix: string,
  dest: string,
  platform: string = process.platform
): Promise<void> {
  const zip = await openRawZip(zipFile)
  const goMods: string[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject)
      zip.on('end', resolve)
      zip.on('entry', (e: yauzl.Entry) => {
        void (async () => {
          const rel = relativeName(rawName(e), prefix)
          if (rel.endsWith('/')) return
          const file = path.join(dest, ...rel.split('/'))
          await mkdir(path.dirname(file), { recursive: true })
          const stream = await new Promise<NodeJS.ReadableStream>((res, rej) =>
            zip.openReadStream(e, (err, s) => (err ? rej(err) : res(s)))
          )
          // O_EXCL, as go's unzip: a second entry never replaces a file.
          await pipeline(stream, createWriteStream(file, { flags: 'wx' }))
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
