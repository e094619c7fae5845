import { InputError } from './input-values.js'

// The login used when a line gives only a token. Go and libcurl ignore a
// netrc entry without one; GitHub, GitLab and most proxies accept any login
// together with a token.
export const DEFAULT_LOGIN = 'x-access-token'

export interface Credential {
  /** Lower-case host, with `:port` when the server uses one. */
  host: string
  /** Path prefix below the host without slashes at either end, or ''. */
  path: string
  /** `host` or `host/path`: the netrc machine name and Go's credential key. */
  machine: string
  login: string
  token: string
  /** 1-based line of the `credentials` input, for error messages. */
  line: number
}

const INPUT = 'credentials'

/**
 * Parses `HOST[/PATH]=TOKEN` and `HOST[/PATH]=LOGIN:TOKEN` lines. Errors name
 * the line and host, never the secret. Values are written to netrc, which has
 * no quoting, so anything that could split or inject tokens is refused.
 */
export function parseCredentials(raw: string): Credential[] {
  const out: Credential[] = []
  raw.split(/\r?\n/).forEach((text, i) => {
    const line = i + 1
    const s = text.trim()
    if (s === '' || s.startsWith('#')) return
    const eq = s.indexOf('=')
    if (eq < 0) {
      throw new InputError(
        INPUT,
        `line ${line} has no "="; expected HOST[/PATH]=TOKEN or HOST[/PATH]=LOGIN:TOKEN`
      )
    }
    const { host, path } = parseTarget(s.slice(0, eq).trim(), line)
    const secret = s.slice(eq + 1).trim()
    const colon = secret.indexOf(':')
    const login = colon < 0 ? DEFAULT_LOGIN : secret.slice(0, colon)
    const token = colon < 0 ? secret : secret.slice(colon + 1)
    const where = `line ${line} (${host}${path ? '/' + path : ''})`
    if (token === '') {
      throw new InputError(INPUT, `${where} has an empty token`)
    }
    if (login === '') {
      throw new InputError(INPUT, `${where} has an empty login before ":"`)
    }
    for (const [what, v] of [
      ['login', login],
      ['token', token]
    ] as const) {
      if (/[\s\p{Cc}]/u.test(v)) {
        throw new InputError(
          INPUT,
          `${where}: the ${what} contains whitespace or a control character, which netrc cannot hold (check for a pasted newline or a quoted value)`
        )
      }
      if (v.startsWith('"')) {
        throw new InputError(
          INPUT,
          `${where}: the ${what} starts with a double quote, which libcurl would read as netrc quoting`
        )
      }
    }
    const machine = path ? `${host}/${path}` : host
    const same = out.find((c) => c.machine === machine)
    if (same) {
      if (same.login !== login || same.token !== token) {
        throw new InputError(
          INPUT,
          `${where} gives different credentials for "${machine}" than line ${same.line}; keep one`
        )
      }
      return
    }
    out.push({ host, path, machine, login, token, line })
  })
  return out
}

function parseTarget(
  target: string,
  line: number
): { host: string; path: string } {
  let t = target
  if (/^https:\/\//i.test(t)) t = t.slice('https://'.length)
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    throw new InputError(
      INPUT,
      `line ${line}: only https hosts can carry credentials (go never sends them over http), got "${t.split('/')[2] ?? t}"`
    )
  }
  t = t.replace(/\/+$/, '')
  const slash = t.indexOf('/')
  const hostPort = (slash < 0 ? t : t.slice(0, slash)).toLowerCase()
  const path = slash < 0 ? '' : t.slice(slash + 1)
  if (hostPort === '') {
    throw new InputError(INPUT, `line ${line} has no host before "="`)
  }
  const m =
    /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(:(\d{1,5}))?$/.exec(
      hostPort
    )
  if (!m || (m[4] !== undefined && (+m[4] < 1 || +m[4] > 65535))) {
    throw new InputError(
      INPUT,
      `line ${line}: "${hostPort}" is not a host name (with an optional :port)`
    )
  }
  if (path !== '' && path.split('/').some((e) => e === '' || /[\s@]/.test(e))) {
    throw new InputError(
      INPUT,
      `line ${line}: "${path}" is not a valid path below ${hostPort}`
    )
  }
  return { host: hostPort, path }
}

/** The `Authorization: Basic` payload of a credential. */
export function basicAuth(c: Pick<Credential, 'login' | 'token'>): string {
  return Buffer.from(`${c.login}:${c.token}`).toString('base64')
}

/**
 * Every form in which a credential's secret could be printed: the token,
 * `login:token`, its base64 (as in an Authorization header), and the URL
 * encodings of the token.
 */
export function secretForms(c: Pick<Credential, 'login' | 'token'>): string[] {
  const forms = [
    c.token,
    `${c.login}:${c.token}`,
    basicAuth(c),
    encodeURIComponent(c.token),
    encodeURIComponent(`${c.login}:${c.token}`)
  ]
  return [...new Set(forms)]
}

/**
 * The credential go 1.24+ would use for an https URL: the longest machine
 * that is the URL's host, or its host followed by leading path elements.
 */
export function credentialForUrl(
  creds: readonly Credential[],
  url: string
): Credential | undefined {
  const u = new URL(url)
  if (u.protocol !== 'https:') return undefined
  const key = (u.host + u.pathname).toLowerCase()
  return creds
    .filter((c) => key === c.machine || key.startsWith(c.machine + '/'))
    .sort((a, b) => b.machine.length - a.machine.length)[0]
}
