import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
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
      const ok = await access(file, constants.X_OK).then(
        () => true,
        () => false
      )
      if (ok) return file
    }
  }
  return undefined
}
