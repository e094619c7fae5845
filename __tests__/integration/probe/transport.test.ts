// The probe's transport against real loopback listeners: an abort ends every
// wait whatever the socket does, redirects follow go's rules, gzip answers
// are decoded with a bound.
import { afterEach, describe, expect, it } from '@jest/globals'
import { EventEmitter } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { classifyError } from '../../../src/probe/classify.js'
import {
  openSidePool,
  openTransport,
  type Transport
} from '../../../src/probe/transport.js'
import {
  silentListener,
  synDropListener,
  type HostileListener
} from '../../support/hostile-listeners.js'
import { closeServer } from '../../support/closers.js'
import { waitFor } from '../../support/wait.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()))
})

async function listener<T extends HostileListener>(
  make: () => Promise<T>
): Promise<T> {
  const l = await make()
  cleanups.push(() => l.close())
  return l
}

async function httpServer(
  handler: Parameters<typeof createServer>[1]
): Promise<string> {
  const server: Server = createServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => closeServer(server))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function settleTime(p: Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  return p.then(
    () => {
      throw new Error('the request succeeded')
    },
    () => performance.now() - t0
  )
}

async function readBody(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of body) chunks.push(c)
  return Buffer.concat(chunks)
}

describe.each([
  ['a TLS handshake the server never answers', silentListener, 'https', 'tls'],
  ['SYNs that are dropped', synDropListener, 'http', 'connect']
] as const)('an abort during %s', (_name, make, scheme, phase) => {
  it.each([
    [
      'the measured connection',
      (u: URL, s: AbortSignal) => openTransport(u, s)
    ],
    ['a side pool', (u: URL, s: AbortSignal) => openSidePool(u, 4, s)]
  ])('rejects the pending request of %s at once', async (_kind, open) => {
    const hostile = await listener(make)
    const stop = new AbortController()
    const t: Transport = open(new URL(hostile.url(scheme)), stop.signal)
    cleanups.push(() => t.close())
    const pending = t.request('/example.test/@v/list')
    const settled = settleTime(pending)
    await waitFor(`a connection in ${phase}`, () => t.connecting === phase)
    expect(t.connecting).toBe(phase)
    stop.abort(new Error('probe deadline'))
    // Without the abort the request would wait ~2 min (SYN retries) or
    // forever (TLS); the margin only absorbs a busy machine.
    expect(await settled).toBeLessThan(5000)
    await expect(pending).rejects.toThrow('probe deadline')
    expect(t.connecting).toBeUndefined()
  })
})

it('destroys the socket of a connection stuck in TLS on abort', async () => {
  const hostile = await silentListener()
  cleanups.push(() => hostile.close())
  const stop = new AbortController()
  const t = openTransport(new URL(hostile.url('https')), stop.signal)
  const pending = t.request('/x').catch(() => undefined)
  await waitFor(
    'one connection in TLS',
    () => t.connecting === 'tls' && hostile.open === 1
  )
  stop.abort(new Error('stop'))
  await pending
  // The listener sees the connection closed: nothing is left waiting.
  await waitFor('the connection closed', () => hostile.open === 0)
  expect(hostile.open).toBe(0)
  expect(t.connecting).toBeUndefined()
  await t.close()
})

it('rejects a request made after the abort without connecting', async () => {
  const hostile = await listener(silentListener)
  const stop = new AbortController()
  stop.abort(new Error('already over'))
  const t = openTransport(new URL(hostile.url('http')), stop.signal)
  await expect(t.request('/x')).rejects.toThrow('already over')
  await t.close()
  expect(hostile.accepted).toBe(0)
})

it('adds no listener to the shared signal, however many requests', async () => {
  const base = await httpServer((_req, res) => res.end('ok'))
  const stop = new AbortController()
  const ts = Array.from({ length: 12 }, () =>
    openSidePool(new URL(base), 4, stop.signal)
  )
  const bodies = await Promise.all(
    ts.flatMap((t) =>
      Array.from({ length: 4 }, async () => {
        const res = await t.request('/x')
        expect(
          EventEmitter.getEventListeners(stop.signal, 'abort')
        ).toHaveLength(0)
        return (await readBody(res.body)).toString()
      })
    )
  )
  expect(bodies.every((b) => b === 'ok')).toBe(true)
  await Promise.all(ts.map((t) => t.close()))
})

describe('redirects', () => {
  it('follows 10 redirects as go does, and refuses the 11th', async () => {
    const base = await httpServer((req, res) => {
      const n = Number(/\/hop(\d+)$/.exec(req.url ?? '')?.[1] ?? 0)
      const want = Number(/^\/(\d+)\//.exec(req.url ?? '')?.[1])
      if (n < want) {
        res.writeHead(302, {
          Location: req.url!.replace(/\/hop\d+$|$/, `/hop${n + 1}`)
        })
        return res.end()
      }
      res.end(`after ${n}`)
    })
    const stop = new AbortController()
    const t = openTransport(new URL(base), stop.signal)
    cleanups.push(() => t.close())
    const ten = await t.request('/10/x')
    expect((await readBody(ten.body)).toString()).toBe('after 10')
    const eleven = t.request('/11/x')
    await expect(eleven).rejects.toThrow('stopped after 10 redirects')
    expect(classifyError(await eleven.catch((e: unknown) => e))).toBe(
      'bad-response'
    )
  })
})

describe('gzip answers', () => {
  it('are decoded, without the encoded length', async () => {
    const info = '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}'
    let asked: string | undefined
    const base = await httpServer((req, res) => {
      asked = req.headers['accept-encoding']
      const gz = gzipSync(info)
      res.writeHead(200, {
        'Content-Encoding': 'gzip',
        'Content-Length': gz.length
      })
      res.end(gz)
    })
    const t = openTransport(new URL(base), new AbortController().signal)
    cleanups.push(() => t.close())
    const res = await t.request('/m/@v/v1.0.0.info')
    expect(asked).toBe('gzip')
    expect(res.headers['content-length']).toBeUndefined()
    expect((await readBody(res.body)).toString()).toBe(info)
  })

  it('inflate only as far as the reader reads (a gzip bomb)', async () => {
    // 128 MiB of zeros in about 128 KiB.
    const bomb = gzipSync(Buffer.alloc(128 << 20), { level: 1 })
    const base = await httpServer((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' })
      res.end(bomb)
    })
    const t = openTransport(new URL(base), new AbortController().signal)
    cleanups.push(() => t.close())
    const res = await t.request('/bomb')
    let n = 0
    for await (const c of res.body) {
      n += c.length
      if (n > 1 << 20) break
    }
    expect(n).toBeLessThan(4 << 20)
  })
})

it('times only the measured connection, never a side pool', async () => {
  const base = await httpServer((_req, res) => res.end('ok'))
  const signal = new AbortController().signal
  const measured = openTransport(new URL(base), signal)
  const side = openSidePool(new URL(base), 2, signal)
  cleanups.push(
    () => measured.close(),
    () => side.close()
  )
  for (const t of [measured, side]) await readBody((await t.request('/x')).body)
  expect(measured.timings.connectMs).toBeGreaterThanOrEqual(0)
  expect(side.timings).toEqual({})
})

it('behind a proxy that never answers, an abort rejects the pending request at once', async () => {
  const proxy = await listener(silentListener)
  const saved = process.env.HTTP_PROXY
  process.env.HTTP_PROXY = proxy.url('http')
  try {
    const stop = new AbortController()
    const t = openTransport(new URL('http://mirror.example.test'), stop.signal)
    cleanups.push(() => t.close())
    const pending = t.request('/x')
    const settled = settleTime(pending)
    await waitFor('a connection to the proxy', () => proxy.open === 1)
    expect(proxy.open).toBe(1)
    stop.abort(new Error('probe deadline'))
    // undici's proxy agent rejects with its own error, not the reason.
    expect(await settled).toBeLessThan(5000)
  } finally {
    if (saved === undefined) delete process.env.HTTP_PROXY
    else process.env.HTTP_PROXY = saved
  }
})

it('names the egress proxy a request failed through, and keeps its kind', async () => {
  const closed = await listener(silentListener)
  const url = closed.url('http')
  await closed.close()
  const saved = process.env.HTTP_PROXY
  process.env.HTTP_PROXY = url
  try {
    const t = openTransport(
      new URL('http://mirror.example.test'),
      new AbortController().signal
    )
    cleanups.push(() => t.close())
    const err = await t.request('/x').then(
      () => undefined,
      (e: unknown) => e
    )
    expect(String((err as Error).message)).toContain(
      `through the egress proxy ${url.replace(/\/$/, '')}`
    )
    expect(classifyError(err)).toBe('refused')
  } finally {
    if (saved === undefined) delete process.env.HTTP_PROXY
    else process.env.HTTP_PROXY = saved
  }
})
