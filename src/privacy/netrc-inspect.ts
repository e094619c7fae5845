import { constants, promises as fs } from 'node:fs'
import * as path from 'node:path'

export type Inspection =
  | { kind: 'absent' }
  | { kind: 'file'; data: Buffer; mode: number }
  | { kind: 'dangling-link'; linkTarget: string }
  | { kind: 'unsafe'; why: string; data?: Buffer }

export const code = (e: unknown): string | undefined =>
  (e as NodeJS.ErrnoException).code

/**
 * Whether a netrc file can take a secret. A file another user owns, or that
 * its owner made read-only, is left alone (writing it would hand the token
 * to that user or override a deliberate choice); a directory or other
 * non-file is an error, since neither go nor git can read it either.
 */
export async function inspect(p: string): Promise<Inspection> {
  let st
  try {
    st = await fs.lstat(p)
  } catch (e) {
    if (code(e) !== 'ENOENT') throw e
    try {
      await fs.access(path.dirname(p), constants.W_OK)
    } catch {
      return {
        kind: 'unsafe',
        why: `its directory ${path.dirname(p)} does not exist or cannot be written`
      }
    }
    return { kind: 'absent' }
  }
  if (st.isSymbolicLink()) {
    try {
      st = await fs.stat(p)
    } catch (e) {
      if (code(e) !== 'ENOENT' && code(e) !== 'ENOTDIR') throw e
      return { kind: 'dangling-link', linkTarget: await fs.readlink(p) }
    }
  }
  if (st.isDirectory()) {
    throw new Error(
      `netrc file ${p} is a directory, so neither go nor git can read credentials from it; remove or rename it (nothing was written)`
    )
  }
  if (!st.isFile()) {
    throw new Error(
      `netrc file ${p} is not a regular file; remove or rename it (nothing was written)`
    )
  }
  const readable = (): Promise<Buffer | undefined> =>
    fs.readFile(p).catch(() => undefined)
  const uid = process.getuid?.()
  if (uid !== undefined && st.uid !== uid) {
    return {
      kind: 'unsafe',
      why: `it belongs to another user (uid ${st.uid})`,
      data: await readable()
    }
  }
  if ((st.mode & 0o200) === 0) {
    return {
      kind: 'unsafe',
      why: `it is read-only (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`,
      data: await readable()
    }
  }
  return { kind: 'file', data: await fs.readFile(p), mode: st.mode & 0o7777 }
}
