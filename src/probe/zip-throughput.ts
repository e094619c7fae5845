// The bandwidth reading of a mirror's probe: zips read on a connection of
// their own, each checked to be a zip go would accept.
import { zipProblem } from './body-checks.js'
import { classifyStatus } from '../base/http-status.js'
import { FAILURE_SEVERITY } from '../base/failure-kinds.js'
import { describeError } from '../base/errors.js'
import type { ModuleVersion } from '../gomod/module-path.js'
import { recordFailure, type MirrorProbeState } from './probe-state.js'
import { headerValue, readBounded, sendRequest } from './protocol-requests.js'
import { moduleFileUrl } from '../gomod/proxy-url.js'
import { openSidePool, type Transport } from './transport.js'

// Zip bytes after which a throughput reading is trusted. Bytes arrive in
// bursts (TCP windows, server write sizes), and a reading over only a few
// bursts overstates the bandwidth by about n/(n-1).
const THROUGHPUT_BYTES = 4 << 20
// go refuses a larger zip (cmd/go/internal/modfetch/codehost MaxZipFile).
const MAX_ZIP_BYTES = 500 << 20
// The zip local-file-header signature, the least to tell a zip by.
const ZIP_MAGIC_BYTES = 4
// Bytes of a zip kept for its checks: all of a small zip, whose end record
// is then checked too.
const KEPT_ZIP_BYTES = 64 * 1024

/**
 * Measures throughput on a connection of its own, in parallel with the timed
 * requests: zips of the sampled versions are read until enough bytes have
 * arrived to mean something, or the time box ends. True when it completed.
 */
export async function measureThroughput(
  mirror: MirrorProbeState,
  base: URL,
  prefix: string,
  modules: ModuleVersion[],
  timeBoxMs: number,
  signal: AbortSignal
): Promise<boolean> {
  const conn = openSidePool(base, 1, signal)
  const until = performance.now() + timeBoxMs
  let afterFirstBytes = 0
  let afterFirstMs = 0
  let bytes = 0
  let ms = 0
  let zips = 0
  try {
    for (const m of modules) {
      if (bytes >= THROUGHPUT_BYTES || performance.now() >= until) break
      const read = await readZip(
        mirror,
        conn,
        moduleFileUrl(prefix, m, 'zip'),
        until,
        signal,
        THROUGHPUT_BYTES - bytes,
        (zipBytes, zipMs) => {
          mirror.zipReading = {
            bytes: afterFirstBytes + zipBytes,
            ms: afterFirstMs + zipMs
          }
        }
      )
      if (read === undefined) return false
      if (read === 'skip') continue
      zips++
      afterFirstBytes += read.afterFirstBytes
      afterFirstMs += read.afterFirstMs
      bytes += read.bytes
      ms += read.ms
    }
    if (zips > 0) {
      const timings = mirror.result.timings
      timings.throughputBytes = bytes
      timings.zipsRead = zips
      // Zips that came in one piece only bound the bandwidth from below, so
      // the whole request time is used for them.
      timings.throughputBps =
        afterFirstBytes > 0 && afterFirstMs > 0
          ? afterFirstBytes / (afterFirstMs / 1000)
          : bytes / (Math.max(ms, 1) / 1000)
    }
    return !mirror.unusable && !signal.aborted
  } finally {
    await conn.close().catch(() => undefined)
  }
}

type ZipRead =
  | { afterFirstBytes: number; afterFirstMs: number; bytes: number; ms: number }
  | 'skip'
  | undefined

/**
 * Reads one .zip until `until` or `maxBytes`. Returns what arrived, 'skip'
 * when the mirror has no such zip or answered an error worth recording but
 * not fatal, and undefined when the probe of this mirror is over.
 */
async function readZip(
  mirror: MirrorProbeState,
  conn: Transport,
  path: string,
  until: number,
  signal: AbortSignal,
  maxBytes: number,
  onProgress: (afterFirstBytes: number, afterFirstMs: number) => void
): Promise<ZipRead> {
  const sentAt = performance.now()
  const res = await sendRequest(mirror, conn, path, signal, 'untimed')
  if (!res) return undefined
  if (res.status !== 200) {
    const body = await readBounded(res.body, 4096).catch(() => Buffer.alloc(0))
    const kind = classifyStatus(res.status, body.toString('utf8'))
    if (kind === 'missing') return 'skip'
    // A 2xx other than 200 is no proxy answer either.
    const fatal = kind === undefined || FAILURE_SEVERITY[kind] === 'fatal'
    recordFailure(
      mirror,
      {
        kind: kind ?? 'bad-response',
        request: path,
        status: res.status,
        detail: `${res.status} for the zip`
      },
      fatal
    )
    return fatal ? undefined : 'skip'
  }
  const contentLength = Number(
    headerValue(res.headers['content-length']) ?? NaN
  )
  if (contentLength > MAX_ZIP_BYTES) {
    res.body.destroy()
    recordFailure(mirror, {
      kind: 'bad-response',
      request: path,
      status: 200,
      detail: `a zip of ${contentLength} bytes, over go's limit of ${MAX_ZIP_BYTES} (go fails it: downloaded zip file too large)`
    })
    return undefined
  }
  const chunks: Buffer[] = []
  let afterFirstBytes = 0
  let firstAt: number | undefined
  let lastAt = performance.now()
  let complete = false
  let cut = false
  const timeBox = setTimeout(
    () => {
      cut = true
      res.body.destroy(new Error('time box'))
    },
    Math.max(0, until - performance.now())
  )
  try {
    for await (const c of res.body) {
      lastAt = performance.now()
      if (firstAt === undefined) firstAt = lastAt
      else afterFirstBytes += c.length
      if (chunks.length < 2 || afterFirstBytes < KEPT_ZIP_BYTES) chunks.push(c)
      onProgress(afterFirstBytes, lastAt - firstAt)
      if (afterFirstBytes + (chunks[0]?.length ?? 0) >= maxBytes) {
        // Enough for a reading: the rest of a large zip would only cost time.
        cut = true
        break
      }
    }
    complete = !cut
  } catch (err) {
    // Cut by the time box or the deadline, what arrived still measures
    // bandwidth; a connection that ends early is a truncated zip.
    if (!cut && !signal.aborted) {
      recordFailure(mirror, {
        kind: 'bad-response',
        request: path,
        status: 200,
        detail: `truncated zip (${describeError(err)})`
      })
      return undefined
    }
  } finally {
    clearTimeout(timeBox)
  }
  const head = Buffer.concat(chunks)
  const bytes = afterFirstBytes + (chunks[0]?.length ?? 0)
  if (!complete && head.length < ZIP_MAGIC_BYTES) {
    // Stopped with the probe before anything could be judged.
    if (signal.aborted) return undefined
    // Cut by the time box before a zip header could even be read: go would
    // wait as long for every zip of this mirror.
    const ms = performance.now() - sentAt
    recordFailure(mirror, {
      kind: 'timeout',
      request: path,
      status: 200,
      detail: `the zip stalled or trickled: ${bytes} bytes in ${Math.round(ms)} ms (${(bytes / (ms / 1000)).toFixed(1)} B/s)`,
      fatal: true
    })
    return undefined
  }
  const problem = zipProblem({ head, bytes, contentLength, complete })
  if (problem) {
    recordFailure(mirror, {
      kind: 'bad-response',
      request: path,
      status: 200,
      detail: problem
    })
    return undefined
  }
  return {
    afterFirstBytes,
    afterFirstMs: firstAt === undefined ? 0 : lastAt - firstAt,
    bytes,
    ms: lastAt - sentAt
  }
}
