// Long: one request handler in which the fault profiles combine in the order a real mirror fails (connection, latency, status, body).
// A loopback GOPROXY mirror serving a generated ProxyTree, with combinable
// fault profiles that reproduce how real mirrors misbehave.
import { strToU8, unzipSync, zipSync } from 'fflate'
import { createServer as createHttpServer } from 'node:http'
import type { IncomingMessage, ServerResponse, Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { gzipSync } from 'node:zlib'
import {
  escapeModulePath,
  parseModuleVersion,
  unescapeModulePath
} from '../../src/gomod/module-path.js'
import type { Closers } from './closers.js'
import type { ProxyTree } from './modules.js'
import { testCertificates } from './tls.js'

/** `true`: every request; a RegExp: requests whose path (after basePath) matches. */
export type FaultTarget = boolean | RegExp

export interface StatusRule {
  path: string | RegExp
  status: number
  /** Only the first `times` matching requests get this status. */
  times?: number
  body?: string
}

export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  /** Decoded path after basePath, without the leading `/`. */
  path: string
  record: RequestRecord
  /** Send bytes through the profile's throttling (bandwidth, trickle). */
  send(status: number, body: Buffer | string, contentType?: string): void
}

export interface MirrorProfile {
  /** Listen address: 127.0.0.1 (default), 127.0.0.2, ::1, … */
  host?: string
  port?: number
  /** Path prefix of the GOPROXY base, e.g. `/goproxy` (mirrors like aliyun). */
  basePath?: string
  /** Delay before the response headers, ms (a function may vary it per request). */
  latencyMs?: number | ((path: string) => number)
  /** Body throttle per response (≈ per connection), bytes per second. */
  bandwidth?: number
  /** Bytes per second shared by all responses of the mirror (its link). */
  linkBandwidth?: number
  /** Accept the request and never answer. */
  hang?: FaultTarget
  /** 200 headers, then one body byte every `intervalMs`, never ending. */
  trickle?: { intervalMs: number; target?: FaultTarget }
  /** One status for every request, or rules (first match wins). */
  status?: number | StatusRule[]
  /** 404 whose text/plain body says the mirror's own upstream failed. */
  unhealthy404?: FaultTarget | { body: string; target?: FaultTarget }
  /** 429 with Retry-After (seconds). `after`: requests served normally first. */
  rateLimit?: { retryAfter?: number; after?: number; target?: FaultTarget }
  /** `path@version` (or a bare module path for all its versions) the mirror lacks. */
  stale?: string[]
  /** `path@version` or module path whose .mod is served modified. */
  tamperedMod?: string[]
  /** `path@version` or module path whose .zip is served as a valid zip with an extra file. */
  tamperedZip?: string[]
  /**
   * Requests served healthily before hang, status, html, truncatedZip,
   * tamperedMod and tamperedZip apply: a mirror that degrades mid-run.
   */
  faultsAfter?: number
  /**
   * Only requests this accepts get the faults above and count for
   * faultsAfter (e.g. by User-Agent: the prefetch, not the probe).
   */
  faultsOnly?: (req: IncomingMessage) => boolean
  /** 200 with a captive-portal HTML page instead of protocol content. */
  html?: FaultTarget
  /** .zip answered 200 with only the first half of the bytes. */
  truncatedZip?: FaultTarget
  /**
   * .zip announced (Content-Length) and sent one byte over go's 500 MiB
   * limit: the real zip, then zeros for as long as the client reads.
   */
  oversizedZip?: FaultTarget
  /** 302 to the same path under `to` (another mirror's URL). */
  redirect?: { to: string; target?: FaultTarget }
  /** Bodies gzip-encoded (Content-Encoding: gzip), whatever the client asked. */
  gzip?: FaultTarget
  /** Serve HTTPS with a certificate from the test CA (extra SAN names optional; `exactly`: only those). */
  tls?: boolean | { names: string[]; exactly?: boolean }
  /** Status of /sumdb/sum.golang.org/supported (default 404). */
  sumdbSupported?: number
  /**
   * Answer `Range: bytes=a-b` / `bytes=-n` on .zip files with 206, as object
   * stores do (default); false answers 200 with the whole zip, like a mirror
   * without range support.
   */
  ranges?: boolean
  /** Runs after hang/latency; return true when it answered the request itself. */
  onRequest?: (ctx: RequestContext) => boolean | Promise<boolean>
}

export interface RequestRecord {
  method: string
  /** Decoded request path as received (including basePath). */
  path: string
  /** 0 until headers are sent (stays 0 for hung requests). */
  status: number
  /** Date.now() when the request arrived. */
  time: number
  /** ms from arrival until the response finished or the connection closed. */
  durationMs?: number
  /** Body bytes written. */
  bytes: number
  /** The connection closed before the response finished. */
  aborted: boolean
  userAgent: string
}

export interface Mirror {
  /** GOPROXY base URL (with basePath, without a trailing slash). */
  url: string
  host: string
  port: number
  requests: RequestRecord[]
  close(): Promise<void>
}

const UNHEALTHY_BODY = 'not found: fetch timed out'
const CAPTIVE_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Sign in to the network</title></head>' +
  '<body><h1>Welcome</h1><p>Please accept the terms of use to continue.</p>' +
  '<form method="post" action="/login"><button>Accept</button></form></body></html>\n'

// cmd/go/internal/modfetch/codehost.MaxZipFile
const GO_MAX_ZIP_BYTES = 500 << 20

function sendOversized(
  res: ServerResponse,
  record: RequestRecord,
  signal: AbortSignal,
  zip: Buffer
): void {
  const total = GO_MAX_ZIP_BYTES + 1
  res.writeHead(200, {
    'Content-Type': 'application/zip',
    'Content-Length': total
  })
  record.status = 200
  const zeros = Buffer.alloc(1 << 20)
  const pump = () => {
    while (!signal.aborted && record.bytes < total) {
      const piece =
        record.bytes < zip.length
          ? zip.subarray(record.bytes)
          : zeros.subarray(0, Math.min(zeros.length, total - record.bytes))
      record.bytes += piece.length
      if (record.bytes >= total) return void res.end(piece)
      if (!res.write(piece)) return void res.once('drain', pump)
    }
  }
  pump()
}

// A link shared by every response: tokens accrue at `rate` bytes per
// second, with at most 20 ms worth banked.
function tokenBucket(rate: number): { take(max: number): number } {
  let tokens = 0
  let last = performance.now()
  return {
    take(max) {
      const now = performance.now()
      tokens = Math.min(rate * 0.02, tokens + ((now - last) * rate) / 1000)
      last = now
      const n = Math.min(max, Math.floor(tokens))
      tokens -= n
      return n
    }
  }
}

// The same module zip with one more file: valid, but not what go.sum lists.
function tamperZip(zip: Buffer): Buffer {
  const files = unzipSync(zip)
  const first = Object.keys(files)[0]
  const prefix = first.slice(0, first.indexOf('/', first.indexOf('@')))
  files[`${prefix}/tampered.go`] = strToU8('package tampered\n')
  return Buffer.from(zipSync(files))
}

function targets(t: FaultTarget | undefined, path: string): boolean {
  if (t === undefined || t === false) return false
  return t === true || t.test(path)
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve()
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

interface ParsedPath {
  modulePath: string
  /** undefined for list and @latest. */
  version?: string
  kind: 'info' | 'mod' | 'zip' | 'list' | 'latest'
}

function parseProxyPath(p: string): ParsedPath | undefined {
  let m = /^(.+)\/@v\/list$/.exec(p)
  if (m) return { modulePath: unescapeModulePath(m[1]), kind: 'list' }
  m = /^(.+)\/@latest$/.exec(p)
  if (m) return { modulePath: unescapeModulePath(m[1]), kind: 'latest' }
  m = /^(.+)\/@v\/(.+)\.(info|mod|zip)$/.exec(p)
  if (m)
    return {
      modulePath: unescapeModulePath(m[1]),
      version: unescapeModulePath(m[2]),
      kind: m[3] as 'info' | 'mod' | 'zip'
    }
  return undefined
}

function listedIn(
  entries: string[] | undefined,
  path: string,
  version?: string
): boolean {
  if (!entries) return false
  return entries.some((e) => {
    const mv = parseModuleVersion(e)
    if (!mv) return e === path
    return mv.path === path && (version === undefined || mv.version === version)
  })
}

export async function startMirror(
  tree: ProxyTree,
  profile: MirrorProfile = {}
): Promise<Mirror> {
  const host = profile.host ?? '127.0.0.1'
  const basePath = (profile.basePath ?? '').replace(/\/+$/, '')
  const requests: RequestRecord[] = []
  const sockets = new Set<Socket>()
  const openResponses = new Set<Promise<void>>()
  let closing: Promise<void> | undefined
  const ruleHits = new Map<StatusRule, number>()
  let served = 0
  const link = profile.linkBandwidth
    ? tokenBucket(profile.linkBandwidth)
    : undefined
  let faultable = 0

  function throttledSend(
    res: ServerResponse,
    record: RequestRecord,
    signal: AbortSignal,
    status: number,
    body: Buffer,
    contentType: string,
    path: string
  ): void {
    const headers: Record<string, string | number> = {
      'Content-Type': contentType
    }
    if (targets(profile.gzip, path)) {
      body = gzipSync(body)
      headers['Content-Encoding'] = 'gzip'
    }
    const trickle =
      profile.trickle &&
      targets(profile.trickle.target ?? true, path) &&
      profile.trickle
    if (!trickle) headers['Content-Length'] = body.length
    res.writeHead(status, headers)
    record.status = status
    if (res.req.method === 'HEAD') {
      res.end()
      return
    }
    if (trickle) {
      let i = 0
      const tick = () => {
        if (signal.aborted) return
        if (i < body.length) {
          res.write(body.subarray(i, i + 1))
          record.bytes += 1
          i++
        }
        setTimeout(tick, trickle.intervalMs)
      }
      res.flushHeaders()
      setTimeout(tick, trickle.intervalMs)
      return
    }
    const bw = profile.bandwidth
    if (!bw && !link) {
      res.end(body)
      record.bytes = body.length
      return
    }
    const tickMs = 20
    const chunk = bw ? Math.max(1, Math.floor((bw * tickMs) / 1000)) : 1 << 18
    let off = 0
    const pump = () => {
      if (signal.aborted) return
      const want = Math.min(chunk, body.length - off)
      const allowed = link && want > 0 ? link.take(want) : want
      if (allowed === 0 && want > 0) {
        setTimeout(pump, tickMs / 4)
        return
      }
      const piece = body.subarray(off, off + allowed)
      off += piece.length
      record.bytes += piece.length
      // The last piece ends the response at once: a client that has every
      // byte may close the connection before another tick.
      if (off >= body.length) {
        res.end(piece)
        return
      }
      const started = Date.now()
      const next = () =>
        setTimeout(pump, Math.max(0, tickMs - (Date.now() - started)))
      if (res.write(piece)) next()
      else res.once('drain', next)
    }
    pump()
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const rawPath = (req.url ?? '/').split('?')[0]
    let decoded = rawPath
    try {
      decoded = decodeURIComponent(rawPath)
    } catch {
      // Keep the raw path; it will simply not be found.
    }
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: decoded,
      status: 0,
      time: Date.now(),
      bytes: 0,
      aborted: false,
      userAgent: req.headers['user-agent'] ?? ''
    }
    requests.push(record)
    // Faults apply from the (faultsAfter + 1)-th selected request on.
    const selected = profile.faultsOnly?.(req) ?? true
    if (selected) faultable++
    const armed = selected && faultable > (profile.faultsAfter ?? 0)
    // Aborted when the response ends or its connection dies (close() destroys
    // every socket), which stops latency waits and throttled writers.
    const done = new AbortController()
    const signal = done.signal
    const closed = new Promise<void>((resolve) =>
      res.on('close', () => {
        record.durationMs = Date.now() - record.time
        record.aborted = !res.writableFinished
        done.abort()
        openResponses.delete(closed)
        resolve()
      })
    )
    openResponses.add(closed)

    const path =
      basePath && decoded.startsWith(basePath + '/')
        ? decoded.slice(basePath.length + 1)
        : basePath
          ? ''
          : decoded.replace(/^\//, '')
    const send = (
      status: number,
      body: Buffer | string,
      type = 'text/plain; charset=utf-8'
    ) =>
      throttledSend(res, record, signal, status, Buffer.from(body), type, path)
    const notFound = (msg: string) => send(404, `not found: ${msg}\n`)
    const on = (t: FaultTarget | undefined) => armed && targets(t, path)

    if (on(profile.hang)) return
    const latency =
      typeof profile.latencyMs === 'function'
        ? profile.latencyMs(path)
        : (profile.latencyMs ?? 0)
    await sleep(latency, signal)
    if (signal.aborted) return
    if (
      profile.onRequest &&
      (await profile.onRequest({ req, res, path, record, send }))
    )
      return

    const redirect = profile.redirect
    if (redirect && targets(redirect.target ?? true, path)) {
      res.writeHead(302, { Location: `${redirect.to}/${path}` })
      record.status = 302
      return res.end()
    }

    if (on(profile.html))
      return send(200, CAPTIVE_PAGE, 'text/html; charset=utf-8')

    const rl = profile.rateLimit
    if (rl && targets(rl.target ?? true, path) && served >= (rl.after ?? 0)) {
      res.setHeader('Retry-After', String(rl.retryAfter ?? 1))
      return send(429, 'too many requests\n')
    }
    served++

    if (typeof profile.status === 'number' && armed)
      return send(profile.status, `status ${profile.status}\n`)
    for (const rule of armed && Array.isArray(profile.status)
      ? profile.status
      : []) {
      const hit =
        typeof rule.path === 'string'
          ? rule.path === path
          : rule.path.test(path)
      if (!hit) continue
      const n = ruleHits.get(rule) ?? 0
      if (rule.times !== undefined && n >= rule.times) continue
      ruleHits.set(rule, n + 1)
      return send(rule.status, rule.body ?? `status ${rule.status}\n`)
    }

    const unhealthy = profile.unhealthy404
    if (unhealthy) {
      const cfg =
        typeof unhealthy === 'object' && !(unhealthy instanceof RegExp)
          ? unhealthy
          : { body: UNHEALTHY_BODY, target: unhealthy }
      if (targets(cfg.target ?? true, path)) return send(404, cfg.body + '\n')
    }

    if (path === 'sumdb/sum.golang.org/supported') {
      const st = profile.sumdbSupported ?? 404
      return send(st, st === 200 ? '' : `not found: ${path}\n`)
    }

    const parsed = parseProxyPath(path)
    if (!parsed) return notFound(path)
    const { modulePath, version, kind } = parsed
    if (listedIn(profile.stale, modulePath, version))
      return notFound(
        version
          ? `${modulePath}@${version}: invalid version: unknown revision ${version}`
          : `module ${modulePath}: no matching versions`
      )
    if (kind === 'list') {
      const known = tree.modules.filter(
        (m) =>
          m.path === modulePath && !listedIn(profile.stale, m.path, m.version)
      )
      if (known.length === 0) return notFound(`module ${modulePath}`)
      return send(200, known.map((m) => m.version).join('\n') + '\n')
    }
    const file =
      kind === 'latest'
        ? tree.get(path)
        : tree.get(
            `${escapeModulePath(modulePath)}/@v/${escapeModulePath(version!)}.${kind}`
          )
    if (!file)
      return notFound(
        version
          ? `${modulePath}@${version}: unknown revision`
          : `module ${modulePath}`
      )
    switch (kind) {
      case 'mod':
        if (armed && listedIn(profile.tamperedMod, modulePath, version))
          return send(200, Buffer.concat([file, Buffer.from('// tampered\n')]))
        return send(200, file)
      case 'zip':
        if (on(profile.oversizedZip))
          return sendOversized(res, record, signal, file)
        if (armed && listedIn(profile.tamperedZip, modulePath, version))
          return send(200, tamperZip(file), 'application/zip')
        if (on(profile.truncatedZip))
          return send(
            200,
            file.subarray(0, Math.floor(file.length / 2)),
            'application/zip'
          )
        if (profile.ranges !== false) {
          const r = byteRange(req.headers.range, file.length)
          if (r) {
            res.setHeader(
              'Content-Range',
              `bytes ${r.start}-${r.end}/${file.length}`
            )
            return send(
              206,
              file.subarray(r.start, r.end + 1),
              'application/zip'
            )
          }
        }
        return send(200, file, 'application/zip')
      default:
        return send(200, file, 'application/json')
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
        res.end(`mirror error: ${String(err)}\n`)
      } else res.destroy()
    })
  }
  let server: Server
  if (profile.tls) {
    const certs =
      profile.tls === true
        ? testCertificates()
        : testCertificates(profile.tls.names, { exactly: profile.tls.exactly })
    server = createHttpsServer({ key: certs.key, cert: certs.cert }, listener)
  } else server = createHttpServer(listener)
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(profile.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const hostPart = host.includes(':') ? `[${host}]` : host
  const url = `${profile.tls ? 'https' : 'http'}://${hostPart}:${port}${basePath}`

  return {
    url,
    host,
    port,
    requests,
    close() {
      closing ??= closeAll()
      return closing
    }
  }

  async function closeAll(): Promise<void> {
    const serverClosed = new Promise<void>((resolve) =>
      server.close(() => resolve())
    )
    for (const s of sockets) s.destroy()
    await Promise.all([serverClosed, ...openResponses])
  }
}

/** One satisfiable `bytes=a-b`, `bytes=a-` or `bytes=-n` range, inclusive. */
function byteRange(
  header: string | undefined,
  size: number
): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? '')
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1])
  const end =
    m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  return start <= end ? { start, end } : undefined
}

/**
 * Starts mirrors of `tree` registered with `closers`, each with `defaults`
 * under its own profile. The defaults proxy the checksum database, so that
 * `sumdb: auto` never looks for sum.golang.org past loopback.
 */
export function mirrorStarter(
  tree: ProxyTree,
  closers: Closers,
  defaults: MirrorProfile = { sumdbSupported: 200 }
): (profile?: MirrorProfile) => Promise<Mirror> {
  return async (profile = {}) =>
    closers.add(await startMirror(tree, { ...defaults, ...profile }))
}

/** Requests sent by the action's prefetch engine (its user agent), not by go. */
export function fromPrefetchEngine(req: IncomingMessage): boolean {
  return (req.headers['user-agent'] ?? '').startsWith('setup-goproxy-prefetch')
}
