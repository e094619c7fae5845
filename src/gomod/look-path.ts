import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import * as path from 'node:path'

/** exec.LookPath: `name` as an executable file in a directory of PATH. */
export async function findOnPath(
  name: string,
  pathList: string
): Promise<string | undefined> {
  const names = process.platform === 'win32' ? [`${name}.exe`] : [name]
  for (const dir of pathList.split(path.delimiter)) {
    if (dir === '') continue
    for (const n of names) {
      const file = path.join(dir, n)
      if (await isExecutableFile(file)) return file
    }
  }
  return undefined
}

// A directory passes the X_OK check too; LookPath skips it (EISDIR).
async function isExecutableFile(file: string): Promise<boolean> {
  const s = await stat(file).catch(() => undefined)
  if (s === undefined || s.isDirectory()) return false
  return access(file, constants.X_OK).then(
    () => true,
    () => false
  )
}
