// Which GOPROXY entry a `# get` URL went to, and which module file it asked for.
import { unescapeModulePath } from '../gomod/module-path.js'

export type FileKind =
  'info' | 'mod' | 'zip' | 'list' | 'latest' | 'sumdb' | 'go-get' | 'other'

export interface ClassifiedUrl {
  /** The GOPROXY entry the URL belongs to (longest prefix), or `direct`. */
  source: string
  kind: FileKind
  /** Module path, unescaped; for direct URLs the best guess from the URL path. */
  module?: string
  version?: string
}

/**
 * Attributes a `# get` URL to a GOPROXY base by longest prefix and splits
 * the rest into module, version and file kind. URLs under no base
 * (`?go-get=1` lookups, sum.golang.org, a go-import `mod` server) are the
 * go command's own direct traffic.
 */
export function classifyUrl(
  url: string,
  bases: readonly string[]
): ClassifiedUrl {
  let source = 'direct'
  let rest: string | undefined
  for (const b of bases) {
    if (b === 'direct' || b === 'off') continue
    const under = url === b || url.startsWith(b + '/')
    if (under && (rest === undefined || b.length > source.length)) {
      source = b
      rest = url.slice(b.length)
    }
  }
  let path: string
  let query: string
  if (rest === undefined) {
    try {
      const u = new URL(url)
      path = u.host + u.pathname
      query = u.search
    } catch {
      return { source, kind: 'other' }
    }
  } else {
    const q = rest.indexOf('?')
    path = q < 0 ? rest : rest.slice(0, q)
    query = q < 0 ? '' : rest.slice(q)
  }
  path = safeDecode(path).replace(/^\/+/, '')
  if (query.includes('go-get=1'))
    return { source, kind: 'go-get', module: path }
  if (
    /(^|\/)sumdb\//.test(path) ||
    /^sum\.golang\.(org|google\.cn)\//.test(path)
  )
    return { source, kind: 'sumdb' }
  let m = /^(.+)\/@v\/(.+)\.(info|mod|zip)$/.exec(path)
  if (m)
    return {
      source,
      kind: m[3] as FileKind,
      module: unescapeModulePath(m[1]),
      version: unescapeModulePath(m[2])
    }
  m = /^(.+)\/@v\/list$/.exec(path)
  if (m) return { source, kind: 'list', module: unescapeModulePath(m[1]) }
  m = /^(.+)\/@latest$/.exec(path)
  if (m) return { source, kind: 'latest', module: unescapeModulePath(m[1]) }
  return { source, kind: 'other' }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
