// A web server for hostile-page tests: it answers with whatever page the
// test chooses for a host and path (a `?go-get=1` page naming any URL), and
// records every request with its raw headers, so that a test can prove what
// reached it (an Authorization header, a secret in any form) and what did not.
import { createServer as createHttpServer } from 'node:http'
import { closeServer } from './closers.js'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TestCertificates } from './tls.js'

export interface RecordedRequest {
  host: string
  /** Path and query as received. */
  url: string
  authorization?: string
  /** Request line and headers as sent, for searching for secrets. */
  raw: string
}

export interface PageServer {
  url: string
  port: number
  requests: RecordedRequest[]
  close(): Promise<void>
}

export interface PageServerOptions {
  address: string
  port?: number
  /** Serve https with these certificates; http without. */
  certs?: TestCertificates
  /** The page for a host (without port) and path; undefined gives 404. */
  page?: (host: string, path: string) => string | undefined
}

export async function startPageServer(
  opts: PageServerOptions
): Promise<PageServer> {
  const requests: RecordedRequest[] = []
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '')
    requests.push({
      host,
      url: req.url ?? '/',
      authorization: req.headers.authorization,
      raw: `${req.method} ${req.url}\n${req.rawHeaders.join('\n')}`
    })
    req.resume()
    const path = new URL(req.url ?? '/', 'https://x').pathname
    const page = opts.page?.(host, path)
    res.writeHead(page === undefined ? 404 : 200, {
      'content-type': 'text/html; charset=utf-8'
    })
    res.end(page ?? 'not found\n')
  }
  const server: Server = opts.certs
    ? createHttpsServer({ cert: opts.certs.cert, key: opts.certs.key }, handler)
    : createHttpServer(handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.address, resolve)
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `${opts.certs ? 'https' : 'http'}://${opts.address}:${port}`,
    port,
    requests,
    close: () => closeServer(server)
  }
}

/** A page whose head holds one go-import tag. */
export function goImportPage(content: string): string {
  return `<!DOCTYPE html><html><head><meta name="go-import" content="${content}"></head><body>go get</body></html>\n`
}
