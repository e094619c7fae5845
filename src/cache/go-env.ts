import * as exec from '@actions/exec'
import { tmpdir } from 'node:os'
import * as path from 'node:path'

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
  try {
    const res = await exec.getExecOutput(
      'go',
      [
        'env',
        '-json',
        'GOMODCACHE',
        'GOCACHE',
        'GOFLAGS',
        'GOVERSION',
        'GOHOSTOS',
        'GOHOSTARCH'
      ],
      {
        cwd: env.RUNNER_TEMP || tmpdir(),
        env: { ...definedOnly(env), GOTOOLCHAIN: 'local' },
        silent: true,
        ignoreReturnCode: true
      }
    )
    if (res.exitCode !== 0) {
      return {
        ...fallback,
        goError: res.stderr.trim() || `exit ${res.exitCode}`
      }
    }
    const v = JSON.parse(res.stdout) as Record<string, string>
    return {
      gomodcache: v.GOMODCACHE || fallback.gomodcache,
      gocache: v.GOCACHE && v.GOCACHE !== 'off' ? v.GOCACHE : undefined,
      goflags: v.GOFLAGS ?? fallback.goflags,
      goVersion: v.GOVERSION || undefined,
      goHostOs: v.GOHOSTOS || undefined,
      goHostArch: v.GOHOSTARCH || undefined
    }
  } catch (e) {
    return { ...fallback, goError: (e as Error).message }
  }
}

function definedOnly(env: Env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v
  return out
}
