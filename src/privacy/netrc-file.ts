import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { Credential } from './credentials.js'
import { code, inspect } from './netrc-inspect.js'
import type { NetrcTarget } from './netrc-targets.js'
import { gitNetrcWarnings, netrcEntries } from './netrc-entries.js'
import {
  mergeNetrc,
  netrcMachines,
  putBackEntries,
  removeOurLines,
  type NetrcEntry
} from './netrc.js'

export interface NetrcFileRecord {
  path: string
  /** `file` existed and was changed in place; `dangling-link` was a symlink to nothing, replaced by a file. */
  kind: 'file' | 'created' | 'dangling-link'
  mode?: number
  linkTarget?: string
  /** The file as it was, in the private directory. */
  backup?: string
  /** Machine and login of each line the action wrote. */
  written: { machine: string; login: string }[]
  /** Machines whose earlier entries the action cut out. */
  replaced: string[]
}

export interface NetrcManifest {
  version: 2
  /** Private directory holding the backups (and a private copy for go). */
  dir: string
  files: NetrcFileRecord[]
}

// Netrc files are handled as byte strings (latin1), so that bytes that are
// not UTF-8 come back exactly.
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1')
const text = (b: Buffer): string => b.toString('latin1')
const asBytes = (s: string): string => text(Buffer.from(s, 'utf8'))

export interface InstalledNetrc {
  /** The files written, for the summary. */
  files: { path: string; readBy: string }[]
  /** A private netrc for go, to export as NETRC, when go's own file could not be written safely. */
  netrcForGo?: string
  warnings: string[]
}

/**
 * Backs up every target into a private directory under `tempDir`, hands the
 * manifest to `saveManifest` (before anything is written, so that a post
 * step after a half-finished main still restores), then writes the merged
 * files with mode 0600. A file that cannot safely take the secret is left
 * alone: go then reads a private copy through NETRC, and git is warned about.
 */
export async function installNetrc(
  creds: readonly Credential[],
  targets: readonly NetrcTarget[],
  tempDir: string,
  saveManifest: (manifest: string) => void
): Promise<InstalledNetrc> {
  const seen = await Promise.all(targets.map((t) => inspect(t.path)))
  const dir = await fs.mkdtemp(path.join(tempDir, 'setup-goproxy-netrc-'))
  const warnings = gitNetrcWarnings(creds)
  const records: NetrcFileRecord[] = []
  const contents: string[] = []
  const result: InstalledNetrc = { files: [], warnings }
  let privateCopy: string | undefined
  for (const [i, t] of targets.entries()) {
    const s = seen[i]
    const old = 'data' in s && s.data ? text(s.data) : ''
    const planned = netrcEntries(creds, t.git, netrcMachines(old))
    warnings.push(...planned.warnings)
    const entries: NetrcEntry[] = planned.entries.map((e) => ({
      machine: e.machine,
      login: asBytes(e.login),
      token: asBytes(e.token)
    }))
    const merged = mergeNetrc(old, entries)
    if (s.kind === 'unsafe') {
      const hosts = [...new Set(creds.map((c) => c.host))].join(', ')
      const git = t.git
        ? ` git reads only that file, so git will not authenticate to ${hosts}.`
        : ''
      if (t.go) {
        privateCopy = merged
        result.netrcForGo = path.join(dir, 'netrc')
        result.files.push({ path: result.netrcForGo, readBy: 'go (NETRC)' })
      }
      warnings.push(
        `${t.path} was left unchanged because ${s.why}.` +
          (t.go
            ? ` go reads the credentials from a private copy (NETRC=${result.netrcForGo}) for the rest of the job.`
            : '') +
          git
      )
      continue
    }
    const existing = new Set(netrcMachines(old))
    const record: NetrcFileRecord = {
      path: path.resolve(t.path),
      kind: s.kind === 'absent' ? 'created' : s.kind,
      written: entries.map(({ machine, login }) => ({ machine, login })),
      replaced: entries.map((e) => e.machine).filter((m) => existing.has(m))
    }
    if (s.kind === 'file') {
      record.mode = s.mode
      record.backup = path.join(dir, `backup-${i}`)
      await fs.writeFile(record.backup, s.data, { mode: 0o600, flag: 'wx' })
    }
    if (s.kind === 'dangling-link') record.linkTarget = s.linkTarget
    records.push(record)
    contents.push(merged)
    result.files.push({ path: t.path, readBy: t.readBy })
  }
  const manifest: NetrcManifest = { version: 2, dir, files: records }
  saveManifest(JSON.stringify(manifest))
  for (const [i, f] of records.entries()) {
    const data = bytes(contents[i])
    if (f.kind === 'file') {
      // Tightened before the secret goes in; post puts the mode back.
      if ((f.mode ?? 0) & 0o077) await fs.chmod(f.path, 0o600)
      // Written in place (not renamed) so that a symlinked ~/.netrc stays a link.
      await fs.writeFile(f.path, data)
      continue
    }
    if (f.kind === 'dangling-link') await fs.unlink(f.path)
    await fs.writeFile(f.path, data, { mode: 0o600, flag: 'wx' })
  }
  if (result.netrcForGo && privateCopy !== undefined) {
    await fs.writeFile(result.netrcForGo, bytes(privateCopy), {
      mode: 0o600,
      flag: 'wx'
    })
  }
  return result
}

export interface RestoreResult {
  /** Put back byte for byte. */
  restored: string[]
  removed: string[]
  /** Changed by a later step: those changes were kept, our lines removed. */
  edited: string[]
  /** Earlier entries that could not be put back (their backup was gone). */
  lost: { path: string; machines: string[] }[]
  /** Files post could not restore; they may still hold our entries. */
  failed: { path: string; error: string }[]
}

/**
 * Puts every file back as it was before main, newest first when the action
 * ran more than once (posts run in reverse order, so each one sees exactly
 * what its main wrote). Changes made by later steps are kept; the entries
 * main replaced come back from the backup, and when the backup is gone
 * (RUNNER_TEMP wiped) the result says which could not.
 */
export async function restoreNetrc(manifest: string): Promise<RestoreResult> {
  const m = JSON.parse(manifest) as NetrcManifest
  const result: RestoreResult = {
    restored: [],
    removed: [],
    edited: [],
    lost: [],
    failed: []
  }
  for (const f of [...m.files].reverse()) {
    try {
      await restoreFile(f, result)
    } catch (e) {
      result.failed.push({
        path: f.path,
        error: e instanceof Error ? e.message : String(e)
      })
    }
  }
  await fs.rm(m.dir, { recursive: true, force: true })
  return result
}

async function restoreFile(
  f: NetrcFileRecord,
  result: RestoreResult
): Promise<void> {
  const original = f.backup ? await readIfExists(f.backup) : undefined
  const now = await readIfExists(f.path)
  if (f.kind === 'dangling-link') await fs.rm(f.path, { force: true })
  if (now === undefined) {
    if (f.kind === 'dangling-link') {
      await fs.symlink(f.linkTarget!, f.path)
      result.restored.push(f.path)
    } else if (f.kind === 'file' && original !== undefined) {
      await fs.writeFile(f.path, original)
      await fs.chmod(f.path, f.mode!)
      result.restored.push(f.path)
    } else if (f.kind === 'file') {
      result.lost.push({ path: f.path, machines: f.replaced })
    }
    return
  }
  const kept = removeOurLines(text(now), f.written)
  if (f.kind === 'created') {
    if (kept === '') {
      await fs.rm(f.path, { force: true })
      result.removed.push(f.path)
    } else {
      await fs.writeFile(f.path, bytes(kept))
      result.edited.push(f.path)
    }
    return
  }
  if (f.kind === 'dangling-link') {
    await fs.symlink(f.linkTarget!, f.path)
    if (kept === '') {
      result.restored.push(f.path)
      return
    }
    // As the later step's write would have done to the link.
    await fs.writeFile(f.path, bytes(kept), { mode: 0o600 })
    result.edited.push(f.path)
    return
  }
  const before = original === undefined ? undefined : text(original)
  const restored =
    before === undefined
      ? kept
      : putBackEntries(kept, before, new Set(f.written.map((w) => w.machine)))
  await fs.writeFile(f.path, bytes(restored))
  await fs.chmod(f.path, f.mode!)
  if (before === undefined && f.replaced.length > 0) {
    result.lost.push({ path: f.path, machines: f.replaced })
  } else if (before === undefined || restored === before) {
    result.restored.push(f.path)
  } else {
    result.edited.push(f.path)
  }
}

async function readIfExists(p: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(p)
  } catch (e) {
    if (code(e) === 'ENOENT') return undefined
    throw e
  }
}
