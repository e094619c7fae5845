// Every answer the Go install reads is bounded: hostile mirrors and a
// hostile checksum database stream endless or huge bodies, and the install
// must fail soon, naming the server and the bound, with its memory and its
// RUNNER_TEMP usage bounded and nothing in the tool cache. No test
// allocates what the servers claim: they send zeros until the client hangs
// up, and the zip bomb is one deflate block repeated.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { constants, deflateRawSync } from 'node:zlib'
import {
  installFromMirrors,
  type GoInstallReport,
  type GoRequest
} from '../../../src/toolchain/install.js'
import { startSumDb, type SumDb } from '../../support/gosumdb.js'
import { startMirror, type Mirror } from '../../support/mirror-server.js'
import { buildProxyTree } from '../../support/modules.js'
import { rawZip } from '../../support/raw-zip.js'
import { verifierKey } from '../../support/sumdb-keys.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'
import { addToTree, standInToolchain } from '../../support/toolchain-module.js'

const MiB = 1 << 20
const GO = standInToolchain({ toolchain: 'go1.99.0' })
const LIST = '/golang.org/toolchain/@v/list'
const INFO = `/golang.org/toolchain/@v/${GO.version}.info`
const ZIP = `/golang.org/toolchain/@v/${GO.version}.zip`
const PREFIX = `golang.org/toolchain@${GO.version}/`
const REQUEST: GoRequest = {
  input: 'go-version',
  value: '1.99.0',
  spec: { kind: 'exact', version: '1.99.0' }
}
// A database nobody reaches: the zip's own failures come first.
const NO_SUMDB = `${verifierKey('sumdb.example.test')} http://127.0.0.1:9`

const closers: { close(): Promise<void> }[] = []
let toolCache: string

beforeAll(() => {
  toolCache = tempDir('toolcache-')
  process.env.RUNNER_TOOL_CACHE = toolCache
})
afterAll(async () => {
  for (const c of closers) await c.close()
  cleanupTempDirs()
})

/** Zeros until the client hangs up; resolves with the bytes sent. */
function endless(res: ServerResponse): Promise<number> {
  const zeros = Buffer.alloc(64 * 1024)
  let sent = 0
  return new Promise((resolve) => {
    const pump = () => {
      while (!res.destroyed) {
        sent += zeros.length
        if (!res.write(zeros)) return void res.once('drain', pump)
      }
    }
    res.once('close', () => resolve(sent))
    pump()
  })
}

interface Hostile {
  url: string
  /** Body bytes written by the endless answers, once their clients hung up. */
  sent: Promise<number>[]
}

async function hostileServer(
  answer: (path: string, res: ServerResponse, range?: string) => boolean
): Promise<Hostile> {
  const h: Hostile = { url: '', sent: [] }
  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    if (path === LIST) return void res.end(`${GO.version}\n`)
    if (path === INFO) return void res.end(GO.files.info)
    if (!answer(path, res, req.headers.range)) {
      res.statusCode = 404
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  closers.push({
    close: () =>
      new Promise((r) => {
        server.closeAllConnections()
        server.close(() => r())
      })
  })
  h.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return h
}

function streamEndless(h: Hostile, res: ServerResponse): true {
  h.sent.push(endless(res))
  return true
}

/** Runs the install, sampling this process's RSS and the bytes under RUNNER_TEMP. */
async function install(mirrors: string[], gosumdb = NO_SUMDB) {
  const temp = tempDir('runner-temp-')
  const rss0 = process.memoryUsage().rss
  let rss = rss0
  let disk = 0
  const sample = setInterval(() => {
    rss = Math.max(rss, process.memoryUsage().rss)
    disk = Math.max(disk, bytesUnder(temp))
  }, 10)
  const started = Date.now()
  const report: GoInstallReport = { input: 'go-version', requested: '1.99.0' }
  const error = await installFromMirrors(
    REQUEST,
    {
      mirrors,
      goproxy: mirrors.join(','),
      gosumdb,
      arch: 'x64',
      platform: 'linux',
      http: { timeoutMs: 60_000 },
      tempDir: temp
    },
    report
  ).then(
    () => undefined,
    (e: Error) => e.message
  )
  clearInterval(sample)
  return {
    error,
    ms: Date.now() - started,
    rssGrowth: rss - rss0,
    disk,
    left: readdirSync(temp)
  }
}

function bytesUnder(dir: string): number {
  let n = 0
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile())
      n +=
        statSync(join(e.parentPath, e.name), { throwIfNoEntry: false })?.size ??
        0
  return n
}

function expectNothingInstalled(r: Awaited<ReturnType<typeof install>>) {
  expect(r.left).toEqual([])
  expect(readdirSync(toolCache)).toEqual([])
}

describe('a hostile mirror', () => {
  it('answering the 64 KiB tail Range request without end is refused at 64 KiB', async () => {
    const h = await hostileServer((path, res, range) => {
      if (path !== ZIP || range === undefined) return false
      res.writeHead(206, { 'Content-Range': 'bytes 0-65556/65557' })
      return streamEndless(h, res)
    })
    const r = await install([h.url])
    expect(r.error).toContain(`${h.url}${ZIP}`)
    expect(r.error).toMatch(
      /the answer to Range: bytes=-65557 refused after \d+ bytes, over the limit of 65557/
    )
    expect(Math.max(...(await Promise.all(h.sent)))).toBeLessThan(16 * MiB)
    expect(r.rssGrowth).toBeLessThan(64 * MiB)
    expectNothingInstalled(r)
  }, 60_000)

  it('announcing a zip over 500 MiB is refused before its body is read', async () => {
    const h = await hostileServer((path, res) => {
      if (path !== ZIP) return false
      res.writeHead(200, { 'Content-Length': String(2 * 1024 * MiB) })
      return streamEndless(h, res)
    })
    const r = await install([h.url])
    expect(r.error).toMatch(
      /a zip of 2147483648 bytes refused, over the limit of 524288000/
    )
    expect(r.disk).toBeLessThan(MiB)
    expectNothingInstalled(r)
  }, 60_000)

  it("sending a zip without end stops at go's 500 MiB", async () => {
    const h = await hostileServer((path, res) => {
      if (path !== ZIP) return false
      res.writeHead(200)
      return streamEndless(h, res)
    })
    const r = await install([h.url])
    expect(r.error).toContain(h.url)
    expect(r.error).toMatch(
      /a zip refused after \d+ bytes, over go's limit of 524288000/
    )
    expect(r.disk).toBeLessThanOrEqual(500 * MiB)
    expect(r.rssGrowth).toBeLessThan(128 * MiB)
    expect(Math.max(...(await Promise.all(h.sent)))).toBeLessThan(520 * MiB)
    expectNothingInstalled(r)
  }, 120_000)

  // One 16 MiB run of zeros deflated, flushed to a byte boundary and
  // repeated 96 times: 1.5 MB that inflates to 1.5 GiB.
  const block = deflateRawSync(Buffer.alloc(16 * MiB), {
    finishFlush: constants.Z_FULL_FLUSH
  })
  const bomb = Buffer.concat([
    ...Array<Buffer>(96).fill(block),
    Buffer.from([3, 0])
  ])
  it.each([
    [
      'declared',
      true,
      96 * 16 * MiB,
      /declare more than go's limit of 524288000 bytes/
    ],
    [
      'declared',
      false,
      96 * 16 * MiB,
      /declare more than go's limit of 524288000 bytes/
    ],
    [
      'hidden behind a 1 KiB size',
      true,
      1024,
      /bin\/go: more bytes, the directory says 1024/
    ],
    [
      'hidden behind a 1 KiB size',
      false,
      1024,
      /bin\/go: more bytes, the directory says 1024/
    ]
  ])(
    'serving a 1.5 MB entry that inflates to 1.5 GiB (%s, Range answered: %s) is refused without inflating it',
    async (_what, ranges, declaredSize, error) => {
      const zip = rawZip([
        { name: PREFIX + 'VERSION', data: Buffer.from('go1.99.0\n') },
        { name: PREFIX + 'bin/go', data: bomb, declaredSize, deflated: true }
      ])
      const tree = buildProxyTree([])
      addToTree(tree, GO)
      tree.files.set(ZIP.slice(1), zip)
      const m: Mirror = await startMirror(tree, { ranges })
      closers.push(m)
      const r = await install([m.url])
      expect(r.error).toContain(
        `${m.url}: golang.org/toolchain@${GO.version} refused`
      )
      expect(r.error).toMatch(error)
      expect(r.rssGrowth).toBeLessThan(128 * MiB)
      expect(r.disk).toBeLessThan(4 * MiB)
      expectNothingInstalled(r)
    },
    60_000
  )
})

describe('a hostile checksum database', () => {
  let mirror: Mirror
  let db: SumDb
  beforeAll(async () => {
    const tree = buildProxyTree([])
    addToTree(tree, GO)
    for (const t of ['go1.98.3', 'go1.99rc1'])
      addToTree(tree, standInToolchain({ toolchain: t }))
    mirror = await startMirror(tree)
    closers.push(mirror)
    db = await startSumDb({ proxy: mirror.url })
    closers.push(db)
    // Records before the toolchain's, so that its proof needs tiles.
    for (const t of ['go1.98.3', 'go1.99rc1']) {
      const r = await fetch(
        `${db.url}/lookup/golang.org/toolchain@v0.0.1-${t}.linux-amd64`
      )
      if (r.status !== 200) throw new Error(`lookup of ${t}: ${r.status}`)
    }
  }, 300_000)

  /** The real database, except for the answers `hostile` takes. */
  async function front(hostile: (path: string) => boolean) {
    const h = await hostileServer((path, res) => {
      if (hostile(path)) {
        res.writeHead(200)
        return streamEndless(h, res)
      }
      void fetch(db.url + path).then(async (a) => {
        res.writeHead(a.status)
        res.end(Buffer.from(await a.arrayBuffer()))
      })
      return true
    })
    return h
  }

  it.each([
    [
      'a lookup',
      (p: string) => p.startsWith('/lookup/'),
      /a lookup answer refused after \d+ bytes, over the limit of 2000000/
    ],
    [
      'a tile',
      (p: string) => p.startsWith('/tile/'),
      /a tile of \d+ hashes refused after \d+ bytes, over the limit of \d+/
    ]
  ])(
    'answering %s without end is refused at the size go allows it',
    async (_what, hostile, error) => {
      const h = await front(hostile)
      const r = await install([mirror.url], `${db.vkey} ${h.url}`)
      expect(r.error).toContain(h.url)
      expect(r.error).toMatch(error)
      expect(Math.max(...(await Promise.all(h.sent)))).toBeLessThan(16 * MiB)
      expect(r.rssGrowth).toBeLessThan(64 * MiB)
      expectNothingInstalled(r)
    },
    60_000
  )
})
