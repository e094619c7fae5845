// Long: the download faults share the mirrors, the runner step and the report reader.
// The downloads phase end to end: the bundled action probes loopback
// mirrors, exports the chain and runs the real `go mod download -x -json`,
// then reports where each module came from. Faults are served only to the
// go command (by its User-Agent), so that the probe ranks the mirrors as
// healthy and go meets the fault during the download, as when a mirror goes
// bad mid-run.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { closedAfterEach } from '../support/closers.js'
import {
  gitProjectRoot,
  makeModuleRepo,
  startGitServer,
  type GitServer
} from '../support/git-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import { mirrorStarter, type RequestContext } from '../support/mirror-server.js'
import {
  createRunnerContext,
  loopbackGoEnv,
  runActionStep,
  type RunnerContext,
  type StepResult
} from '../support/run-action.js'
import { cleanupTempDirs } from '../support/temp.js'

const tree = buildProxyTree()
const closers = closedAfterEach()
const mirror = mirrorStarter(tree, closers)

afterAll(() => cleanupTempDirs())

const fromGo = (ctx: RequestContext) =>
  (ctx.req.headers['user-agent'] ?? '').startsWith('Go-http-client')

/** Answers `status` to the go command for paths matching `re`. */
function goFault(re: RegExp, status: number, body = `status ${status}\n`) {
  return (ctx: RequestContext): boolean => {
    if (!fromGo(ctx) || !re.test(ctx.path)) return false
    if (status === 429) ctx.res.setHeader('Retry-After', '30')
    ctx.send(status, body)
    return true
  }
}

interface Downloads {
  modules: {
    path: string
    version: string
    status: string
    source: string
    fallThroughs: number
  }[]
  sources: {
    source: string
    modules: number
    requests: number
    bytes: number
    errors: number
    fallThroughs: number
    answers: Record<string, number>
  }[]
  failures: {
    module?: string
    version?: string
    kind: string
    badSource?: string
    tried: { source: string; answers: string[] }[]
  }[]
  warnings: { source: string; kind: string }[]
}

function downloads(r: StepResult): Downloads {
  const file = r.outputs.report
  expect(file).toBeTruthy()
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    schema: string
    downloads: Downloads
  }
  expect(report.schema).toMatch(/^setup-goproxy\/report@/)
  return report.downloads
}

function annotations(r: StepResult, level: 'error' | 'warning') {
  return r.commands.filter((c) => c.command === level)
}

async function runStep(
  ctx: RunnerContext,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<StepResult> {
  return runActionStep({
    context: ctx,
    inputs: { cache: 'false', 'probe-timeout': '5', ...inputs },
    env: { ...loopbackGoEnv(ctx), ...env }
  })
}

async function project(extraRequire?: string): Promise<RunnerContext> {
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, tree)
  if (extraRequire) {
    writeFileSync(
      join(ctx.workspace, 'go.mod'),
      `\nrequire ${extraRequire}\n`,
      { flag: 'a' }
    )
  }
  return ctx
}

describe('downloads end to end', () => {
  it('falls through a 502 and a 429 to the next mirror and reports both', async () => {
    const ctx = await project()
    const alpha = /^example\.test\/alpha\//
    const bad = await mirror({ onRequest: goFault(alpha, 502) })
    const limited = await mirror({ onRequest: goFault(alpha, 429) })
    // Slower, so that it ranks last and go meets both faults first.
    const good = await mirror({ latencyMs: 150 })
    const res = await runStep(ctx, {
      mirrors: [bad.url, limited.url, good.url].join('\n'),
      'direct-fallback': 'false',
      // go's own fall-through, without the local proxy.
      'download-concurrency': '0'
    })
    expect(res.code).toBe(0)
    expect(res.env.GOPROXY).toMatch(
      new RegExp(`\\|${good.url.replace(/[.]/g, '\\.')}$`)
    )
    const d = downloads(res)
    expect(d.failures).toEqual([])
    const a = d.modules.find((m) => m.path === 'example.test/alpha')!
    expect(a).toMatchObject({ status: 'downloaded', source: good.url })
    expect(a.fallThroughs).toBeGreaterThanOrEqual(6)
    const stats = (u: string) => d.sources.find((s) => s.source === u)!
    expect(stats(bad.url).answers['502']).toBeGreaterThanOrEqual(3)
    expect(stats(limited.url).answers['429']).toBeGreaterThanOrEqual(3)
    expect(stats(good.url).modules).toBeGreaterThanOrEqual(1)
    expect(stats(good.url).bytes).toBeGreaterThan(0)
    expect(d.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: bad.url, kind: 'failing' }),
        expect.objectContaining({ source: limited.url, kind: 'rate-limited' })
      ])
    )
    // The warnings reach the log as annotations, the summary shows the story.
    const warned = annotations(res, 'warning')
      .map((c) => c.message)
      .join('\n')
    expect(warned).toContain(`${limited.url} rate-limited`)
    expect(warned).toContain(`${bad.url} failed`)
    expect(res.summary).toContain('**Downloads:** 3 module versions fetched')
    expect(res.summary).toContain('### Downloads')
    expect(res.summary).toMatch(/\| Source \| Modules \| Requests \| Bytes/)
    expect(res.summary).toMatch(
      new RegExp(
        `\\| ${bad.url.replace('http://', '').replace(/[.]/g, '\\.')} \\|[^\\n]*502 ×\\d`
      )
    )
    expect(res.summary).toMatch(/429 ×\d/)
    // Two sources are said in the headline; no chart.
    expect(res.summary).not.toContain('```mermaid')
    expect(JSON.parse(res.outputs['failed-modules'])).toEqual([])
  })

  it('fails the step on a module missing everywhere, with the error on its require line', async () => {
    const ghostSum =
      'example.test/ghost v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'
    const ctx = await project('example.test/ghost v1.0.0')
    writeFileSync(join(ctx.workspace, 'go.sum'), ghostSum, { flag: 'a' })
    const a = await mirror()
    const b = await mirror({ latencyMs: 50 })
    const res = await runStep(ctx, {
      mirrors: [a.url, b.url].join('\n'),
      'direct-fallback': 'false'
    })
    expect(res.code).not.toBe(0)
    const d = downloads(res)
    expect(d.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/ghost',
        version: 'v1.0.0',
        kind: 'missing'
      })
    ])
    const asked = d.failures[0].tried.map((t) => t.source).sort()
    expect(asked).toEqual([a.url, b.url].sort())
    const goMod = readFileSync(join(ctx.workspace, 'go.mod'), 'utf8').split(
      '\n'
    )
    const line = goMod.findIndex((l) => l.includes('example.test/ghost')) + 1
    const [err] = annotations(res, 'error').filter((c) =>
      c.message.includes('ghost')
    )
    expect(err.properties).toMatchObject({ file: 'go.mod', line: String(line) })
    expect(err.message).toContain('404 Not Found')
    expect(err.message).toContain(a.url)
    expect(err.message).toContain(b.url)
    expect(JSON.parse(res.outputs['failed-modules'])).toEqual([
      expect.objectContaining({ module: 'example.test/ghost', kind: 'missing' })
    ])
    expect(res.summary).toContain('#### Failed downloads')
    expect(res.summary).toMatch(
      /`example\.test\/ghost@v1\.0\.0` \| \*\*missing\*\*/
    )
  })

  it('warns instead of failing with fail-on-error false', async () => {
    const ctx = await project('example.test/ghost v1.0.0')
    writeFileSync(
      join(ctx.workspace, 'go.sum'),
      'example.test/ghost v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n',
      { flag: 'a' }
    )
    const a = await mirror()
    const res = await runStep(ctx, {
      mirrors: a.url,
      'direct-fallback': 'false',
      'fail-on-error': 'false'
    })
    expect(res.code).toBe(0)
    expect(annotations(res, 'error')).toEqual([])
    expect(
      annotations(res, 'warning').some((c) =>
        c.message.includes('example.test/ghost@v1.0.0 could not be downloaded')
      )
    ).toBe(true)
  })

  it('pins a checksum mismatch on the mirror that served the tampered zip', async () => {
    const ctx = await project()
    const other = buildProxyTree([
      { path: 'example.test/alpha', versions: ['v1.2.0'], zipSize: 4096 }
    ])
    const evil = await mirror({
      onRequest: (c) => {
        if (!fromGo(c) || c.path !== 'example.test/alpha/@v/v1.2.0.zip')
          return false
        c.send(
          200,
          other.find('example.test/alpha', 'v1.2.0')!.zip,
          'application/zip'
        )
        return true
      }
    })
    const honest = await mirror({ latencyMs: 150 })
    const res = await runStep(ctx, {
      mirrors: [evil.url, honest.url].join('\n'),
      'direct-fallback': 'false',
      // go alone stops on a mismatch; the local proxy would refetch.
      'download-concurrency': '0'
    })
    expect(res.code).not.toBe(0)
    const d = downloads(res)
    expect(d.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/alpha',
        version: 'v1.2.0',
        kind: 'checksum',
        badSource: evil.url
      })
    ])
    const [err] = annotations(res, 'error').filter((c) =>
      c.message.includes('checksum')
    )
    expect(err.message).toContain(`The bad bits came from ${evil.url}`)
    expect(err.properties.file).toBe('go.mod')
    expect(res.summary).toContain(`bad bits served by ${evil.url}`)
  })

  it('stops a mirror that hangs at download-timeout instead of hanging the step', async () => {
    const ctx = await project()
    const stuck = await mirror({
      onRequest: (c) =>
        fromGo(c) && c.path === 'example.test/beta/v2/@v/v2.1.0.zip'
    })
    const res = await runStep(ctx, {
      mirrors: stuck.url,
      'direct-fallback': 'false',
      'download-timeout': '4',
      // go's own request hangs; the local proxy has its own test.
      'download-concurrency': '0'
    })
    expect(res.timedOut).toBe(false)
    expect(res.code).not.toBe(0)
    const d = downloads(res)
    expect(d.failures).toEqual([
      expect.objectContaining({
        module: 'example.test/beta/v2',
        version: 'v2.1.0',
        kind: 'timeout'
      })
    ])
    expect(d.warnings).toContainEqual(
      expect.objectContaining({ source: stuck.url, kind: 'unresponsive' })
    )
    expect(res.summary).toContain('stopped at download-timeout (4 s)')
  })

  it('fetches a private module direct from its git server', async () => {
    const git = await privateGitHost()
    const ctx = await project(`${PRIVATE} v1.0.0`)
    const pub = await mirror()
    const gitconfig = join(ctx.root, 'gitconfig')
    writeFileSync(
      gitconfig,
      `[url "${git.url}/"]\n\tinsteadOf = https://github.com/acme/\n`
    )
    const res = await runStep(
      ctx,
      { mirrors: pub.url, private: 'github.com/acme' },
      {
        GIT_CONFIG_GLOBAL: gitconfig,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        GOFLAGS: '-modcacherw -mod=mod'
      }
    )
    const d = downloads(res)
    expect(d.failures).toEqual([])
    expect(res.code).toBe(0)
    expect(d.modules.find((m) => m.path === PRIVATE)).toMatchObject({
      status: 'downloaded',
      source: 'direct'
    })
    expect(d.sources.find((s) => s.source === 'direct')?.modules).toBe(1)
    expect(d.sources.find((s) => s.source === pub.url)?.modules).toBe(3)
    // The public mirror never saw the private path.
    expect(pub.requests.some((r) => r.path.includes('acme'))).toBe(false)
    expect(git.requests.some((r) => r.url.includes('git-upload-pack'))).toBe(
      true
    )
    expect(res.summary).toContain('from `direct (origin)`')
  })
})

const PRIVATE = 'github.com/acme/private'

/** An open loopback git host holding PRIVATE as `<url>/private`. */
async function privateGitHost(): Promise<GitServer> {
  const projectRoot = gitProjectRoot()
  makeModuleRepo(projectRoot, 'private', PRIVATE, 'v1.0.0')
  return closers.add(
    await startGitServer({
      address: '127.0.0.1',
      port: 0,
      hostname: '127.0.0.1',
      repos: {},
      projectRoot
    })
  )
}
