// The calls into @actions/cache, each bounded in time. The library retries a
// failing service for about half a minute and has no timeout at all on its
// service requests, so a hung service would otherwise hang the step.
import * as cache from '@actions/cache'
import type { CachePathSpec } from './key.js'

export class CacheTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${Math.round(ms / 1000)} s`)
    this.name = 'CacheTimeoutError'
  }
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CacheTimeoutError(what, ms)), ms)
  })
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer))
}

// tar stores paths relative to GITHUB_WORKSPACE; pointing it at `root` for
// the duration of the call makes the archive relocatable (see cachePathSpec).
// The variable is put back only when the library call has really finished,
// even after a deadline, so a late extraction still lands in `root`.
function inRoot<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const had = Object.prototype.hasOwnProperty.call(
    process.env,
    'GITHUB_WORKSPACE'
  )
  const prev = process.env.GITHUB_WORKSPACE
  process.env.GITHUB_WORKSPACE = root
  return fn().finally(() => {
    if (had) process.env.GITHUB_WORKSPACE = prev
    else delete process.env.GITHUB_WORKSPACE
  })
}

export function serviceAvailable(): boolean {
  return cache.isFeatureAvailable()
}

/** The key of the best entry for `keys`, without downloading it. */
export async function lookupEntry(
  spec: CachePathSpec,
  key: string,
  restoreKeys: string[],
  crossOs: boolean,
  timeoutMs: number
): Promise<string | undefined> {
  return withDeadline(
    cache.restoreCache(
      [spec.pattern],
      key,
      restoreKeys,
      { lookupOnly: true },
      crossOs
    ),
    timeoutMs,
    'The cache lookup'
  )
}

/**
 * Downloads and extracts the entry stored under exactly `key`, with the
 * archive's paths taken relative to `into` (by default the spec's root, so
 * the files land where the entry was saved from).
 */
export async function restoreEntry(
  spec: CachePathSpec,
  key: string,
  crossOs: boolean,
  timeoutMs: number,
  into: string = spec.root
): Promise<string | undefined> {
  return withDeadline(
    inRoot(into, () =>
      cache.restoreCache(
        [spec.pattern],
        key,
        [],
        { segmentTimeoutInMs: timeoutMs, timeoutInMs: 30_000 },
        crossOs
      )
    ),
    timeoutMs,
    'The cache download'
  )
}

/** Saves the directory; returns the entry id, or -1 when the service declined. */
export async function saveEntry(
  spec: CachePathSpec,
  key: string,
  crossOs: boolean,
  timeoutMs: number
): Promise<number> {
  return withDeadline(
    inRoot(spec.root, () =>
      cache.saveCache([spec.pattern], key, undefined, crossOs)
    ),
    timeoutMs,
    'The cache upload'
  )
}

/** Time allowed for moving `bytes` through the service (at least 1 MB/s). */
export function transferBudgetMs(bytes: number): number {
  return 60_000 + Math.ceil(bytes / 1_000_000) * 1000
}

export function sameKey(a: string | undefined, b: string): boolean {
  // act lower-cases keys; actions/cache compares them case-insensitively too.
  return (
    a !== undefined &&
    a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0
  )
}
