// A cache entry cannot be overwritten. When the entry under a key proved
// incomplete (go had to download into an exact hit), the completed cache is
// saved under the key plus a suffix, and every lookup asks for those
// suffixed keys first (the newest wins, as the service picks the newest
// entry a restore key prefixes), then for the key itself.
import { sameKey } from './service.js'
import type { CacheKeys } from './key.js'

/** A fresh key for the completed cache of the entry under `key`. */
export function repairKey(key: string, now: number = Date.now()): string {
  return `${key}-${now.toString(36)}`
}

/**
 * The lookup's primary and restore keys. The primary is the repairs' prefix,
 * which no entry is saved under: the service matches a primary key exactly
 * only, so an exact entry under `key` would otherwise win over its repairs.
 */
export function lookupKeys(keys: CacheKeys): {
  primary: string
  restoreKeys: string[]
} {
  const repairs = `${keys.key}-`
  return {
    primary: repairs,
    restoreKeys: [repairs, keys.key, ...keys.restoreKeys]
  }
}

/** The matched entry holds the content `key` names: the key or one of its repairs. */
export function matchesExactly(matched: string, key: string): boolean {
  return (
    sameKey(matched, key) ||
    sameKey(matched.slice(0, key.length + 1), `${key}-`)
  )
}
