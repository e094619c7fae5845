// What a GOPROXY request path asks for. Paths are as go sends them: module
// paths and versions case-encoded (`!a` for `A`), no leading slash.
import {
  hasDotsOnlyElement,
  isCanonicalVersion,
  unescapeModulePath
} from '../../gomod/module-path.js'

export type ProxyRequest =
  | {
      type: 'module'
      /** Module path, decoded. */
      module: string
      /** Decoded version; undefined for list and @latest. */
      version?: string
      kind: 'info' | 'mod' | 'zip' | 'list' | 'latest'
    }
  | {
      type: 'sumdb'
      /** Module path of a `/lookup/` request; undefined for tiles and `supported`. */
      module?: string
    }

const SAFE = /^[A-Za-z0-9._~!+\-/@]+$/

/** Parses `<escaped path>/@v/<version>.<ext>` etc.; undefined for anything else. */
export function parseProxyPath(p: string): ProxyRequest | undefined {
  if (!SAFE.test(p) || hasDotsOnlyElement(p) || p.includes('//'))
    return undefined
  if (p.startsWith('sumdb/')) {
    const m = /^sumdb\/[^/]+\/lookup\/(.+)@[^@/]+$/.exec(p)
    return { type: 'sumdb', module: m ? unescapeModulePath(m[1]) : undefined }
  }
  let m = /^(.+)\/@v\/list$/.exec(p)
  if (m)
    return { type: 'module', module: unescapeModulePath(m[1]), kind: 'list' }
  m = /^(.+)\/@latest$/.exec(p)
  if (m)
    return { type: 'module', module: unescapeModulePath(m[1]), kind: 'latest' }
  m = /^(.+)\/@v\/([^/]+)\.(info|mod|zip)$/.exec(p)
  if (m)
    return {
      type: 'module',
      module: unescapeModulePath(m[1]),
      version: unescapeModulePath(m[2]),
      kind: m[3] as 'info' | 'mod' | 'zip'
    }
  return undefined
}

/**
 * True for an answer that never changes once published: a version's .mod
 * and .zip, the .info of a canonical version, and the checksum database's
 * lookups and tiles. A list, @latest, a query's .info (`@v/master.info`)
 * and the database's `latest` change as modules are published.
 */
export function isImmutable(req: ProxyRequest, urlPath: string): boolean {
  if (req.type === 'sumdb') return !/\/(latest|supported)$/.test(urlPath)
  if (req.kind === 'mod' || req.kind === 'zip') return true
  return (
    req.kind === 'info' &&
    req.version !== undefined &&
    isCanonicalVersion(req.version)
  )
}
