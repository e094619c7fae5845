// What a test file starts (servers, listeners) is registered here as it is
// started and closed together from afterEach/afterAll, so no test leaves an
// open handle behind when it fails half-way.
import { afterEach } from '@jest/globals'
import type { Server } from 'node:http'
import type { Server as TlsServer } from 'node:https'

export interface Closable {
  close(): Promise<void>
}

export class Closers {
  private readonly open: Closable[] = []

  /** Registers `c` to be closed by closeAll, and returns it. */
  add<T extends Closable>(c: T): T {
    this.open.push(c)
    return c
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((c) => c.close()))
  }
}

/** Closers that close what they hold after each test of the calling file. */
export function closedAfterEach(): Closers {
  const closers = new Closers()
  afterEach(() => closers.closeAll())
  return closers
}

/** Closes a server without waiting for its clients to hang up. */
export function closeServer(server: Server | TlsServer): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
