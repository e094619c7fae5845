// Long: one class holds each file's whole story (queue, attempts, hedges,
// verification, record), since every step reads and changes that one task.
// The fetcher behind the prefetch and the local proxy: every file is a task
// that the scheduler sends to a mirror, hedges to another when the first is
// slow to answer or projected late, moves at once on a failure, and completes
// only with bytes that passed verification. Planned files start at once,
// widely in parallel; anything go asks for that was not planned starts on
// demand.
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Dispatcher } from 'undici'
import {
  fetchToFile,
  openPools,
  type FetchDeadlines,
  type FetchOutcome,
  type SplitOptions
} from './fetch-file.js'
import { spoolFault } from './local-fault.js'
import { MAX_SMALL_BYTES, MAX_ZIP_BYTES } from '../../gomod/limits.js'
import { isImmutable, parseProxyPath, type ProxyRequest } from './proxy-path.js'
import type { AttemptFailure } from './attempt-failure.js'
import {
  Scheduler,
  type MirrorPrior,
  type MirrorState,
  type SchedulerOptions
} from './scheduler.js'
import { verifyFile } from './verify.js'
import type { PlannedFile } from './work-plan.js'
import type { PrefetchProgress } from '../progress.js'
import type { FileRecord, MirrorRecord, ProxyRecord } from './record.js'

export interface EngineOptions {
  mirrors: readonly MirrorPrior[]
  /**
   * Planned zips fetched at once, and as many small files beside them (go's
   * own requests come on top).
   */
  concurrency: number
  /** Directory for the spool; removed by stop(). */
  spoolDir: string
  deadlines: FetchDeadlines
  /** Expected size of a zip, for choosing a mirror before its size is known. */
  zipBytesHint: number
  /**
   * A file whose untried mirrors are all paused by a 429 waits for the
   * soonest pause to end, unless false: then it is answered at once, for a
   * go that has the chain to fall through to (the kept proxy).
   */
  waitOutPauses?: boolean
  scheduler?: Partial<SchedulerOptions>
}

export type Served =
  | { status: 200; file: string; bytes: number; contentType: string }
  | { status: 404 | 410 | 502; detail: string }

interface Attempt {
  mirror: MirrorState
  abort: AbortController
  file: string
  sentAt: number
  firstByteAt?: number
  bytesDone: number
  totalBytes?: number
  /** Past its hedge bound with no first byte (counted in the scheduler). */
  stalled: boolean
  /** Issued while another attempt for the same file was live. */
  hedge: boolean
  timer?: NodeJS.Timeout
}

interface Task {
  urlPath: string
  req: ProxyRequest
  hash?: string
  record: FileRecord
  /** Mirrors that answered with a failure or 404 for this file. */
  tried: Set<string>
  notFoundOnly: boolean
  /** Ranges from one mirror only: a mixed answer failed its hash. */
  singleSource: boolean
  live: Attempt[]
  started: boolean
  done: boolean
  startedAt: number
  result: Promise<Served>
  resolve(s: Served): void
  resume?: NodeJS.Timeout
}

// A zip larger than one range comes over several connections at once, from
// the mirror asked and up to two helpers: a mirror's bandwidth is often a
// per-connection limit (long paths, server throttles) and its link is
// shared, and the largest zips would otherwise set the pace.
const ZIP_RANGE = { chunkBytes: 4 << 20, parallel: 6 }
const HELPERS = 2
const HELPER_PARALLEL = 4

type Lane = 'bulk' | 'small'

function laneOf(t: Task): Lane {
  return t.req.type === 'module' && t.req.kind === 'zip' ? 'bulk' : 'small'
}

interface Failure {
  kind: AttemptFailure
  status?: number
  detail: string
  retry?: number
}

const CONTENT_TYPES: Record<string, string> = {
  zip: 'application/zip',
  info: 'application/json',
  latest: 'application/json'
}

export class PrefetchEngine {
  private readonly scheduler: Scheduler
  private readonly pools: Dispatcher
  private readonly tasks = new Map<string, Task>()
  // Two lanes of `concurrency` each: zips, whose cost is bandwidth, and the
  // small files, whose cost is round trips; neither waits behind the other.
  private readonly queues: Record<Lane, Task[]> = { bulk: [], small: [] }
  private readonly active: Record<Lane, number> = { bulk: 0, small: 0 }
  private readonly mirrorFiles = new Map<string, MirrorRecord>()
  /** Records of answers no longer kept (failures, 404s, answers that change). */
  private readonly closedRecords: FileRecord[] = []
  /** The first fault of this machine (the spool, descriptors), if any. */
  private localFault?: string
  /** Spool file of the last answer at each path whose answer changes. */
  private readonly changing = new Map<string, string>()
  private spoolSeq = 0
  private stopped = false
  private readonly t0 = performance.now()

  private constructor(private readonly opts: EngineOptions) {
    this.scheduler = new Scheduler(opts.mirrors, opts.scheduler)
    this.pools = openPools(
      opts.scheduler?.slotsPerMirror ?? opts.concurrency,
      opts.deadlines
    )
    for (const m of opts.mirrors)
      this.mirrorFiles.set(m.url, {
        url: m.url,
        files: 0,
        bytes: 0,
        hedgesWon: 0,
        failures: {},
        badFiles: []
      })
  }

  static async start(
    opts: EngineOptions,
    plan: readonly PlannedFile[]
  ): Promise<PrefetchEngine> {
    await mkdir(opts.spoolDir, { recursive: true })
    const e = new PrefetchEngine(opts)
    for (const f of plan) {
      const t = e.task(f.urlPath, f.hash, true)
      if (t) e.queues[laneOf(t)].push(t)
    }
    e.pump()
    return e
  }

  /**
   * A file found to be needed after the start (the module graph walk):
   * queued as planned work, with its go.sum hash when known.
   */
  fetch(f: PlannedFile): Promise<Served> {
    const existing = this.tasks.get(f.urlPath)
    if (existing) return existing.result
    const t = this.task(f.urlPath, f.hash, true)
    if (!t)
      return Promise.resolve({ status: 404, detail: 'not a GOPROXY path' })
    this.queues[laneOf(t)].push(t)
    this.pump()
    return t.result
  }

  /** The file at a GOPROXY request path, once fetched and verified. */
  get(urlPath: string): Promise<Served> {
    const existing = this.tasks.get(urlPath)
    if (existing) {
      existing.record.askedByGo = true
      if (!existing.started) {
        const q = this.queues[laneOf(existing)]
        q.splice(q.indexOf(existing), 1)
        this.begin(existing, false)
      }
      return existing.result
    }
    const t = this.task(urlPath, undefined, false)
    if (!t)
      return Promise.resolve({ status: 404, detail: 'not a GOPROXY path' })
    t.record.askedByGo = true
    this.begin(t, false)
    return t.result
  }

  /** Milliseconds since the engine started, on the same clock as the scheduler. */
  private now(): number {
    return performance.now() - this.t0
  }

  record(): ProxyRecord {
    return {
      concurrency: this.opts.concurrency,
      files: [
        ...[...this.tasks.values()].map((t) =>
          t.done || t.live.length === 0
            ? t.record
            : { ...t.record, waitingOn: t.live.map((a) => a.mirror.url) }
        ),
        ...this.closedRecords
      ],
      mirrors: this.scheduler.mirrors.map((m) => ({
        ...this.mirrorFiles.get(m.url)!,
        dropped: m.dropped
      })),
      localFault: this.localFault
    }
  }

  /**
   * Files served and bytes received so far, a transfer under way counted
   * once (its furthest attempt), for a progress line; cheaper than record().
   */
  progress(): Pick<PrefetchProgress, 'files' | 'bytes' | 'mirrors'> {
    const mirrors = [...this.mirrorFiles.values()]
    let bytes = 0
    for (const t of this.tasks.values())
      if (!t.done) bytes += Math.max(0, ...t.live.map((a) => a.bytesDone))
    for (const m of mirrors) bytes += m.bytes
    const files = mirrors.reduce((n, m) => n + m.files, 0)
    return {
      files,
      bytes,
      mirrors: mirrors.map(({ url, files }) => ({ url, files }))
    }
  }

  /** Cancels everything under way and removes the spool. */
  async stop(): Promise<void> {
    this.stopped = true
    for (const t of this.tasks.values()) {
      if (t.resume) clearTimeout(t.resume)
      for (const a of t.live) this.cancel(a)
      if (!t.done) this.finish(t, { status: 502, detail: 'proxy stopped' })
    }
    await this.pools.destroy().catch(() => undefined)
    await rm(this.opts.spoolDir, { recursive: true, force: true })
  }

  private task(
    urlPath: string,
    hash: string | undefined,
    planned: boolean
  ): Task | undefined {
    const req = parseProxyPath(urlPath)
    if (!req) return undefined
    let resolve!: (s: Served) => void
    const result = new Promise<Served>((r) => (resolve = r))
    const t: Task = {
      urlPath,
      req,
      hash,
      record: {
        path: urlPath,
        module: req.module,
        version: req.type === 'module' ? req.version : undefined,
        kind: req.type === 'module' ? req.kind : 'sumdb',
        status: 'pending',
        attempts: 0,
        hedges: 0,
        failures: [],
        verified: false,
        planned,
        askedByGo: false
      },
      tried: new Set(),
      notFoundOnly: true,
      singleSource: false,
      live: [],
      started: false,
      done: false,
      startedAt: 0,
      result,
      resolve
    }
    this.tasks.set(urlPath, t)
    return t
  }

  private pump(): void {
    for (const lane of ['bulk', 'small'] as const) {
      const q = this.queues[lane]
      while (
        !this.stopped &&
        this.active[lane] < this.opts.concurrency &&
        q.length > 0
      )
        this.begin(q.shift()!, true)
    }
  }

  private begin(t: Task, counted: boolean): void {
    t.started = true
    t.startedAt = this.now()
    if (counted) {
      const lane = laneOf(t)
      this.active[lane]++
      void t.result.then(() => {
        this.active[lane]--
        this.pump()
      })
    }
    this.launch(t, false)
  }

  private sizeHint(t: Task): number {
    return t.req.type === 'module' && t.req.kind === 'zip'
      ? this.opts.zipBytesHint
      : 1024
  }

  /** Sends the task to the best mirror it has not tried; `hedge` when another attempt is still live. */
  private launch(t: Task, hedge: boolean): void {
    if (t.done || this.stopped) return
    if (this.localFault)
      return this.finish(t, {
        status: 502,
        detail: `local fault, no mirror's: ${this.localFault}`
      })
    const now = this.now()
    const exclude = new Set([...t.tried, ...t.live.map((a) => a.mirror.url)])
    const m = this.scheduler.choose(this.sizeHint(t), now, exclude)
    if (m) return this.attempt(t, m, hedge)
    if (t.live.length > 0 || hedge) return
    const resume = this.scheduler.nextResume(now, exclude)
    if (resume !== undefined && this.opts.waitOutPauses !== false) {
      t.resume = setTimeout(() => {
        t.resume = undefined
        this.launch(t, false)
      }, resume - now)
      return
    }
    this.finish(t, unserved(t, resume === undefined ? undefined : resume - now))
  }

  private attempt(t: Task, m: MirrorState, hedge: boolean): void {
    const a: Attempt = {
      mirror: m,
      abort: new AbortController(),
      file: join(this.opts.spoolDir, `${++this.spoolSeq}.part`),
      sentAt: this.now(),
      bytesDone: 0,
      stalled: false,
      hedge
    }
    t.live.push(a)
    t.record.attempts++
    if (hedge) t.record.hedges++
    this.scheduler.started(m)
    this.watch(t, a)
    const kind = t.req.type === 'module' ? t.req.kind : 'sumdb'
    void fetchToFile(this.pools, `${m.url}/${t.urlPath}`, a.file, {
      deadlines: this.opts.deadlines,
      maxBytes: kind === 'zip' ? MAX_ZIP_BYTES : MAX_SMALL_BYTES,
      split: kind === 'zip' ? this.split(t, m) : undefined,
      signal: a.abort.signal,
      hooks: {
        onFirstByte: (len) => {
          a.firstByteAt = this.now()
          a.totalBytes = len
          this.scheduler.firstByte(m, a.firstByteAt - a.sentAt, a.stalled)
          a.stalled = false
        },
        onProgress: (n) => (a.bytesDone = n)
      }
    })
      .then((o) => this.settle(t, a, o))
      .catch((err: unknown) => this.faulted(t, a, err))
  }

  // The machine's fault, not the mirror's (the spool unwritable, no
  // descriptors left): nobody is blamed, and nothing more is asked of the
  // mirrors, since every answer would meet it too.
  private faulted(t: Task, a: Attempt, err: unknown): void {
    clearTimeout(a.timer)
    if (t.live.includes(a)) {
      t.live = t.live.filter((x) => x !== a)
      this.scheduler.ended(a.mirror, a.stalled)
    }
    this.localFault ??= spoolFault(err).message
    this.launch(t, false)
  }

  // One timer per attempt: at the hedge bound without a first byte, ask the
  // next mirror too; during the transfer, hedge when it is projected late.
  private watch(t: Task, a: Attempt): void {
    const every = this.scheduler.hedgeAfterMs(a.mirror)
    a.timer = setTimeout(() => {
      if (t.done || !t.live.includes(a)) return
      if (a.firstByteAt === undefined) {
        if (!a.stalled) {
          a.stalled = true
          this.scheduler.stalledRequest(a.mirror)
        }
        if (t.live.length < 2) this.launch(t, true)
      } else if (t.live.length < 2 && a.totalBytes !== undefined) {
        const exclude = new Set([...t.tried, a.mirror.url])
        const alt = this.scheduler.choose(a.totalBytes, this.now(), exclude)
        const late =
          alt &&
          this.scheduler.isLate(
            a.mirror,
            {
              firstByteAt: a.firstByteAt,
              bytesDone: a.bytesDone,
              totalBytes: a.totalBytes
            },
            this.now(),
            alt
          )
        if (late) this.attempt(t, alt, true)
      }
      this.watch(t, a)
    }, every)
  }

  private async settle(t: Task, a: Attempt, o: FetchOutcome): Promise<void> {
    clearTimeout(a.timer)
    t.live = t.live.filter((x) => x !== a)
    this.scheduler.ended(a.mirror, a.stalled)
    a.stalled = false
    let failure: Failure
    if (o.ok) {
      if (t.done) {
        await rm(a.file, { force: true })
        return
      }
      const v = await verifyFile(t.req, a.file, o.contentType, t.hash).catch(
        (err: unknown) => ({
          ok: false as const,
          failure: 'garbage' as const,
          detail: err instanceof Error ? err.message : String(err)
        })
      )
      if (v.ok && !t.done) return this.win(t, a, o, v.verified)
      if (v.ok) {
        await rm(a.file, { force: true })
        return
      }
      if (o.helpedBy.length > 0) {
        // Which mirror's ranges were wrong is unknown: ask again, whole
        // ranges from one mirror, and blame nobody yet.
        await rm(a.file, { force: true })
        t.singleSource = true
        if (t.live.length === 0) this.launch(t, false)
        return
      }
      failure = { kind: v.failure, detail: v.detail }
    } else if (o.failure === 'cancelled') {
      await rm(a.file, { force: true })
      return
    } else {
      failure = {
        kind: o.failure,
        status: o.status,
        detail: o.detail,
        retry: o.retryAfterMs
      }
    }
    await rm(a.file, { force: true })
    this.blame(t, a.mirror, failure)
    if (failure.kind !== 'not-found') t.notFoundOnly = false
    // A 429 too: the file moves on, so that it never waits on one mirror
    // for ever.
    t.tried.add(a.mirror.url)
    if (t.live.length === 0) this.launch(t, false)
  }

  private blame(t: Task, m: MirrorState, failure: Failure): void {
    this.scheduler.failed(
      m,
      failure.kind,
      this.now(),
      failure.detail,
      failure.retry
    )
    const mr = this.mirrorFiles.get(m.url)!
    mr.failures[failure.kind] = (mr.failures[failure.kind] ?? 0) + 1
    if (failure.kind === 'checksum' || failure.kind === 'garbage')
      mr.badFiles.push(t.urlPath)
    t.record.failures.push({
      mirror: m.url,
      kind: failure.kind,
      status: failure.status,
      detail: failure.detail,
      atMs: Math.round(this.now())
    })
  }

  private win(
    t: Task,
    a: Attempt,
    o: Extract<FetchOutcome, { ok: true }>,
    verified: boolean
  ): void {
    for (const other of t.live) {
      this.cancel(other)
      // Beaten without even a first byte past its hedge bound: a stall,
      // which counts towards dropping that mirror.
      if (other.stalled)
        this.blame(t, other.mirror, {
          kind: 'timeout',
          detail: `no first byte within ${Math.round(this.now() - other.sentAt)} ms; ${a.mirror.url} answered first`
        })
    }
    this.scheduler.succeeded(a.mirror, o.bytes, o.transferMs)
    const mr = this.mirrorFiles.get(a.mirror.url)!
    mr.files++
    mr.bytes += o.bytes
    if (a.hedge) mr.hedgesWon++
    Object.assign(t.record, {
      status: 'served',
      mirror: a.mirror.url,
      bytes: o.bytes,
      ms: Math.round(this.now() - t.startedAt),
      doneAtMs: Math.round(this.now()),
      verified
    })
    const kind = t.req.type === 'module' ? t.req.kind : 'sumdb'
    this.finish(t, {
      status: 200,
      file: a.file,
      bytes: o.bytes,
      contentType: CONTENT_TYPES[kind] ?? 'text/plain; charset=utf-8'
    })
  }

  private split(t: Task, m: MirrorState): SplitOptions {
    // Without a go.sum hash nothing would tell a bad range from another
    // mirror: the whole zip comes from one.
    if (t.singleSource || !t.hash) return ZIP_RANGE
    const exclude = new Set([...t.tried, m.url])
    const helpers = this.scheduler
      .candidates(ZIP_RANGE.chunkBytes, this.now(), exclude)
      .filter((h) => !h.dropped)
      .slice(0, HELPERS)
      .map((h) => ({
        url: `${h.url}/${t.urlPath}`,
        parallel: HELPER_PARALLEL,
        firstByteMs: 2 * this.scheduler.hedgeAfterMs(h)
      }))
    return { ...ZIP_RANGE, helpers }
  }

  private cancel(a: Attempt): void {
    clearTimeout(a.timer)
    a.abort.abort()
  }

  private finish(t: Task, s: Served): void {
    if (t.done) return
    t.done = true
    if (s.status !== 200) {
      t.record.status = s.status === 502 ? 'failed' : 'not-found'
      t.record.ms = Math.round(this.now() - t.startedAt)
      t.record.doneAtMs = Math.round(this.now())
    }
    // Only an immutable file is answered from the spool again, and a .mod
    // or .zip only once held to go.sum's hash (go may have rejected an
    // unverified one). Anything else (a failure, a 404, a list or @latest)
    // the next request asks anew, as go alone would: a mirror may be back,
    // or have more.
    const kept =
      s.status === 200 &&
      isImmutable(t.req, t.urlPath) &&
      (t.record.verified || !isModuleContent(t.req))
    if (!kept) {
      this.tasks.delete(t.urlPath)
      this.closedRecords.push(t.record)
    }
    if (s.status === 200 && !kept) {
      // The previous answer's reader opened it long ago: a newer answer
      // took a round trip to a mirror.
      const previous = this.changing.get(t.urlPath)
      this.changing.set(t.urlPath, s.file)
      if (previous) void rm(previous, { force: true })
    }
    t.resolve(s)
  }
}

/**
 * The answer for a file no mirror served: the mirror's own 404 or 410 when
 * that is all they said (go treats both alike, and its message is what the
 * job sees), else 502 with every failure and, when the mirrors left are
 * paused by a 429, for how long.
 */
function unserved(t: Task, pausedMs: number | undefined): Served {
  const failures = t.record.failures
  const last = failures.at(-1)
  if (t.notFoundOnly && pausedMs === undefined)
    return {
      status: last?.status === 410 ? 410 : 404,
      detail: last
        ? `${last.mirror} answered ${last.detail}`
        : 'no mirror has it'
    }
  const why = failures.map((f) => `${f.mirror}: ${f.kind}: ${f.detail}`)
  if (pausedMs !== undefined)
    why.push(
      `the mirrors left asked to wait (429) ${Math.ceil(pausedMs / 1000)} s more`
    )
  return { status: 502, detail: why.join('; ') || 'every mirror was dropped' }
}

function isModuleContent(req: ProxyRequest): boolean {
  return req.type === 'module' && (req.kind === 'mod' || req.kind === 'zip')
}
