// Jobs for the module cache e2e tests: each runs on a fresh simulated
// machine (checkout of a consumer module, the action's main, the user's go
// step, post) against a loopback mirror and the fake cache service.
import { afterAll, beforeAll } from '@jest/globals'
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
  type RunnerContext,
  type JobStepState
} from './run-action.js'
import { cleanupTempDirs } from './temp.js'
import type { ModuleVersion } from '../../src/gomod/module-path.js'

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
  /**
   * What the user's steps do between main and post: `build` uses the
   * exported GOPROXY, `build-offline` GOPROXY=off.
   */
  steps?: 'download' | 'build' | 'build-offline' | 'none'
  /**
   * The user's go step uses the job's GOCACHE, or go's default under the
   * machine's home (what the action caches), instead of the suite's shared
   * warm build cache, and runs with -x.
   */
  machineGoCache?: boolean
  /** Called after main, before the user's steps. */
  afterMain?: (
    job: JobStepState,
    context: RunnerContext
  ) => void | Promise<void>
  /** The runner tool cache, to share one between jobs (a self-hosted runner). */
  toolCache?: string
  /** Changes the checked-out consumer module before the action runs. */
  checkout?: (workspace: string) => void | Promise<void>
}

/** The GOCACHE go uses on the job's machine (XDG_CACHE_HOME is not set there). */
export function goCacheOf(
  job: Pick<JobResult, 'context' | 'afterMain'>
): string {
  return (
    job.afterMain.env.GOCACHE ?? join(job.context.home, '.cache', 'go-build')
  )
}

export function modCacheOf(job: JobResult): string {
  return join(job.context.home, 'go', 'pkg', 'mod')
}

/** One job on a fresh machine: checkout (consumer module), action main, user steps, post. */
export async function cacheJob(
  o: CacheJobOptions
): Promise<JobResult & { goOutput: string }> {
  const context = createRunnerContext({ toolCache: o.toolCache })
  await writeConsumerModule(context.workspace, o.fixture.tree, {
    requires: o.requires ?? o.fixture.latest
  })
  await o.checkout?.(context.workspace)
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
      await o.afterMain?.(job, context)
      if (steps === 'none') return
      const env: Record<string, string> = {
        ...job.env,
        PATH: job.PATH,
        HOME: context.home,
        GOMODCACHE: modcache,
        GOFLAGS: job.env.GOFLAGS ?? '',
        GOPROXY: steps === 'build-offline' ? 'off' : (job.env.GOPROXY ?? 'off')
      }
      if (o.machineGoCache) env.GOCACHE = goCacheOf({ context, afterMain: job })
      const args =
        steps === 'download'
          ? ['mod', 'download']
          : [
              'build',
              ...(o.machineGoCache ? ['-x'] : []),
              '-o',
              '/dev/null',
              '.'
            ]
      const r = await runGo(args, {
        cwd: context.workspace,
        env,
        timeoutMs: 120_000
      })
      goOutput = r.stdout + r.stderr
      if (r.code !== 0)
        throw new Error(`go ${args.join(' ')} failed: ${goOutput}`)
    }
  })
  return { ...res, goOutput }
}

export interface CacheJobs {
  /** The file's fixture, once its beforeAll has run. */
  readonly fixture: CacheFixture
  run(o: Omit<CacheJobOptions, 'fixture'>): ReturnType<typeof cacheJob>
}

/**
 * One cache fixture for the calling test file: started before its tests,
 * closed after them together with the file's temp directories.
 */
export function cacheJobsForFile(): CacheJobs {
  let started: CacheFixture | undefined
  beforeAll(async () => {
    started = await startCacheFixture()
  })
  afterAll(async () => {
    await started?.mirror.close()
    cleanupTempDirs()
  })
  const jobs: CacheJobs = {
    get fixture() {
      if (!started) throw new Error('the cache fixture starts in beforeAll')
      return started
    },
    run: (o) => cacheJob({ fixture: jobs.fixture, ...o })
  }
  return jobs
}

export function cacheWarnings(job: JobResult): string[] {
  return [...job.main.commands, ...(job.post?.commands ?? [])]
    .filter((c) => c.command === 'warning' && /cache/i.test(c.message))
    .map((c) => c.message)
}

/** The row of a summary's cache table for one cache ('modules', 'build'). */
export function cacheRow(
  summary: string | undefined,
  kind: string
): string | undefined {
  return summary?.split('\n').find((l) => l.startsWith(`| ${kind} |`))
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
