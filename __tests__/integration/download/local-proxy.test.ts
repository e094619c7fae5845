// The prefetch engine and its local proxy against loopback mirrors that
// misbehave, with the real go command downloading through it.
import {
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { PrefetchEngine } from '../../../src/download/proxy/engine.js'
import { startLocalProxy } from '../../../src/download/proxy/server.js'
import {
  downloadFiles,
  modFile,
  sumIndex
} from '../../../src/download/proxy/work-plan.js'
import { parseGoSum, type GoSumEntry } from '../../../src/gomod/gosum.js'
import { goTempDir, runGo } from '../../support/go.js'
import {
  startMirror,
  type Mirror,
  type MirrorProfile
} from '../../support/mirror-server.js'
import {
  buildProxyTree,
  writeConsumerModule,
  type ProxyTree
} from '../../support/modules.js'
import { cleanupTempDirs } from '../../support/temp.js'

let tree: ProxyTree
const mirrors: Mirror[] = []
const cleanups: (() => Promise<void>)[] = []

beforeAll(() => {
  tree = buildProxyTree([
    { path: 'example.test/alpha', versions: ['v1.0.0', 'v1.2.0'] },
    {
      path: 'example.test/beta-lib/v2',
      versions: ['v2.1.0'],
      zipSize: 300_000
    },
    { path: 'example.test/Gamma_x', versions: ['v1.0.0'], zipSize: 120_000 },
    { path: 'example.test/delta', versions: ['v0.3.0'] }
  ])
})

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()))
  await Promise.all(mirrors.splice(0).map((m) => m.close()))
})

afterAll(() => cleanupTempDirs())

async function mirror(profile: MirrorProfile = {}): Promise<Mirror> {
  const m = await startMirror(tree, profile)
  mirrors.push(m)
  return m
}

const isPrivate = (p: string) => p.startsWith('example.test/secret')

/** Starts engine and proxy for a consumer of every module; runs go mod download through it. */
// Every public file go.sum lists a hash for.
function plan(sums: GoSumEntry[]) {
  const idx = sumIndex(sums)
  return sums
    .filter((e) => !isPrivate(e.path))
    .flatMap((e) => [
      ...(e.modHash ? [modFile(e, idx)] : []),
      ...downloadFiles(e, idx)
    ])
}

async function download(ms: Mirror[], opts: { ranked?: boolean } = {}) {
  const dir = goTempDir('consumer-')
  await writeConsumerModule(dir, tree)
  const sums = parseGoSum(readFileSync(join(dir, 'go.sum'), 'utf8'))
  const engine = await PrefetchEngine.start(
    {
      // Ranked: the probe saw the first mirror far ahead of the others.
      mirrors: ms.map((m, i) => ({
        url: m.url,
        latencyMs: opts.ranked ? 5 + 100 * i : 5,
        bps: 50e6
      })),
      concurrency: 8,
      spoolDir: join(goTempDir('spool-'), 'spool'),
      deadlines: { connectMs: 2000, firstByteMs: 1500, idleMs: 1500 },
      zipBytesHint: 100_000,
      scheduler: { hedgeFloorMs: 100 }
    },
    plan(sums)
  )
  const proxy = await startLocalProxy(engine, isPrivate)
  cleanups.push(async () => {
    await proxy.close()
    await engine.stop()
  })
  const gopath = goTempDir('gopath-')
  const go = await runGo(['mod', 'download', '-x'], {
    cwd: dir,
    env: {
      GOPROXY: proxy.url,
      GOMODCACHE: join(gopath, 'pkg', 'mod'),
      GOFLAGS: '-modcacherw',
      GOPATH: gopath,
      GOSUMDB: 'off'
    },
    timeoutMs: 30_000
  })
  return { go, record: engine.record(), proxy, engine }
}

const served = (r: Awaited<ReturnType<typeof download>>['record']) =>
  r.files.filter((f) => f.status === 'served')

describe('local proxy', () => {
  it('serves every planned file, verified, spread over the mirrors', async () => {
    const a = await mirror()
    const b = await mirror()
    const { go, record, engine } = await download([a, b])
    expect(go.stderr).not.toMatch(/SECURITY|error/i)
    expect(go.code).toBe(0)
    const zips = served(record).filter((f) => f.kind === 'zip')
    expect(zips).toHaveLength(tree.paths().length)
    expect(zips.every((f) => f.verified)).toBe(true)
    expect(record.files.every((f) => f.planned)).toBe(true)
    // Eight files at once over two mirrors: both carry some.
    expect(record.mirrors.every((m) => m.files > 0)).toBe(true)
    // The progress line's figures are the record's, once nothing is open.
    expect(engine.progress()).toEqual({
      files: served(record).length,
      bytes: served(record).reduce((n, f) => n + (f.bytes ?? 0), 0),
      mirrors: record.mirrors.map((m) => ({ url: m.url, files: m.files }))
    })
  })

  it('moves a tampered zip and a tampered .mod to another mirror and blames the first', async () => {
    const bad = await mirror({
      tamperedZip: ['example.test/beta-lib/v2'],
      tamperedMod: ['example.test/delta']
    })
    const good = await mirror({ latencyMs: 30 })
    const { go, record } = await download([bad, good], { ranked: true })
    expect(go.code).toBe(0)
    const zip = record.files.find(
      (f) => f.module === 'example.test/beta-lib/v2' && f.kind === 'zip'
    )!
    expect(zip).toMatchObject({
      status: 'served',
      mirror: good.url,
      verified: true
    })
    expect(zip.failures).toEqual([
      expect.objectContaining({ mirror: bad.url, kind: 'checksum' })
    ])
    const mod = record.files.find(
      (f) => f.module === 'example.test/delta' && f.kind === 'mod'
    )!
    expect(mod).toMatchObject({ status: 'served', mirror: good.url })
    const blamed = record.mirrors.find((m) => m.url === bad.url)!
    expect(blamed.badFiles).toEqual(
      expect.arrayContaining([
        'example.test/beta-lib/v2/@v/v2.1.0.zip',
        'example.test/delta/@v/v0.3.0.mod'
      ])
    )
  })

  it('hedges past a mirror that starts hanging and drops it after repeated timeouts', async () => {
    const hangs = await mirror({ faultsAfter: 3, hang: true })
    const slow = await mirror({ latencyMs: 40 })
    const { go, record } = await download([hangs, slow], { ranked: true })
    expect(go.code).toBe(0)
    const fromSlow = served(record).filter((f) => f.mirror === slow.url)
    expect(fromSlow.length).toBeGreaterThan(0)
    expect(record.files.some((f) => f.hedges > 0)).toBe(true)
    const dropped = record.mirrors.find((m) => m.url === hangs.url)!.dropped
    expect(dropped?.why).toMatch(
      /3 failures in a row, the last: timeout: no first byte/
    )
  })

  it('moves files off a 502 storm and a truncated zip; the breaker drops the mirror with why', async () => {
    const storm = await mirror({ faultsAfter: 2, status: 502 })
    const cut = await mirror({ truncatedZip: /beta-lib/, latencyMs: 10 })
    const good = await mirror({ latencyMs: 25 })
    const { go, record } = await download([storm, cut, good], {
      ranked: true
    })
    expect(go.code).toBe(0)
    const m = record.mirrors.find((x) => x.url === storm.url)!
    expect(m.failures['server-error']).toBeGreaterThanOrEqual(1)
    const zip = record.files.find(
      (f) => f.module === 'example.test/beta-lib/v2' && f.kind === 'zip'
    )!
    expect(zip.mirror).not.toBe(cut.url)
    expect(zip.status).toBe('served')
    const dropped = record.mirrors.filter((x) => x.dropped)
    for (const d of dropped) expect(d.dropped!.why).toMatch(/in a row/)
  })

  it('honours 429 Retry-After by sending the files elsewhere', async () => {
    const limited = await mirror({ rateLimit: { retryAfter: 30, after: 1 } })
    const other = await mirror({ latencyMs: 20 })
    const { go, record } = await download([limited, other], { ranked: true })
    expect(go.code).toBe(0)
    const m = record.mirrors.find((x) => x.url === limited.url)!
    expect(m.failures['rate-limited']).toBeGreaterThanOrEqual(1)
    // Paused for 30 s: after the first 429 no more than the requests already
    // open (8 per lane) reach it.
    const after429 = limited.requests.filter((r) => r.status === 429).length
    expect(after429).toBeLessThanOrEqual(16)
    expect(
      record.mirrors.find((x) => x.url === other.url)!.files
    ).toBeGreaterThan(0)
  })

  it.each(['0', '-1', 'Wed, 01 Jan 2020 00:00:00 GMT'])(
    'gives up on a file the only mirror rate-limits with Retry-After %p, without a tight loop',
    async (retryAfter) => {
      const limited = await mirror({
        onRequest: (q) => {
          if (!q.path.startsWith('example.test/delta/')) return false
          q.res.setHeader('Retry-After', retryAfter)
          q.send(429, 'slow down\n')
          return true
        }
      })
      const t0 = performance.now()
      const { go, record } = await download([limited])
      expect(go.code).not.toBe(0)
      expect(performance.now() - t0).toBeLessThan(10_000)
      expect(
        limited.requests.filter((r) => r.status === 429).length
      ).toBeLessThanOrEqual(4)
      expect(
        record.files.filter((f) => f.module === 'example.test/delta')
      ).toContainEqual(expect.objectContaining({ status: 'failed' }))
    }
  )

  it("relays a mirror's 410 as 410, naming the mirror, so go's message says what it answered", async () => {
    const gone = await mirror({
      onRequest: (q) => {
        if (!q.path.startsWith('example.test/delta/')) return false
        q.send(410, 'removed upstream\n')
        return true
      }
    })
    const { go } = await download([gone])
    expect(go.code).not.toBe(0)
    expect(go.stderr).toMatch(
      /example\.test\/delta\/@v\/v0\.3\.0\.(mod|zip): 410 Gone/
    )
    expect(go.stderr).toContain(
      `server response: ${gone.url} answered 410: removed upstream`
    )
  })

  it('answers private module paths 404 at once and never forwards them', async () => {
    const pub = await mirror()
    const { proxy } = await download([pub])
    const before = pub.requests.length
    for (const p of [
      'example.test/secret/lib/@v/list',
      'example.test/secret/lib/@v/v1.0.0.info',
      'sumdb/sum.golang.org/lookup/example.test/secret/lib@v1.0.0'
    ]) {
      const res = await fetch(`${proxy.url}/${p}`)
      expect(res.status).toBe(404)
      expect(await res.text()).toMatch(/private/)
    }
    expect(pub.requests.slice(before).map((r) => r.path)).toEqual([])
  })

  it('fetches a large zip in ranges over several connections, or whole from a mirror without ranges', async () => {
    const big = buildProxyTree([
      { path: 'example.test/Big-zip', versions: ['v1.0.0'], zipSize: 10 << 20 }
    ])
    const zip = big.find('example.test/Big-zip', 'v1.0.0')!
    const urlPath = 'example.test/!big-zip/@v/v1.0.0.zip'
    for (const noRanges of [false, true]) {
      const m = await startMirror(big, { ranges: !noRanges })
      mirrors.push(m)
      const engine = await PrefetchEngine.start(
        {
          mirrors: [{ url: m.url, latencyMs: 5 }],
          concurrency: 4,
          spoolDir: join(goTempDir('spool-'), 'spool'),
          deadlines: { connectMs: 2000, firstByteMs: 5000, idleMs: 5000 },
          zipBytesHint: 100_000
        },
        [
          {
            path: zip.path,
            version: zip.version,
            kind: 'zip',
            urlPath,
            hash: zip.zipHash
          }
        ]
      )
      cleanups.push(() => engine.stop())
      const got = await engine.get(urlPath)
      expect(got).toMatchObject({ status: 200, bytes: zip.zip.length })
      const file = got.status === 200 ? got.file : ''
      expect(readFileSync(file).equals(zip.zip)).toBe(true)
      expect(engine.record().files[0]).toMatchObject({ verified: true })
      // 10 MiB in 4 MiB ranges: three partial answers, or one whole.
      const partial = m.requests.filter((r) => r.status === 206).length
      expect(partial).toBe(noRanges ? 0 : 3)
    }
  })

  it('spreads the ranges of a large zip over mirrors; a helper that answers 200 gives its ranges back', async () => {
    const big = buildProxyTree([
      { path: 'example.test/Big-zip', versions: ['v1.0.0'], zipSize: 60 << 20 }
    ])
    const zip = big.find('example.test/Big-zip', 'v1.0.0')!
    const urlPath = 'example.test/!big-zip/@v/v1.0.0.zip'
    const first = await startMirror(big, { bandwidth: 4 << 20 })
    const helper = await startMirror(big, { bandwidth: 4 << 20 })
    const noRanges = await startMirror(big, { ranges: false })
    mirrors.push(first, helper, noRanges)
    const engine = await PrefetchEngine.start(
      {
        mirrors: [first, helper, noRanges].map((m, i) => ({
          url: m.url,
          latencyMs: 5 + i
        })),
        concurrency: 4,
        spoolDir: join(goTempDir('spool-'), 'spool'),
        deadlines: { connectMs: 2000, firstByteMs: 5000, idleMs: 5000 },
        zipBytesHint: 100_000,
        // This test counts ranges: no hedge may add a second copy.
        scheduler: { hedgeFloorMs: 60_000 }
      },
      [{ ...zip, kind: 'zip', urlPath, hash: zip.zipHash }]
    )
    cleanups.push(() => engine.stop())
    const got = await engine.get(urlPath)
    expect(got).toMatchObject({ status: 200, bytes: zip.zip.length })
    expect(engine.record().files[0]).toMatchObject({
      mirror: first.url,
      verified: true
    })
    const partial = (m: Mirror) => m.requests.filter((r) => r.status === 206)
    // 60 MiB in 4 MiB ranges: 15, from both mirrors that serve ranges.
    expect(partial(first).length + partial(helper).length).toBe(15)
    expect(partial(helper).length).toBeGreaterThan(0)
    // Its workers (4) each met a 200 at once, then stopped.
    const whole = noRanges.requests.filter((r) => r.status === 200).length
    expect(whole).toBeGreaterThanOrEqual(1)
    expect(whole).toBeLessThanOrEqual(4)
  })

  it('without a go.sum hash takes a zip from one mirror only, and asks again for it next time', async () => {
    const big = buildProxyTree([
      { path: 'example.test/Big-zip', versions: ['v1.0.0'], zipSize: 40 << 20 }
    ])
    const zip = big.find('example.test/Big-zip', 'v1.0.0')!
    const urlPath = 'example.test/!big-zip/@v/v1.0.0.zip'
    const first = await startMirror(big, { bandwidth: 4 << 20 })
    const helper = await startMirror(big, { bandwidth: 4 << 20 })
    mirrors.push(first, helper)
    const engine = await PrefetchEngine.start(
      {
        mirrors: [first, helper].map((m, i) => ({
          url: m.url,
          latencyMs: 5 + i
        })),
        concurrency: 4,
        spoolDir: join(goTempDir('spool-'), 'spool'),
        deadlines: { connectMs: 2000, firstByteMs: 5000, idleMs: 5000 },
        zipBytesHint: 100_000,
        scheduler: { hedgeFloorMs: 60_000 }
      },
      []
    )
    cleanups.push(() => engine.stop())
    const got = await engine.get(urlPath)
    expect(got).toMatchObject({ status: 200, bytes: zip.zip.length })
    expect(helper.requests.filter((r) => r.path.includes('big-zip'))).toEqual(
      []
    )
    // Not held to a hash, so not kept: go may have rejected it.
    const asked = first.requests.length
    expect(await engine.get(urlPath)).toMatchObject({ status: 200 })
    expect(first.requests.length).toBeGreaterThan(asked)
  })

  it('answers 502 when its own spool cannot be written, instead of crashing', async () => {
    const pub = await mirror()
    const spool = join(goTempDir('spool-'), 'spool')
    const engine = await PrefetchEngine.start(
      {
        mirrors: [{ url: pub.url }],
        concurrency: 2,
        spoolDir: spool,
        deadlines: { connectMs: 2000, firstByteMs: 2000, idleMs: 2000 },
        zipBytesHint: 1000
      },
      []
    )
    cleanups.push(() => engine.stop())
    rmSync(spool, { recursive: true })
    writeFileSync(spool, 'not a directory')
    const got = await engine.get('example.test/alpha/@v/list')
    expect(got).toMatchObject({ status: 502 })
    expect(got.status === 502 && got.detail).toMatch(/^local fault/)
  })

  it('calls a full disk a local fault: no mirror is blamed, and go is told', async () => {
    const a = await mirror()
    const b = await mirror()
    const spool = join(goTempDir('spool-'), 'spool')
    mkdirSync(spool)
    // Every spool file the engine will open writes to a full device.
    for (let i = 1; i <= 200; i++)
      symlinkSync('/dev/full', join(spool, `${i}.part`))
    const engine = await PrefetchEngine.start(
      {
        mirrors: [{ url: a.url }, { url: b.url }],
        concurrency: 2,
        spoolDir: spool,
        deadlines: { connectMs: 2000, firstByteMs: 2000, idleMs: 2000 },
        zipBytesHint: 1000
      },
      []
    )
    cleanups.push(() => engine.stop())
    const proxy = await startLocalProxy(engine, isPrivate)
    cleanups.push(() => proxy.close())
    const res = await fetch(`${proxy.url}/example.test/alpha/@v/v1.2.0.mod`)
    expect(res.status).toBe(502)
    expect(await res.text()).toMatch(/local fault.*ENOSPC/)
    const record = engine.record()
    expect(record.localFault).toMatch(/ENOSPC/)
    for (const m of record.mirrors) {
      expect(m.failures).toEqual({})
      expect(m.dropped).toBeUndefined()
    }
  })

  it('asks again for answers that change (list, @latest, a query .info); keeps the immutable ones', async () => {
    let newest = 'v1.2.0'
    const pub = await mirror({
      onRequest: (q) => {
        const info = JSON.stringify({
          Version: newest,
          Time: '2024-01-01T00:00:00Z'
        })
        const answers: Record<string, string> = {
          'example.test/alpha/@v/list': `v1.0.0\n${newest}\n`,
          'example.test/alpha/@latest': info,
          'example.test/alpha/@v/master.info': info
        }
        if (answers[q.path] === undefined) return false
        q.send(200, answers[q.path])
        return true
      }
    })
    const { proxy } = await download([pub])
    const ask = async (p: string) => {
      const res = await fetch(`${proxy.url}/${p}`)
      expect(res.status).toBe(200)
      return res.text()
    }
    const paths = [
      'example.test/alpha/@v/list',
      'example.test/alpha/@latest',
      'example.test/alpha/@v/master.info'
    ]
    for (const p of paths) expect(await ask(p)).toContain('v1.2.0')
    const infoAsked = () =>
      pub.requests.filter((r) => r.path === 'example.test/alpha/@v/v1.2.0.info')
        .length
    await ask('example.test/alpha/@v/v1.2.0.info')
    const before = infoAsked()
    newest = 'v1.3.0'
    for (const p of paths) expect(await ask(p)).toContain('v1.3.0')
    await ask('example.test/alpha/@v/v1.2.0.info')
    expect(infoAsked()).toBe(before)
  })

  it('fetches unplanned paths on demand (list, @latest)', async () => {
    const pub = await mirror()
    const { proxy, record } = await download([pub])
    const res = await fetch(`${proxy.url}/example.test/alpha/@v/list`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('v1.0.0\nv1.2.0\n')
    const missing = await fetch(`${proxy.url}/example.test/nope/@latest`)
    expect(missing.status).toBe(404)
    expect(record.files.some((f) => f.kind === 'list')).toBe(false)
  })
})
