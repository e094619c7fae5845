import * as core from '@actions/core'

// Everything main hands to post, in one place. The runner keeps the step
// state as strings between the two steps; nothing here may hold a secret.
const KEYS = {
  cache: 'cache',
  mainCompleted: 'cache-main-completed',
  modulesIncomplete: 'cache-modules-incomplete',
  netrc: 'privacy-netrc-manifest',
  keptProxy: 'download-kept-proxy'
} as const

export type StateKey = keyof typeof KEYS

export function saveState(key: StateKey, value: string): void {
  core.saveState(KEYS[key], value)
}

/** '' when main did not save it (main failed early, or another version ran). */
export function loadState(key: StateKey): string {
  return core.getState(KEYS[key])
}
