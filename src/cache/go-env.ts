import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { goEnvJson } from '../gomod/go-env-json.js'

export interface GoCacheEnv {
  gomodcache: string
  /** Undefined when go could not be asked (the build cache needs it). */
  gocache?: string
  goflags: string
  goVersion?: string
  goHostOs?: string
  goHostArch?: string
  /** Why `go env` could not be used, when it could not. */
  goError?: string
}

type Env = Record<string, string | undefined>

/** GOMODCACHE as cmd/go derives it, for when go itself is not available. */
export function defaultModCache(env: Env, home: string): string {
  if (env.GOMODCACHE) return env.GOMODCACHE
  const gopath = (env.GOPATH ?? '').split(path.delimiter).find((p) => p !== '')
  return path.join(gopath ?? path.join(home, 'go'), 'pkg', 'mod')
}

/**
 * Asks go for the cache locations. GOTOOLCHAIN=local and a working directory
 * outside the module keep this from switching toolchains, which would
 * download one into GOMODCACHE before the restore (setup-go#424).
 */
export async function readGoCacheEnv(
  env: Env = process.env,
  home: string
): Promise<GoCacheEnv> {
  const fallback: GoCacheEnv = {
    gomodcache: defaultModCache(env, home),
    goflags: env.GOFLAGS ?? ''
  }
  const res = await goEnvJson(
    ['GOMODCACHE', 'GOCACHE', 'GOFLAGS', 'GOVERSION', 'GOHOSTOS', 'GOHOSTARCH'],
    { env, cwd: env.RUNNER_TEMP || tmpdir() }
  )
  if ('error' in res) return { ...fallback, goError: res.error }
  const v = res.values
  return {
    gomodcache: v.GOMODCACHE || fallback.gomodcache,
    gocache: v.GOCACHE && v.GOCACHE !== 'off' ? v.GOCACHE : undefined,
    goflags: v.GOFLAGS ?? fallback.goflags,
    goVersion: v.GOVERSION || undefined,
    goHostOs: v.GOHOSTOS || undefined,
    goHostArch: v.GOHOSTARCH || undefined
  }
}
