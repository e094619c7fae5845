// Looks a module version up in a checksum database and proves the answer as
// go does: the tree head's signature checked with the database's key, then
// the record's inclusion in that tree from the tiles. Reached as go reaches
// it (modfetch/sumdb.go dbDial, initBase): the URL in GOSUMDB when it has
// one, else the first GOPROXY entry that answers 200 on
// /sumdb/<name>/supported, else https://<name>.
import { request } from 'undici'
import { sumdbTarget } from './gosumdb-value.js'
import { parseGoproxy } from '../gomod/goproxy.js'
import { walkSumdbRoute } from './proxy-route.js'
import { escapeModulePath } from '../gomod/module-path.js'
import { openNote, parseVerifierKey, type Verifier } from './note.js'
import { readCapped } from '../net/read-body.js'
import { parseTree, recordHash, rootWithRecord, tilePath } from './tlog.js'

// go's own limits on what a database answers (x/mod/sumdb): a tile is at
// most 2^8 hashes of 32 bytes (tlog, height 8), a tree note's text at most
// 1e6 bytes (tlog.ParseTree) with at most 100 signatures (note.Open). The
// record itself is the module version's go.sum lines, a few hundred bytes;
// 2 MB holds the largest note go accepts and such a record.
const HASH_SIZE = 32
const MAX_LOOKUP = 2_000_000

export interface SumdbSetting {
  verifier: Verifier
  /** The explicit URL of GOSUMDB, which bypasses the proxies. */
  url?: string
}

export function parseGosumdb(value: string): SumdbSetting {
  const t = sumdbTarget(value.trim())
  if (t instanceof Error)
    throw new Error(`invalid GOSUMDB ${JSON.stringify(value)}: it ${t.message}`)
  if (t.kind === 'off')
    throw new Error('GOSUMDB=off: a Go toolchain is never installed unverified')
  return {
    verifier: parseVerifierKey(t.key),
    url: t.url?.replace(/\/+$/, '')
  }
}

export interface HttpOptions {
  /** Per request, headers and body. */
  timeoutMs: number
  /** Ends every request at once: one deadline for a whole install. */
  signal?: AbortSignal
}

function send(url: string, o: HttpOptions) {
  return request(url, {
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
    signal: o.signal
  })
}

async function get(
  url: string,
  o: HttpOptions,
  max: number,
  what: string
): Promise<{ status: number; body: Buffer }> {
  const res = await send(url, o)
  return { status: res.statusCode, body: await readCapped(res, url, max, what) }
}

/** The base URL of the database's endpoints. */
export async function sumdbBase(
  s: SumdbSetting,
  goproxy: string,
  o: HttpOptions
): Promise<string> {
  if (s.url) return s.url
  const name = s.verifier.name
  const { route } = await walkSumdbRoute(
    parseGoproxy(goproxy),
    name,
    async (url) => {
      // Only the status counts; undici's dump reads a bounded part of the body.
      const r = await send(url, o).then(
        async (res) => {
          await res.body.dump()
          return { status: res.statusCode }
        },
        (err: Error) => ({ status: undefined, error: err.message })
      )
      return r
    }
  )
  if (route.kind === 'proxy')
    return `${route.proxy.replace(/\/+$/, '')}/sumdb/${name}`
  if (route.kind === 'direct') return `https://${name}`
  const c = route.check
  throw new Error(`${c.url}: ${c.status ?? c.error}`)
}

export interface VerifiedRecord {
  /** The go.sum lines the database holds for the module version. */
  lines: string[]
  treeSize: number
}

/** The database's record for path@version, proven to be in its signed tree. */
export async function lookupVerified(
  base: string,
  verifier: Verifier,
  path: string,
  version: string,
  o: HttpOptions
): Promise<VerifiedRecord> {
  const url = `${base}/lookup/${escapeModulePath(path)}@${escapeModulePath(version)}`
  const r = await get(url, o, MAX_LOOKUP, 'a lookup answer')
  if (r.status !== 200)
    throw new Error(
      `${url}: ${r.status} ${r.body.toString('utf8').trim().slice(0, 200)}`
    )
  const nl = r.body.indexOf('\n')
  const id = Number(r.body.subarray(0, nl).toString())
  const end = r.body.indexOf('\n\n', nl)
  if (nl < 0 || end < 0 || !Number.isSafeInteger(id) || id < 0)
    throw new Error(`${url}: malformed lookup answer`)
  const data = r.body.subarray(nl + 1, end + 1)
  const tree = parseTree(openNote(r.body.subarray(end + 2), verifier))
  const root = await rootWithRecord(
    tree.size,
    id,
    recordHash(data),
    async (t) => {
      const tile = await get(
        `${base}/${tilePath(t)}`,
        o,
        t.width * HASH_SIZE,
        `a tile of ${t.width} hashes`
      )
      if (tile.status !== 200)
        throw new Error(`${base}/${tilePath(t)}: ${tile.status}`)
      return tile.body
    }
  )
  if (!root.equals(tree.hash))
    throw new Error(
      `${url}: record ${id} is not in the signed tree of ${tree.size} records (inclusion proof failed)`
    )
  return {
    lines: data.toString('utf8').split('\n').filter(Boolean),
    treeSize: tree.size
  }
}
