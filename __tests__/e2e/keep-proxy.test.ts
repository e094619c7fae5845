// keep-proxy end to end: the bundled main leaves the local proxy running as a
// detached process, a later step runs the real go through the exported
// GOPROXY, and post stops the process and summarises what it fetched. Faults
// are served to the proxy's fetches only (by User-Agent), so the probe ranks
// the faulty mirror first and later go commands meet the fault.
import { startEgressProxy } from '../support/egress-proxy.js'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { runGo, goTempDir } from '../support/go.js'
import {
  buildProxyTree,
  writeConsumerModule,
  type ProxyTree
} from '../support/modules.js'
import {
  type Mirror,
  fromPrefetchEngine,
  mirrorStarter,
  startMirror
} from '../support/mirror-server.js'
import { closedAfterEach, closeServer } from '../support/closers.js'
import {
  channelsContaining,
  createRunnerContext,
  distDir,
  loopbackGoEnv,
  runActionJob,
  type JobOptions,
  type JobResult,
  type JobStepState,
  type RunnerContext,
  type StepResult
} from '../support/run-action.js'
import { cleanupTempDirs } from '../support/temp.js'
import { waitFor } from '../support/wait.js'

const SECRET_MODULE = 'example.test/secret-corp/Lib_x'
const TOKEN = 'ghp_keepProxyTestToken_4f1c9a'
const TRACKING_ID = 'github_5b0e61c4-keep-proxy'
// Required by the project (prefetched by main).
const PREFETCHED = ['example.test/alpha', 'example.test/beta-lib/v2']
// Not in the project: a later step's go asks for it.
const LATER = 'example.test/Gamma_x'
const LATER_ESCAPED = 'example.test/!gamma_x'

const pids: number[] = []

const tree: ProxyTree = buildProxyTree([
  { path: 'example.test/alpha', versions: ['v1.0.0', 'v1.2.0'] },
  {
    path: 'example.test/beta-lib/v2',
    versions: ['v2.1.0'],
    zipSize: 200_000
  },
  { path: LATER, versions: ['v1.0.0'], zipSize: 90_000 },
  { path: SECRET_MODULE, versions: ['v1.0.0'] }
])
const closers = closedAfterEach()

afterEach(async () => {
  // A failed test must not leave its proxy behind.
  for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL')
})

afterAll(() => cleanupTempDirs())

const mirror = mirrorStarter(tree, closers, {
  sumdbSupported: 200,
  faultsOnly: fromPrefetchEngine
})

async function project(): Promise<RunnerContext> {
  const ctx = createRunnerContext()
  await writeConsumerModule(ctx.workspace, tree, {
    requires: PREFETCHED.map((p) => {
      const { path, version } = tree.latest(p)
      return { path, version }
    })
  })
  return ctx
}

interface KeptState {
  pid: number
  url: string
  recordFile: string
}

function keptState(main: StepResult): KeptState {
  const s = main.state['download-kept-proxy']
  expect(s).toBeTruthy()
  const state = JSON.parse(s) as KeptState
  pids.push(state.pid)
  return state
}

// A zombie (exited, not reaped by whoever adopted it) counts as gone.
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

function portOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const s = connect(Number(port), hostname)
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

// The port a killed process held can stay taken for a moment (a socket
// of the dying process still being torn down).
async function listenOn(server: Server, port: number): Promise<void> {
  for (let tries = 1; ; tries++) {
    try {
      return await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject)
          resolve()
        })
      })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || tries >= 50)
        throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

function job(
  ctx: RunnerContext,
  inputs: Record<string, string>,
  between: JobOptions['between'],
  extra: Partial<JobOptions> = {}
): Promise<JobResult> {
  return runActionJob({
    context: ctx,
    dist: process.env.SETUP_GOPROXY_DIST,
    inputs: {
      cache: 'false',
      'probe-timeout': '5',
      'direct-fallback': 'false',
      'download-timeout': '60',
      'keep-proxy': 'true',
      ...inputs
    },
    // The runner ends the job's leftover processes by this id.
    env: { ...loopbackGoEnv(ctx), RUNNER_TRACKING_ID: TRACKING_ID },
    between,
    ...extra
  })
}

/** A later step: `go mod download` of a module the project does not require. */
function laterGo(ctx: RunnerContext, jobState: JobStepState) {
  const goenv = loopbackGoEnv(ctx)
  return runGo(['mod', 'download', '-json', `${LATER}@v1.0.0`], {
    cwd: goTempDir(),
    env: {
      ...goenv,
      GOPROXY: jobState.env.GOPROXY,
      GOMODCACHE: goenv.GOMODCACHE,
      GOFLAGS: goenv.GOFLAGS,
      GOSUMDB: 'off'
    },
    timeoutMs: 60_000
  })
}

const laterPaths = (m: Mirror) =>
  m.requests.filter((r) => r.path.includes(LATER_ESCAPED))

describe('keep-proxy', () => {
  it('serves a later step through hedging while the first mirror hangs; post stops it and summarises', async () => {
    const ctx = await project()
    const hangs = await mirror({ hang: /!gamma_x\// })
    // What the proxy sends the mirror that serves it: never a credential.
    const proxyAuth: string[] = []
    const other = await mirror({
      latencyMs: 60,
      onRequest: ({ req }) => {
        if (fromPrefetchEngine(req))
          proxyAuth.push(req.headers.authorization ?? '')
        return false
      }
    })
    let state: KeptState | undefined
    let processText = ''
    let later: Awaited<ReturnType<typeof laterGo>> | undefined
    let secret: { status: number; ms: number } | undefined
    const res = await job(
      ctx,
      {
        mirrors: [hangs.url, other.url].join('\n'),
        private: SECRET_MODULE,
        credentials: `${other.host}:${other.port}=ci-bot:${TOKEN}`
      },
      async (main, jobState) => {
        expect(main.code).toBe(0)
        state = keptState(main)
        processText = ['environ', 'cmdline']
          .map((f) => readFileSync(`/proc/${state!.pid}/${f}`, 'latin1'))
          .join('\n')
        expect(jobState.env.GOPROXY).toBe(
          `${state.url}|${main.outputs.goproxy}`
        )
        later = await laterGo(ctx, jobState)
        const t0 = performance.now()
        const r = await fetch(
          `${state.url}/example.test/secret-corp/!lib_x/@v/v1.0.0.info`
        )
        secret = { status: r.status, ms: performance.now() - t0 }
      }
    )
    expect(later!.code).toBe(0)
    expect(
      existsSync(
        join(
          loopbackGoEnv(ctx).GOMODCACHE,
          'cache/download',
          LATER_ESCAPED,
          '@v/v1.0.0.zip'
        )
      )
    ).toBe(true)
    // The first mirror was asked (and hung); the other one served.
    expect(laterPaths(hangs).length).toBeGreaterThan(0)
    expect(laterPaths(other).some((r) => r.status === 200)).toBe(true)
    // Private: 404 from the proxy itself, no mirror asked.
    expect(secret!.status).toBe(404)
    for (const m of [hangs, other])
      expect(m.requests.filter((r) => /secret-corp/.test(r.path))).toEqual([])

    expect(processText).toContain('SETUP_GOPROXY_KEPT_PROXY=')
    expect(processText).toContain(`RUNNER_TRACKING_ID=${TRACKING_ID}`)
    expect(processText).not.toContain(TOKEN)
    expect(proxyAuth.length).toBeGreaterThan(0)
    expect(proxyAuth.filter((a) => a !== '')).toEqual([])
    expect(channelsContaining(res.post!, [TOKEN])).toEqual([])

    expect(res.post!.code).toBe(0)
    expect(alive(state!.pid)).toBe(false)
    expect(await portOpen(state!.url)).toBe(false)
    expect(existsSync(state!.recordFile)).toBe(false)
    expect(
      readdirSync(res.main.runnerTemp).filter((f) =>
        f.startsWith('setup-goproxy-kept-proxy')
      )
    ).toEqual([])
    expect(res.post!.summary).toContain(
      '### Local proxy for the rest of the job'
    )
    expect(res.post!.summary).toMatch(/Stopped: stopped by the post step/)
    const row = res
      .post!.summary.split('\n')
      .find((l) => l.startsWith(`| ${other.url} |`))
    expect(row).toMatch(/^\| \S+ \| [1-9]\d* \| /)
    expect(res.post!.summary).toMatch(/[1-9]\d* hedged/)
  })

  it('answers go at once when the only mirror rate-limits it, so go falls through to the chain', async () => {
    const ctx = await project()
    // 429 to the kept proxy only, for the later module; go itself is served.
    const limited = await mirror({
      onRequest: (q) => {
        if (!fromPrefetchEngine(q.req) || !q.path.includes(LATER_ESCAPED))
          return false
        q.res.setHeader('Retry-After', '120')
        q.send(429, 'slow down\n')
        return true
      }
    })
    let later: Awaited<ReturnType<typeof laterGo>> | undefined
    let ms = 0
    const res = await job(
      ctx,
      { mirrors: limited.url },
      async (main, jobState) => {
        keptState(main)
        const t0 = performance.now()
        later = await laterGo(ctx, jobState)
        ms = performance.now() - t0
      }
    )
    expect(later!.code).toBe(0)
    expect(ms).toBeLessThan(10_000)
    const asked = laterPaths(limited).filter((r) => r.status === 429)
    expect(asked.length).toBeGreaterThan(0)
    expect(asked.length).toBeLessThanOrEqual(3)
    expect(res.post!.code).toBe(0)
  })

  it('keeps the private proxy first: once the proxy is gone, whatever binds its port never sees a private path', async () => {
    const ctx = await project()
    const pub = await mirror()
    const priv = await startMirror(
      buildProxyTree([{ path: SECRET_MODULE, versions: ['v1.0.0'] }])
    )
    closers.add(priv)
    const squatted: string[] = []
    let later: Awaited<ReturnType<typeof runGo>> | undefined
    const res = await job(
      ctx,
      {
        mirrors: pub.url,
        'private-proxy': priv.url,
        private: 'example.test/secret-corp'
      },
      async (main, jobState) => {
        const state = keptState(main)
        expect(jobState.env.GOPROXY).toBe(`${priv.url},${state.url}|${pub.url}`)
        process.kill(state.pid, 'SIGKILL')
        await waitFor('the killed proxy to be gone', () => !alive(state.pid))
        const squatter = createServer((req, res) => {
          squatted.push(req.url ?? '')
          res.writeHead(404).end()
        })
        await listenOn(squatter, Number(new URL(state.url).port))
        closers.add({ close: () => closeServer(squatter) })
        const goenv = loopbackGoEnv(ctx)
        later = await runGo(
          ['mod', 'download', '-json', `${SECRET_MODULE}@v1.0.0`],
          {
            cwd: goTempDir(),
            env: {
              ...goenv,
              GOPROXY: jobState.env.GOPROXY,
              GOMODCACHE: goenv.GOMODCACHE,
              GOFLAGS: goenv.GOFLAGS,
              GOSUMDB: 'off'
            },
            timeoutMs: 60_000
          }
        )
      }
    )
    expect(later!.code).toBe(0)
    expect(squatted).toEqual([])
    expect(priv.requests.some((q) => q.path.includes('secret-corp'))).toBe(true)
    expect(res.post!.code).toBe(0)
  })

  it('reaches the mirrors through the egress proxy the job names, as go would', async () => {
    const ctx = await project()
    const m = await mirror()
    const egress = await startEgressProxy(['keep-mirror.corp.test'], closers)
    const named = `http://keep-mirror.corp.test:${m.port}`
    let later: Awaited<ReturnType<typeof laterGo>> | undefined
    const res = await job(
      ctx,
      { mirrors: named },
      async (main, jobState) => {
        expect(main.code).toBe(0)
        later = await laterGo(ctx, jobState)
      },
      {
        env: {
          ...loopbackGoEnv(ctx),
          RUNNER_TRACKING_ID: TRACKING_ID,
          HTTP_PROXY: egress.url,
          HTTPS_PROXY: egress.url
        }
      }
    )
    expect(res.main.code).toBe(0)
    // The chain after the kept proxy resolves nowhere for go: the kept
    // proxy served it, through the egress proxy.
    expect(later!.code).toBe(0)
    expect(laterPaths(m).some((r) => r.status === 200)).toBe(true)
    expect(
      egress.requests.every((q) => q.includes('keep-mirror.corp.test'))
    ).toBe(true)
    expect(res.post!.code).toBe(0)
  })

  it('falls through to the chain when the proxy is gone between steps', async () => {
    const ctx = await project()
    const only = await mirror()
    let later: Awaited<ReturnType<typeof laterGo>> | undefined
    const res = await job(
      ctx,
      { mirrors: only.url },
      async (main, jobState) => {
        const state = keptState(main)
        process.kill(state.pid, 'SIGKILL')
        await waitFor('the killed proxy to be gone', () => !alive(state.pid))
        later = await laterGo(ctx, jobState)
      }
    )
    expect(later!.code).toBe(0)
    // go itself (not the proxy) fetched it from the chain's mirror.
    expect(laterPaths(only).some((r) => r.status === 200)).toBe(true)
    expect(res.post!.code).toBe(0)
  })

  it('exits by itself after keep-proxy-idle-timeout when post never runs', async () => {
    const ctx = await project()
    const only = await mirror()
    let state: KeptState | undefined
    const res = await job(
      ctx,
      { mirrors: only.url, 'keep-proxy-idle-timeout': '2' },
      (main) => {
        state = keptState(main)
        return Promise.resolve()
      },
      { skipPost: true }
    )
    expect(res.main.code).toBe(0)
    await waitFor('the idle proxy to exit', () => !alive(state!.pid), 30_000)
    expect(await portOpen(state!.url)).toBe(false)
    const record = JSON.parse(readFileSync(state!.recordFile, 'utf8')) as {
      stopped?: string
    }
    expect(record.stopped).toBe('idle for 2 s')
  })

  it('exits at its hard limit even while go keeps it busy', async () => {
    // The kept-proxy bundle as main starts it, with a short hard limit in its config.
    const only = await mirror({ hang: /!gamma_x\// })
    const dir = goTempDir('kept-')
    const config = join(dir, 'config.json')
    const recordFile = join(dir, 'record.json')
    writeFileSync(
      config,
      JSON.stringify({
        mirrors: [{ url: only.url }],
        concurrency: 4,
        zipBytesHint: 100_000,
        privatePatterns: { private: [], noProxy: [], noSumdb: [] },
        spoolDir: join(dir, 'spool'),
        recordFile,
        idleMs: 600_000,
        maxMs: 1500
      })
    )
    const child = spawn(
      process.execPath,
      [join(distDir(), 'kept-proxy', 'index.js')],
      {
        env: { SETUP_GOPROXY_KEPT_PROXY: config },
        stdio: ['ignore', 'pipe', 'ignore']
      }
    )
    pids.push(child.pid!)
    const exited = new Promise((r) => child.once('exit', r))
    const url = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))
    )
    // A request that never ends (the only mirror hangs) does not keep it.
    const pending = fetch(`${url}/${LATER_ESCAPED}/@v/v1.0.0.info`).catch(
      () => 'closed'
    )
    await exited
    expect(await pending).toBe('closed')
    expect(await portOpen(url)).toBe(false)
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as {
      stopped?: string
    }
    expect(record.stopped).toBe('hard limit (1.5 s) reached')
    expect(existsSync(join(dir, 'spool'))).toBe(false)
    expect(existsSync(config)).toBe(false)
  })

  it('rejects keep-proxy with download-concurrency 0, exporting nothing', async () => {
    const ctx = await project()
    const only = await mirror()
    const res = await job(
      ctx,
      { mirrors: only.url, 'download-concurrency': '0' },
      () => Promise.resolve(),
      { skipPost: true }
    )
    expect(res.main.code).not.toBe(0)
    expect(res.main.stdout).toContain('Input "keep-proxy"')
    expect(res.main.env).toEqual({})
    expect(res.main.state).toEqual({})
  })
})
