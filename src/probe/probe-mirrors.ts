import { describeError } from '../errors.js'
import {
  checkBody,
  classifyError,
  classifyStatus,
  parseRetryAfter,
  zipLooksComplete
} from './classify.js'
import type { GoSumEntry } from '../gomod/gosum.js'
import {
  escapeModulePath,
  hashGoMod,
  type ModuleVersion
} from '../gomod/module-path.js'
import type { MirrorProbe, ProbeFailure } from './result.js'
import {
  expectedMs,
  lowerBoundMs,
  median,
  type Workload
} from '../selection/rank.js'
import {
  openSidePool,
  openTransport,
  type ConnectPhase,
  type Transport
} from './transport.js'

export interface ProbeOptions {
  /** Module versions to request, with go.sum hashes when known. */
  modules: GoSumEntry[]
  /**
   * More module versions whose .info is asked on side connections: a stale,
   * flaky or rate-limiting mirror shows itself over more requests than the
   * timed ones.
   */
  freshness?: GoSumEntry[]
  /** The whole probe phase ends by then (ms from start). */
  deadlineMs: number
  /** Upper bound of the throughput-measuring .zip reads. */
  zipTimeBoxMs: number
  /** Used to stop early once slower mirrors cannot change the choice. */
  workload: Workload
  /** Mirrors whose expected time is within this share of the best must finish. */
  tieMargin?: number
}

const MAX_SMALL_BODY = 1 << 20
// Side connections per mirror for the freshness checks.
const SIDE_CONNECTIONS = 4
// Zip bytes after which a throughput reading is trusted. Bytes arrive in
// bursts (TCP windows, server write sizes), and a reading over only a few
// bursts overstates the bandwidth by about n/(n-1).
const THROUGHPUT_BYTES = 4 << 20
// A zip read this long projects its mirror's bandwidth for the early stop,
// which then wants the projection to lose by a factor of 1 + this / the
// reading's length: 2 at first, less the longer the rate has held.
const PROJECTION_MIN_MS = 250
// go refuses a larger zip (cmd/go/internal/modfetch/codehost MaxZipFile).
const MAX_ZIP_BYTES = 500 << 20
// The zip local-file-header signature, the least to tell a zip by.
const ZIP_MAGIC_BYTES = 4
// A request open this long (and 4× the mirror's median) when the probe ends is a stall.
const STALL_MS = 1000

// Per-mirror live state, read by the early-stop check.
interface Live {
  samples: number[]
  openSince?: number
  /** How long the request open when the probe stopped had been waiting. */
  openAtStopMs?: number
  /** The measured connection, and where its setup was when the probe stopped. */
  measured?: Transport
  connectingAtStop?: ConnectPhase
  /** Zip bytes (after each first byte) and their time so far. */
  reading?: { bytes: number; ms: number }
  done: boolean
  fatal: boolean
  result: MirrorProbe
}

/**
 * Probes every mirror in parallel the way go will use it: .info, .mod and one
 * .zip of this project's own module versions over one kept-alive connection,
 * plus the sumdb `supported` endpoint. Ends by the deadline whatever the
 * mirrors do, and earlier once no unfinished mirror can still come first.
 */
export async function probeMirrors(
  urls: string[],
  opts: ProbeOptions
): Promise<MirrorProbe[]> {
  const start = performance.now()
  const stop = new AbortController()
  const lives = urls.map((url) =>
    newLive(url, opts.modules.length + (opts.freshness?.length ?? 0))
  )
  stop.signal.addEventListener('abort', () => {
    const now = performance.now()
    for (const l of lives) {
      if (l.openSince !== undefined) l.openAtStopMs = now - l.openSince
      l.connectingAtStop = l.measured?.connecting
    }
  })
  const timer = setTimeout(
    () => stop.abort(new ProbeDeadlineError()),
    opts.deadlineMs
  )
  const check = setInterval(() => {
    if (outcomeSettled(lives, opts.workload, opts.tieMargin ?? 0.1))
      stop.abort(new SettledError())
  }, 20)
  try {
    await Promise.all(lives.map((l) => probeOne(l, opts, stop.signal)))
  } finally {
    clearTimeout(timer)
    clearInterval(check)
  }
  const elapsed = performance.now() - start
  return lives.map((l) => finish(l, stop.signal.reason, elapsed))
}

class ProbeDeadlineError extends Error {
  name = 'TimeoutError'
}
class SettledError extends Error {
  name = 'SettledError'
}

function newLive(url: string, sampled: number): Live {
  return {
    samples: [],
    done: false,
    fatal: false,
    result: {
      url,
      timings: { ttfbSamplesMs: [] },
      found: 0,
      sampled,
      missing: [],
      integrity: { checked: 0, mismatches: [] },
      failures: [],
      cutShort: false
    }
  }
}

function finish(l: Live, reason: unknown, elapsedMs: number): MirrorProbe {
  const r = l.result
  if (!l.done && !l.fatal) {
    if (l.samples.length === 0) {
      const when =
        reason instanceof SettledError
          ? `in ${Math.round(elapsedMs)} ms, while faster mirrors finished`
          : `within the probe timeout (${Math.round(elapsedMs)} ms)`
      r.failures.push(unanswered(l.connectingAtStop, when))
    } else if (
      (l.openAtStopMs ?? 0) > Math.max(STALL_MS, 4 * median(l.samples))
    ) {
      // go has no timeouts: a mirror that stalls mid-answer would stall the build.
      r.failures.push({
        kind: 'timeout',
        request: '/',
        detail: `a request stalled for ${Math.round(l.openAtStopMs ?? 0)} ms`,
        fatal: true
      })
    } else {
      r.cutShort = true
    }
  }
  if (r.timings.throughputBps === undefined && l.reading?.bytes) {
    // A read cut short still says what the bandwidth was while it lasted.
    r.timings.throughputBps = l.reading.bytes / (l.reading.ms / 1000)
  }
  r.timings.ttfbSamplesMs = l.samples.map((s) => Math.round(s * 10) / 10)
  if (l.samples.length > 0) r.timings.ttfbMs = median(l.samples)
  return r
}

// What a mirror that never answered was doing: a TLS handshake the server
// never answers, or SYNs that are dropped, are named as such.
function unanswered(
  phase: ConnectPhase | undefined,
  when: string
): ProbeFailure {
  switch (phase) {
    case 'tls':
      return {
        kind: 'tls',
        request: '/',
        detail: `the TLS handshake did not finish ${when}: the server accepted the connection and never completed TLS`
      }
    case 'connect':
      return {
        kind: 'timeout',
        request: '/',
        detail: `the TCP connection was not established ${when}: no answer to its SYNs`
      }
    case 'dns':
      return {
        kind: 'dns',
        request: '/',
        detail: `the DNS lookup did not finish ${when}`
      }
    default:
      return { kind: 'timeout', request: '/', detail: `no answer ${when}` }
  }
}

/**
 * True once the first place of the ranking is decided: some mirror has
 * finished cleanly with every sampled version, and no unfinished mirror can
 * come within the near-tie margin of it (one that already failed a request
 * or lacks a version ranks below it anyway). For an unfinished mirror the latency
 * is at least the median so far (counting the request still open) and the
 * bandwidth at most what it measured, or unlimited while no zip has been
 * read; a zip read in progress for a while projects its bandwidth, trusted
 * with a safety factor that shrinks as the rate holds, since a transfer can
 * still speed up.
 */
function outcomeSettled(lives: Live[], w: Workload, margin: number): boolean {
  const now = performance.now()
  let best = Infinity
  for (const l of lives) {
    const r = l.result
    if (!l.done || l.fatal || r.failures.length > 0 || r.found < r.sampled)
      continue
    if (r.timings.throughputBps === undefined) continue
    const timings = { ...r.timings, ttfbMs: median(l.samples) }
    best = Math.min(best, expectedMs({ timings }, w) ?? Infinity)
  }
  if (best === Infinity) return false
  const bar = best * (1 + margin)
  return lives.every((l) => {
    if (l.done || l.fatal) return true
    // Ranked below any clean mirror whatever its speed: degraded or stale.
    if (l.result.failures.length > 0 || l.result.missing.length > 0) return true
    const openFor = l.openSince === undefined ? 0 : now - l.openSince
    const latencyTerm = lowerBoundMs(l.samples, openFor, w)
    const cost = (bps: number): number =>
      latencyTerm + ((w.bytes / bps) * 1000) / Math.max(1, w.concurrency)
    const bps = l.result.timings.throughputBps
    if (bps !== undefined) return cost(bps) > bar
    if (latencyTerm > bar) return true
    const r = l.reading
    if (!r || r.ms < PROJECTION_MIN_MS || r.bytes === 0) return false
    const safety = 1 + PROJECTION_MIN_MS / r.ms
    return cost(r.bytes / (r.ms / 1000)) > bar * safety
  })
}

async function probeOne(
  l: Live,
  opts: ProbeOptions,
  signal: AbortSignal
): Promise<void> {
  const base = new URL(l.result.url)
  const prefix = base.pathname.replace(/\/$/, '')
  const side = opts.freshness?.length
    ? checkFreshness(l, base, prefix, opts.freshness, signal)
    : Promise.resolve(true)
  const measured = probeMeasured(l, base, prefix, opts, signal)
  const throughput = measureThroughput(
    l,
    base,
    prefix,
    [...opts.modules, ...(opts.freshness ?? [])],
    opts.zipTimeBoxMs,
    signal
  )
  const ok = await Promise.all([side, measured, throughput])
  if (ok.every(Boolean) && !l.fatal && !signal.aborted) l.done = true
}

/** .info of more module versions over a few side connections. */
async function checkFreshness(
  l: Live,
  base: URL,
  prefix: string,
  modules: GoSumEntry[],
  signal: AbortSignal
): Promise<boolean> {
  const pool = openSidePool(base, SIDE_CONNECTIONS, signal)
  const queue = [...modules]
  const worker = async (): Promise<void> => {
    for (let m = queue.shift(); m; m = queue.shift()) {
      if (l.fatal || signal.aborted) return
      const stem = `${prefix}/${escapeModulePath(m.path)}/@v/${escapeModulePath(m.version)}`
      const info = await small(
        l,
        pool,
        `${stem}.info`,
        'info',
        signal,
        m,
        false
      )
      if (info !== undefined) l.result.found++
    }
  }
  try {
    await Promise.all(Array.from({ length: SIDE_CONNECTIONS }, worker))
    return !l.fatal && !signal.aborted
  } finally {
    await pool.close().catch(() => undefined)
  }
}

/** The timed sequence on one kept-alive connection; true when it completed. */
async function probeMeasured(
  l: Live,
  base: URL,
  prefix: string,
  opts: ProbeOptions,
  signal: AbortSignal
): Promise<boolean> {
  const t = openTransport(base, signal)
  l.measured = t
  try {
    for (const m of opts.modules) {
      const stem = `${prefix}/${escapeModulePath(m.path)}/@v/${escapeModulePath(m.version)}`
      const info = await small(l, t, `${stem}.info`, 'info', signal, m)
      if (info === undefined) {
        if (l.fatal || signal.aborted) return false
        continue
      }
      const mod = await small(l, t, `${stem}.mod`, 'mod', signal, m)
      if (mod === undefined) {
        if (l.fatal || signal.aborted) return false
        continue
      }
      l.result.found++
      if (m.modHash) {
        l.result.integrity.checked++
        const got = hashGoMod(mod)
        if (got !== m.modHash) {
          l.result.integrity.mismatches.push({
            path: m.path,
            version: m.version
          })
          fail(l, {
            kind: 'checksum',
            request: `${stem}.mod`,
            detail: `go.mod of ${m.path}@${m.version} hashes to ${got}, go.sum says ${m.modHash}`
          })
          return false
        }
      }
    }
    const sumdb = await request(
      l,
      t,
      `${prefix}/sumdb/sum.golang.org/supported`,
      signal,
      false
    )
    if (sumdb) {
      l.result.sumdbSupported = sumdb.status
      await sumdb.body.dump().catch(() => undefined)
    } else if (l.fatal || signal.aborted) return false
    return !l.fatal && !signal.aborted
  } finally {
    await t.close().catch(() => undefined)
  }
}

function fail(l: Live, f: ProbeFailure, fatal = true): void {
  l.result.failures.push(f)
  if (fatal) l.fatal = true
}

/** Sends one request, timing the first byte; records transport failures. */
async function request(
  l: Live,
  t: Transport,
  path: string,
  signal: AbortSignal,
  sample = true,
  timed = true
): Promise<Awaited<ReturnType<Transport['request']>> | undefined> {
  const t0 = performance.now()
  if (timed) l.openSince = t0
  try {
    const res = await t.request(path)
    if (sample && timed) l.samples.push(performance.now() - t0)
    Object.assign(l.result.timings, t.timings)
    return res
  } catch (err) {
    Object.assign(l.result.timings, t.timings)
    if (signal.aborted) return undefined
    const kind = classifyError(err)
    fail(
      l,
      { kind, request: path, detail: describeError(err) },
      kind !== 'timeout'
    )
    return undefined
  } finally {
    if (timed) l.openSince = undefined
  }
}

async function readAll(
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

/** GETs a small protocol file and checks it; undefined when not usable. */
async function small(
  l: Live,
  t: Transport,
  path: string,
  kind: 'info' | 'mod',
  signal: AbortSignal,
  m: ModuleVersion,
  timed = true
): Promise<Buffer | undefined> {
  const res = await request(l, t, path, signal, true, timed)
  if (!res) return undefined
  let body: Buffer
  if (timed) l.openSince = performance.now()
  try {
    body = await readAll(res.body, MAX_SMALL_BODY)
  } catch (err) {
    if (!signal.aborted)
      fail(
        l,
        { kind: classifyError(err), request: path, detail: describeError(err) },
        false
      )
    return undefined
  } finally {
    if (timed) l.openSince = undefined
  }
  const text = body.subarray(0, 512).toString('utf8')
  const kindOfFailure = classifyStatus(res.status, text)
  if (kindOfFailure === 'missing') {
    l.result.missing.push({ path: m.path, version: m.version })
    return undefined
  }
  if (kindOfFailure) {
    const retryAfterSec = parseRetryAfter(
      headerValue(res.headers['retry-after'])
    )
    const fatal = kindOfFailure === 'auth' || kindOfFailure === 'bad-response'
    fail(
      l,
      {
        kind: kindOfFailure,
        request: path,
        status: res.status,
        detail: `${res.status}${text.trim() ? `: ${text.trim().split('\n')[0].slice(0, 120)}` : ''}`,
        retryAfterSec
      },
      fatal
    )
    // A rate-limited mirror is asked nothing more: that is what Retry-After means.
    if (kindOfFailure === 'rate-limited') l.fatal = true
    return undefined
  }
  const bad = checkBody(kind, body, m.version)
  if (bad) {
    fail(l, {
      kind: 'bad-response',
      request: path,
      status: res.status,
      detail: bad
    })
    return undefined
  }
  return body
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

type ZipRead =
  | { afterFirstBytes: number; afterFirstMs: number; bytes: number; ms: number }
  | 'skip'
  | undefined

/**
 * Reads one .zip until `until`. Returns what arrived, 'skip' when the mirror
 * has no such zip or answered an error worth recording but not fatal, and
 * undefined when the probe of this mirror is over.
 */
async function readZip(
  l: Live,
  t: Transport,
  path: string,
  until: number,
  signal: AbortSignal,
  maxBytes: number,
  onProgress: (afterFirstBytes: number, afterFirstMs: number) => void
): Promise<ZipRead> {
  const t0 = performance.now()
  const res = await request(l, t, path, signal, false, false)
  if (!res) return undefined
  if (res.status !== 200) {
    const body = await readAll(res.body, 4096).catch(() => Buffer.alloc(0))
    const kind = classifyStatus(res.status, body.toString('utf8'))
    if (kind === 'missing') return 'skip'
    const fatal =
      kind === undefined || kind === 'bad-response' || kind === 'auth'
    fail(
      l,
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
  const expected = Number(headerValue(res.headers['content-length']) ?? NaN)
  if (expected > MAX_ZIP_BYTES) {
    res.body.destroy()
    fail(l, {
      kind: 'bad-response',
      request: path,
      status: 200,
      detail: `a zip of ${expected} bytes, over go's limit of ${MAX_ZIP_BYTES} (go fails it: downloaded zip file too large)`
    })
    return undefined
  }
  const chunks: Buffer[] = []
  let afterFirstBytes = 0
  let first: number | undefined
  let last = performance.now()
  let complete = false
  let boxed = false
  const box = setTimeout(
    () => {
      boxed = true
      res.body.destroy(new Error('time box'))
    },
    Math.max(0, until - performance.now())
  )
  try {
    for await (const c of res.body) {
      last = performance.now()
      if (first === undefined) first = last
      else afterFirstBytes += c.length
      if (chunks.length < 2 || afterFirstBytes < 64 * 1024) chunks.push(c)
      onProgress(afterFirstBytes, last - first)
      if (afterFirstBytes + (chunks[0]?.length ?? 0) >= maxBytes) {
        // Enough for a reading: the rest of a large zip would only cost time.
        boxed = true
        break
      }
    }
    complete = !boxed
  } catch (err) {
    // Cut by the time box or the deadline, what arrived still measures
    // bandwidth; a connection that ends early is a truncated zip.
    if (!boxed && !signal.aborted) {
      fail(l, {
        kind: 'bad-response',
        request: path,
        status: 200,
        detail: `truncated zip (${describeError(err)})`
      })
      return undefined
    }
  } finally {
    clearTimeout(box)
  }
  const head = Buffer.concat(chunks)
  const bytes = afterFirstBytes + (chunks[0]?.length ?? 0)
  if (!complete && head.length < ZIP_MAGIC_BYTES) {
    // Stopped with the probe before anything could be judged.
    if (signal.aborted) return undefined
    // Cut by the time box before a zip header could even be read: go would
    // wait as long for every zip of this mirror.
    const ms = performance.now() - t0
    fail(l, {
      kind: 'timeout',
      request: path,
      status: 200,
      detail: `the zip stalled or trickled: ${bytes} bytes in ${Math.round(ms)} ms (${(bytes / (ms / 1000)).toFixed(1)} B/s)`,
      fatal: true
    })
    return undefined
  }
  const notZip = head.length > 0 ? checkBody('zip', head) : 'empty body'
  const truncated =
    complete &&
    ((Number.isFinite(expected) && bytes < expected) || !zipTailOk(head, bytes))
  if (notZip || truncated) {
    fail(l, {
      kind: 'bad-response',
      request: path,
      status: 200,
      detail: notZip ?? 'truncated zip'
    })
    return undefined
  }
  return {
    afterFirstBytes,
    afterFirstMs: first === undefined ? 0 : last - first,
    bytes,
    ms: last - t0
  }
}

/**
 * Measures throughput on a connection of its own, in parallel with the timed
 * requests: zips of the sampled versions are read until enough bytes have
 * arrived to mean something, or the time box ends.
 */
async function measureThroughput(
  l: Live,
  base: URL,
  prefix: string,
  modules: ModuleVersion[],
  boxMs: number,
  signal: AbortSignal
): Promise<boolean> {
  const t = openSidePool(base, 1, signal)
  const until = performance.now() + boxMs
  let afterFirstBytes = 0
  let afterFirstMs = 0
  let bytes = 0
  let ms = 0
  let zips = 0
  try {
    for (const m of modules) {
      if (bytes >= THROUGHPUT_BYTES || performance.now() >= until) break
      const stem = `${prefix}/${escapeModulePath(m.path)}/@v/${escapeModulePath(m.version)}`
      const r = await readZip(
        l,
        t,
        `${stem}.zip`,
        until,
        signal,
        THROUGHPUT_BYTES - bytes,
        (b, ms) => {
          l.reading = { bytes: afterFirstBytes + b, ms: afterFirstMs + ms }
        }
      )
      if (r === undefined) return false
      if (r === 'skip') continue
      zips++
      afterFirstBytes += r.afterFirstBytes
      afterFirstMs += r.afterFirstMs
      bytes += r.bytes
      ms += r.ms
    }
    if (zips > 0) {
      l.result.timings.throughputBytes = bytes
      l.result.timings.zipsRead = zips
      // Zips that came in one piece only bound the bandwidth from below, so
      // the whole request time is used for them.
      l.result.timings.throughputBps =
        afterFirstBytes > 0 && afterFirstMs > 0
          ? afterFirstBytes / (afterFirstMs / 1000)
          : bytes / (Math.max(ms, 1) / 1000)
    }
    return !l.fatal && !signal.aborted
  } finally {
    await t.close().catch(() => undefined)
  }
}

// The end-of-central-directory record is only checkable when the whole zip
// was kept, i.e. for small zips; larger ones rely on Content-Length.
function zipTailOk(head: Buffer, total: number): boolean {
  return head.length < total || zipLooksComplete(head)
}
