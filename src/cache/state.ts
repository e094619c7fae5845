// What main hands to post about each restored cache (core.saveState).
import { loadState, saveState } from '../env/state.js'
import type { CacheMode, CacheSave } from './options.js'
import type { CachePathSpec } from './key.js'
import type { CacheHit } from './report.js'
import type { ModuleVersion } from '../gomod/module-path.js'

export interface CacheEntryState {
  kind: 'modules' | 'build'
  dir: string
  spec: CachePathSpec
  crossOs: boolean
  key: string
  matchedKey?: string
  hit: CacheHit
  /** Digest of the cached part right after the restore. */
  digest?: string
  /** GOMODCACHE held files before the restore (self-hosted, or a second run). */
  preexisting: boolean
}

export interface CacheState {
  mode: CacheMode
  save: CacheSave
  /** Absolute paths of the go.sum files the module key was computed from. */
  keyFiles: string[]
  /** Module versions post keeps although no go.sum names them (toolchains). */
  keepModules?: ModuleVersion[]
  entries: CacheEntryState[]
}

export function saveCacheState(s: CacheState): void {
  saveState('cache', JSON.stringify(s))
}

export function loadCacheState(): CacheState | undefined {
  const raw = loadState('cache')
  if (raw === '') return undefined
  try {
    return JSON.parse(raw) as CacheState
  } catch {
    return undefined
  }
}

/**
 * Called by main as its last act: post saves only after a completed main,
 * and never a module cache main knows to be incomplete (`incomplete` says
 * why) under the key that promises everything go.sum names.
 */
export function markCacheMainCompleted(incomplete?: string): void {
  saveState('mainCompleted', 'true')
  if (incomplete !== undefined) saveState('modulesIncomplete', incomplete)
}

export function cacheMainCompleted(): boolean {
  return loadState('mainCompleted') === 'true'
}

/** Why main knows the module cache lacks something go.sum names, if it does. */
export function modulesIncomplete(): string | undefined {
  return loadState('modulesIncomplete') || undefined
}
