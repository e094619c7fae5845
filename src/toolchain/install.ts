// Installs the Go that `go-version` / `go-version-file` ask for: from the
// runner tool cache when it is there, else as the golang.org/toolchain
// module from the ranked mirrors, verified against the checksum database
// (signed tree head, inclusion proof, the zip's h1) before anything is
// unpacked, then kept in the tool cache under setup-go's names.
import * as tc from '@actions/tool-cache'
import { quietLibraryCall } from '../base/library-log.js'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { hashZipFile } from '../gomod/dirhash.js'
import { extractToolchainZip } from './extract.js'
import { checkModuleZip } from '../gomod/zip-check.js'
import { downloadZip } from './zip-download.js'
import { goPlatform, toolCacheVersion } from './platform.js'
import { TOOLCHAIN_MODULE, toolchainModuleVersion } from './select.js'
import { moduleFileUrl } from '../gomod/proxy-url.js'
import {
  lookupVerified,
  parseGosumdb,
  sumdbBase,
  type HttpOptions
} from '../sumdb/sumdb-client.js'
import { resolveRemoteVersion } from './remote-version.js'
import type { GoVersionSpec } from './version-spec.js'

export interface GoRequest {
  /** The input that asked, and its value (a file's content is resolved already). */
  input: 'go-version' | 'go-version-file'
  value: string
  spec: GoVersionSpec
}

export interface GoInstallReport {
  input: GoRequest['input']
  requested: string
  version?: string
  source?: 'tool-cache' | 'mirror'
  mirror?: string
  bytes?: number
  /** From the version list to the tool cache: download, verification, unpacking. */
  durationMs?: number
}

const TOOL = 'go'

/** The tool-cache directory of a Go that satisfies the request without a network, if any. */
export async function findInToolCache(
  spec: GoVersionSpec,
  arch: string
): Promise<{ dir: string; version: string } | undefined> {
  const semverSpec =
    spec.kind === 'exact'
      ? toolCacheVersion(spec.version)
      : spec.kind === 'latest-of'
        ? `${spec.lang}.x`
        : spec.kind === 'range'
          ? spec.range
          : undefined
  if (semverSpec === undefined) return undefined
  const dir = quietLibraryCall(() => tc.find(TOOL, semverSpec, arch))
  if (!dir) return undefined
  // A Go distribution's VERSION starts with `go1.25.4`; the directory
  // (<tool cache>/go/<semver>/<arch>) names it only in semver.
  const first = await readFile(path.join(dir, 'VERSION'), 'utf8').then(
    (t) => t.split('\n')[0],
    () => ''
  )
  const version = first.startsWith('go')
    ? first.slice(2)
    : path.basename(path.dirname(dir))
  return { dir, version }
}

export interface MirrorInstallOptions {
  /** Public mirrors, fastest first. */
  mirrors: string[]
  goproxy: string
  gosumdb: string
  arch: string
  platform: string
  http: HttpOptions
  tempDir: string
}

/**
 * Downloads, verifies and caches the requested Go within `o.http.timeoutMs`
 * in all; returns its tool-cache directory.
 */
export async function installFromMirrors(
  req: GoRequest,
  options: MirrorInstallOptions,
  report: GoInstallReport
): Promise<string> {
  const deadline = AbortSignal.timeout(options.http.timeoutMs)
  const o = { ...options, http: { ...options.http, signal: deadline } }
  try {
    return await install(req, o, report)
  } catch (e) {
    if (!deadline.aborted) throw e
    throw new Error(
      `Go ${req.value} was not installed within ${Math.round(o.http.timeoutMs / 1000)} s (download-timeout)`,
      { cause: e }
    )
  }
}

async function install(
  req: GoRequest,
  o: MirrorInstallOptions,
  report: GoInstallReport
): Promise<string> {
  const started = Date.now()
  const { goos, goarch } = goPlatform(o.platform, o.arch)
  if (o.mirrors.length === 0)
    throw new Error(`${req.input}: no usable mirror to install Go from`)
  const version = await resolveRemoteVersion(req.spec, {
    mirrors: o.mirrors,
    goos,
    goarch,
    http: o.http
  })
  if (version instanceof Error)
    throw new Error(
      `${req.input}: no mirror lists ${TOOLCHAIN_MODULE} (tried ${o.mirrors.join(', ')})`
    )
  if (version === undefined)
    throw new Error(
      `${req.input}: no Go matching ${JSON.stringify(req.value)} for ${goos}/${goarch} in ${TOOLCHAIN_MODULE} (its @v/list, or .info for an exact version)`
    )
  report.version = version
  const cached = quietLibraryCall(() =>
    tc.find(TOOL, toolCacheVersion(version), o.arch)
  )
  if (cached) {
    report.source = 'tool-cache'
    return cached
  }

  const modVersion = toolchainModuleVersion(`go${version}`, goos, goarch)
  const work = await mkdtemp(path.join(o.tempDir, 'go-install-'))
  try {
    const zip = path.join(work, 'toolchain.zip')
    // The database's proof does not depend on the zip: it runs meanwhile.
    const proven = provenHash(modVersion, o)
    proven.catch(() => undefined)
    const mirror = await download(
      o.mirrors,
      (m) =>
        moduleFileUrl(
          m,
          { path: TOOLCHAIN_MODULE, version: modVersion },
          'zip'
        ),
      zip,
      o.http
    )
    report.mirror = mirror.url
    report.bytes = mirror.bytes
    const prefix = `${TOOLCHAIN_MODULE}@${modVersion}/`
    // The zip's own checks come first: they need no database.
    const got = await checkedHash(zip, prefix, mirror.h1).catch((e: Error) => {
      throw new Error(
        `${mirror.url}: ${TOOLCHAIN_MODULE}@${modVersion} refused: ${e.message}`
      )
    })
    const want = await proven
    if (got !== want.h1)
      throw new Error(
        `${mirror.url}: ${TOOLCHAIN_MODULE}@${modVersion}: checksum mismatch: downloaded ${got}, ${want.db} has ${want.h1}`
      )
    const cachedDir = await extractIntoToolCache(
      zip,
      prefix,
      toolCacheVersion(version),
      o
    )
    report.source = 'mirror'
    report.durationMs = Date.now() - started
    return cachedDir
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/**
 * The verified zip unpacked straight into its tool-cache folder, where
 * tool-cache's cacheDir would copy a finished directory: the copy cost as
 * much as the unpacking. The `.complete` marker tc.find looks for comes
 * last, so a failed unpacking is never found.
 */
async function extractIntoToolCache(
  zip: string,
  prefix: string,
  version: string,
  o: MirrorInstallOptions
): Promise<string> {
  const root = process.env.RUNNER_TOOL_CACHE
  if (!root) throw new Error('RUNNER_TOOL_CACHE is not set')
  const dest = path.join(root, TOOL, version, o.arch)
  const marker = `${dest}.complete`
  await rm(marker, { force: true })
  await rm(dest, { recursive: true, force: true })
  await mkdir(dest, { recursive: true })
  try {
    await extractToolchainZip(zip, prefix, dest, o.platform)
  } catch (e) {
    await rm(dest, { recursive: true, force: true })
    throw e
  }
  await writeFile(marker, '')
  return dest
}

async function download(
  mirrors: string[],
  url: (m: string) => string,
  file: string,
  o: HttpOptions
): Promise<{ url: string; bytes: number; h1?: string }> {
  const failures: string[] = []
  for (const m of mirrors) {
    try {
      const d = await downloadZip(url(m), file, o)
      if (d.status === 200) return { url: m, bytes: d.bytes, h1: d.h1 }
      failures.push(`${m}: ${d.status}`)
    } catch (e) {
      if (o.signal?.aborted) throw e
      failures.push(`${m}: ${(e as Error).message}`)
    }
  }
  throw new Error(
    `the toolchain zip could not be downloaded (${failures.join('; ')})`
  )
}

/** The zip's h1 the checksum database proves it holds, and the database's name. */
async function provenHash(
  modVersion: string,
  o: MirrorInstallOptions
): Promise<{ db: string; h1: string }> {
  const setting = parseGosumdb(o.gosumdb || 'sum.golang.org')
  const base = await sumdbBase(setting, o.goproxy, o.http)
  const rec = await lookupVerified(
    base,
    setting.verifier,
    TOOLCHAIN_MODULE,
    modVersion,
    o.http
  )
  const h1 = rec.lines
    .map((l) => l.split(' '))
    .find(
      (f) => f.length === 3 && f[0] === TOOLCHAIN_MODULE && f[1] === modVersion
    )?.[2]
  if (h1 === undefined)
    throw new Error(
      `${setting.verifier.name} has no hash for ${TOOLCHAIN_MODULE}@${modVersion}`
    )
  return { db: setting.verifier.name, h1 }
}

/** go's h1 of a zip go would unpack as `prefix` (see checkModuleZip). */
async function checkedHash(
  zip: string,
  prefix: string,
  streamed: string | undefined
): Promise<string> {
  await checkModuleZip(zip, prefix)
  return streamed ?? (await hashZipFile(zip))
}
