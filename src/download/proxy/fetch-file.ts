// Long: one request's life, from the first range to the last byte, with its
// deadlines and the faults it can end in, reads best in one place.
// One file from one mirror, streamed to a spool file (a large one in ranges,
// some from helper mirrors): kept-alive pooled connections, deadlines on
// connect, first byte and every pause in the body, go's size limits, and the
// outcome in the scheduler's terms. HTTP/1.1 only: over HTTP/2 the ranges of
// a file would share one connection and its per-connection limit.
import { goDispatcher } from '../../net/dispatcher.js'
import { open, type FileHandle } from 'node:fs/promises'
import type { Dispatcher } from 'undici'
import { connectionFault, LocalFault, spoolFault } from './local-fault.js'
import { statusFailure, type AttemptFailure } from './attempt-failure.js'

export interface FetchDeadlines {
  connectMs: number
  /** From sending the request to the response headers. */
  firstByteMs: number
  /** Longest pause between two body chunks. */
  idleMs: number
}

export type FetchOutcome =
  | {
      ok: true
      bytes: number
      /** Helper mirrors (origins) that supplied ranges of it. */
      helpedBy: string[]
      contentType: string
      /** Since the request was sent. */
      ttfbMs: number
      /** From the first byte to the last. */
      transferMs: number
    }
  | {
      ok: false
      failure: AttemptFailure | 'cancelled'
      status?: number
      detail: string
      retryAfterMs?: number
    }

export interface FetchHooks {
  onFirstByte(contentLength: number | undefined): void
  onProgress(bytesDone: number): void
}

// Its own name, so that a mirror's logs tell the prefetch from the probe.
const USER_AGENT =
  'setup-goproxy-prefetch (+https://github.com/features/actions)'

/**
 * The connection pools of the run: one per mirror origin, `connections`
 * each, honouring HTTPS_PROXY/NO_PROXY like go. Redirects (goproxy.cn sends
 * large zips to object storage) are followed.
 */
export function openPools(
  connections: number,
  deadlines: FetchDeadlines
): Dispatcher {
  return goDispatcher({ connections, connectTimeoutMs: deadlines.connectMs })
}

/** Large files come in ranges over several connections at once. */
export interface SplitOptions {
  chunkBytes: number
  /** Ranges in flight at once from the mirror asked first. */
  parallel: number
  /**
   * Other mirrors' URLs of the same file and how many ranges each may carry
   * at once: the ranges go to whichever is free, so a large file uses every
   * link. A helper that fails leaves its range to the others.
   */
  helpers?: { url: string; parallel: number; firstByteMs: number }[]
}

interface GetOptions {
  deadlines: FetchDeadlines
  maxBytes: number
  signal: AbortSignal
  hooks: FetchHooks
  /** Ask for the first range; fetch the rest in parallel if the mirror serves ranges. */
  split?: SplitOptions
}

export async function fetchToFile(
  pools: Dispatcher,
  url: string,
  file: string,
  opts: GetOptions
): Promise<FetchOutcome> {
  const sent = performance.now()
  let firstByteAt: number | undefined
  const inner = new AbortController()
  const onAbort = () => inner.abort()
  opts.signal.addEventListener('abort', onAbort)
  const fh = await open(file, 'w').catch((err: unknown) => {
    opts.signal.removeEventListener('abort', onAbort)
    throw spoolFault(err)
  })
  try {
    const first = opts.split
      ? `bytes=0-${opts.split.chunkBytes - 1}`
      : undefined
    const res = await get(pools, url, opts.deadlines, inner.signal, first)
    firstByteAt = performance.now()
    const range =
      res.statusCode === 206 && first ? contentRange(res.headers) : undefined
    const length = range
      ? range.total
      : numberHeader(res.headers['content-length'])
    opts.hooks.onFirstByte(length)
    if (res.statusCode !== 200 && !range) {
      const body = await readSmall(res.body)
      return {
        ok: false,
        status: res.statusCode,
        ...statusFailure(res.statusCode, res.headers['retry-after'], body)
      }
    }
    if (length !== undefined && length > opts.maxBytes) {
      res.body.destroy()
      return tooLarge(opts.maxBytes)
    }
    let bytes = 0
    const progress = (n: number) => {
      bytes += n
      if (bytes > opts.maxBytes) throw new TooLarge()
      opts.hooks.onProgress(bytes)
    }
    if (range && range.start !== 0) {
      res.body.destroy()
      return fail(
        'garbage',
        `asked for the first range, got ${range.start}-${range.end}`
      )
    }
    const helpedBy = new Set<string>()
    const parts = [writeAt(res.body, fh, 0, progress)]
    if (range && opts.split) {
      const rest = new Ranges(range, opts.split.chunkBytes)
      const ctx = { pools, opts, signal: inner.signal, fh, progress }
      parts.push(
        rest.run(ctx, { url, parallel: opts.split.parallel }, helpedBy)
      )
      for (const h of opts.split.helpers ?? [])
        parts.push(rest.run(ctx, h, helpedBy))
      parts.push(rest.leftovers(ctx, url, parts.slice()))
    }
    try {
      await Promise.all(parts)
    } catch (err) {
      inner.abort()
      await Promise.allSettled(parts)
      throw err
    }
    if (length !== undefined && bytes !== length)
      return fail('truncated', `${bytes} of ${length} bytes`)
    return {
      ok: true,
      bytes,
      helpedBy: [...helpedBy].map((u) => new URL(u).origin),
      contentType: String(res.headers['content-type'] ?? ''),
      ttfbMs: firstByteAt - sent,
      transferMs: performance.now() - firstByteAt
    }
  } catch (err) {
    if (err instanceof LocalFault) throw err
    if (opts.signal.aborted) return fail('cancelled', 'cancelled')
    if (err instanceof TooLarge) return tooLarge(opts.maxBytes)
    if (err instanceof RangeFailure) return err.outcome
    return transportFailure(err, firstByteAt !== undefined)
  } finally {
    opts.signal.removeEventListener('abort', onAbort)
    await fh.close()
  }
}

function get(
  pools: Dispatcher,
  url: string,
  deadlines: FetchDeadlines,
  signal: AbortSignal,
  range?: string
) {
  const u = new URL(url)
  return pools.request({
    origin: u.origin,
    path: u.pathname,
    method: 'GET',
    headers: {
      'user-agent': USER_AGENT,
      ...(range ? { range } : {})
    },
    signal,
    headersTimeout: deadlines.firstByteMs,
    bodyTimeout: deadlines.idleMs
  })
}

// Writes a body at its offset in the spool file, chunk by chunk (awaiting
// each write keeps memory flat whatever the file size).
async function writeAt(
  body: AsyncIterable<Buffer>,
  fh: FileHandle,
  start: number,
  progress: (n: number) => void
): Promise<void> {
  let pos = start
  for await (const chunk of body) {
    progress(chunk.length)
    await fh.write(chunk, 0, chunk.length, pos).catch((err: unknown) => {
      throw spoolFault(err)
    })
    pos += chunk.length
  }
}

class RangeFailure extends Error {
  constructor(readonly outcome: FetchOutcome) {
    super('range failed')
  }
}

interface RangeContext {
  pools: Dispatcher
  opts: GetOptions
  signal: AbortSignal
  fh: FileHandle
  progress: (n: number) => void
}

/** The ranges after the first, taken by whichever mirror's worker is free. */
class Ranges {
  private readonly todo: [number, number][] = []

  constructor(
    private readonly first: { end: number; total: number },
    chunkBytes: number
  ) {
    for (let a = first.end + 1; a < first.total; a += chunkBytes)
      this.todo.push([a, Math.min(first.total, a + chunkBytes) - 1])
  }

  /**
   * `parallel` workers on one mirror. A failure on the first mirror fails
   * the file; a helper that fails gives its range back and stops.
   */
  async run(
    ctx: RangeContext,
    source: { url: string; parallel: number; firstByteMs?: number },
    helpedBy: Set<string>
  ): Promise<void> {
    const { url, parallel, firstByteMs } = source
    // Helpers answer within their own bound or give their range back.
    const primary = firstByteMs === undefined
    let failed = false
    const worker = async (): Promise<void> => {
      for (;;) {
        const r = failed ? undefined : this.todo.shift()
        if (!r) return
        try {
          await this.fetch(ctx, url, r, firstByteMs)
          if (!primary) helpedBy.add(url)
        } catch (err) {
          if (primary || ctx.signal.aborted || err instanceof LocalFault)
            throw err
          this.todo.unshift(r)
          failed = true
        }
      }
    }
    await Promise.all(
      Array.from({ length: Math.min(parallel, this.todo.length) }, worker)
    )
  }

  /** Once every worker stopped: what a failed helper gave back, from the first mirror. */
  async leftovers(
    ctx: RangeContext,
    url: string,
    runs: Promise<void>[]
  ): Promise<void> {
    await Promise.all(runs)
    for (let r = this.todo.shift(); r; r = this.todo.shift())
      await this.fetch(ctx, url, r)
  }

  private async fetch(
    ctx: RangeContext,
    url: string,
    r: [number, number],
    firstByteMs = ctx.opts.deadlines.firstByteMs
  ): Promise<void> {
    const res = await get(
      ctx.pools,
      url,
      { ...ctx.opts.deadlines, firstByteMs },
      ctx.signal,
      `bytes=${r[0]}-${r[1]}`
    )
    const got = res.statusCode === 206 ? contentRange(res.headers) : undefined
    if (
      !got ||
      got.start !== r[0] ||
      got.end !== r[1] ||
      got.total !== this.first.total
    ) {
      res.body.destroy()
      throw new RangeFailure(
        fail('garbage', `range ${r[0]}-${r[1]} answered ${res.statusCode}`)
      )
    }
    const want = r[1] - r[0] + 1
    let n = 0
    try {
      await writeAt(res.body, ctx.fh, r[0], (k) => {
        n += k
        ctx.progress(k)
      })
    } finally {
      // A range cut short is fetched again: its bytes do not count.
      if (n !== want) ctx.progress(-n)
    }
    if (n !== want)
      throw new RangeFailure(
        fail('truncated', `range ${r[0]}-${r[1]}: ${n} bytes`)
      )
  }
}

function contentRange(
  headers: Record<string, string | string[] | undefined>
): { start: number; end: number; total: number } | undefined {
  const v = headers['content-range']
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(
    String(Array.isArray(v) ? v[0] : v)
  )
  return m
    ? { start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) }
    : undefined
}

class TooLarge extends Error {}

function tooLarge(max: number): FetchOutcome {
  return fail('too-large', `larger than ${max} bytes`)
}

function fail(
  failure: AttemptFailure | 'cancelled',
  detail: string
): FetchOutcome {
  return { ok: false, failure, detail }
}

function numberHeader(v: string | string[] | undefined): number | undefined {
  const n = Number(Array.isArray(v) ? v[0] : v)
  return v !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined
}

// The first line of an error body, for the record; the rest is dropped.
async function readSmall(body: AsyncIterable<Buffer>): Promise<string> {
  let text = ''
  try {
    for await (const chunk of body) {
      if (text.length < 512) text += chunk.toString('utf8')
    }
  } catch {
    // The status says enough.
  }
  return text.split('\n')[0].slice(0, 200).trim()
}

function transportFailure(err: unknown, hadFirstByte: boolean): FetchOutcome {
  const local = connectionFault(err)
  if (local) throw local
  const e = err as {
    code?: string
    message?: string
    cause?: { code?: string }
  }
  const code = e.code ?? e.cause?.code ?? ''
  const msg = `${code ? code + ': ' : ''}${e.message ?? String(err)}`
  if (/TIMEOUT/.test(code)) return fail('timeout', msg)
  if (hadFirstByte) return fail('truncated', msg)
  return fail('network', msg)
}
