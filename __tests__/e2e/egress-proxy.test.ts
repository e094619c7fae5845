// A company network: the mirrors' names resolve nowhere but inside the
// egress proxy, which HTTP_PROXY/HTTPS_PROXY name. The probe, the checksum
// database route check and the prefetch reach them through it, as go does,
// and any direct attempt would fail on the name.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { closedAfterEach } from '../support/closers.js'
import { startEgressProxy } from '../support/egress-proxy.js'
import { mirrorStarter } from '../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import { createRunnerContext, runActionStep } from '../support/run-action.js'
import { cleanupTempDirs } from '../support/temp.js'

const tree = buildProxyTree([
  { path: 'example.test/alpha', versions: ['v1.0.0', 'v1.2.0'] },
  { path: 'example.test/Beta-lib', versions: ['v0.4.0'], zipSize: 120_000 },
  { path: 'example.test/gamma', versions: ['v2.0.0+incompatible'] }
])
const closers = closedAfterEach()
const mirror = mirrorStarter(tree, closers, {
  sumdbSupported: 200,
  latencyMs: 40
})
afterAll(() => cleanupTempDirs())

interface Report {
  downloads: {
    failures: unknown[]
    prefetch?: string
    modules: { path: string; status: string; source: string }[]
    proxy?: { files: { status: string; mirror?: string }[] }
  }
  probe: { mirrors: { url: string; failures: unknown[] }[] }
}

describe('behind an egress proxy', () => {
  it('probes, checks the checksum database route and prefetches through it', async () => {
    const [a, b] = [await mirror(), await mirror()]
    const named = (m: { port: number }, name: string) =>
      `http://${name}:${m.port}`
    const urls = [
      named(a, 'mirror-a.corp.test'),
      named(b, 'mirror-b.corp.test')
    ]
    const egress = await startEgressProxy(
      ['mirror-a.corp.test', 'mirror-b.corp.test'],
      closers
    )
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)
    const gopath = join(ctx.root, 'gopath')
    const res = await runActionStep({
      context: ctx,
      inputs: {
        mirrors: urls.join('\n'),
        cache: 'false',
        'direct-fallback': 'false',
        'probe-timeout': '5'
      },
      env: {
        GOPATH: gopath,
        GOMODCACHE: join(gopath, 'pkg', 'mod'),
        GOFLAGS: '-modcacherw',
        GOTOOLCHAIN: 'local',
        GOENV: 'off',
        GOMAXPROCS: '1',
        HTTP_PROXY: egress.url,
        HTTPS_PROXY: egress.url,
        http_proxy: egress.url,
        https_proxy: egress.url,
        NO_PROXY: '',
        no_proxy: ''
      }
    })
    expect(res.code).toBe(0)
    expect(res.env.GOPROXY).toMatch(/^http:\/\/mirror-[ab]\.corp\.test:\d+\|/)
    // The route check reached the checksum database through the chain.
    expect(res.stdout).not.toMatch(/^::warning.*(sumdb|checksum database)/im)
    const r = JSON.parse(readFileSync(res.outputs.report, 'utf8')) as Report
    for (const m of r.probe.mirrors) expect(m.failures).toEqual([])
    expect(r.downloads.failures).toEqual([])
    expect(r.downloads.prefetch).toMatch(/^the prefetch: /)
    const served = r.downloads.proxy!.files.filter((f) => f.status === 'served')
    expect(served.length).toBeGreaterThan(0)
    for (const m of r.downloads.modules) expect(urls).toContain(m.source)
    expect(egress.requests.length).toBeGreaterThan(0)
    expect(
      egress.requests.every((q) => /mirror-[ab]\.corp\.test/.test(q))
    ).toBe(true)
  })
})
