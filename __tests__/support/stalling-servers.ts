// Listeners that never answer. A silent server accepts and never speaks: to
// an https client a TLS handshake that never completes, to git a smart-HTTP
// server that never answers; it counts connections, so a test can tell
// "timed out waiting" from "never tried". A SYN-drop listener never accepts
// at all.
import { spawn } from 'node:child_process'
import { connect, createServer, type Server, type Socket } from 'node:net'
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

export interface SynDropListener {
  address: string
  port: number
  close(): Promise<void>
}

// Python, because a Node server always accepts: this socket listens with a
// backlog of 0 and never accepts.
const NEVER_ACCEPT = `import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 0))
s.listen(0)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
`

/**
 * A listener whose accept queue is full, so the kernel drops further SYNs:
 * a client's connect() then waits in SYN_SENT, as for a blackholed address.
 */
export async function startSynDropListener(
  address = '127.0.0.1'
): Promise<SynDropListener> {
  const child = spawn('python3', ['-c', NEVER_ACCEPT, address], {
    stdio: ['pipe', 'pipe', 'inherit']
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.stdout.once('data', (b: Buffer) => resolve(Number(String(b).trim())))
  })
  // Fill the accept queue; these connections complete and are never taken.
  const fillers: Socket[] = []
  for (let i = 0; i < 4; i++) {
    const s = connect(port, address)
    s.on('error', () => undefined)
    fillers.push(s)
  }
  await new Promise((r) => setTimeout(r, 200))
  return {
    address,
    port,
    close: async () => {
      for (const s of fillers) s.destroy()
      child.stdin.end()
      child.kill()
    }
  }
}
