// The GOPROXY protocol on 127.0.0.1 (an ephemeral port unless given), answered from the
// engine's verified spool. Paths of private modules are answered 404 at
// once and never reach the engine, so go goes on to the next GOPROXY entry
// as it would without this proxy. No credentials are ever configured here.
import { createReadStream } from 'node:fs'
import {
  createServer,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Served } from './engine.js'
import { parseProxyPath } from './proxy-path.js'

export interface LocalProxy {
  /** GOPROXY entry, `http://127.0.0.1:<port>`. */
  url: string
  close(): Promise<void>
}

export interface ProxySource {
  get(urlPath: string): Promise<Served>
}

export async function startLocalProxy(
  source: ProxySource,
  isPrivate: (modulePath: string) => boolean,
  port = 0
): Promise<LocalProxy> {
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    handle(source, isPrivate, req, res).catch((err: unknown) => {
      if (res.headersSent) res.destroy()
      else text(res, 502, `proxy error: ${String(err)}`)
    })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
  }
}

async function handle(
  source: ProxySource,
  isPrivate: (modulePath: string) => boolean,
  req: IncomingMessage,
  res: ServerResponse
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return text(res, 405, 'method not allowed')
  let urlPath: string
  try {
    // go escapes the `!` of case-encoded paths as %21.
    urlPath = decodeURIComponent((req.url ?? '/').split('?')[0]).replace(
      /^\/+/,
      ''
    )
  } catch {
    return text(res, 404, 'not found: not a GOPROXY path')
  }
  const parsed = parseProxyPath(urlPath)
  if (!parsed) return text(res, 404, 'not found: not a GOPROXY path')
  if (parsed.module !== undefined && isPrivate(parsed.module))
    return text(res, 404, 'not found: private module (GOPRIVATE/GONOPROXY)')
  const s = await source.get(urlPath)
  if (s.status !== 200)
    return text(
      res,
      s.status,
      s.status === 502 ? `no mirror served it: ${s.detail}` : s.detail
    )
  res.writeHead(200, {
    'Content-Type': s.contentType,
    'Content-Length': s.bytes
  })
  if (req.method === 'HEAD') return void res.end()
  const stream = createReadStream(s.file)
  stream.once('error', () => res.destroy())
  stream.pipe(res)
}

// go echoes a text/plain body as "server response:"; keep it to one line.
function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(body.split('\n')[0].slice(0, 300) + '\n')
}
