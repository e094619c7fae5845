// Servers that accept a connection and then never speak: to an https client
// this is a TLS handshake that never completes, to git a smart-HTTP server
// that never answers. They record how many connections arrived, so a test
// can tell "timed out waiting" from "never tried".
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface SilentServer {
  address: string
  port: number
  /** Connections accepted so far. */
  readonly connections: number
  close(): Promise<void>
}

/** A TCP listener on `address` (default 127.0.0.1) that never writes. */
export async function startSilentServer(
  address = '127.0.0.1',
  port = 0
): Promise<SilentServer> {
  const sockets = new Set<Socket>()
  let connections = 0
  const server: Server = createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, address, resolve)
  })
  return {
    address,
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
