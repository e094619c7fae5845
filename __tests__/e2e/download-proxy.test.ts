// The prefetch, end to end: the bundled action probes loopback mirrors,
// fetches what go mod download will read into the module cache, then runs
// the real `go mod download` on the exported chain. Faults are served to
// the prefetch only (by its User-Agent), so the probe ranks the faulty
// mirror first and the prefetch meets the fault mid-run. The mirrors are
// 40 ms away and go gets one worker (GOMAXPROCS=1), so that the prefetch
// pays (a near mirror leaves go alone, tested last).
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import {
  buildProxyTree,
  writeConsumerModule,
  type ProxyTree
} from '../support/modules.js'
import {
  startMirror,
  type RequestContext,
  fromPrefetchEngine,
  mirrorStarter
} from '../support/mirror-server.js'
import { closedAfterEach } from '../support/closers.js'
import {
  createRunnerContext,
  runActionStep,
  type RunnerContext,
  type StepResult
} from '../support/run-action.js'
import { runGo } from '../support/go.js'
import { cleanupTempDirs } from '../support/temp.js'

// Files under a module cache (extracted trees and cache/download), without
// the lock files go leaves behind.
function cacheFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => !f.endsWith('.lock') && statSync(join(root, f)).isFile())
    .sort()
}

const SECRET_MODULE = 'example.test/secret-corp/Lib_x'
// go accepts dots inside a path element.
const DOTS_MODULE = 'example.test/a..b'

const tree: ProxyTree = buildProxyTree([
  { path: 'example.test/alpha', versions: ['v1.0.0', 'v1.2.0'] },
  {
    path: 'example.test/beta-lib/v2',
    versions: ['v2.1.0'],
    zipSize: 200_000
  },
  { path: 'example.test/Gamma_x', versions: ['v1.0.0'], zipSize: 90_000 },
  { path: 'example.test/delta', versions: ['v0.3.0'] },
  { path: 'example.test/epsilon', versions: ['v1.4.0'], zipSize: 60_000 },
  { path: SECRET_MODULE, versions: ['v1.0.0'] },
  { path: DOTS_MODULE, versions: ['v1.0.0'] }
])
const closers = closedAfterEach()

afterAll(() => cleanupTempDirs())

const mirror = mirrorStarter(tree, closers, {
  sumdbSupported: 200,
  faultsOnly: fromPrefetchEngine,
  latencyMs: 40
})

interface ProxyFile {
  path: string
  module?: string
  kind: string
  status: string
  mirror?: string
  hedges: number
  verified: boolean
  planned: boolean
  failures: { mirror: string; kind: string }[]
}

interface Report {
  downloads: {
    goproxy: string
    prefetch?: string
    modules: { path: string; status: string; source: string }[]
    sources: { source: string; answers: Record<string, number> }[]
    failures: unknown[]
    warnings: { source: string; kind: string }[]
    proxy?: {
      planned: number
      files: ProxyFile[]
      mirrors: {
        url: string
        files: number
        failures: Record<string, number>
        badFiles: string[]
        dropped?: { why: string }
      }[]
    }
  }
}

function report(r: StepResult): Report {
  expect(r.outputs.report).toBeTruthy()
  return JSON.parse(readFileSync(r.outputs.report, 'utf8')) as Report
}

const PUBLIC = [
  'example.test/alpha',
  'example.test/beta-lib/v2',
  'example.test/Gamma_x',
  'example.test/delta',
  'example.test/epsilon'
]

async function project(paths = PUBLIC): Promise<RunnerContext> {
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, tree, {
    requires: paths.map((p) => {
      const { path, version } = tree.latest(p)
      return { path, version }
    })
  })
  return ctx
}

async function runStep(
  ctx: RunnerContext,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<StepResult> {
  const gopath = join(ctx.root, 'gopath')
  return runActionStep({
    context: ctx,
    dist: process.env.SETUP_GOPROXY_DIST,
    inputs: {
      cache: 'false',
      'probe-timeout': '5',
      'direct-fallback': 'false',
      'download-timeout': '60',
      ...inputs
    },
    env: {
      GOPATH: gopath,
      GOMODCACHE: join(gopath, 'pkg', 'mod'),
      GOCACHE: join(ctx.root, 'gocache'),
      GOFLAGS: '-modcacherw',
      GOTOOLCHAIN: 'local',
      GOENV: 'off',
      GOMAXPROCS: '1',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost',
      ...env
    }
  })
}

function expectAllDownloaded(r: Report, paths = PUBLIC) {
  expect(r.downloads.failures).toEqual([])
  for (const p of paths)
    expect(r.downloads.modules.find((m) => m.path === p)).toMatchObject({
      status: 'downloaded'
    })
}

// The probe and the checksum database route check ask on every run, as they
// must to rank the mirrors; these are the prefetch's and go's requests.
const fromPrefetchOrGo = (q: { userAgent: string }) =>
  q.userAgent.startsWith('setup-goproxy-prefetch') ||
  q.userAgent.startsWith('Go-http-client')

const mirrorOf = (r: Report, url: string) =>
  r.downloads.proxy!.mirrors.find((m) => m.url === url)!

/** Answers `status` to the prefetch for paths matching `re`. */
function prefetchStatus(re: RegExp, status: number, retryAfter?: number) {
  return (ctx: RequestContext): boolean => {
    if (!fromPrefetchEngine(ctx.req) || !re.test(ctx.path)) return false
    if (retryAfter !== undefined)
      ctx.res.setHeader('Retry-After', String(retryAfter))
    ctx.send(status, `status ${status}\n`)
    return true
  }
}

describe('prefetch into the module cache', () => {
  it('goes on when the first mirror starts hanging mid-prefetch, and drops it', async () => {
    const ctx = await project()
    const hangs = await mirror({ faultsAfter: 3, hang: true })
    const other = await mirror({ latencyMs: 60 })
    const res = await runStep(ctx, {
      mirrors: [hangs.url, other.url].join('\n')
    })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r)
    // The chain go ran on; the job gets it without the dropped mirror.
    expect(r.downloads.goproxy).toBe(`${hangs.url}|${other.url}`)
    expect(r.downloads.prefetch).toMatch(/^the prefetch: /)
    expect(mirrorOf(r, other.url).files).toBeGreaterThan(0)
    expect(r.downloads.proxy!.files.some((f) => f.hedges > 0)).toBe(true)
    expect(mirrorOf(r, hangs.url).dropped?.why).toMatch(/timeout/)
    expect(res.summary).toMatch(/dropped for the rest of the run at /)
  })

  it('exports the chain without a mirror the prefetch dropped, so later go commands never ask it', async () => {
    const ctx = await project()
    const hangs = await mirror({ faultsAfter: 3, hang: true })
    const other = await mirror({ latencyMs: 60 })
    const res = await runStep(ctx, {
      mirrors: [hangs.url, other.url].join('\n')
    })
    expect(res.code).toBe(0)
    expect(mirrorOf(report(res), hangs.url).dropped).toBeDefined()
    expect(res.env.GOPROXY).toBe(other.url)
    expect(res.outputs.goproxy).toBe(other.url)
    expect(res.outputs.mirror).toBe(other.url)
    expect(res.summary).toMatch(
      new RegExp(
        `${hangs.url.replace('http://', '')}[^\n]*left out of GOPROXY[^\n]*dropped`
      )
    )
    const asked = hangs.requests.length
    const later = await runGo(['mod', 'download'], {
      cwd: ctx.workspace,
      env: {
        GOPROXY: res.env.GOPROXY,
        GOMODCACHE: join(ctx.root, 'later-modcache'),
        GOFLAGS: '-modcacherw',
        GOSUMDB: 'off'
      }
    })
    expect(later.code).toBe(0)
    expect(hangs.requests.slice(asked)).toEqual([])
  })

  it('stops at download-timeout when the only mirror hangs, naming it as unresponsive', async () => {
    const ctx = await project()
    const stuck = await mirror({ hang: /beta-lib\/v2\/@v\/v2\.1\.0\.zip$/ })
    const res = await runStep(ctx, {
      mirrors: stuck.url,
      'download-timeout': '4'
    })
    expect(res.timedOut).toBe(false)
    expect(res.code).not.toBe(0)
    const r = report(res)
    expect(r.downloads.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/beta-lib/v2',
        version: 'v2.1.0',
        kind: 'timeout'
      })
    ])
    expect(r.downloads.warnings).toContainEqual(
      expect.objectContaining({ source: stuck.url, kind: 'unresponsive' })
    )
    expect(res.summary).toContain('stopped at download-timeout (4 s)')
  })

  it('moves every file off a 502 storm to the next mirror, and reports the 502s', async () => {
    const ctx = await project()
    const storm = await mirror({ faultsAfter: 2, status: 502 })
    const other = await mirror({ latencyMs: 60 })
    const res = await runStep(ctx, {
      mirrors: [storm.url, other.url].join('\n')
    })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r)
    expect(mirrorOf(r, storm.url).failures['server-error']).toBeGreaterThan(0)
    const stats = r.downloads.sources.find((s) => s.source === storm.url)!
    expect(stats.answers['502']).toBeGreaterThan(0)
    for (const m of r.downloads.modules.filter((x) => PUBLIC.includes(x.path)))
      expect([storm.url, other.url]).toContain(m.source)
  })

  it('honours 429 Retry-After: the limited mirror is left alone for its pause', async () => {
    const ctx = await project()
    const limited = await mirror({
      onRequest: prefetchStatus(/\.(mod|info|zip)$/, 429, 120)
    })
    const other = await mirror({ latencyMs: 60 })
    const res = await runStep(ctx, {
      mirrors: [limited.url, other.url].join('\n')
    })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r)
    expect(mirrorOf(r, limited.url).failures['rate-limited']).toBeGreaterThan(0)
    expect(mirrorOf(r, limited.url).files).toBe(0)
    // Only requests already under way when the first 429 came back hit it.
    const prefetch429 = limited.requests.filter((q) => q.status === 429)
    expect(prefetch429.length).toBeLessThanOrEqual(32)
    // 429s in a row count like any failure: it is of no use to this run.
    expect(mirrorOf(r, limited.url).dropped?.why).toMatch(/rate-limited/)
  })

  it('serves the right bits when the first mirror tampers with a zip and a .mod; the summary names mirror and module', async () => {
    const ctx = await project()
    const bad = await mirror({
      tamperedZip: ['example.test/beta-lib/v2'],
      tamperedMod: ['example.test/delta']
    })
    // Far enough that every file is asked of the near, tampering mirror first.
    const good = await mirror({ latencyMs: 300 })
    const res = await runStep(ctx, {
      mirrors: [bad.url, good.url].join('\n')
    })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r)
    expect(mirrorOf(r, bad.url).badFiles).toEqual(
      expect.arrayContaining([
        'example.test/beta-lib/v2/@v/v2.1.0.zip',
        'example.test/delta/@v/v0.3.0.mod'
      ])
    )
    expect(res.summary).toContain(
      `${bad.url} served wrong bits (hash differs from go.sum) for \`example.test/beta-lib/v2@v2.1.0\` (.zip)`
    )
    expect(res.summary).toContain(`for \`example.test/delta@v0.3.0\` (.mod)`)
    expect(res.summary).toContain(`served from ${good.url} instead`)
  })

  it('refetches a truncated zip elsewhere', async () => {
    const ctx = await project()
    const cut = await mirror({ truncatedZip: /beta-lib/ })
    // Far enough that every zip is asked of the near, cutting mirror first.
    const good = await mirror({ latencyMs: 300 })
    const res = await runStep(ctx, {
      mirrors: [cut.url, good.url].join('\n')
    })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r)
    const zip = r.downloads.proxy!.files.find(
      (f) => f.module === 'example.test/beta-lib/v2' && f.kind === 'zip'
    )!
    expect(zip).toMatchObject({
      status: 'served',
      mirror: good.url,
      verified: true
    })
    expect(zip.failures.map((f) => f.mirror)).toContain(cut.url)
  })

  it('never forwards a private module: the public mirror sees none of its paths', async () => {
    const ctx = await project([...PUBLIC, SECRET_MODULE])
    const pub = await mirror()
    const priv = await startMirror(
      buildProxyTree([{ path: SECRET_MODULE, versions: ['v1.0.0'] }])
    )
    closers.add(priv)
    const res = await runStep(ctx, {
      mirrors: pub.url,
      'private-proxy': priv.url,
      private: 'example.test/secret-corp'
    })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r, [...PUBLIC, SECRET_MODULE])
    expect(r.downloads.goproxy).toBe(`${priv.url},${pub.url}`)
    const leaked = pub.requests.filter((q) =>
      q.path.toLowerCase().includes('secret-corp')
    )
    expect(leaked).toEqual([])
    expect(
      r.downloads.proxy!.files.some((f) => f.module === SECRET_MODULE)
    ).toBe(false)
    expect(priv.requests.some((q) => q.path.includes('secret-corp'))).toBe(true)
  })

  it('fetches a public module named in no-sumdb through the local proxy as go would', async () => {
    const ctx = await project()
    const pub = await mirror()
    const res = await runStep(
      ctx,
      { mirrors: pub.url, 'no-sumdb': 'example.test/delta' },
      { GONOSUMDB: 'example.test/epsilon' }
    )
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r)
    expect(r.downloads.proxy!.files).toContainEqual(
      expect.objectContaining({
        module: 'example.test/delta',
        kind: 'zip',
        status: 'served'
      })
    )
  })

  it('serves a module whose path has dots inside an element', async () => {
    const ctx = await project([...PUBLIC, DOTS_MODULE])
    const pub = await mirror()
    const res = await runStep(ctx, { mirrors: pub.url })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r, [...PUBLIC, DOTS_MODULE])
    expect(r.downloads.proxy!.files).toContainEqual(
      expect.objectContaining({
        module: DOTS_MODULE,
        kind: 'zip',
        status: 'served'
      })
    )
  })

  it("reports a mirror's 410 as that mirror's 410, not the local proxy's 404", async () => {
    const ctx = await project()
    const gone = await mirror({
      onRequest: (q) => {
        if (!/^example\.test\/delta\/@v\/v0\.3\.0\./.test(q.path)) return false
        q.send(410, 'gone: removed upstream\n')
        return true
      }
    })
    const res = await runStep(ctx, {
      mirrors: gone.url,
      'probe-modules': 'example.test/alpha@v1.2.0'
    })
    expect(res.code).not.toBe(0)
    const r = report(res)
    expect(r.downloads.failures).toEqual([
      expect.objectContaining({ module: 'example.test/delta', kind: 'missing' })
    ])
    const errors = res.commands
      .filter((c) => c.command === 'error')
      .map((c) => c.message)
      .join('\n')
    expect(errors).toContain(
      `reading ${gone.url}/example.test/delta/@v/v0.3.0.mod: 410 Gone`
    )
    expect(errors).not.toContain('404')
    // go asked the local proxy, gone after the step: the annotation's
    // first line names the mirror instead, as the one that lacked it.
    const first = errors.split('\n')[0]
    expect(first).toContain(
      `example.test/delta@v0.3.0 could not be downloaded (missing): no mirror of the chain had it (asked ${gone.url}); go: `
    )
    expect(
      first.match(/http:\/\/127\.0\.0\.1:\d+/g)?.filter((u) => u !== gone.url)
    ).toEqual([])
  })

  it('plans the work of every module root of a go.work', async () => {
    const ctx = createRunnerContext()
    const one = join(ctx.workspace, 'svc-one')
    const two = join(ctx.workspace, 'svc_Two')
    mkdirSync(one, { recursive: true })
    await writeConsumerModule(one, tree, {
      modulePath: 'example.test/svc-one',
      requires: [{ path: 'example.test/alpha', version: 'v1.2.0' }]
    })
    await writeConsumerModule(two, tree, {
      modulePath: 'example.test/svc_Two',
      requires: [
        { path: 'example.test/Gamma_x', version: 'v1.0.0' },
        { path: 'example.test/epsilon', version: 'v1.4.0' }
      ]
    })
    writeFileSync(
      join(ctx.workspace, 'go.work'),
      'go 1.21\n\nuse (\n\t./svc-one\n\t./svc_Two\n)\n'
    )
    const pub = await mirror()
    const res = await runStep(ctx, { mirrors: pub.url })
    expect(res.code).toBe(0)
    const r = report(res)
    const planned = r.downloads.proxy!.files.filter((f) => f.kind === 'zip')
    expect(planned.map((f) => f.module).sort()).toEqual([
      'example.test/Gamma_x',
      'example.test/alpha',
      'example.test/epsilon'
    ])
    expect(planned.every((f) => f.status === 'served' && f.verified)).toBe(true)
    expectAllDownloaded(r, [
      'example.test/alpha',
      'example.test/Gamma_x',
      'example.test/epsilon'
    ])
  })

  it('without a go.sum leaves go alone: nothing could be checked ahead of it', async () => {
    const ctx = await project()
    rmSync(join(ctx.workspace, 'go.sum'))
    const pub = await mirror()
    // Without go.sum go asks the checksum database, which is not on
    // loopback; the probe's own sample is named (its built-in set is not
    // on these mirrors).
    const res = await runStep(ctx, {
      mirrors: pub.url,
      sumdb: 'off',
      'probe-modules': 'example.test/alpha@v1.2.0'
    })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r)
    expect(r.downloads.proxy).toBeUndefined()
    expect(r.downloads.prefetch).toMatch(/go\.sum lists no hash/)
    expect(
      pub.requests.filter((q) =>
        q.userAgent.startsWith('setup-goproxy-prefetch')
      )
    ).toEqual([])
  })

  it('leaves the module cache exactly as go alone leaves it, and go mod verify agrees', async () => {
    const ctx = await project()
    const pub = await mirror()
    const res = await runStep(ctx, { mirrors: pub.url })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r)
    expect(r.downloads.proxy!.files.length).toBeGreaterThan(0)
    const ours = join(ctx.root, 'gopath', 'pkg', 'mod')
    const alone = join(ctx.root, 'alone')
    const env = {
      GOPROXY: pub.url,
      GOFLAGS: '-modcacherw',
      GOSUMDB: 'off'
    }
    const go = await runGo(['mod', 'download'], {
      cwd: ctx.workspace,
      env: { ...env, GOMODCACHE: alone }
    })
    expect(go.code).toBe(0)
    expect(cacheFiles(ours)).toEqual(cacheFiles(alone))
    for (const f of cacheFiles(alone).filter((x) =>
      /\.(zip|mod|ziphash|info)$|\/list$/.test(x)
    ))
      expect([f, readFileSync(join(ours, f))]).toEqual([
        f,
        readFileSync(join(alone, f))
      ])
    const verify = await runGo(['mod', 'verify'], {
      cwd: ctx.workspace,
      env: { ...env, GOPROXY: 'off', GOMODCACHE: ours }
    })
    expect(verify.stdout + verify.stderr).toContain('all modules verified')
  })

  it('on a warm module cache neither the prefetch nor go asks a mirror for anything', async () => {
    const ctx = await project()
    const pub = await mirror()
    const first = await runStep(ctx, { mirrors: pub.url })
    expect(first.code).toBe(0)
    const asked = pub.requests.length
    const second = await runStep(ctx, { mirrors: pub.url })
    expect(second.code).toBe(0)
    const r = report(second)
    expectAllDownloaded(r, [])
    expect(r.downloads.prefetch).toMatch(/already in the module cache/)
    expect(r.downloads.proxy).toBeUndefined()
    expect(pub.requests.slice(asked).filter(fromPrefetchOrGo)).toEqual([])
  })

  it("never fetches a zip that go.sum lists only for a dependency's tests", async () => {
    const needed = PUBLIC.filter((p) => p !== 'example.test/Gamma_x')
    const ctx = await project(needed)
    const extra = tree.latest('example.test/Gamma_x')
    const sum = join(ctx.workspace, 'go.sum')
    writeFileSync(
      sum,
      readFileSync(sum, 'utf8') + tree.goSumLines([extra]).join('\n') + '\n'
    )
    const pub = await mirror()
    const res = await runStep(ctx, { mirrors: pub.url })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r, needed)
    expect(r.downloads.proxy!.files.length).toBeGreaterThan(0)
    expect(
      pub.requests
        .filter(fromPrefetchOrGo)
        .filter((q) => q.path.includes('!gamma_x'))
    ).toEqual([])
  })

  it('leaves go alone when the mirror is near and the work small', async () => {
    const ctx = await project()
    const near = await mirror({ latencyMs: 0 })
    const res = await runStep(ctx, { mirrors: near.url }, { GOMAXPROCS: '8' })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r)
    expect(r.downloads.prefetch).toMatch(/^go alone: about \d+ ms prefetching/)
    expect(r.downloads.proxy).toBeUndefined()
    expect(
      near.requests.filter((q) =>
        q.userAgent.startsWith('setup-goproxy-prefetch')
      )
    ).toEqual([])
  })

  it('download-concurrency 0 keeps go alone on the exported chain', async () => {
    const ctx = await project()
    const pub = await mirror()
    const res = await runStep(ctx, {
      mirrors: pub.url,
      'download-concurrency': '0'
    })
    expect(res.code).toBe(0)
    const r = report(res)
    expectAllDownloaded(r)
    expect(r.downloads.proxy).toBeUndefined()
    expect(r.downloads.goproxy).toBe(pub.url)
    // go itself fetched the zips from the mirror.
    expect(pub.requests.some((q) => /\/@v\/v[^/]+\.zip$/.test(q.path))).toBe(
      true
    )
    expect(res.summary).not.toContain('Prefetched into the module cache')
  })
})
