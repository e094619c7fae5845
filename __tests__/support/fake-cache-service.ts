// Long: two wire protocols (v2 Twirp with blobs, v1 REST) over one in-memory store, each as @actions/cache speaks it.
// An in-process cache service speaking what @actions/cache 6 sends: the v2
// Twirp JSON API with Azure-style blob upload/download, and the legacy v1
// `_apis/artifactcache` REST API that GHES and local runners use. Entries
// live in memory. Fault modes make it fail the ways real services do.
import {
  createServer,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type CacheFault = 'none' | 'error500' | 'hang'

export interface StoredEntry {
  id: number
  key: string
  version: string
  data: Buffer
  committed: boolean
  createdAt: number
  blocks: Map<string, Buffer>
}

export interface LoggedRequest {
  method: string
  path: string
  status: number
  /** The primary key a lookup, reservation or finalization named. */
  key?: string
}

export interface FakeCacheService {
  url: string
  entries: StoredEntry[]
  requests: LoggedRequest[]
  token: string
  setFault(fault: CacheFault): void
  /** Spread every blob download over this long (0: at once). */
  setBlobDelay(ms: number): void
  /** Environment for the action process (GITHUB_SERVER_URL must look like github.com, or the client forces v1). */
  env(protocol: 'v2' | 'v1'): Record<string, string>
  committed(): StoredEntry[]
  close(): Promise<void>
}

const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/'
const V1 = '/_apis/artifactcache/'

export async function startFakeCacheService(
  opts: { fault?: CacheFault; token?: string } = {}
): Promise<FakeCacheService> {
  let fault: CacheFault = opts.fault ?? 'none'
  const token = opts.token ?? 'fake-runtime-token'
  const entries: StoredEntry[] = []
  const requests: LoggedRequest[] = []
  const sockets = new Set<Socket>()
  let nextId = 1
  let blobDelayMs = 0
  let base = ''

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const data = Buffer.from(JSON.stringify(body))
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': data.length
    })
    res.end(data)
  }
  // A slow link: the body in eight pieces over blobDelayMs.
  const sendBody = (res: ServerResponse, data: Buffer) => {
    if (blobDelayMs === 0 || data.length === 0) return res.end(data)
    const pieces = 8
    const size = Math.ceil(data.length / pieces)
    let i = 0
    const next = () => {
      if (res.destroyed) return
      const part = data.subarray(i * size, (i + 1) * size)
      i++
      if (i >= pieces) return res.end(part)
      res.write(part)
      setTimeout(next, blobDelayMs / pieces)
    }
    next()
  }
  const azureHeaders = (id: number) => ({
    'x-ms-request-id': `req-${id}-${Date.now()}`,
    'x-ms-version': '2026-02-06',
    etag: `"0x${id.toString(16)}"`,
    'last-modified': new Date().toUTCString()
  })

  // Primary key: exact. Restore keys: exact, else the newest entry whose key
  // starts with it. Keys compare case-insensitively, as the real services do.
  const find = (version: string, keys: string[]) => {
    const pool = entries.filter((e) => e.committed && e.version === version)
    const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
    for (const [i, k] of keys.entries()) {
      const exact = pool.find((e) => eq(e.key, k))
      if (exact) return exact
      if (i === 0) continue
      const prefixed = pool
        .filter((e) => e.key.toLowerCase().startsWith(k.toLowerCase()))
        .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
      if (prefixed.length > 0) return prefixed[0]
    }
    return undefined
  }

  const reserve = (key: string, version: string) => {
    if (
      entries.some((e) => e.key === key && e.version === version && e.committed)
    )
      return undefined
    const e: StoredEntry = {
      id: nextId++,
      key,
      version,
      data: Buffer.alloc(0),
      committed: false,
      createdAt: Date.now(),
      blocks: new Map()
    }
    entries.push(e)
    return e
  }

  const handleTwirp = (
    method: string,
    body: Record<string, unknown>,
    res: ServerResponse
  ) => {
    const key = String(body.key ?? '')
    const version = String(body.version ?? '')
    switch (method) {
      case 'GetCacheEntryDownloadURL': {
        const restoreKeys = (body.restore_keys as string[] | undefined) ?? []
        const e = find(version, [key, ...restoreKeys])
        if (!e) return json(res, 200, { ok: false })
        return json(res, 200, {
          ok: true,
          signed_download_url: `${base}/blob/${e.id}?sig=fake-read-sig`,
          matched_key: e.key
        })
      }
      case 'CreateCacheEntry': {
        const e = reserve(key, version)
        if (!e)
          return json(res, 200, {
            ok: false,
            message: `cache entry ${key} already exists`
          })
        return json(res, 200, {
          ok: true,
          signed_upload_url: `${base}/blob/${e.id}?sig=fake-write-sig`
        })
      }
      case 'FinalizeCacheEntryUpload': {
        const e = entries.find(
          (x) => x.key === key && x.version === version && !x.committed
        )
        if (!e)
          return json(res, 200, { ok: false, message: 'no upload in progress' })
        if (String(e.data.length) !== String(body.size_bytes)) {
          return json(res, 200, {
            ok: false,
            message: `size ${body.size_bytes} != uploaded ${e.data.length}`
          })
        }
        e.committed = true
        e.createdAt = Date.now()
        return json(res, 200, { ok: true, entry_id: String(e.id) })
      }
      default:
        return json(res, 404, { code: 'bad_route', msg: `no method ${method}` })
    }
  }

  const handleBlob = (
    req: IncomingMessage,
    url: URL,
    body: Buffer,
    res: ServerResponse
  ) => {
    const id = Number(url.pathname.split('/')[2])
    const e = entries.find((x) => x.id === id)
    if (!e) {
      res.writeHead(404, { 'Content-Length': 0 })
      return res.end()
    }
    if (req.method === 'PUT') {
      const comp = url.searchParams.get('comp')
      if (comp === 'block') {
        e.blocks.set(url.searchParams.get('blockid') ?? '', body)
      } else if (comp === 'blocklist') {
        const ids = [
          ...body
            .toString()
            .matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g)
        ].map((m) => m[1])
        e.data = Buffer.concat(
          ids.map((b) => e.blocks.get(b) ?? Buffer.alloc(0))
        )
        e.blocks.clear()
      } else {
        e.data = body
      }
      // The Azure SDK treats anything but 201 as a failed upload.
      res.writeHead(201, { ...azureHeaders(id), 'Content-Length': 0 })
      return res.end()
    }
    const range = /bytes=(\d+)-(\d*)/.exec(
      String(req.headers['x-ms-range'] ?? req.headers.range ?? '')
    )
    if (req.method === 'HEAD') {
      res.writeHead(200, {
        ...azureHeaders(id),
        'Content-Length': e.data.length,
        'x-ms-blob-type': 'BlockBlob',
        'Content-Type': 'application/octet-stream'
      })
      return res.end()
    }
    if (range) {
      const start = Number(range[1])
      const end =
        range[2] === ''
          ? e.data.length - 1
          : Math.min(Number(range[2]), e.data.length - 1)
      const part = e.data.subarray(start, end + 1)
      res.writeHead(206, {
        ...azureHeaders(id),
        'Content-Length': part.length,
        'Content-Range': `bytes ${start}-${end}/${e.data.length}`
      })
      return sendBody(res, part)
    }
    res.writeHead(200, {
      ...azureHeaders(id),
      'Content-Length': e.data.length,
      'Content-Type': 'application/octet-stream'
    })
    sendBody(res, e.data)
  }

  const handleV1 = (
    req: IncomingMessage,
    url: URL,
    body: Buffer,
    res: ServerResponse
  ) => {
    const rest = url.pathname.slice(V1.length)
    if (req.method === 'GET' && rest === 'cache') {
      const keys = (url.searchParams.get('keys') ?? '')
        .split(',')
        .filter(Boolean)
      const e = find(url.searchParams.get('version') ?? '', keys)
      if (!e) {
        res.writeHead(204)
        return res.end()
      }
      return json(res, 200, {
        cacheKey: e.key,
        scope: 'refs/heads/main',
        archiveLocation: `${base}/blob/${e.id}?sig=fake-read-sig`
      })
    }
    if (req.method === 'POST' && rest === 'caches') {
      const b = JSON.parse(body.toString() || '{}') as {
        key: string
        version: string
      }
      const e = reserve(b.key, b.version)
      if (!e)
        return json(res, 409, {
          message: `Cache already exists. Key: ${b.key}`
        })
      return json(res, 201, { cacheId: e.id })
    }
    const m = /^caches\/(\d+)$/.exec(rest)
    const e = m ? entries.find((x) => x.id === Number(m[1])) : undefined
    if (!e) return json(res, 404, { message: 'no such cache' })
    if (req.method === 'PATCH') {
      const r = /bytes (\d+)-(\d+)/.exec(
        String(req.headers['content-range'] ?? '')
      )
      const start = r ? Number(r[1]) : 0
      const need = start + body.length
      if (e.data.length < need)
        e.data = Buffer.concat([e.data, Buffer.alloc(need - e.data.length)])
      body.copy(e.data, start)
      res.writeHead(204)
      return res.end()
    }
    if (req.method === 'POST') {
      const b = JSON.parse(body.toString() || '{}') as { size: number }
      if (b.size !== e.data.length)
        return json(res, 400, { message: `size ${b.size} != ${e.data.length}` })
      e.committed = true
      e.createdAt = Date.now()
      res.writeHead(204)
      return res.end()
    }
    return json(res, 405, { message: 'method not allowed' })
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base)
      const log: LoggedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        status: 0
      }
      requests.push(log)
      res.on('finish', () => (log.status = res.statusCode))
      if (fault === 'hang') return
      if (fault === 'error500') {
        return json(res, 500, {
          code: 'internal',
          msg: 'fake cache service outage'
        })
      }
      const body = Buffer.concat(chunks)
      if (url.pathname.startsWith('/blob/'))
        return handleBlob(req, url, body, res)
      if (req.headers.authorization !== `Bearer ${token}`) {
        return json(res, 401, { code: 'unauthenticated', msg: 'bad token' })
      }
      if (url.pathname.startsWith(TWIRP)) {
        let parsed: Record<string, unknown>
        try {
          parsed = JSON.parse(body.toString() || '{}') as Record<
            string,
            unknown
          >
        } catch {
          return json(res, 400, { code: 'malformed', msg: 'body is not JSON' })
        }
        if (typeof parsed.key === 'string') log.key = parsed.key
        return handleTwirp(url.pathname.slice(TWIRP.length), parsed, res)
      }
      if (url.pathname.startsWith(V1)) return handleV1(req, url, body, res)
      json(res, 404, { code: 'bad_route', msg: url.pathname })
    })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: base,
    entries,
    requests,
    token,
    setFault: (f) => {
      fault = f
    },
    setBlobDelay: (ms) => {
      blobDelayMs = ms
    },
    env(protocol) {
      const common = {
        ACTIONS_RUNTIME_TOKEN: token,
        GITHUB_SERVER_URL: 'https://github.com'
      }
      return protocol === 'v2'
        ? {
            ...common,
            ACTIONS_RESULTS_URL: base + '/',
            ACTIONS_CACHE_SERVICE_V2: 'True'
          }
        : { ...common, ACTIONS_CACHE_URL: base + '/' }
    },
    committed: () => entries.filter((e) => e.committed),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
