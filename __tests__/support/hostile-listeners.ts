// Loopback listeners that misbehave below HTTP, the way a blackholed or
// broken mirror looks from some networks: one accepts TCP and never says a
// word (as an https:// mirror: a TLS handshake that never completes), the
// other drops SYNs (connect() waits out its retries, about two minutes).
import { spawn } from 'node:child_process'
import { createServer, connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface HostileListener {
  host: string
  port: number
  /** `scheme://host:port`, e.g. `https://127.0.0.1:4711`. */
  url(scheme: 'http' | 'https'): string
  close(): Promise<void>
}

export interface SilentListener extends HostileListener {
  /** Connections accepted so far, and those still open. */
  readonly accepted: number
  readonly open: number
}

/**
 * Accepts every connection and never writes or closes it. It counts them, so
 * a test can tell "timed out waiting" from "never tried".
 */
export async function silentListener(
  host = '127.0.0.1',
  port = 0
): Promise<SilentListener> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server = createServer((s) => {
    accepted++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => undefined)
    // Read (and drop) what the client sends, so that its close is seen.
    s.resume()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const bound = (server.address() as AddressInfo).port
  return {
    host,
    port: bound,
    url: (scheme) => `${scheme}://${host}:${bound}`,
    get accepted() {
      return accepted
    },
    get open() {
      return sockets.size
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

// A listening socket with backlog 0 that never accepts. Node accepts every
// connection by itself, so the socket lives in a small python3 process.
const NEVER_ACCEPTS = `
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 0))
s.listen(0)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
`

/**
 * A listener whose accept queue is full: a backlog-0 socket that never
 * accepts, filled by connections that stay open. Linux drops further SYNs,
 * so a connect to it neither succeeds nor fails until the client gives up.
 */
export async function synDropListener(
  host = '127.0.0.1'
): Promise<HostileListener> {
  const child = spawn('python3', ['-c', NEVER_ACCEPTS, host], {
    stdio: ['pipe', 'pipe', 'inherit']
  })
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve())
  )
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())))
  })
  const fillers: Socket[] = []
  // Connect until one is left waiting: the queue is then full.
  for (let i = 0; i < 8; i++) {
    const s = connect({ host, port })
    s.on('error', () => undefined)
    fillers.push(s)
    const connected = await new Promise<boolean>((resolve) => {
      s.once('connect', () => resolve(true))
      setTimeout(() => resolve(false), 300)
    })
    if (!connected) break
  }
  if (fillers.every((s) => !s.connecting))
    throw new Error('synDropListener: the accept queue never filled')
  return {
    host,
    port,
    url: (scheme) => `${scheme}://${host}:${port}`,
    async close() {
      for (const s of fillers) s.destroy()
      child.stdin.end()
      await exited
    }
  }
}
