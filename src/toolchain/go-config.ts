// A go configuration value (cmd/go/internal/cfg.Getenv): the environment
// when set and non-empty, else the user's GOENV file, else $GOROOT/go.env.
import { parseGoEnvFile } from '../env/go-env-file.js'

export interface GoConfigSources {
  env: Record<string, string | undefined>
  /** Text of the GOENV file, when there is one. */
  userFile?: string
  /** Text of $GOROOT/go.env. */
  gorootFile?: string
}

export function goConfigValue(key: string, s: GoConfigSources): string {
  const fromEnv = s.env[key]
  if (fromEnv) return fromEnv
  const user = parseGoEnvFile(s.userFile ?? '')
  if (Object.hasOwn(user, key)) return user[key]
  return parseGoEnvFile(s.gorootFile ?? '')[key] ?? ''
}
