// Single requests of a mirror's probe: each records its timing and failures
// on the mirror's probe state.
import { checkBody } from './body-checks.js'
import { parseRetryAfter } from '../net/retry-after.js'
import { classifyError } from './classify.js'
import { classifyStatus } from '../base/http-status.js'
import { FAILURE_SEVERITY } from '../base/failure-kinds.js'
import { describeError } from '../base/errors.js'
import type { ModuleVersion } from '../gomod/module-path.js'
import { recordFailure, type MirrorProbeState } from './probe-state.js'
import type { TransportResponse } from './http-get.js'
import type { Transport } from './transport.js'

const MAX_PROTOCOL_FILE_BYTES = 1 << 20

/**
 * How a request counts toward the mirror's latency: its first byte is a
 * latency sample; or it is only watched while open (the early stop's bound
 * and the stall check); or, on side connections, neither.
 */
export type RequestTiming = 'sample' | 'watch' | 'untimed'

/** Sends one request, timing the first byte; records transport failures. */
export async function sendRequest(
  mirror: MirrorProbeState,
  conn: Transport,
  path: string,
  signal: AbortSignal,
  timing: RequestTiming
): Promise<TransportResponse | undefined> {
  const sentAt = performance.now()
  const watched = timing !== 'untimed'
  if (watched) mirror.openSince = sentAt
  try {
    const res = await conn.request(path)
    if (timing === 'sample') mirror.ttfbSamples.push(performance.now() - sentAt)
    Object.assign(mirror.result.timings, conn.timings)
    return res
  } catch (err) {
    Object.assign(mirror.result.timings, conn.timings)
    if (signal.aborted) return undefined
    const kind = classifyError(err)
    recordFailure(
      mirror,
      { kind, request: path, detail: describeError(err) },
      kind !== 'timeout'
    )
    return undefined
  } finally {
    if (watched) mirror.openSince = undefined
  }
}

/** Reads a body up to a little past `limit` bytes. */
export async function readBounded(
  body: AsyncIterable<Buffer>,
  limit: number
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let n = 0
  for await (const c of body) {
    chunks.push(c)
    n += c.length
    if (n > limit) break
  }
  return Buffer.concat(chunks)
}

/**
 * GETs a module's .info or .mod and checks it is the protocol; undefined
 * when not usable (missing, failed, or not what the protocol promises).
 */
export async function fetchProtocolFile(
  mirror: MirrorProbeState,
  conn: Transport,
  path: string,
  file: 'info' | 'mod',
  module: ModuleVersion,
  signal: AbortSignal,
  timing: 'sample' | 'untimed'
): Promise<Buffer | undefined> {
  const res = await sendRequest(mirror, conn, path, signal, timing)
  if (!res) return undefined
  let body: Buffer
  const watched = timing !== 'untimed'
  if (watched) mirror.openSince = performance.now()
  try {
    body = await readBounded(res.body, MAX_PROTOCOL_FILE_BYTES)
  } catch (err) {
    if (!signal.aborted)
      recordFailure(
        mirror,
        { kind: classifyError(err), request: path, detail: describeError(err) },
        false
      )
    return undefined
  } finally {
    if (watched) mirror.openSince = undefined
  }
  const text = body.subarray(0, 512).toString('utf8')
  const kind = classifyStatus(res.status, text)
  if (kind === 'missing') {
    mirror.result.missing.push({ path: module.path, version: module.version })
    return undefined
  }
  if (kind) {
    const retryAfterSec = parseRetryAfter(res.headers['retry-after'])
    const firstLine = text.trim().split('\n')[0].slice(0, 120)
    recordFailure(
      mirror,
      {
        kind,
        request: path,
        status: res.status,
        detail: `${res.status}${firstLine ? `: ${firstLine}` : ''}`,
        retryAfterSec
      },
      // A rate-limited mirror is asked nothing more: that is what Retry-After means.
      FAILURE_SEVERITY[kind] === 'fatal' || kind === 'rate-limited'
    )
    return undefined
  }
  const bad = checkBody(file, body, module.version)
  if (bad) {
    recordFailure(mirror, {
      kind: 'bad-response',
      request: path,
      status: res.status,
      detail: bad
    })
    return undefined
  }
  return body
}

export function headerValue(
  v: string | string[] | undefined
): string | undefined {
  return Array.isArray(v) ? v[0] : v
}
