// Mirrors that misbehave below HTTP or answer what go refuses (or accepts):
// the bundled action against loopback listeners, checked against real go.
import { afterAll, expect, it } from '@jest/globals'
import {
  silentListener,
  synDropListener,
  type HostileListener
} from '../support/hostile-listeners.js'
import { closedAfterEach } from '../support/closers.js'
import { mirrorStarter } from '../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import { goTempDir, runGo } from '../support/go.js'
import {
  createRunnerContext,
  runActionStep,
  type StepResult
} from '../support/run-action.js'
import { cleanupTempDirs } from '../support/temp.js'
import { testCertificates } from '../support/tls.js'

const tree = buildProxyTree()
const closers = closedAfterEach()
const mirror = mirrorStarter(tree, closers)
afterAll(() => cleanupTempDirs())

async function hostile(
  make: () => Promise<HostileListener>
): Promise<HostileListener> {
  return closers.add(await make())
}

async function select(
  mirrors: string[],
  inputs: Record<string, string> = {},
  timeoutMs = 120_000
): Promise<StepResult & { elapsedMs: number }> {
  const context = createRunnerContext()
  await writeConsumerModule(context.workspace, tree)
  const t0 = performance.now()
  const res = await runActionStep({
    context,
    timeoutMs,
    env: { NODE_EXTRA_CA_CERTS: testCertificates().caCertPath },
    inputs: {
      mirrors: mirrors.join('\n'),
      'max-mirrors': String(mirrors.length),
      cache: 'false',
      download: 'false',
      ...inputs
    }
  })
  return { ...res, elapsedMs: performance.now() - t0 }
}

function failuresOf(
  r: StepResult,
  url: string
): { kind: string; detail: string }[] {
  const results = JSON.parse(r.outputs['probe-results']) as {
    probe: {
      mirrors: { url: string; failures: { kind: string; detail: string }[] }[]
    }
  }
  return results.probe.mirrors.find((m) => m.url === url)?.failures ?? []
}

/** `go mod download` of the whole consumer module through `goproxy`. */
async function goDownload(goproxy: string, args: string[] = []) {
  const context = createRunnerContext()
  await writeConsumerModule(context.workspace, tree)
  return runGo(['mod', 'download', ...args], {
    cwd: context.workspace,
    timeoutMs: 120_000,
    env: {
      GOPROXY: goproxy,
      GOMODCACHE: goTempDir('modcache-'),
      GOFLAGS: '-modcacherw',
      GONOSUMDB: 'example.test',
      SSL_CERT_FILE: testCertificates().caCertPath
    }
  })
}

// Without these bounds the TLS stall held the step until it was killed and
// dropped SYNs held it for ~2 min. The margin covers node start-up and the
// rest of main on a busy machine; the kill timer is far beyond it.
const PROBE_TIMEOUT_S = 3
const MARGIN_MS = 25_000

it.each([
  [
    'never completes TLS',
    silentListener,
    'https' as const,
    'tls',
    /TLS handshake did not finish/
  ],
  [
    'drops SYNs',
    synDropListener,
    'http' as const,
    'timeout',
    /TCP connection was not established/
  ]
])(
  'a mirror that %s ends within the probe timeout, and the healthy one leads',
  async (_name, make, scheme, kind, detail) => {
    const bad = await hostile(make)
    const good = await mirror({ latencyMs: 1 })
    const res = await select(
      [bad.url(scheme), good.url],
      { 'probe-timeout': String(PROBE_TIMEOUT_S) },
      90_000
    )
    expect(res.timedOut).toBe(false)
    expect(res.code).toBe(0)
    expect(res.elapsedMs).toBeLessThan(PROBE_TIMEOUT_S * 1000 + MARGIN_MS)
    expect(res.env.GOPROXY).toBe(`${good.url}|direct`)
    const f = failuresOf(res, bad.url(scheme))
    expect(f.map((x) => x.kind)).toEqual([kind])
    expect(f[0].detail).toMatch(detail)
  },
  120_000
)

it('with only such mirrors the probe ends at its deadline and falls back to direct', async () => {
  const stall = await hostile(silentListener)
  const drop = await hostile(synDropListener)
  const res = await select(
    [stall.url('https'), drop.url('http')],
    { 'probe-timeout': '2' },
    90_000
  )
  expect(res.timedOut).toBe(false)
  expect(res.code).toBe(0)
  expect(res.elapsedMs).toBeLessThan(2000 + MARGIN_MS)
  expect(res.env.GOPROXY).toBe('direct')
  expect(failuresOf(res, stall.url('https'))[0]).toEqual({
    kind: 'tls',
    request: '/',
    detail: expect.stringMatching(/within the probe timeout/)
  })
  expect(failuresOf(res, drop.url('http'))[0]?.kind).toBe('timeout')
}, 120_000)

it('an https mirror whose zips redirect to http is refused, as go refuses it', async () => {
  const plain = await mirror()
  const bad = await mirror({
    tls: true,
    redirect: { to: plain.url, target: /\.zip$/ }
  })
  // Slower than the bad mirror: only its failure can put it first.
  const good = await mirror({ latencyMs: 40 })

  const go = await goDownload(bad.url)
  expect(go.code).not.toBe(0)
  expect(go.stderr).toContain('redirected from secure URL')

  const res = await select([bad.url, good.url])
  expect(res.code).toBe(0)
  expect(res.env.GOPROXY).toBe(`${good.url}|direct`)
  const f = failuresOf(res, bad.url)
  expect(f[0]?.kind).toBe('bad-response')
  expect(f[0]?.detail).toMatch(/to insecure URL http:.*which go refuses/)
})

it('an https mirror whose zips redirect to https is followed and kept, as go does', async () => {
  const target = await mirror({ tls: true })
  const redirecting = await mirror({
    tls: true,
    redirect: { to: target.url, target: /\.zip$/ }
  })
  const slower = await mirror({ latencyMs: 40 })

  const go = await goDownload(redirecting.url)
  expect(go.stderr).toBe('')
  expect(go.code).toBe(0)

  const res = await select([slower.url, redirecting.url])
  expect(res.code).toBe(0)
  expect(failuresOf(res, redirecting.url)).toEqual([])
  expect(res.env.GOPROXY).toBe(`${redirecting.url}|${slower.url}|direct`)
  expect(target.requests.some((r) => r.path.endsWith('.zip'))).toBe(true)
})

it('a mirror that gzips its answers is kept, as go decodes them', async () => {
  const gz = await mirror({ gzip: true })

  const go = await goDownload(gz.url)
  expect(go.stderr).toBe('')
  expect(go.code).toBe(0)

  const res = await select([gz.url])
  expect(res.code).toBe(0)
  expect(failuresOf(res, gz.url)).toEqual([])
  expect(res.env.GOPROXY).toBe(`${gz.url}|direct`)
})

it('a zip trickling at 1 B/s is a stall, not an empty body', async () => {
  const trickle = await mirror({
    trickle: { intervalMs: 1000, target: /\.zip$/ }
  })
  const good = await mirror({ latencyMs: 20 })
  const res = await select([trickle.url, good.url])
  expect(res.code).toBe(0)
  expect(res.env.GOPROXY).toBe(`${good.url}|direct`)
  const f = failuresOf(res, trickle.url)
  expect(f[0]).toEqual({
    kind: 'timeout',
    request: expect.stringMatching(/\.zip$/),
    status: 200,
    fatal: true,
    detail: expect.stringMatching(/^the zip stalled or trickled: \d bytes in/)
  })
})

it("a zip over go's 500 MiB limit fails its mirror, as go fails it", async () => {
  const big = await mirror({ oversizedZip: true })
  const good = await mirror({ latencyMs: 40 })

  // One module, so that go reads one oversized zip, not one per module.
  const m = tree.latest('example.test/alpha')
  const go = await goDownload(big.url, [`${m.path}@${m.version}`])
  expect(go.code).not.toBe(0)
  expect(go.stderr).toContain('downloaded zip file too large')

  const res = await select([big.url, good.url])
  expect(res.code).toBe(0)
  expect(res.env.GOPROXY).toBe(`${good.url}|direct`)
  const f = failuresOf(res, big.url)
  expect(f[0]?.kind).toBe('bad-response')
  expect(f[0]?.detail).toMatch(/over go's limit of 524288000/)
}, 180_000)

it('probing several mirrors at once leaks no abort listeners', async () => {
  const ms = await Promise.all(Array.from({ length: 6 }, () => mirror()))
  const res = await select(ms.map((m) => m.url))
  expect(res.code).toBe(0)
  expect(res.stderr + res.stdout).not.toContain('MaxListenersExceededWarning')
})
