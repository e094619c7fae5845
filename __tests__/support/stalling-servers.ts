// Listeners that hold a client at the socket level: the faults a deadline
// built only on HTTP timeouts never ends.
import { spawn } from 'node:child_process'
import { connect, createServer, type Server, type Socket } from 'node:net'
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

// A listener with a backlog of 1 whose process stops accepting: once two
// connections wait in its queue, the kernel drops every further SYN, as a
// blackholed host does, and a client's connect never completes.
const NEVER_ACCEPTS = `
const s = require('net').createServer()
s.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
  process.stdout.write(s.address().port + '\\n')
  setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 20)
})`

/** A loopback listener that drops SYNs (accepted() counts the two fillers). */
export async function startSynDrop(): Promise<StallingServer> {
  const child = spawn(process.execPath, ['-e', NEVER_ACCEPTS], {
    stdio: ['ignore', 'pipe', 'ignore']
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject)
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d))))
  })
  await new Promise((r) => setTimeout(r, 100))
  const fillers: Socket[] = []
  for (let i = 0; i < 2; i++) {
    const s = connect(port, '127.0.0.1')
    s.on('error', () => undefined)
    fillers.push(s)
    await new Promise((r) => s.once('connect', r))
  }
  return {
    url: `https://127.0.0.1:${port}`,
    accepted: () => fillers.length,
    close: async () => {
      for (const s of fillers) s.destroy()
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
    }
  }
}
