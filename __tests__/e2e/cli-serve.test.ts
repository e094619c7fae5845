// setup-goproxy serve, bundled: the local proxy in the foreground answers a
// later go run by the GOPROXY line it printed, and stops cleanly on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { closedAfterEach } from '../support/closers.js'
import { runGo } from '../support/go.js'
import { mirrorStarter } from '../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import { createRunnerContext, loopbackGoEnv } from '../support/run-action.js'
import { CLI, runCli } from '../support/run-cli.js'
import { cleanupTempDirs, tempDir } from '../support/temp.js'

const tree = buildProxyTree()
const closers = closedAfterEach()
const mirror = mirrorStarter(tree, closers)
const children: ChildProcess[] = []

afterEach(() => {
  // A failed test must not leave its proxy behind.
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})
afterAll(() => cleanupTempDirs())

interface Serving {
  child: ChildProcess
  goproxy: string
  stderr: () => string
  exited: Promise<number | null>
}

// Resolves at the first stdout line; the process keeps running.
function serve(args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  children.push(child)
  let out = ''
  let err = ''
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code))
  )
  return new Promise<Serving>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
      const nl = out.indexOf('\n')
      if (nl >= 0)
        resolve({ child, goproxy: out.slice(0, nl), stderr: () => err, exited })
    })
    void exited.then((code) =>
      reject(new Error(`serve exited ${code} before its line: ${err}`))
    )
  })
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

describe('setup-goproxy serve', () => {
  it('serves a later go mod download, then stops on SIGINT and says what it served', async () => {
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)
    const live = await mirror()
    const spoolParent = tempDir('serve-tmp-')
    const env = { HOME: ctx.home, ...loopbackGoEnv(ctx), TMPDIR: spoolParent }
    const s = await serve(['--mirrors', live.url], ctx.workspace, env)

    const m = /^GOPROXY=(http:\/\/127\.0\.0\.1:(\d+))\|(.*)$/.exec(s.goproxy)
    expect(m).not.toBeNull()
    const [, local, port, chain] = m!
    expect(chain).toBe(`${live.url}|direct`)

    const modcache = join(ctx.root, 'served-modcache')
    const goEnv = {
      GOPROXY: s.goproxy.slice('GOPROXY='.length),
      GOMODCACHE: modcache,
      GOFLAGS: '-modcacherw'
    }
    const download = await runGo(['mod', 'download', '-x'], {
      cwd: ctx.workspace,
      env: goEnv
    })
    expect(download.code).toBe(0)
    // go asked the local proxy, and got every zip from it.
    expect(download.stderr).toContain(`# get ${local}/`)
    expect(download.stderr).not.toContain(`# get ${live.url}/`)
    const verify = await runGo(['mod', 'verify'], {
      cwd: ctx.workspace,
      env: goEnv
    })
    expect(verify.stdout).toContain('all modules verified')

    s.child.kill('SIGINT')
    expect(await s.exited).toBe(0)
    expect(await portOpen(Number(port))).toBe(false)
    expect(readdirSync(spoolParent)).toEqual([])
    expect(s.stderr()).toContain('Ctrl-C stops it')
    expect(s.stderr()).toContain('Stopped (interrupted)')
    expect(s.stderr()).toMatch(
      new RegExp(`${live.url}: [1-9]\\d* file\\(s\\)`, 'u')
    )
  })

  it('puts the private proxies ahead of the local proxy, and names GOPRIVATE', async () => {
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)
    const live = await mirror()
    const priv = await mirror()
    const env = { HOME: ctx.home, ...loopbackGoEnv(ctx) }
    const s = await serve(
      [
        '--mirrors',
        live.url,
        '--private-proxy',
        priv.url,
        '--private',
        'corp.test/*'
      ],
      ctx.workspace,
      env
    )
    expect(s.goproxy).toMatch(
      new RegExp(
        `^GOPROXY=${priv.url},http://127\\.0\\.0\\.1:\\d+\\|${live.url}\\|direct$`,
        'u'
      )
    )
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
    expect(s.stderr()).toContain("export GOPRIVATE='corp.test/*'")
    expect(s.stderr()).toContain('Stopped (terminated)')
  })

  it('stops by itself after --idle-timeout, exit 0', async () => {
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)
    const live = await mirror()
    const env = { HOME: ctx.home, ...loopbackGoEnv(ctx) }
    const s = await serve(
      ['--mirrors', live.url, '--idle-timeout', '0.2'],
      ctx.workspace,
      env
    )
    expect(await s.exited).toBe(0)
    expect(s.stderr()).toContain('Stopped (idle for 0.2 s)')
  })

  it('exits 1 when no mirror is usable, before listening', async () => {
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)
    const dead = await mirror({ status: 500 })
    const res = await runCli(['serve', '--mirrors', dead.url], {
      cwd: ctx.workspace,
      env: { HOME: ctx.home, ...loopbackGoEnv(ctx) }
    })
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('no public mirror to serve from')
    expect(res.stdout).toBe('')
  })

  it.each(['--port=70000', '--port=eighty', '--port=-1', '--port=1.5'])(
    'refuses %s naming the flag, exit 2',
    async (flag) => {
      const ctx = createRunnerContext()
      await writeConsumerModule(ctx.workspace, tree)
      const res = await runCli(['serve', flag], {
        cwd: ctx.workspace,
        env: { HOME: ctx.home, ...loopbackGoEnv(ctx) }
      })
      expect(res.code).toBe(2)
      expect(res.stderr).toMatch(/^setup-goproxy: --port: .*\n$/)
      expect(res.stdout).toBe('')
    }
  )
})
