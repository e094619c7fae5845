// The setup-goproxy command, bundled, against loopback mirrors and the real go.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { closedAfterEach } from '../support/closers.js'
import { collect } from '../support/collect.js'
import { runGo } from '../support/go.js'
import { mirrorStarter } from '../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import {
  createRunnerContext,
  loopbackGoEnv,
  runActionStep,
  type RunnerContext
} from '../support/run-action.js'
import { CLI, runCli } from '../support/run-cli.js'
import { parseFileCommand } from '../support/runner-formats.js'
import { cleanupTempDirs, tempDir } from '../support/temp.js'

const tree = buildProxyTree()
const closers = closedAfterEach()
const mirror = mirrorStarter(tree, closers)

afterAll(() => cleanupTempDirs())

async function project(): Promise<{
  ctx: RunnerContext
  env: Record<string, string>
}> {
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, tree)
  return { ctx, env: { HOME: ctx.home, ...loopbackGoEnv(ctx) } }
}

describe('setup-goproxy env', () => {
  it('prints exports that bash evaluates and go downloads through', async () => {
    const { ctx, env } = await project()
    const live = await mirror()
    const script = [
      `eval "$("${process.execPath}" "${CLI}" env --mirrors "$MIRROR" --private 'corp.test/*')"`,
      'test "$GOPRIVATE" = "corp.test/*" || exit 9',
      'go mod download -x'
    ].join('\n')
    const res = await collect('bash', ['-c', script], {
      cwd: ctx.workspace,
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        GOFLAGS: '-modcacherw',
        GOMODCACHE: join(ctx.root, 'modcache'),
        MIRROR: live.url
      }
    })
    expect(res.stderr).not.toMatch(/SECURITY|::warning/)
    expect(res.code).toBe(0)
    expect(live.requests.some((r) => r.path.endsWith('.zip'))).toBe(true)
  })
})

describe('setup-goproxy probe', () => {
  it('ranks a dead mirror below a live one, as JSON and as a plain table', async () => {
    const { ctx, env } = await project()
    const live = await mirror()
    const dead = await mirror({ status: 500 })
    const mirrors = `${dead.url},${live.url}`
    const json = await runCli(['probe', '--json', '--mirrors', mirrors], {
      cwd: ctx.workspace,
      env
    })
    expect(json.code).toBe(0)
    const out = JSON.parse(json.stdout) as {
      ranking: { url: string; tier: string; position?: number }[]
      chain: { goproxy: string }
    }
    expect(out.ranking.map((r) => r.url)).toEqual([live.url, dead.url])
    expect(out.ranking[1].tier).toBe('failed')
    expect(out.chain.goproxy).toBe(`${live.url}|direct`)

    const table = await runCli(['probe', '--mirrors', mirrors], {
      cwd: ctx.workspace,
      env
    })
    expect(table.code).toBe(0)
    expect(table.stdout).toContain(`GOPROXY=${live.url}|direct`)
    expect(table.stdout).not.toContain('\u001b[')
  })

  it('exits 1 when no mirror is usable and direct-fallback is off', async () => {
    const { ctx, env } = await project()
    const dead = await mirror({ status: 500 })
    const res = await runCli(
      ['probe', '--mirrors', dead.url, '--direct-fallback', 'false'],
      { cwd: ctx.workspace, env }
    )
    expect(res.code).toBe(1)
    expect(res.stdout).toContain(dead.url)
  })
})

describe('setup-goproxy bad input', () => {
  it('names the flag and the value, exit 2', async () => {
    const { ctx, env } = await project()
    const res = await runCli(['env', '--max-mirrors', '0'], {
      cwd: ctx.workspace,
      env
    })
    expect(res.code).toBe(2)
    expect(res.stderr).toBe(
      'setup-goproxy: --max-mirrors: must be at least 1, got "0"\n'
    )
    expect(res.stdout).toBe('')
  })

  it.each([
    [
      ['env', '--tokn=s3cr3t'],
      'setup-goproxy: --tokn: not a flag of env; setup-goproxy env --help lists them\n'
    ],
    [
      ['probe', '--max-mirrors'],
      'setup-goproxy: --max-mirrors: needs a value\n'
    ],
    [['env', '--json'], 'setup-goproxy: --json: not a flag of env\n'],
    [
      ['env', 'no-such-dir'],
      `setup-goproxy: dir: "no-such-dir" does not exist (resolved to ${join('WORKSPACE', 'no-such-dir')})\n`
    ]
  ])('names the flag of %p, never its value, exit 2', async (argv, line) => {
    const { ctx, env } = await project()
    const res = await runCli(argv, { cwd: ctx.workspace, env })
    expect(res.code).toBe(2)
    expect(res.stderr).toBe(line.replace('WORKSPACE', ctx.workspace))
    expect(res.stdout + res.stderr).not.toContain('s3cr3t')
  })

  it('refuses a directory without go.mod or go.work, exit 2', async () => {
    const { env } = await project()
    const empty = tempDir('empty-')
    const res = await runCli(['probe', empty], { cwd: empty, env })
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('no go.mod or go.work')
  })

  it('refuses --credentials on argv without echoing it', async () => {
    const { ctx, env } = await project()
    for (const args of [
      ['env', '--credentials', 'corp.test=s3cr3t-argv'],
      ['env', '--credentials=corp.test=s3cr3t-argv']
    ]) {
      const res = await runCli(args, { cwd: ctx.workspace, env })
      expect(res.code).toBe(2)
      expect(res.stderr).toContain('--credentials-file')
      expect(res.stdout + res.stderr).not.toContain('s3cr3t')
    }
  })

  it('masks a credential from the environment in an input error', async () => {
    const { ctx, env } = await project()
    const res = await runCli(['env'], {
      cwd: ctx.workspace,
      env: { ...env, SETUP_GOPROXY_CREDENTIALS: 'not a line s3cr3t-env' }
    })
    expect(res.code).toBe(2)
    expect(res.stdout + res.stderr).not.toContain('s3cr3t-env')
  })
})

describe('setup-goproxy apply', () => {
  it('writes the go env file, says how to undo it, and go env -u restores it', async () => {
    const { ctx, env } = await project()
    const live = await mirror()
    const goenv = join(ctx.root, 'goenv')
    const res = await runCli(
      ['apply', '--mirrors', live.url, '--private', 'corp.test/*'],
      { cwd: ctx.workspace, env: { ...env, GOENV: goenv } }
    )
    expect(res.stderr).not.toContain('::')
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('go env -u GOPROXY GOPRIVATE')
    // An empty GOPROXY in the environment lets go read the file.
    const goEnv = { GOPROXY: '', GOMODCACHE: join(ctx.root, 'm'), GOFLAGS: '' }
    const shown = await runGo(['env', 'GOPROXY', 'GOPRIVATE'], {
      cwd: ctx.workspace,
      env: goEnv,
      goenv
    })
    expect(shown.stdout.trim().split('\n')).toEqual([
      `${live.url}|direct`,
      'corp.test/*'
    ])
    await runGo(['env', '-u', 'GOPROXY', 'GOPRIVATE'], {
      cwd: ctx.workspace,
      env: goEnv,
      goenv
    })
    expect(readFileSync(goenv, 'utf8')).not.toMatch(/GOPROXY|GOPRIVATE/)
  })

  it('keeps a GOPROXY the user set unless --force', async () => {
    const { ctx, env } = await project()
    const live = await mirror()
    const goenv = join(ctx.root, 'goenv')
    writeFileSync(goenv, 'GOPROXY=https://mine.test\n')
    const args = ['apply', '--mirrors', live.url]
    const refused = await runCli(args, {
      cwd: ctx.workspace,
      env: { ...env, GOENV: goenv }
    })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--force')
    expect(readFileSync(goenv, 'utf8')).toBe('GOPROXY=https://mine.test\n')
    const forced = await runCli([...args, '--force'], {
      cwd: ctx.workspace,
      env: { ...env, GOENV: goenv }
    })
    expect(forced.code).toBe(0)
    expect(forced.stdout).toContain('go env -w GOPROXY=https://mine.test')
    expect(readFileSync(goenv, 'utf8')).toContain(`GOPROXY=${live.url}|direct`)
  })
})

// Actions-only exports: the caches and the Go toolchain.
const ACTIONS_ONLY = new Set([
  'GOMODCACHE',
  'GOCACHE',
  'GOFLAGS',
  'GOTOOLCHAIN'
])

describe('one decision, two fronts', () => {
  const cases: Record<string, string>[] = [
    {},
    { private: 'corp.test/*', 'no-sumdb': 'other.test' },
    { 'direct-fallback': 'false', 'fallback-on': 'not-found' },
    { sumdb: 'sum.golang.org https://sum.golang.org' }
  ]
  it.each(cases)('exports the same values: %j', async (inputs) => {
    const { ctx, env } = await project()
    const live = await mirror()
    const dead = await mirror({ status: 500 })
    const all = { mirrors: `${dead.url},${live.url}`, ...inputs }
    const action = await runActionStep({
      context: ctx,
      env,
      inputs: { ...all, cache: 'false', download: 'false' }
    })
    expect(action.code).toBe(0)
    const flags = Object.entries(all).flatMap(([k, v]) => [`--${k}`, v])
    const cli = await runCli(['env', '--format', 'github', ...flags], {
      cwd: ctx.workspace,
      env
    })
    expect(cli.code).toBe(0)
    const exported = Object.fromEntries(
      Object.entries(action.env).filter(([k]) => !ACTIONS_ONLY.has(k))
    )
    expect(parseFileCommand(cli.stdout)).toEqual(exported)
  })
})

describe('setup-goproxy download', () => {
  it('fills the module cache as the action prefetch does', async () => {
    const { ctx, env } = await project()
    const live = await mirror()
    const cliCache = join(ctx.root, 'cli-modcache')
    mkdirSync(cliCache)
    const res = await runCli(
      ['download', '--mirrors', live.url, '--report', join(ctx.root, 'r.json')],
      { cwd: ctx.workspace, env: { ...env, GOMODCACHE: cliCache } }
    )
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/downloaded/)
    const report = JSON.parse(readFileSync(join(ctx.root, 'r.json'), 'utf8'))
    expect(report.downloads.failures).toEqual([])
    const actionCache = join(ctx.root, 'action-modcache')
    const action = await runActionStep({
      context: ctx,
      env: { ...env, GOMODCACHE: actionCache },
      inputs: { mirrors: live.url, cache: 'false', download: 'true' }
    })
    expect(action.code).toBe(0)
    const listing = (dir: string) =>
      collect('find', ['.', '-path', './cache/download/*', '-type', 'f'], {
        cwd: dir
      }).then((r) =>
        r.stdout
          .split('\n')
          .filter((l) => !l.endsWith('.lock'))
          .sort()
      )
    expect(await listing(cliCache)).toEqual(await listing(actionCache))
  })
})
