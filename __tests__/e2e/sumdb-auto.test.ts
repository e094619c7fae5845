// Long: every case runs in one of the mount namespaces and stand-in endpoints the file sets up once.
// `sumdb: auto` decided against real endpoints on loopback. The action runs
// in a mount namespace whose /etc/hosts maps sum.golang.org to a loopback
// address where nothing listens (unreachable) and sum.golang.google.cn to a
// stand-in that serves a tree head over HTTPS with the test CA, so the
// production URLs are used unchanged. Also: private proxies asked about the
// checksum database, and real go showing what a broken answer does.
import { createServer, type Server } from 'node:https'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import {
  canUseHostsNamespace,
  hostsNamespace,
  randomLoopback,
  type HostsNamespace
} from '../support/namespace.js'
import {
  createRunnerContext,
  distDir,
  runActionJob,
  type JobOptions,
  type JobResult
} from '../support/run-action.js'
import { goTempDir, runGo } from '../support/go.js'
import { cleanupTempDirs } from '../support/temp.js'
import { silentListener } from '../support/hostile-listeners.js'
import { testCertificates } from '../support/tls.js'

const CN = 'sum.golang.google.cn'
const LOGIN = 'ci-bot'
const SECRET = 'sUmDb-T0ken_41aa'
const B64 = Buffer.from(`${LOGIN}:${SECRET}`).toString('base64')

const CERT_NAMES = [CN, 'sum.golang.org']
const certs = testCertificates(CERT_NAMES)
const tree = buildProxyTree()
const privateTree = buildProxyTree([
  { path: 'corp.test/lib', versions: ['v1.0.0'] }
])
// The test host names resolve to loopback only inside a private mount
// namespace with its own /etc/hosts, which needs root (`unshare -m`): CI here
// runs as root; on a runner without that privilege these tests are skipped
// rather than let a name reach a real resolver.
const describeNs = canUseHostsNamespace() ? describe : describe.skip

let cn: Server
const cnRequests: string[] = []
/** sum.golang.org unreachable, sum.golang.google.cn answering. */
let onlyCn: HostsNamespace
/** Both unreachable. */
let neither: HostsNamespace
/** Both answering (one stand-in serves both names). */
let both: HostsNamespace
let proxies200: Mirror
let proxies404: Mirror
const privates: Mirror[] = []

beforeAll(async () => {
  const cnAddr = randomLoopback()
  const dead = randomLoopback()
  // example.test too, so that nothing here ever asks real DNS for it.
  onlyCn = hostsNamespace({
    'sum.golang.org': dead,
    [CN]: cnAddr,
    'example.test': dead
  })
  both = hostsNamespace({
    'sum.golang.org': cnAddr,
    [CN]: cnAddr,
    'example.test': dead
  })
  neither = hostsNamespace({
    'sum.golang.org': dead,
    [CN]: dead,
    'example.test': dead
  })
  cn = createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    cnRequests.push(`${req.method} ${req.url}`)
    if (req.url === '/latest') {
      res.end('go.sum database tree\n31000000\nAAAA=\n\n— sum.golang.org x\n')
    } else {
      res.statusCode = 404
      res.end()
    }
  })
  await new Promise<void>((resolve, reject) => {
    cn.once('error', reject)
    cn.listen(443, cnAddr, resolve)
  })
  proxies200 = await startMirror(tree, { sumdbSupported: 200 })
  proxies404 = await startMirror(tree, { sumdbSupported: 404 })
})

afterAll(async () => {
  cn?.closeAllConnections()
  await Promise.all([
    new Promise((r) => (cn ? cn.close(r) : r(undefined))),
    proxies200?.close(),
    proxies404?.close(),
    ...privates.map((p) => p.close())
  ])
  cleanupTempDirs()
})

/** A private HTTPS proxy demanding auth whose `supported` answers `status`. */
async function privateProxy(status: number): Promise<Mirror> {
  const m = await startMirror(privateTree, {
    tls: { names: CERT_NAMES },
    sumdbSupported: status,
    onRequest: (ctx) => {
      if (ctx.req.headers.authorization === `Basic ${B64}`) return false
      ctx.send(401, 'unauthorized\n')
      return true
    }
  })
  privates.push(m)
  return m
}

async function job(
  ns: HostsNamespace,
  inputs: Record<string, string>,
  between?: JobOptions['between'],
  env: Record<string, string> = {}
): Promise<JobResult> {
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, tree)
  return runActionJob({
    context: ctx,
    inputs: { cache: 'false', download: 'false', summary: 'true', ...inputs },
    env: { NODE_EXTRA_CA_CERTS: certs.caCertPath, ...env },
    dist: ns.dist(distDir()),
    between
  })
}

const sumdbRequests = (m: Mirror) =>
  m.requests.filter((q) => q.path.startsWith('/sumdb/')).length

const warnings = (r: JobResult) =>
  r.main.commands.filter((c) => c.command === 'warning')

describeNs('sumdb: auto against loopback endpoints', () => {
  it('first mirror proxies the database: sum.golang.org stays, nothing else is asked', async () => {
    cnRequests.length = 0
    const r = await job(onlyCn, { mirrors: proxies200.url })
    expect(r.main.code).toBe(0)
    expect(r.main.outputs.gosumdb).toBe('sum.golang.org')
    expect(r.main.env.GOSUMDB).toBeUndefined()
    expect(proxies200.requests.map((q) => q.path)).toContain(
      '/sumdb/sum.golang.org/supported'
    )
    expect(cnRequests).toEqual([])
    expect(r.main.summary).toContain(
      `Checksum database: \`sum.golang.org\` (through ${proxies200.url}, which proxies the checksum database)`
    )
  })

  it('sum.golang.org unreachable, the mirror does not proxy it: sum.golang.google.cn', async () => {
    cnRequests.length = 0
    const r = await job(onlyCn, { mirrors: proxies404.url })
    expect(r.main.code).toBe(0)
    expect(r.main.env.GOSUMDB).toBe(CN)
    expect(r.main.outputs.gosumdb).toBe(CN)
    expect(cnRequests).toContain('GET /latest')
    expect(r.main.summary).toMatch(/same database with the same key/)
    expect(warnings(r)).toEqual([])
  })

  it('neither database answers: verification stays on, with a warning', async () => {
    const r = await job(neither, { mirrors: proxies404.url })
    expect(r.main.code).toBe(0)
    expect(r.main.env.GOSUMDB).toBeUndefined()
    expect(r.main.outputs.gosumdb).toBe('sum.golang.org')
    expect(
      warnings(r)
        .map((w) => w.message)
        .join('\n')
    ).toMatch(
      /Neither sum\.golang\.org nor sum\.golang\.google\.cn answered.*Verification stays on/
    )
  })

  it('sumdb: off is exported as written and warned about', async () => {
    const r = await job(neither, { mirrors: proxies404.url, sumdb: 'off' })
    expect(r.main.env.GOSUMDB).toBe('off')
    expect(r.main.outputs.gosumdb).toBe('off')
    expect(
      warnings(r).filter((w) => w.properties.title === 'Checksum database')
    ).toHaveLength(1)
  })

  it('a private proxy that proxies the database decides the route (asked with its credentials)', async () => {
    const priv = await privateProxy(200)
    cnRequests.length = 0
    const r = await job(onlyCn, {
      mirrors: proxies404.url,
      'private-proxy': priv.url,
      private: 'corp.test',
      credentials: `${priv.host}:${priv.port}=${LOGIN}:${SECRET}`
    })
    expect(r.main.code).toBe(0)
    expect(r.main.outputs.gosumdb).toBe('sum.golang.org')
    expect(r.main.env.GOSUMDB).toBeUndefined()
    expect(cnRequests).toEqual([])
    expect(priv.requests).toContainEqual(
      expect.objectContaining({
        path: '/sumdb/sum.golang.org/supported',
        status: 200
      })
    )
    expect(r.main.summary).toContain(
      `\`${priv.url}/sumdb/sum.golang.org/supported\`: 200 → checksum lookups go through this proxy`
    )
  })

  it('a private proxy answering 401 to supported: the action routes around it, and real go shows why', async () => {
    const priv = await privateProxy(401)
    let broken: Awaited<ReturnType<typeof runGo>> | undefined
    let routed: Awaited<ReturnType<typeof runGo>> | undefined
    let mirrorSumdbBefore = 0
    cnRequests.length = 0
    const r = await job(
      onlyCn,
      {
        mirrors: proxies200.url,
        'private-proxy': priv.url,
        private: 'corp.test',
        credentials: `${priv.host}:${priv.port}=${LOGIN}:${SECRET}`
      },
      async (main, after) => {
        // A public module missing from go.sum, so go must verify it.
        const goEnv = (gosumdb: string) => ({
          ...after.env,
          PATH: `${onlyCn.binDir}:${process.env.PATH}`,
          HOME: main.context.home,
          GOMODCACHE: goTempDir('modcache-'),
          GOFLAGS: '-mod=mod',
          GOSUMDB: gosumdb,
          SSL_CERT_FILE: certs.caCertPath
        })
        const args = ['mod', 'download', '-x', 'example.test/beta/v2@v2.0.0']
        mirrorSumdbBefore = sumdbRequests(proxies200)
        // What the default would have done: go keeps the proxy's 401 as the
        // answer for the whole run, never asks the next mirror (which
        // proxies the database) nor the database, and fails.
        broken = await runGo(args, {
          cwd: main.context.workspace,
          env: goEnv('sum.golang.org')
        })
        // What the action exported: the database named with its URL.
        routed = await runGo(args, {
          cwd: main.context.workspace,
          env: goEnv(after.env.GOSUMDB ?? '')
        })
      }
    )
    expect(r.main.code).toBe(0)
    expect(r.main.env.GOSUMDB).toBe(CN)
    expect(r.main.summary).toContain(
      `${priv.url}/sumdb/sum.golang.org/supported answered 401, which would fail every verification`
    )
    expect(r.main.summary).toContain('❌ checksum verification fails')
    expect(broken?.code).not.toBe(0)
    expect(broken?.stderr).toContain(
      `# get ${priv.url}/sumdb/sum.golang.org/supported: 401`
    )
    expect(sumdbRequests(proxies200)).toBe(mirrorSumdbBefore)
    expect(broken?.stderr).not.toMatch(/\/lookup\/|\/tile\//)
    expect(routed?.stderr).not.toMatch(/\/supported/)
    expect(routed?.stderr).toContain(
      `# get https://${CN}/lookup/example.test/beta/v2@v2.0.0`
    )
    expect(cnRequests).toContain('GET /lookup/example.test/beta/v2@v2.0.0')
    expect(r.main.stdout.replace(/::add-mask::.*\n/g, '')).not.toContain(SECRET)
  })

  it('sumdb: off with a Go that may switch toolchains: warned that toolchain downloads fail', async () => {
    const r = await job(
      neither,
      {
        mirrors: proxies404.url,
        sumdb: 'off'
      },
      undefined,
      { GOTOOLCHAIN: 'auto' }
    )
    expect(
      warnings(r)
        .map((w) => w.message)
        .join('\n')
    ).toMatch(/GOTOOLCHAIN=auto.*refuses to without the checksum database/)
  })

  it('sumdb named with its URL: no GOPROXY entry is asked about it', async () => {
    const priv = await privateProxy(500)
    const r = await job(onlyCn, {
      mirrors: proxies404.url,
      'private-proxy': priv.url,
      private: 'corp.test',
      sumdb: CN
    })
    expect(r.main.code).toBe(0)
    expect(r.main.env.GOSUMDB).toBe(CN)
    expect(priv.requests.filter((q) => q.path.startsWith('/sumdb/'))).toEqual(
      []
    )
    expect(warnings(r)).toEqual([])
  })

  it('a public mirror answering 500 to supported under fallback-on: not-found: routed around, and go goes to sum.golang.org itself', async () => {
    const sick = await startMirror(tree, { sumdbSupported: 500 })
    privates.push(sick)
    let go: Awaited<ReturnType<typeof runGo>> | undefined
    cnRequests.length = 0
    const r = await job(
      both,
      { mirrors: sick.url, 'fallback-on': 'not-found' },
      async (main, after) => {
        go = await runGo(
          ['mod', 'download', '-x', 'example.test/beta/v2@v2.0.0'],
          {
            cwd: main.context.workspace,
            env: {
              ...after.env,
              PATH: `${both.binDir}:${process.env.PATH}`,
              HOME: main.context.home,
              GOMODCACHE: goTempDir('modcache-'),
              GOFLAGS: '-mod=mod',
              GOSUMDB: after.env.GOSUMDB ?? '',
              SSL_CERT_FILE: certs.caCertPath
            }
          }
        )
      }
    )
    expect(r.main.code).toBe(0)
    expect(r.main.env.GOPROXY).toBe(`${sick.url},direct`)
    expect(r.main.env.GOSUMDB).toBe('sum.golang.org https://sum.golang.org')
    expect(r.main.summary).toContain(
      `${sick.url}/sumdb/sum.golang.org/supported answered 500, which would fail every verification`
    )
    const sickSumdb = sick.requests.filter((q) => q.path.startsWith('/sumdb/'))
    // Only the probe and the action's own walk asked it; go did not.
    expect(go?.stderr).not.toMatch(/\/supported/)
    expect(go?.stderr).toContain(
      '# get https://sum.golang.org/lookup/example.test/beta/v2@v2.0.0'
    )
    expect(cnRequests).toContain('GET /lookup/example.test/beta/v2@v2.0.0')
    expect(sickSumdb.length).toBeGreaterThan(0)
  })

  it('a private proxy redirecting supported to a proxy that serves it: followed, no false warning', async () => {
    const moved = await startMirror(privateTree, {
      onRequest: (ctx) => {
        if (ctx.path !== 'sumdb/sum.golang.org/supported') return false
        ctx.res.writeHead(302, {
          location: `${proxies200.url}/sumdb/sum.golang.org/supported`
        })
        ctx.res.end()
        return true
      }
    })
    privates.push(moved)
    cnRequests.length = 0
    const r = await job(onlyCn, {
      mirrors: proxies404.url,
      'private-proxy': moved.url,
      private: 'corp.test'
    })
    expect(r.main.code).toBe(0)
    expect(r.main.env.GOSUMDB).toBeUndefined()
    expect(r.main.outputs.gosumdb).toBe('sum.golang.org')
    expect(r.main.summary).toContain(
      `(through ${moved.url}, which proxies the checksum database)`
    )
    expect(warnings(r)).toEqual([])
    expect(cnRequests).toEqual([])
  })

  it('a private proxy that never completes TLS: the check ends by its deadline and is routed around', async () => {
    const stall = await silentListener()
    try {
      const t0 = performance.now()
      const r = await job(onlyCn, {
        mirrors: proxies404.url,
        'private-proxy': stall.url('https'),
        private: 'corp.test'
      })
      expect(r.main.code).toBe(0)
      expect(stall.accepted).toBeGreaterThan(0)
      expect(r.main.env.GOSUMDB).toBe(CN)
      expect(r.main.summary).toContain(
        `${stall.url('https')}/sumdb/sum.golang.org/supported failed (no answer within 5000 ms)`
      )
      // The check's deadline is 5 s; the margin is for a loaded machine.
      expect(performance.now() - t0).toBeLessThan(60_000)
    } finally {
      await stall.close()
    }
  }, 90_000)
})
