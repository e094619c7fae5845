// Mirror URLs and GOPROXY lists, read as cmd/go reads them: the one place
// that turns a GOPROXY entry into the base URL go prefixes to its requests.
import { InputError } from '../base/values.js'

// Normalizes a GOPROXY entry the way cmd/go's proxyList does: a bare host
// gets https://, and one trailing slash is dropped so that module paths can
// be appended. Rejects what go would reject, and credentials in the URL,
// which would leak through env and logs (they belong in `credentials`).
export function normalizeMirrorUrl(input: string, raw: string): string {
  let s = raw.trim()
  if (s === 'direct' || s === 'off') {
    throw new InputError(
      input,
      `"${s}" is not a mirror; use direct-fallback to control "direct"`
    )
  }
  // A separator or space would smuggle extra, unprobed entries (or "off")
  // into GOPROXY.
  if (/[,|\s]/.test(s)) {
    throw new InputError(
      input,
      `"${redact(s)}" contains a GOPROXY separator or space; list one mirror per entry`
    )
  }
  s = withDefaultScheme(s)
  let url: URL
  try {
    url = new URL(s)
  } catch {
    throw new InputError(input, `"${redact(raw.trim())}" is not a valid URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(
      input,
      `unsupported URL scheme "${url.protocol.replace(/:$/, '')}" in "${redact(raw.trim())}" (use https:// or http://)`
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(
      input,
      `"${redact(raw.trim())}" contains credentials; pass them in the credentials input instead`
    )
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InputError(
      input,
      `"${redact(url.origin + url.pathname)}" must not have a query or fragment`
    )
  }
  return url.href.replace(/\/+$/, '')
}

/** Replaces userinfo in a URL-ish string so errors never echo a secret. */
export function redact(s: string): string {
  return s.replace(/^([a-z][a-z0-9+.-]*:\/\/)?\S*@/i, '$1***@')
}

/** The host (with port when present) of a normalized mirror URL. */
export function mirrorHost(url: string): string {
  return new URL(url).host
}

/**
 * A GOPROXY entry as cmd/go's proxyList reads it: anything with a dot, colon
 * or slash that is not already a URL or an absolute path is a host, and gets
 * https://.
 */
function withDefaultScheme(entry: string): string {
  return !entry.includes(':/') && /[.:/]/.test(entry) && !entry.startsWith('/')
    ? 'https://' + entry
    : entry
}

/** One GOPROXY entry as cmd/go's proxyList reads it. */
export interface GoproxyEntry {
  /** Base URL without trailing slashes, as go prefixes it to the URLs it prints; or `direct` / `off`. */
  url: string
  /** True when `|` follows the entry (fall through on any error). */
  fallBackOnError: boolean
}

/** Parses a GOPROXY value: `,`/`|` separators, bare hosts get https://, `direct`/`off` end the list. */
export function parseGoproxy(value: string): GoproxyEntry[] {
  const out: GoproxyEntry[] = []
  let rest = value
  while (rest !== '') {
    const i = rest.search(/[,|]/)
    const raw = (i < 0 ? rest : rest.slice(0, i)).trim()
    const fallBackOnError = i >= 0 && rest[i] === '|'
    rest = i < 0 ? '' : rest.slice(i + 1)
    if (raw === '') continue
    if (raw === 'direct' || raw === 'off') {
      out.push({ url: raw, fallBackOnError })
      break
    }
    out.push({
      url: withDefaultScheme(raw).replace(/\/+$/, ''),
      fallBackOnError
    })
  }
  return out
}
