// GOPROXY as cmd/go's proxyList reads it: the one parser of its entries,
// their `,`/`|` separators and the `direct`/`off` that end the list.

/** One GOPROXY entry as cmd/go's proxyList reads it. */
export interface GoproxyEntry {
  /** Base URL without trailing slashes, as go prefixes it to the URLs it prints; or `direct` / `off`. */
  url: string
  /** True when `|` follows the entry (fall through on any error). */
  fallBackOnError: boolean
}

/**
 * A GOPROXY entry as cmd/go's proxyList reads it: anything with a dot, colon
 * or slash that is not already a URL or an absolute path is a host, and gets
 * https://.
 */
export function withDefaultScheme(entry: string): string {
  return !entry.includes(':/') && /[.:/]/.test(entry) && !entry.startsWith('/')
    ? 'https://' + entry
    : entry
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
