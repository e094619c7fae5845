import { InputError } from '../base/values.js'

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
 * the line only: the text before "=" may itself be a pasted secret, and the
 * text after it always is. Values are written to netrc, which has no quoting,
 * so anything that could split or inject tokens is refused.
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
    const where = `line ${line}`
    if (token === '') {
      throw new InputError(INPUT, `${where} has an empty token`)
    }
    if (token.length < 2) {
      throw new InputError(
        INPUT,
        `${where} has a one-character token; a line without "HOST=" (a pasted token ending in "=") looks like this`
      )
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
          `${where} gives different credentials for the same host and path as line ${same.line}; keep one`
        )
      }
      return
    }
    out.push({ host, path, machine, login, token, line })
  })
  return out
}

// A host without a dot or a port is more likely the first half of a pasted
// secret (base64 ends in "=") than a server: such a host is accepted only
// when written as https://HOST. `localhost` is a name, never a secret.
const HOST_PORT =
  /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(:(\d{1,5}))?$/

function parseTarget(
  target: string,
  line: number
): { host: string; path: string } {
  let t = target
  const explicit = /^https:\/\//i.test(t)
  if (explicit) t = t.slice('https://'.length)
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    throw new InputError(
      INPUT,
      `line ${line}: only https hosts can carry credentials (go never sends them over http)`
    )
  }
  t = t.replace(/\/+$/, '')
  const slash = t.indexOf('/')
  const hostPort = (slash < 0 ? t : t.slice(0, slash)).toLowerCase()
  const path = slash < 0 ? '' : t.slice(slash + 1)
  if (hostPort === '') {
    throw new InputError(INPUT, `line ${line} has no host before "="`)
  }
  const m = HOST_PORT.exec(hostPort)
  if (!m || (m[4] !== undefined && (+m[4] < 1 || +m[4] > 65535))) {
    throw new InputError(
      INPUT,
      `line ${line}: the text before "=" is not a host name (with an optional :port); expected HOST[/PATH]=TOKEN`
    )
  }
  const named =
    explicit ||
    hostPort.includes('.') ||
    m[4] !== undefined ||
    hostPort.startsWith('[') ||
    m[1] === 'localhost'
  if (!named) {
    throw new InputError(
      INPUT,
      `line ${line}: the text before "=" has no dot and no port, so it looks like part of a pasted token rather than a host; write HOST=TOKEN (or https://HOST=TOKEN for a host name without a dot)`
    )
  }
  if (path !== '' && path.split('/').some((e) => e === '' || /[\s@]/.test(e))) {
    throw new InputError(
      INPUT,
      `line ${line}: the path after the host is not valid (empty element, space or "@")`
    )
  }
  return { host: hostPort, path }
}

/**
 * What to mask from the raw `credentials` input before it is parsed, so that
 * nothing printed later can show a secret even if the line is rejected: the
 * text after "=", the token after ":", and the whole line when it does not
 * start with a host (a pasted secret). One-character strings are left out:
 * masking them would blank every such character in the log.
 */
export function rawCredentialSecrets(raw: string): string[] {
  const out = new Set<string>()
  for (const text of raw.split(/\r?\n/)) {
    const s = text.trim()
    if (s === '' || s.startsWith('#')) continue
    const eq = s.indexOf('=')
    const left = eq < 0 ? s : s.slice(0, eq).trim()
    let isHost = eq >= 0
    try {
      if (isHost) parseTarget(left, 0)
    } catch {
      isHost = false
    }
    if (!isHost) out.add(s)
    const right = eq < 0 ? '' : s.slice(eq + 1).trim()
    out.add(right)
    out.add(right.slice(right.indexOf(':') + 1))
  }
  return [...out].filter((v) => v.length > 1)
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
 * go compares case-sensitively, path included (checked against go 1.26);
 * the host is compared lower-case because machines are written lower-case
 * and the URLs the action exports are normalised the same way.
 */
export function credentialForUrl(
  creds: readonly Credential[],
  url: string
): Credential | undefined {
  const u = new URL(url)
  if (u.protocol !== 'https:') return undefined
  const key = (u.host + u.pathname).replace(/\/+$/, '')
  return creds
    .filter((c) => key === c.machine || key.startsWith(c.machine + '/'))
    .sort((a, b) => b.machine.length - a.machine.length)[0]
}
