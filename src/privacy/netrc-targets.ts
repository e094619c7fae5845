import { existsSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

export interface NetrcTarget {
  path: string
  /** Who reads this file, for the summary. */
  readBy: string
  go: boolean
  git: boolean
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
  const add = (p: string, who: 'go' | 'git', label: string): void => {
    const hit = out.find((t) => path.resolve(t.path) === path.resolve(p))
    const t = hit ?? { path: p, readBy: '', go: false, git: false }
    t.readBy += (t.readBy ? ', ' : '') + label
    t[who] = true
    if (!hit) out.push(t)
  }
  const netrcEnv = env.NETRC ?? ''
  if (platform === 'win32') {
    // Go reads %USERPROFILE%\_netrc when it exists and .netrc otherwise, so
    // creating _netrc would hide an existing .netrc from go for the rest of
    // the job. libcurl looks for .netrc, then _netrc, in %HOME% (else
    // %USERPROFILE%).
    const profile = env.USERPROFILE || home
    const curlHome = env.HOME || profile
    const join = path.win32.join
    if (netrcEnv !== '') add(netrcEnv, 'go', 'go (NETRC)')
    else {
      const legacy = join(profile, '_netrc')
      add(exists(legacy) ? legacy : join(profile, '.netrc'), 'go', 'go')
    }
    const curlDot = join(curlHome, '.netrc')
    const curlLegacy = join(curlHome, '_netrc')
    add(
      exists(curlDot) || !exists(curlLegacy) ? curlDot : curlLegacy,
      'git',
      'git'
    )
    return out
  }
  if (netrcEnv !== '') add(netrcEnv, 'go', 'go (NETRC)')
  else add(path.join(home, '.netrc'), 'go', 'go')
  add(path.join(home, '.netrc'), 'git', 'git')
  return out
}

/** What main did to one file, kept in the step state (no secrets). */
/** Default arguments for netrcTargets on this machine. */
export function localNetrcTargets(): NetrcTarget[] {
  return netrcTargets(process.env, process.platform, os.homedir(), existsSync)
}
