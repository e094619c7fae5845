// Jobs for the module cache e2e tests: each runs on a fresh simulated
// machine (checkout of a consumer module, the action's main, the user's go
// step, post) against a loopback mirror and the fake cache service.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { runGo } from './go.js'
import { startMirror, type Mirror } from './mirror-server.js'
import {
  buildProxyTree,
  writeConsumerModule,
  type ProxyTree
} from './modules.js'
import {
  createRunnerContext,
  runActionJob,
  type JobResult,
  type JobStepState
} from './run-action.js'
import type { ModuleVersion } from '../../src/module-path.js'

export interface CacheFixture {
  tree: ProxyTree
  /** The newest version of every module (what job 1 requires). */
  latest: ModuleVersion[]
  mirror: Mirror
}

export async function startCacheFixture(): Promise<CacheFixture> {
  const tree = buildProxyTree([
    {
      path: 'example.test/alpha',
      versions: ['v1.1.0', 'v1.2.0'],
      zipSize: 40_000
    },
    { path: 'example.test/beta/v2', versions: ['v2.1.0'], zipSize: 20_000 },
    { path: 'example.test/Gamma', versions: ['v1.0.0'] }
  ])
  const latest = tree.paths().map((p) => {
    const { path, version } = tree.latest(p)
    return { path, version }
  })
  return { tree, latest, mirror: await startMirror(tree) }
}

export interface CacheJobOptions {
  fixture: CacheFixture
  service: Record<string, string>
  requires?: ModuleVersion[]
  inputs?: Record<string, string>
  env?: Record<string, string>
  /** What the user's steps do between main and post. */
  steps?: 'download' | 'build-offline' | 'none'
}

export function modCacheOf(job: JobResult): string {
  return join(job.context.home, 'go', 'pkg', 'mod')
}

/** One job on a fresh machine: checkout (consumer module), action main, user steps, post. */
export async function cacheJob(
  o: CacheJobOptions
): Promise<JobResult & { goOutput: string }> {
  const context = createRunnerContext()
  await writeConsumerModule(context.workspace, o.fixture.tree, {
    requires: o.requires ?? o.fixture.latest
  })
  const modcache = join(context.home, 'go', 'pkg', 'mod')
  let goOutput = ''
  const steps = o.steps ?? 'download'
  const res = await runActionJob({
    context,
    inputs: {
      mirrors: o.fixture.mirror.url,
      'probe-timeout': '5',
      'direct-fallback': 'false',
      download: 'false',
      ...o.inputs
    },
    env: {
      ...o.service,
      GOMODCACHE: modcache,
      GOFLAGS: '-trimpath',
      GOTOOLCHAIN: 'local',
      GOENV: 'off',
      GOSUMDB: 'off',
      ...o.env
    },
    between: async (_main, job: JobStepState) => {
      if (steps === 'none') return
      const env = {
        ...job.env,
        PATH: job.PATH,
        HOME: context.home,
        GOMODCACHE: modcache,
        GOFLAGS: job.env.GOFLAGS ?? '',
        GOPROXY: steps === 'build-offline' ? 'off' : (job.env.GOPROXY ?? 'off')
      }
      const args =
        steps === 'download'
          ? ['mod', 'download']
          : ['build', '-o', '/dev/null', '.']
      const r = await runGo(args, {
        cwd: context.workspace,
        env,
        timeoutMs: 60_000
      })
      goOutput = r.stdout + r.stderr
      if (r.code !== 0)
        throw new Error(`go ${args.join(' ')} failed: ${goOutput}`)
    }
  })
  return { ...res, goOutput }
}

export function cacheWarnings(job: JobResult): string[] {
  return [...job.main.commands, ...(job.post?.commands ?? [])]
    .filter((c) => c.command === 'warning' && /cache/i.test(c.message))
    .map((c) => c.message)
}

export function versionsIn(modcache: string, modulePath: string): string[] {
  const dir = join(
    modcache,
    'cache',
    'download',
    ...modulePath.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase()).split('/'),
    '@v'
  )
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.zip'))
        .map((f) => f.slice(0, -4))
        .sort()
    : []
}
