// Mirror URLs as the mirrors input gives them, checked and turned into the
// base URL go prefixes to its requests.
import { InputError } from '../base/values.js'
import { withDefaultScheme } from '../gomod/goproxy.js'

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
