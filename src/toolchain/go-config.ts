// A go configuration value (cmd/go/internal/cfg.Getenv): the environment
// when set and non-empty, else the user's GOENV file, else $GOROOT/go.env.

/** The KEY=VALUE lines of a go env file as cfg.readEnvFile reads them: later lines win, values are not trimmed. */
function parseGoEnvFile(text: string): Map<string, string> {
  const m = new Map<string, string>()
  for (const line of text.split('\n')) {
    const i = line.indexOf('=')
    if (i < 0 || line[0] < 'A' || line[0] > 'Z') continue
    m.set(line.slice(0, i), line.slice(i + 1))
  }
  return m
}

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
  if (user.has(key)) return user.get(key)!
  return parseGoEnvFile(s.gorootFile ?? '').get(key) ?? ''
}
