// The GOENV file (`go env -w`) as cmd/go finds and reads it
// (internal/cfg EnvFile, readEnvFile, Getenv).
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import * as path from 'node:path'

type Env = Record<string, string | undefined>

export interface GoEnvFile {
  /** Where go looks; undefined when GOENV=off or no config directory exists. */
  path?: string
  values: Record<string, string>
}

/** cfg.EnvFile: $GOENV, else os.UserConfigDir()/go/env; `off` disables. */
export function goEnvFilePath(
  env: Env,
  platform: NodeJS.Platform = process.platform
): string | undefined {
  const goenv = env.GOENV ?? ''
  if (goenv !== '') return goenv === 'off' ? undefined : goenv
  const dir = userConfigDir(env, platform)
  if (dir === undefined) return undefined
  const join = platform === 'win32' ? path.win32.join : path.posix.join
  return join(dir, 'go/env')
}

// os.UserConfigDir, which fails (go then reads no file) rather than guess.
function userConfigDir(
  env: Env,
  platform: NodeJS.Platform
): string | undefined {
  if (platform === 'win32') return env.AppData || undefined
  if (platform === 'darwin') {
    return env.HOME ? `${env.HOME}/Library/Application Support` : undefined
  }
  const xdg = env.XDG_CONFIG_HOME ?? ''
  if (xdg !== '') return xdg.startsWith('/') ? xdg : undefined
  return env.HOME ? `${env.HOME}/.config` : undefined
}

/**
 * Parses a GOENV file as go does: `KEY=VALUE` lines whose first byte is
 * A-Z, nothing trimmed (not even a CR), the last assignment winning.
 */
export function parseGoEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (eq < 0 || !/^[A-Z]/.test(line)) continue
    out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

/** Reads a GOENV file; nothing for off, unset or unreadable (go ignores those too). */
export async function readGoEnvFile(
  file: string | undefined
): Promise<Record<string, string>> {
  if (!file || file === 'off') return {}
  try {
    return parseGoEnvFile(await readFile(file, 'utf8'))
  } catch {
    return {}
  }
}

/** The GOENV file the job's go commands read. */
export function readJobGoEnvFile(
  env: Env,
  platform: NodeJS.Platform = process.platform
): GoEnvFile {
  const file = goEnvFilePath(env, platform)
  if (file === undefined) return { values: {} }
  try {
    return { path: file, values: parseGoEnvFile(readFileSync(file, 'utf8')) }
  } catch {
    return { path: file, values: {} }
  }
}

/**
 * cfg.Getenv: the environment's value when non-empty, else the GOENV
 * file's, with where it came from.
 */
export function goGetenv(
  name: string,
  env: Env,
  file: GoEnvFile
): { value: string; from?: 'env' | 'file' } {
  const v = env[name] ?? ''
  if (v !== '') return { value: v, from: 'env' }
  const f = file.values[name] ?? ''
  return f !== '' ? { value: f, from: 'file' } : { value: '' }
}
