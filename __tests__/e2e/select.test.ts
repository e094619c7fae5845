import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { escapeModulePath } from '../../src/gomod/module-path.js'
import { closedAfterEach } from '../support/closers.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import { mirrorStarter } from '../support/mirror-server.js'
import {
  runActionStep,
  createRunnerContext,
  type StepResult
} from '../support/run-action.js'
import { goTempDir, parseGetLines, runGo } from '../support/go.js'
import { cleanupTempDirs } from '../support/temp.js'
import { testCertificates } from '../support/tls.js'

const tree = buildProxyTree()
const closers = closedAfterEach()
const mirror = mirrorStarter(tree, closers)

afterAll(() => cleanupTempDirs())

async function project(): Promise<ReturnType<typeof createRunnerContext>> {
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, tree)
  return ctx
}

function probeResults(r: StepResult): {
  ranking: { url: string; tier: string; position?: number; reasons: string[] }[]
  probe: {
    mirrors: {
      url: string
      failures: { kind: string; detail: string }[]
      found: number
      sampled: number
    }[]
  }
} {
  return JSON.parse(r.outputs['probe-results'])
}

function errors(r: StepResult): string[] {
  return r.commands.filter((c) => c.command === 'error').map((c) => c.message)
}

describe('mirror selection end to end', () => {
  it('puts the fastest healthy mirror first and go downloads from it', async () => {
    const ctx = await project()
    const slow = await mirror({ latencyMs: 150 })
    const fast = await mirror({ latencyMs: 2 })
    const broken = await mirror({ status: 500 })
    const res = await runActionStep({
      context: ctx,
      inputs: {
        mirrors: [slow.url, broken.url, fast.url].join('\n'),
        cache: 'false',
        download: 'false'
      }
    })
    expect(errors(res)).toEqual([])
    expect(res.code).toBe(0)
    const goproxy = res.env.GOPROXY
    expect(goproxy).toBe(`${fast.url}|${slow.url}|direct`)
    expect(res.outputs.goproxy).toBe(goproxy)
    expect(res.outputs.mirror).toBe(fast.url)
    const results = probeResults(res)
    expect(results.ranking.find((r) => r.url === broken.url)?.tier).toBe(
      'failed'
    )
    expect(res.summary).toContain('### Why this chain')
    expect(res.summary).toContain(broken.url)
    // Its failures, all alike, read as one count with one example: in the
    // probe log and in the summary.
    const failed = results.probe.mirrors.find((m) => m.url === broken.url)
    expect(failed?.failures.length).toBeGreaterThan(1)
    const brokenLines = res.stdout
      .split('\n')
      .filter((l) => l.startsWith(`${broken.url}: `))
    expect(brokenLines).toEqual([
      expect.stringMatching(
        new RegExp(
          `; server-error ×${failed?.failures.length} \\(e\\.g\\. /[^ ]+\\/@v\\/[^ ]+\\.(info|mod|zip)\\)$`
        )
      )
    ])
    const summaryLines = res.summary
      .split('\n')
      .filter((l) => l.startsWith(`- ${broken.url}:`))
    expect(summaryLines).toHaveLength(
      new Set(failed!.failures.map((f) => f.kind)).size
    )
    expect(summaryLines[0]).toContain(
      `**${failed!.failures[0].kind} ×${failed!.failures.filter((f) => f.kind === failed!.failures[0].kind).length}**`
    )

    // Probing used this project's own modules, never anything else.
    const wanted = new Set(tree.paths().map(escapeModulePath))
    for (const r of fast.requests) {
      if (r.path.includes('/sumdb/')) continue
      expect([...wanted].some((p) => r.path.startsWith('/' + p + '/@v/'))).toBe(
        true
      )
    }

    const modcache = goTempDir('modcache-')
    const dl = await runGo(['mod', 'download', '-x'], {
      cwd: ctx.workspace,
      env: {
        GOPROXY: goproxy,
        GOMODCACHE: modcache,
        GOFLAGS: '-modcacherw',
        GONOSUMDB: 'example.test'
      }
    })
    expect(dl.stderr).not.toMatch(/error|SECURITY/)
    expect(dl.code).toBe(0)
    const zips = parseGetLines(dl.stderr).filter(
      (g) => g.url.endsWith('.zip') && g.status === 200
    )
    expect(zips.length).toBe(tree.paths().length)
    for (const z of zips) expect(z.url.startsWith(fast.url + '/')).toBe(true)
  })

  it('ends the probe early when a mirror hangs and leaves it out', async () => {
    const ctx = await project()
    const hang = await mirror({ hang: true })
    const trickle = await mirror({ trickle: { intervalMs: 200 } })
    const good = await mirror({ latencyMs: 1 })
    const res = await runActionStep({
      context: ctx,
      inputs: {
        mirrors: [hang.url, trickle.url, good.url].join(','),
        'probe-timeout': '60',
        cache: 'false',
        download: 'false'
      }
    })
    expect(res.code).toBe(0)
    expect(res.env.GOPROXY).toBe(`${good.url}|direct`)
    const results = probeResults(res)
    const hung = results.probe.mirrors.find((m) => m.url === hang.url)
    expect(hung?.failures[0]?.kind).toBe('timeout')
    // Stopped because the outcome was settled, not by the 60 s deadline.
    expect(hung?.failures[0]?.detail).toMatch(/faster mirrors finished/)
  })

  it('removes a mirror serving a tampered go.mod and reports the checksum error', async () => {
    const ctx = await project()
    const m = tree.latest('example.test/alpha')
    const tampered = await mirror({ tamperedMod: [`${m.path}@${m.version}`] })
    const good = await mirror({ latencyMs: 20 })
    const res = await runActionStep({
      context: ctx,
      inputs: {
        mirrors: `${tampered.url}\n${good.url}`,
        'probe-modules': `${m.path}@${m.version}`,
        cache: 'false',
        download: 'false'
      }
    })
    expect(res.code).toBe(0)
    expect(res.env.GOPROXY).toBe(`${good.url}|direct`)
    const t = probeResults(res).probe.mirrors.find(
      (x) => x.url === tampered.url
    )
    expect(t?.failures.map((f) => f.kind)).toContain('checksum')
    expect(res.summary).toMatch(/checksum/)
  })

  it('classifies captive pages, rate limits, unhealthy 404s and stale mirrors', async () => {
    const ctx = await project()
    const html = await mirror({ html: true })
    const limited = await mirror({ rateLimit: { retryAfter: 30, after: 4 } })
    const unhealthy = await mirror({ unhealthy404: true })
    const alpha = tree.latest('example.test/alpha')
    const stale = await mirror({ stale: [`${alpha.path}@${alpha.version}`] })
    const good = await mirror({ latencyMs: 30 })
    const res = await runActionStep({
      context: ctx,
      inputs: {
        mirrors: [
          html.url,
          limited.url,
          unhealthy.url,
          stale.url,
          good.url
        ].join('\n'),
        'max-mirrors': '5',
        cache: 'false',
        download: 'false'
      }
    })
    expect(res.code).toBe(0)
    const { ranking, probe } = probeResults(res)
    const byUrl = (u: string) => ranking.find((r) => r.url === u)
    const kinds = (u: string) =>
      probe.mirrors.find((p) => p.url === u)?.failures.map((f) => f.kind)
    expect(byUrl(html.url)?.tier).toBe('failed')
    expect(kinds(html.url)).toContain('bad-response')
    expect(kinds(limited.url)).toContain('rate-limited')
    expect(byUrl(limited.url)?.tier).toBe('degraded')
    expect(kinds(unhealthy.url)).toContain('upstream')
    expect(byUrl(good.url)?.position).toBe(1)
    expect(byUrl(stale.url)?.position).toBe(2)
    expect(res.env.GOPROXY.startsWith(`${good.url}|${stale.url}|`)).toBe(true)
    expect(res.env.GOPROXY).not.toContain(html.url)
  })

  it('probes an HTTPS mirror trusted through NODE_EXTRA_CA_CERTS', async () => {
    const ctx = await project()
    const certs = testCertificates()
    const tls = await mirror({ tls: true })
    const res = await runActionStep({
      context: ctx,
      env: { NODE_EXTRA_CA_CERTS: certs.caCertPath },
      inputs: { mirrors: tls.url, cache: 'false', download: 'false' }
    })
    expect(res.code).toBe(0)
    expect(res.env.GOPROXY).toBe(`${tls.url}|direct`)
    const dl = await runGo(['mod', 'download', '-x'], {
      cwd: ctx.workspace,
      env: {
        GOPROXY: res.env.GOPROXY,
        GOMODCACHE: goTempDir('modcache-'),
        GOFLAGS: '-modcacherw',
        GONOSUMDB: 'example.test',
        SSL_CERT_FILE: certs.caCertPath
      }
    })
    expect(dl.code).toBe(0)
    expect(
      parseGetLines(dl.stderr).some(
        (g) => g.url.startsWith(tls.url) && g.status === 200
      )
    ).toBe(true)
  })

  it('trusts a mirror whose CA only SSL_CERT_FILE names, as go does, without NODE_EXTRA_CA_CERTS', async () => {
    const ctx = await project()
    const certs = testCertificates()
    const tls = await mirror({ tls: true, latencyMs: 40 })
    const res = await runActionStep({
      context: ctx,
      env: {
        NODE_EXTRA_CA_CERTS: '',
        SSL_CERT_FILE: certs.caCertPath,
        GOMAXPROCS: '1',
        GOFLAGS: '-modcacherw',
        GOMODCACHE: goTempDir('modcache-'),
        GOTOOLCHAIN: 'local',
        GOENV: 'off'
      },
      inputs: { mirrors: tls.url, cache: 'false', 'direct-fallback': 'false' }
    })
    expect(res.code).toBe(0)
    expect(res.env.GOPROXY).toBe(tls.url)
    const report = JSON.parse(readFileSync(res.outputs.report, 'utf8')) as {
      downloads: {
        failures: unknown[]
        prefetch?: string
        proxy?: { files: { status: string }[] }
      }
    }
    expect(report.downloads.failures).toEqual([])
    // The prefetch's own connections trust it too.
    expect(report.downloads.prefetch).toMatch(/^the prefetch: /)
    expect(
      report.downloads.proxy!.files.every((f) => f.status === 'served')
    ).toBe(true)
  })

  it('checks an https mirror addressed by IP against that IP, as go does', async () => {
    const ctx = await project()
    const certs = testCertificates(['localhost'], { exactly: true })
    // Valid for the name only: go refuses it at 127.0.0.1.
    const nameOnly = await mirror({
      tls: { names: ['localhost'], exactly: true }
    })
    const res = await runActionStep({
      context: ctx,
      env: { NODE_EXTRA_CA_CERTS: certs.caCertPath },
      inputs: {
        mirrors: nameOnly.url,
        cache: 'false',
        download: 'false',
        'direct-fallback': 'false'
      }
    })
    expect(nameOnly.url).toMatch(/^https:\/\/127\.0\.0\.1:/)
    expect(res.code).not.toBe(0)
    expect(res.stdout + res.stderr).toMatch(
      /IP: 127\.0\.0\.1 is not in the cert's list|altnames/i
    )
  })

  it('falls back to direct alone with a warning when no mirror is usable', async () => {
    const ctx = await project()
    const down = await mirror({ status: 503 })
    const res = await runActionStep({
      context: ctx,
      inputs: {
        mirrors: down.url,
        sumdb: 'sum.golang.org',
        cache: 'false',
        download: 'false'
      }
    })
    expect(res.code).toBe(0)
    expect(res.env.GOPROXY).toBe('direct')
    expect(
      res.commands.some(
        (c) => c.command === 'warning' && /No candidate mirror/.test(c.message)
      )
    ).toBe(true)
  })

  it('fails the step when no mirror is usable and direct-fallback is false', async () => {
    const ctx = await project()
    const down = await mirror({ status: 503 })
    const res = await runActionStep({
      context: ctx,
      inputs: {
        mirrors: down.url,
        'direct-fallback': 'false',
        cache: 'false',
        download: 'false'
      }
    })
    expect(res.code).not.toBe(0)
    expect(errors(res).join('\n')).toContain(down.url)
    expect(res.env.GOPROXY).toBeUndefined()
  })

  it.each([
    ['mirrors', 'ftp://mirror.example.test', /mirrors.*ftp/],
    [
      'mirrors',
      'https://user:hunter2@mirror.example.test',
      /mirrors.*credentials/
    ],
    ['probe-timeout', 'soon', /probe-timeout.*soon/],
    ['mirrors', ' , ', /mirrors/],
    ['max-mirrors', '0', /max-mirrors.*0/]
  ])(
    'rejects %s=%s before exporting anything',
    async (input, value, message) => {
      const ctx = await project()
      const res = await runActionStep({
        context: ctx,
        inputs: { [input]: value, cache: 'false' }
      })
      expect(res.code).toBe(1)
      const text = errors(res).join('\n')
      expect(text).toMatch(message)
      expect(text).not.toContain('hunter2')
      expect(res.stdout).not.toContain('hunter2')
      expect(res.env).toEqual({})
      expect(res.outputs).toEqual({})
      expect(res.state).toEqual({})
    }
  )

  it('reports a GOENV file that overrides what go will use', async () => {
    const ctx = await project()
    const good = await mirror()
    const goenvFile = join(ctx.home, 'goenv')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(goenvFile, 'GOSUMDB=off\nGOFLAGS=-mod=vendor\n')
    const res = await runActionStep({
      context: ctx,
      env: { GOENV: goenvFile },
      inputs: { mirrors: good.url, cache: 'false', download: 'false' }
    })
    expect(res.code).toBe(0)
    const warnings = res.commands
      .filter((c) => c.command === 'warning')
      .map((c) => c.message)
      .join('\n')
    expect(warnings).toMatch(/GOENV file.*GOSUMDB=off/)
    expect(warnings).toMatch(/-mod=vendor/)
    expect(res.summary).toMatch(/What go will really use/)
  })
})
