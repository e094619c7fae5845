import { existsSync, promises as fs } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Credential } from './credentials.js'
import { mergeNetrc, removeOurLines, renderEntries, sha256 } from './netrc.js'

export interface NetrcTarget {
  path: string
  /** Who reads this file, for the summary. */
  readBy: string
}

/**
 * The files to write so that both the go command and git (through libcurl,
 * which reads ~/.netrc itself) find the credentials.
 */
export function netrcTargets(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: string,
  exists: (p: string) => boolean
): NetrcTarget[] {
  const out: NetrcTarget[] = []
  const add = (p: string, readBy: string): void => {
    const hit = out.find((t) => path.resolve(t.path) === path.resolve(p))
    if (hit) hit.readBy += `, ${readBy}`
    else out.push({ path: p, readBy })
  }
  const netrcEnv = env.NETRC ?? ''
  if (platform === 'win32') {
    // Go prefers %USERPROFILE%\_netrc when it exists; libcurl looks for
    // .netrc before _netrc in %HOME%, then %USERPROFILE%.
    const profile = env.USERPROFILE || home
    const curlHome = env.HOME || profile
    if (netrcEnv !== '') add(netrcEnv, 'go (NETRC)')
    else add(path.win32.join(profile, '_netrc'), 'go')
    const curlDot = path.win32.join(curlHome, '.netrc')
    add(exists(curlDot) ? curlDot : path.win32.join(curlHome, '_netrc'), 'git')
    return out
  }
  if (netrcEnv !== '') add(netrcEnv, 'go (NETRC)')
  else add(path.join(home, '.netrc'), 'go')
  add(path.join(home, '.netrc'), 'git')
  return out
}

interface BackupFile {
  path: string
  existed: boolean
  mode?: number
  backup?: string
  writtenSha256: string
  ourLineHashes: string[]
}

interface Manifest {
  version: 1
  files: BackupFile[]
}

/**
 * Backs up every target into a private directory under `tempDir`, records the
 * manifest through `saveManifestPath` (before anything is written, so that a
 * post step after a half-finished main still restores), then writes the
 * merged files with mode 0600. Returns the manifest path.
 */
export async function installNetrc(
  creds: readonly Credential[],
  targets: readonly NetrcTarget[],
  tempDir: string,
  saveManifestPath: (manifestPath: string) => void
): Promise<string> {
  const dir = await fs.mkdtemp(path.join(tempDir, 'setup-goproxy-netrc-'))
  await fs.chmod(dir, 0o700)
  const ourLineHashes = renderEntries(creds).map(sha256)
  const files: BackupFile[] = []
  const contents: string[] = []
  for (const [i, t] of targets.entries()) {
    const old = await readIfExists(t.path)
    const merged = mergeNetrc(old?.data.toString('utf8') ?? '', creds)
    contents.push(merged)
    const f: BackupFile = {
      path: path.resolve(t.path),
      existed: old !== undefined,
      writtenSha256: sha256(merged),
      ourLineHashes
    }
    if (old) {
      f.mode = old.mode & 0o7777
      f.backup = path.join(dir, `backup-${i}`)
      await fs.writeFile(f.backup, old.data, { mode: 0o600 })
    }
    files.push(f)
  }
  const manifestPath = path.join(dir, 'manifest.json')
  const manifest: Manifest = { version: 1, files }
  await fs.writeFile(manifestPath, JSON.stringify(manifest), { mode: 0o600 })
  saveManifestPath(manifestPath)
  for (const [i, f] of files.entries()) {
    await fs.mkdir(path.dirname(f.path), { recursive: true, mode: 0o700 })
    // Written in place (not renamed) so that a symlinked ~/.netrc stays a link.
    await fs.writeFile(f.path, contents[i], { mode: 0o600 })
    await fs.chmod(f.path, 0o600)
  }
  return manifestPath
}

export interface RestoreResult {
  restored: string[]
  removed: string[]
  /** Files changed by someone else after main: only our lines were taken out. */
  edited: string[]
}

/**
 * Puts every file back as it was before main, newest manifest first when the
 * action ran more than once (posts run in reverse order, so each one sees
 * exactly what its main wrote). A file changed by a later step keeps those
 * changes and loses only our lines.
 */
export async function restoreNetrc(
  manifestPath: string
): Promise<RestoreResult> {
  const result: RestoreResult = { restored: [], removed: [], edited: [] }
  let manifest: Manifest
  try {
    manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as Manifest
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return result
    throw e
  }
  for (const f of [...manifest.files].reverse()) {
    const now = await readIfExists(f.path)
    if (now !== undefined && sha256(now.data) !== f.writtenSha256) {
      const kept = removeOurLines(
        now.data.toString('utf8'),
        new Set(f.ourLineHashes)
      )
      if (kept === '' && !f.existed) await fs.rm(f.path, { force: true })
      else await fs.writeFile(f.path, kept)
      result.edited.push(f.path)
    } else if (f.existed && f.backup) {
      await fs.writeFile(f.path, await fs.readFile(f.backup))
      await fs.chmod(f.path, f.mode ?? 0o600)
      result.restored.push(f.path)
    } else {
      await fs.rm(f.path, { force: true })
      result.removed.push(f.path)
    }
  }
  await fs.rm(path.dirname(manifestPath), { recursive: true, force: true })
  return result
}

async function readIfExists(
  p: string
): Promise<{ data: Buffer; mode: number } | undefined> {
  try {
    const [data, st] = await Promise.all([fs.readFile(p), fs.stat(p)])
    return { data, mode: st.mode }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

/** Default arguments for netrcTargets on this machine. */
export function localNetrcTargets(): NetrcTarget[] {
  return netrcTargets(process.env, process.platform, os.homedir(), existsSync)
}
