// Listeners that hold a client at the socket level: the faults a deadline
// built only on HTTP timeouts never ends.
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface StallingServer {
  /** https:// URL of the listener. */
  url: string
  /** Connections accepted so far. */
  accepted(): number
  close(): Promise<void>
}

/**
 * Accepts TCP connections and never says a word: a TLS client waits for the
 * ServerHello forever.
 */
export async function startTlsStall(
  host = '127.0.0.1'
): Promise<StallingServer> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server: Server = createServer((s) => {
    accepted++
    sockets.add(s)
    s.on('error', () => undefined)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `https://${host}:${port}`,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
