import { describeError } from '../base/errors.js'
import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import { mergeGoSums, parseGoSum } from '../gomod/gosum.js'
import {
  CacheTimeoutError,
  saveEntry,
  serviceAvailable,
  transferBudgetMs
} from './service.js'
import {
  cacheMainCompleted,
  loadCacheState,
  modulesIncomplete,
  type CacheEntryState,
  type CacheState
} from './state.js'
import {
  keepAlso,
  keepFromGoSum,
  moduleCacheStats,
  pruneModuleCache,
  treeStats,
  type TreeStats
} from './module-cache-files.js'
import { formatBytes } from '../base/markdown.js'
import { repairKey } from './repair-key.js'
import { shortKey } from './key.js'

export type SaveOutcome =
  | 'saved'
  | 'exact-hit'
  | 'unchanged'
  | 'empty'
  | 'declined'
  | 'failed'
  | 'not-attempted'

export interface SaveResult {
  kind: 'modules' | 'build'
  outcome: SaveOutcome
  key: string
  sizeBytes?: number
  durationMs: number
  detail?: string
}

type Env = Record<string, string | undefined>

/**
 * The post step's save. Saves only what main restored (or tried to), only
 * when main completed, never an empty cache, and in `auto` mode only when the
 * content differs from what was restored. Never throws for cache trouble.
 */
export async function saveCaches(
  env: Env = process.env
): Promise<SaveResult[]> {
  const state = loadCacheState()
  if (!state) return []
  const results: SaveResult[] = []
  const skipAll = whySkip(state)
  for (const e of state.entries) {
    const started = Date.now()
    const r: SaveResult = {
      kind: e.kind,
      outcome: 'not-attempted',
      key: e.key,
      durationMs: 0
    }
    if (skipAll) r.detail = skipAll
    else {
      try {
        await saveOne(state, e, r, env)
      } catch (err) {
        r.outcome = 'failed'
        r.detail = describeError(err)
        core.warning(`The ${e.kind} cache was not saved: ${r.detail}`)
      }
    }
    r.durationMs = Date.now() - started
    core.info(
      `${e.kind} cache: ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`
    )
    results.push(r)
  }
  return results
}

function whySkip(state: CacheState): string | undefined {
  if (state.save === 'never') return 'cache-save is never'
  // post-if is always() (credentials must be restored after a failure), so
  // "only on success" is decided here: the main step must have completed.
  // Later steps failing does not matter: go verified every module it wrote.
  if (state.save === 'auto' && !cacheMainCompleted()) {
    return 'the main step did not complete'
  }
  if (!serviceAvailable()) return 'no cache service'
  return undefined
}

async function saveOne(
  state: CacheState,
  e: CacheEntryState,
  r: SaveResult,
  env: Env
): Promise<void> {
  if (e.hit === 'skipped' || e.hit === 'unavailable') {
    r.detail = 'nothing was restored or keyed'
    return
  }
  if (e.hit === 'failed') {
    // A service that failed or hung in main would cost the same again.
    r.detail = 'the cache service failed during restore'
    return
  }
  const incomplete = e.kind === 'modules' ? modulesIncomplete() : undefined
  if (incomplete !== undefined) {
    r.detail = `${incomplete} in the main step; an incomplete module cache is not saved`
    return
  }
  const ephemeral = env.RUNNER_ENVIRONMENT === 'github-hosted'
  // Only a module cache can prove incomplete: the build cache's key changes
  // daily, and its content with every build.
  if (
    e.hit === 'exact' &&
    (e.kind === 'build' || (e.preexisting && !ephemeral))
  ) {
    r.outcome = 'exact-hit'
    return
  }
  let stats: TreeStats
  if (e.kind === 'modules') {
    if (e.preexisting && !ephemeral) {
      // A persistent module cache on a self-hosted runner is the user's:
      // pruning would delete modules other projects use, and saving it whole
      // would upload everything it ever held.
      if (state.save !== 'always') {
        r.detail =
          'GOMODCACHE was already populated before the restore (persistent runner cache); set cache-save: always to save it unpruned'
        return
      }
    } else {
      const keep = keepAlso(
        keepFromGoSum(
          mergeGoSums(
            await Promise.all(
              state.keyFiles.map(async (f) =>
                parseGoSum(await readFile(f, 'utf8').catch(() => ''))
              )
            )
          )
        ),
        state.keepModules ?? []
      )
      const pruned = await pruneModuleCache(e.dir, keep)
      if (pruned.removedFiles + pruned.removedDirs > 0) {
        core.info(
          `Pruned ${pruned.removedFiles} files and ${pruned.removedDirs} directories (${formatBytes(pruned.removedBytes)}) that no go.sum references`
        )
      }
    }
    stats = await moduleCacheStats(e.dir, state.mode)
    if (stats.versions === 0) {
      r.outcome = 'empty'
      r.detail = 'no module in the cache'
      return
    }
  } else {
    stats = await treeStats(e.dir)
    if (stats.files === 0) {
      r.outcome = 'empty'
      return
    }
  }
  r.sizeBytes = stats.bytes
  let key = e.key
  if (e.hit === 'exact') {
    if (e.digest === stats.digest) {
      r.outcome = 'exact-hit'
      return
    }
    // go downloaded into an exact hit: that entry lacks what this go.sum
    // needs, and cannot be replaced.
    key = repairKey(e.key)
    r.key = key
    r.detail = `the restored entry (${shortKey(e.matchedKey ?? e.key)}) lacked modules go needed; the completed cache goes under a new key, found first from now on`
  } else if (
    state.save === 'auto' &&
    e.digest === stats.digest &&
    e.matchedKey !== undefined
  ) {
    r.outcome = 'unchanged'
    r.detail = `same content as ${e.matchedKey}`
    return
  }
  try {
    const id = await saveEntry(
      e.spec,
      key,
      e.crossOs,
      transferBudgetMs(stats.bytes)
    )
    r.outcome = id === -1 ? 'declined' : 'saved'
  } catch (err) {
    r.outcome = 'failed'
    r.detail =
      err instanceof CacheTimeoutError ? err.message : describeError(err)
    core.warning(`The ${e.kind} cache was not saved: ${r.detail}`)
  }
}
