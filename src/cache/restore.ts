import { describeError } from '../base/errors.js'
import * as core from '@actions/core'
import { readFile, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import * as path from 'node:path'
import type { CacheOptions } from './options.js'
import { readGoCacheEnv, type GoCacheEnv } from './go-env.js'
import {
  buildCacheKeys,
  cachePathSpec,
  goSumDigest,
  moduleCacheKeys,
  withModCacheRw,
  type CacheKeys
} from './key.js'
import type { CacheEntryReport, CacheReport } from './report.js'
import {
  CacheTimeoutError,
  lookupEntry,
  restoreEntry,
  serviceAvailable
} from './service.js'
import { lookupKeys, matchesExactly } from './repair-key.js'
import { saveCacheState, type CacheEntryState } from './state.js'
import { findDependencyFiles } from '../gomod/dependency-files.js'
import type { EnvPlan } from '../env/env-plan.js'
import { TOOLCHAIN_MODULE } from '../toolchain/select.js'
import {
  isPopulated,
  makeDirsWritable,
  makeStagingDir,
  moduleCacheStats,
  moveInto,
  treeStats,
  type TreeStats
} from './module-cache-files.js'

/** Longest a download and extraction may take once an entry was found. */
const RESTORE_TIMEOUT_MS = 10 * 60_000

export interface CacheRestoreResult {
  report: CacheReport
  /** GOFLAGS to export (the job's own plus -modcacherw), if it must change. */
  goflags?: string
}

type Env = Record<string, string | undefined>

export interface CacheProject {
  workingDirectory: string
  cacheDependencyPath: string[]
  /** golang.org/toolchain version a switch will download: kept in and naming the module cache. */
  toolchainVersion?: string
}

interface Deadlines {
  /** Finding the entry. */
  lookupMs: number
  /** Its download and extraction, once found. */
  restoreMs: number
}

interface Target {
  kind: 'modules' | 'build'
  dir: string
  /** The part of `dir` that is archived. */
  cached: string
  keys: CacheKeys
  crossOs: boolean
  stats: () => Promise<TreeStats>
}

/**
 * Restores the module cache (and the build cache when asked) before any go
 * command of the job can fill GOMODCACHE. Never throws for cache trouble:
 * that is a warning and a miss.
 */
export async function restoreCaches(
  inputs: CacheOptions,
  project: CacheProject,
  env: Env = process.env,
  now: Date = new Date(),
  restoreTimeoutMs = RESTORE_TIMEOUT_MS
): Promise<CacheRestoreResult | undefined> {
  if (!inputs.enabled) return undefined
  try {
    return await restore(inputs, project, env, now, {
      restoreMs: restoreTimeoutMs,
      lookupMs: inputs.lookupTimeoutMs
    })
  } catch (e) {
    core.warning(`The Go caches were not restored: ${describeError(e)}`)
    return undefined
  }
}

async function restore(
  inputs: CacheOptions,
  project: CacheProject,
  env: Env,
  now: Date,
  deadlines: Deadlines
): Promise<CacheRestoreResult> {
  // The same home @actions/glob expands `~` with.
  const home = homedir()
  const workspace = env.GITHUB_WORKSPACE || process.cwd()
  const goEnv = await readGoCacheEnv(env, home)
  if (goEnv.goError)
    core.info(
      `go env failed (${goEnv.goError}); using GOMODCACHE=${goEnv.gomodcache}`
    )
  const report: CacheReport = {
    mode: inputs.mode,
    save: inputs.save,
    entries: [],
    warnings: [],
    keyFiles: []
  }
  const states: CacheEntryState[] = []

  const keyFiles = await findDependencyFiles(
    workspace,
    project.workingDirectory,
    project.cacheDependencyPath
  )
  report.keyFiles = keyFiles.map((f) =>
    path.relative(workspace, f).split(path.sep).join('/')
  )
  const sums = await Promise.all(keyFiles.map((f) => readFile(f, 'utf8')))
  const modKeys = moduleCacheKeys(
    inputs.keyPrefix,
    inputs.mode,
    sums,
    project.toolchainVersion
  )
  const download = path.join(goEnv.gomodcache, 'cache', 'download')
  const modTarget: Target = {
    kind: 'modules',
    dir: goEnv.gomodcache,
    cached: inputs.mode === 'download' ? download : goEnv.gomodcache,
    keys: modKeys,
    // Zips and metadata are the same bytes on every OS; the extracted tree
    // carries permissions, so it stays within one OS family.
    crossOs: inputs.mode === 'download',
    stats: () => moduleCacheStats(goEnv.gomodcache, inputs.mode)
  }
  const noHashes =
    project.toolchainVersion === undefined &&
    sums.every((s) => goSumDigest([s]) === goSumDigest([]))
  const targets: Target[] = [modTarget]
  const buildTarget = buildCacheTarget(inputs, goEnv, env, now, report)
  if (buildTarget) targets.push(buildTarget)

  for (const t of targets) {
    const preexisting = await isPopulated(t.dir)
    const entry: CacheEntryReport = {
      kind: t.kind,
      dir: t.dir,
      key: t.keys.key,
      hit: 'miss',
      durationMs: 0
    }
    const state: CacheEntryState = {
      kind: t.kind,
      dir: t.dir,
      spec: cachePathSpec(t.cached, home),
      crossOs: t.crossOs,
      key: t.keys.key,
      hit: 'miss',
      preexisting
    }
    const started = Date.now()
    if (t.kind === 'modules' && noHashes) {
      entry.hit = 'skipped'
      entry.detail =
        keyFiles.length === 0
          ? 'no go.sum or go.work.sum found'
          : 'the go.sum files list no modules'
    } else if (!serviceAvailable()) {
      entry.hit = 'unavailable'
      report.warnings.push(
        `The cache service is not available in this job; the ${t.kind} cache is neither restored nor saved.`
      )
    } else {
      await restoreOne(t, state, entry, report, deadlines)
    }
    if (entry.hit !== 'skipped') {
      const st = await t.stats()
      state.digest = st.digest
      entry.sizeBytes = st.bytes
      entry.files = st.files
      if (t.kind === 'modules') entry.versions = st.versions
    }
    entry.durationMs = Date.now() - started
    state.hit = entry.hit
    state.matchedKey = entry.matchedKey
    report.entries.push(entry)
    states.push(state)
  }

  for (const w of report.warnings) core.warning(w)
  const mod = report.entries[0]
  core.setOutput('cache-hit', String(mod.hit === 'exact'))
  core.setOutput('cache-key', mod.hit === 'skipped' ? '' : mod.key)
  core.setOutput('cache-matched-key', mod.matchedKey ?? '')
  saveCacheState({
    mode: inputs.mode,
    save: inputs.save,
    keyFiles,
    keepModules:
      project.toolchainVersion === undefined
        ? []
        : [{ path: TOOLCHAIN_MODULE, version: project.toolchainVersion }],
    entries: states
  })
  return { report, goflags: withModCacheRw(goEnv.goflags) }
}

async function restoreOne(
  t: Target,
  state: CacheEntryState,
  entry: CacheEntryReport,
  report: CacheReport,
  deadlines: Deadlines
): Promise<void> {
  let staging: string | undefined
  try {
    const lookup = lookupKeys(t.keys)
    const matched = await lookupEntry(
      state.spec,
      lookup.primary,
      lookup.restoreKeys,
      t.crossOs,
      deadlines.lookupMs
    )
    if (matched === undefined) return
    // The archive is extracted beside its place and moved in only once
    // complete: when the deadline cuts a restore short, @actions/cache cannot
    // be stopped, and its late extraction must not write into a cache that
    // go commands of this job are already using.
    staging = await makeStagingDir(t.cached)
    const restored = await restoreEntry(
      state.spec,
      matched,
      t.crossOs,
      deadlines.restoreMs,
      staging
    )
    if (restored === undefined) {
      entry.hit = 'failed'
      entry.detail = `found ${matched} but could not restore it`
      report.warnings.push(
        `The ${t.kind} cache entry ${matched} was found but could not be restored; continuing without it.`
      )
      await rm(staging, { recursive: true, force: true })
      return
    }
    const extracted = path.join(
      staging,
      path.relative(state.spec.root, path.resolve(t.cached))
    )
    // Moving a directory to a new parent needs write permission on it, and
    // the full mode's module directories come read-only; replacing files in
    // a populated cache needs its directories writable too (tar's "Cannot
    // open: File exists" failure).
    if (t.kind === 'modules' && t.cached === t.dir)
      await makeDirsWritable(extracted)
    if (state.preexisting && t.kind === 'modules')
      await makeDirsWritable(t.cached)
    await moveInto(extracted, t.cached)
    await rm(staging, { recursive: true, force: true })
    entry.matchedKey = restored
    entry.hit = matchesExactly(restored, t.keys.key) ? 'exact' : 'partial'
    if (t.kind === 'build') {
      // Without its trim stamp go trims entries unused for 5 days on the next
      // build, so a restored build cache sheds what the code stopped using.
      await rm(path.join(t.dir, 'trim.txt'), { force: true })
    }
  } catch (e) {
    entry.hit = 'failed'
    if (e instanceof CacheTimeoutError && staging !== undefined) {
      entry.detail = e.message
      report.warnings.push(
        `The ${t.kind} cache could not be restored (${e.message}); continuing without it. ` +
          `The download may still finish in the background, but only into ${staging}, which nothing uses; post will not save this cache.`
      )
      return
    }
    entry.detail = e instanceof CacheTimeoutError ? e.message : describeError(e)
    report.warnings.push(
      `The ${t.kind} cache could not be restored (${entry.detail}); continuing without it.`
    )
    if (staging !== undefined)
      await rm(staging, { recursive: true, force: true }).catch(() => undefined)
  }
}

function buildCacheTarget(
  inputs: CacheOptions,
  goEnv: GoCacheEnv,
  env: Env,
  now: Date,
  report: CacheReport
): Target | undefined {
  if (!inputs.build) return undefined
  if (
    !goEnv.gocache ||
    !goEnv.goVersion ||
    !goEnv.goHostOs ||
    !goEnv.goHostArch
  ) {
    report.warnings.push(
      `cache-build is on but go could not report GOCACHE and its version (${goEnv.goError ?? 'GOCACHE=off'}); the build cache is not restored.`
    )
    return undefined
  }
  const gocache = goEnv.gocache
  return {
    kind: 'build',
    dir: gocache,
    cached: gocache,
    keys: buildCacheKeys({
      prefix: inputs.keyPrefix,
      goos: goEnv.goHostOs,
      goarch: goEnv.goHostArch,
      goVersion: goEnv.goVersion,
      job: env.GITHUB_JOB ?? '',
      now
    }),
    crossOs: false,
    stats: () => treeStats(gocache)
  }
}

/** Exports GOFLAGS with -modcacherw through the env plan. */
export function planCacheEnv(
  plan: EnvPlan,
  result: CacheRestoreResult | undefined
): void {
  if (result?.goflags === undefined) return
  plan.set(
    'GOFLAGS',
    result.goflags,
    "the job's GOFLAGS plus -modcacherw, so go leaves module directories writable and later restores never meet read-only files"
  )
}
