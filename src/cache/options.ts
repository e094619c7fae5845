// What the cache feature is asked to do, as plain data (read from the
// action's inputs by inputs/).
export type CacheMode = 'download' | 'full'
export type CacheSave = 'auto' | 'never' | 'always'

export interface CacheOptions {
  enabled: boolean
  mode: CacheMode
  build: boolean
  save: CacheSave
  keyPrefix: string
  /**
   * How long finding an entry may take; a hung service costs this. A healthy
   * one answers in well under a second.
   */
  lookupTimeoutMs: number
}
