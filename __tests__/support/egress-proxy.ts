// A loopback egress proxy, as a company network has: the only way to the
// mirrors, whose `.test` names resolve nowhere else. It answers CONNECT (how
// undici and go reach https URLs, and how undici reaches http ones too) and
// absolute-form requests (how go asks for http URLs), maps the names it was
// given to loopback, and records what it was asked.
import { createServer, request, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import type { Closers } from './closers.js'

export interface EgressProxy {
  url: string
  /** `CONNECT host:port` or `GET http://host:port/path`, in arrival order. */
  requests: string[]
  close(): Promise<void>
}

/** `hosts`: the names the proxy alone resolves, each to 127.0.0.1. */
export async function startEgressProxy(
  hosts: readonly string[],
  closers?: Closers
): Promise<EgressProxy> {
  const requests: string[] = []
  const sockets = new Set<Socket>()
  const known = (host: string) => hosts.includes(host.toLowerCase())
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    let target: URL
    try {
      target = new URL(req.url ?? '')
    } catch {
      res.writeHead(400).end('absolute-form only\n')
      return
    }
    if (!known(target.hostname)) {
      res.writeHead(502).end(`unknown host ${target.hostname}\n`)
      return
    }
    const up = request(
      {
        host: '127.0.0.1',
        port: target.port || 80,
        path: target.pathname + target.search,
        method: req.method,
        headers: { ...req.headers, host: target.host }
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  server.on('connect', (req, client: Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url}`)
    const [host, port] = (req.url ?? '').split(':')
    if (!known(host)) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
      return
    }
    const up = connect(Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) up.write(head)
      up.pipe(client)
      client.pipe(up)
    })
    for (const s of [up, client]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        up.destroy()
        client.destroy()
      })
    }
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const proxy: EgressProxy = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
  closers?.add(proxy)
  return proxy
}
