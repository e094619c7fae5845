// Whether a 200 answer is what the module proxy protocol promises: pure
// checks of the bytes, no I/O.
import { END_RECORD_REACH, findEndRecord } from '../gomod/zip-central.js'

/**
 * Checks that a 200 body is what the protocol promises for the file kind:
 * .info is JSON naming the version, .mod is a go.mod, .zip starts with a zip
 * header. Returns a reason when it is not (captive portals answer 200 HTML).
 */
export function checkBody(
  kind: 'info' | 'mod' | 'zip' | 'list',
  body: Buffer,
  version?: string
): string | undefined {
  const head = body.subarray(0, 256).toString('utf8').trimStart()
  if (kind !== 'zip' && /^<(!doctype|html|head|body)/i.test(head)) {
    return 'an HTML page instead of the proxy protocol'
  }
  if (kind === 'info') {
    try {
      const info = JSON.parse(body.toString('utf8')) as { Version?: unknown }
      if (typeof info.Version !== 'string') return '.info without a Version'
      if (version && info.Version !== version) {
        return `.info for ${info.Version} instead of ${version}`
      }
    } catch {
      return '.info is not JSON'
    }
  }
  if (
    kind === 'mod' &&
    !/^(\/\/.*\n|\s)*module\s/m.test(body.toString('utf8'))
  ) {
    return '.mod without a module line'
  }
  if (kind === 'zip') {
    if (body.length < 4 || body.readUInt32LE(0) !== 0x04034b50) {
      return /^</.test(head)
        ? 'an HTML page instead of a zip'
        : 'not a zip file'
    }
  }
  return undefined
}

/** Whether a complete zip ends with an end-of-central-directory record. */
function zipLooksComplete(body: Buffer): boolean {
  const tail = body.subarray(Math.max(0, body.length - END_RECORD_REACH))
  return findEndRecord(tail) !== undefined
}

/** What arrived of one .zip read: its first bytes, and how it ended. */
export interface ZipReadEnd {
  /** The first bytes kept (all of a small zip). */
  head: Buffer
  /** Bytes that arrived in all. */
  bytes: number
  /** Content-Length, NaN when absent. */
  contentLength: number
  /** The body ended by itself, not cut by the time box or the byte limit. */
  complete: boolean
}

/**
 * Why a zip read is not a zip go would accept, or undefined. A complete
 * read must match its Content-Length, and one kept whole must end with an
 * end-of-central-directory record (larger ones rely on Content-Length).
 */
export function zipProblem(z: ZipReadEnd): string | undefined {
  const notZip = z.head.length > 0 ? checkBody('zip', z.head) : 'empty body'
  if (notZip) return notZip
  const keptWhole = z.head.length >= z.bytes
  const truncated =
    z.complete &&
    ((Number.isFinite(z.contentLength) && z.bytes < z.contentLength) ||
      (keptWhole && !zipLooksComplete(z.head)))
  return truncated ? 'truncated zip' : undefined
}
