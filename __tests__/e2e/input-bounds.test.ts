// Careless input and bare runners, end to end through the bundled action: a
// working-directory that is not one, `/` as the working directory, a runner
// without job summaries, a malformed go.sum, no go on PATH, GOPROXY=off.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  buildProxyTree,
  writeConsumerModule,
  type ProxyTree
} from '../support/modules.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import { canUseHostsNamespace, fakeRootDist } from '../support/namespace.js'
import {
  createRunnerContext,
  loopbackGoEnv,
  distDir,
  runActionJob,
  runActionStep,
  type RunnerContext,
  type StepOptions,
  type StepResult
} from '../support/run-action.js'
import { cleanupTempDirs, tempDir } from '../support/temp.js'

let tree: ProxyTree
let mirror: Mirror

beforeAll(async () => {
  tree = buildProxyTree()
  mirror = await startMirror(tree, { sumdbSupported: 200 })
})

afterAll(async () => {
  await mirror.close()
  cleanupTempDirs()
})

async function project(): Promise<RunnerContext> {
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, tree)
  return ctx
}

function step(
  ctx: RunnerContext,
  inputs: Record<string, string>,
  opts: Partial<StepOptions> = {}
): Promise<StepResult> {
  return runActionStep({
    context: ctx,
    dist: process.env.SETUP_GOPROXY_DIST,
    ...opts,
    inputs: {
      cache: 'false',
      'probe-timeout': '5',
      mirrors: mirror.url,
      ...inputs
    },
    env: { ...loopbackGoEnv(ctx), ...opts.env }
  })
}

const messages = (r: StepResult, level: string) =>
  r.commands.filter((c) => c.command === level).map((c) => c.message)

function reportOf(r: StepResult) {
  return JSON.parse(readFileSync(r.outputs.report, 'utf8')) as {
    downloads?: {
      roots: { dir: string }[]
      failures: { kind: string; message: string }[]
      warnings: { kind: string }[]
    }
    downloadsSkipped?: string
  }
}

describe('working-directory', () => {
  it.each([
    ['a directory that does not exist', 'svc-missing'],
    ['a file', 'go.mod']
  ])(
    'refuses %s naming the input and value, exporting nothing',
    async (_, value) => {
      const ctx = await project()
      const before = mirror.requests.length
      const res = await step(ctx, { 'working-directory': value })
      expect(res.code).toBe(1)
      expect(messages(res, 'error')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Input "working-directory": "${value}" (does not exist|is not a directory) \\(resolved to ${join(ctx.workspace, value)}\\)$`
          )
        )
      ])
      expect(res.env).toEqual({})
      expect(res.outputs).toEqual({})
      expect(res.state).toEqual({})
      expect(res.summary).toBe('')
      expect(mirror.requests.length).toBe(before)
    }
  )

  it('accepts a directory outside the workspace', async () => {
    const ctx = createRunnerContext()
    const outside = tempDir('sample-')
    await writeConsumerModule(outside, tree)
    const res = await step(ctx, { 'working-directory': outside })
    expect(res.code).toBe(0)
    expect(reportOf(res).downloads?.roots.map((r) => r.dir)).toEqual([
      expect.stringMatching(/sample-/)
    ])
  })
})

// Chrooted in a root of the machine's system directories (needs root).
const describeNs = canUseHostsNamespace() ? describe : describe.skip

describeNs('working-directory `/`', () => {
  it('walks `/` without entering the Go installation or module cache, and stops at the cap', async () => {
    const ctx = await project()
    // A module cache holding modules with go.sum files, as on a used runner.
    const cached = join(ctx.root, 'gopath', 'pkg', 'mod')
    for (const m of [
      'github.com/!foo-!bar/baz_qux@v1.2.0',
      'example.test/alpha@v1.0.0'
    ]) {
      mkdirSync(join(cached, m), { recursive: true })
      writeFileSync(join(cached, m, 'go.mod'), `module ${m.split('@')[0]}\n`)
      writeFileSync(join(cached, m, 'go.sum'), '')
    }
    mkdirSync(join(cached, 'cache', 'download'), { recursive: true })
    // More go.sum files than the cap, none of them a module root.
    for (let i = 0; i < 300; i++) {
      const d = join(ctx.workspace, 'many', `m${String(i).padStart(3, '0')}`)
      mkdirSync(d, { recursive: true })
      writeFileSync(join(d, 'go.sum'), '')
    }
    const res = await step(
      ctx,
      {
        'working-directory': '/',
        // `/` holds no go.sum to pick probe modules from.
        'probe-modules': tree
          .paths()
          .map((p) => `${p}@${tree.latest(p).version}`)
          .join('\n')
      },
      {
        dist: fakeRootDist(process.env.SETUP_GOPROXY_DIST ?? distDir(), [
          ctx.root
        ])
      }
    )
    expect(res.code).toBe(0)
    expect(messages(res, 'warning')).toContainEqual(
      expect.stringContaining(
        'The search for files under / stopped after 256 matching files; only the 256 file(s) found so far are used. Set `cache-dependency-path`'
      )
    )
    // Only the project: not GOROOT/src, not GOROOT/src/cmd, not the cache.
    expect(reportOf(res).downloads?.roots.map((r) => r.dir)).toEqual(['.'])
    expect(res.stdout).not.toContain('/usr/local/go/src')
  })
})

describe('runners without job summaries', () => {
  it('main and post finish their work and log the headline', async () => {
    const ctx = await project()
    const job = await runActionJob({
      context: ctx,
      dist: process.env.SETUP_GOPROXY_DIST,
      noStepSummary: true,
      inputs: { 'probe-timeout': '5', mirrors: mirror.url },
      env: loopbackGoEnv(ctx)
    })
    expect(job.main.code).toBe(0)
    expect(job.main.env.GOPROXY).toContain(mirror.url)
    expect(job.main.stdout).toContain(
      `This runner has no job summary (GITHUB_STEP_SUMMARY is not set): GOPROXY=${job.main.env.GOPROXY}; first mirror ${mirror.url}`
    )
    expect(job.main.stdout).not.toContain('Unable to find environment variable')
    expect(job.post?.code).toBe(0)
    expect(job.post?.stdout).toContain('This runner has no job summary')
  })

  it('a summary file that cannot be written is a warning, not a failure', async () => {
    const ctx = await project()
    const dir = tempDir('summary-')
    const blocked = await runActionStep({
      context: ctx,
      dist: process.env.SETUP_GOPROXY_DIST,
      noStepSummary: true,
      inputs: { cache: 'false', 'probe-timeout': '5', mirrors: mirror.url },
      env: {
        ...loopbackGoEnv(ctx),
        GITHUB_STEP_SUMMARY: join(dir, 'missing', 'summary')
      }
    })
    expect(blocked.code).toBe(0)
    expect(messages(blocked, 'warning')).toContainEqual(
      expect.stringContaining('The job summary could not be written')
    )
  })
})

describe('messages', () => {
  it('names a malformed go.sum line and blames no mirror', async () => {
    const ctx = await project()
    const sum = join(ctx.workspace, 'go.sum')
    writeFileSync(
      sum,
      readFileSync(sum, 'utf8') + 'example.test/alpha v1.0.0 h1:broken= extra\n'
    )
    const res = await step(ctx, {})
    const line = readFileSync(sum, 'utf8').split('\n').length - 1
    expect(res.code).toBe(1)
    const report = reportOf(res)
    expect(report.downloads?.failures).toEqual([
      expect.objectContaining({
        kind: 'malformed-go-sum',
        message: `malformed go.sum: ${sum}:${line}: wrong number of fields 4`
      })
    ])
    expect(report.downloads?.warnings).toEqual([])
    const errors = messages(res, 'error').join('\n')
    expect(errors).toContain(`malformed go.sum: ${sum}:${line}`)
    expect(errors).not.toContain('could not be downloaded')
    expect(messages(res, 'warning').join('\n')).not.toMatch(
      /unresponsive|did not answer/
    )
  })

  it('without go on PATH says so, still exports the chain and skips the prefetch', async () => {
    const ctx = await project()
    // git and the usual tools, but no go.
    const bin = tempDir('bin-')
    for (const tool of ['git', 'tar', 'sh'])
      symlinkSync(
        execFileSync('sh', ['-c', `command -v ${tool}`])
          .toString()
          .trim(),
        join(bin, tool)
      )
    const res = await step(ctx, {}, { env: { PATH: bin } })
    expect(res.code).toBe(0)
    expect(res.env.GOPROXY).toContain(mirror.url)
    const warned = messages(res, 'warning').join('\n')
    expect(warned).toContain(
      'The module prefetch was skipped: go is not on PATH; use actions/setup-go (or install Go) before this step.'
    )
    expect(res.stdout + res.stderr).not.toContain('ENOENT')
    expect(reportOf(res).downloadsSkipped).toContain('go is not on PATH')
    expect(res.summary).toContain('prefetch skipped: go is not on PATH')
  })

  it('keeps GOPROXY=off from the job env, probes nothing and says how to get mirrors', async () => {
    const ctx = await project()
    const before = mirror.requests.length
    const res = await step(ctx, {}, { env: { GOPROXY: 'off' } })
    expect(res.code).toBe(0)
    expect(res.env.GOPROXY).toBe('off')
    expect(res.outputs.goproxy).toBe('off')
    expect(mirror.requests.length).toBe(before)
    const warned = messages(res, 'warning').join('\n')
    expect(warned).toContain(
      'GOPROXY=off is set in the job env, so setup-goproxy kept it'
    )
    expect(warned).toContain('remove GOPROXY from the workflow or job env')
    expect(reportOf(res).downloadsSkipped).toBe('GOPROXY=off in the job env')
    expect(res.summary).toContain(
      'GOPROXY=off kept from the job env, no mirror probed'
    )
  })
})

describe('numbers', () => {
  it.each(['0x3', '1e1', '+3', 'Infinity'])(
    'refuses max-mirrors %p before doing anything',
    async (v) => {
      const ctx = await project()
      const res = await step(ctx, { 'max-mirrors': v })
      expect(res.code).toBe(1)
      expect(messages(res, 'error')).toEqual([
        `Input "max-mirrors": expected a whole number such as 3, got "${v}"`
      ])
      expect(res.env).toEqual({})
    }
  )
})
