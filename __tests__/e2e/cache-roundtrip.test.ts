// The bundled action with the real @actions/cache against the fake cache
// service: miss and save, exact hit and an offline build, partial hit and a
// pruned save, both service protocols, gzip without zstd.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, symlinkSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { runGo } from '../support/go.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import {
  createRunnerContext,
  runActionJob,
  type JobResult,
  type JobStepState
} from '../support/run-action.js'
import { cleanupTempDirs, tempDir } from '../support/temp.js'
import {
  startFakeCacheService,
  type FakeCacheService
} from '../support/fake-cache-service.js'
import type { ModuleVersion } from '../../src/module-path.js'

const tree = buildProxyTree([
  {
    path: 'example.test/alpha',
    versions: ['v1.1.0', 'v1.2.0'],
    zipSize: 40_000
  },
  { path: 'example.test/beta/v2', versions: ['v2.1.0'], zipSize: 20_000 },
  { path: 'example.test/Gamma', versions: ['v1.0.0'] }
])
const latest: ModuleVersion[] = tree.paths().map((p) => {
  const { path, version } = tree.latest(p)
  return { path, version }
})
let mirror: Mirror

beforeAll(async () => {
  mirror = await startMirror(tree)
})
afterAll(async () => {
  await mirror.close()
  cleanupTempDirs()
})

export interface CacheJobOptions {
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
  await writeConsumerModule(context.workspace, tree, {
    requires: o.requires ?? latest
  })
  const modcache = join(context.home, 'go', 'pkg', 'mod')
  let goOutput = ''
  const steps = o.steps ?? 'download'
  const res = await runActionJob({
    context,
    inputs: {
      mirrors: mirror.url,
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

function cacheWarnings(job: JobResult): string[] {
  return [...job.main.commands, ...(job.post?.commands ?? [])]
    .filter((c) => c.command === 'warning' && /cache/i.test(c.message))
    .map((c) => c.message)
}

function versionsIn(modcache: string, modulePath: string): string[] {
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

describe.each(['v2', 'v1'] as const)(
  'module cache round trip (%s)',
  (protocol) => {
    let svc: FakeCacheService
    beforeAll(async () => {
      svc = await startFakeCacheService()
    })
    afterAll(() => svc.close())

    it('misses and saves, hits exactly and builds offline, partially hits and saves a pruned cache', async () => {
      const service = svc.env(protocol)
      // Job 1: nothing stored yet.
      const j1 = await cacheJob({ service })
      expect(j1.main.code).toBe(0)
      expect(j1.main.outputs['cache-hit']).toBe('false')
      expect(j1.main.outputs['cache-matched-key']).toBe('')
      const key1 = j1.main.outputs['cache-key']
      expect(key1).toMatch(/^setup-goproxy-gomod-download-[0-9a-f]{64}$/)
      // GOFLAGS keeps the job's flags and adds -modcacherw once.
      expect(j1.main.env.GOFLAGS).toBe('-trimpath -modcacherw')
      expect(j1.post?.code).toBe(0)
      expect(svc.committed().map((e) => e.key)).toEqual([key1])
      expect(cacheWarnings(j1)).toEqual([])
      expect(j1.main.summary).toContain('### Module cache')
      expect(j1.main.summary).toContain('miss')

      // Job 2, a fresh machine: exact hit, then a build with GOPROXY=off.
      const j2 = await cacheJob({ service, steps: 'build-offline' })
      expect(j2.main.outputs['cache-hit']).toBe('true')
      expect(j2.main.outputs['cache-matched-key']).toBe(key1)
      expect(j2.post?.code).toBe(0)
      expect(j2.post?.stdout).toContain('modules cache: exact-hit')
      expect(svc.committed()).toHaveLength(1)
      expect(j2.main.summary).toContain('exact hit')

      // Job 3: go.sum changed (alpha downgraded): partial hit, download, pruned save.
      const changed = latest.map((m) =>
        m.path === 'example.test/alpha' ? { ...m, version: 'v1.1.0' } : m
      )
      const j3 = await cacheJob({ service, requires: changed })
      const key3 = j3.main.outputs['cache-key']
      expect(key3).not.toBe(key1)
      expect(j3.main.outputs['cache-hit']).toBe('false')
      expect(j3.main.outputs['cache-matched-key']).toBe(key1)
      expect(j3.main.summary).toContain('partial hit')
      // v1.2.0 came with the partial restore; post pruned it before saving.
      expect(versionsIn(modCacheOf(j3), 'example.test/alpha')).toEqual([
        'v1.1.0'
      ])
      expect(j3.post?.stdout).toContain('modules cache: saved')
      expect(svc.committed().map((e) => e.key)).toEqual([key1, key3])

      // Job 4 restores job 3's entry exactly: only what its go.sum references.
      const j4 = await cacheJob({
        service,
        requires: changed,
        steps: 'build-offline'
      })
      expect(j4.main.outputs['cache-hit']).toBe('true')
      expect(j4.main.outputs['cache-matched-key']).toBe(key3)
      expect(versionsIn(modCacheOf(j4), 'example.test/alpha')).toEqual([
        'v1.1.0'
      ])
      expect(j4.goOutput).toBe('')
    }, 240_000)
  }
)

describe('without zstd', () => {
  it('falls back to gzip and still round-trips', async () => {
    const svc = await startFakeCacheService()
    try {
      const bin = tempDir('bin-')
      for (const tool of ['tar', 'gzip', 'go', 'sh', 'gofmt']) {
        const p = execFileSync('sh', ['-c', `command -v ${tool} || true`])
          .toString()
          .trim()
        if (p) symlinkSync(p, join(bin, tool))
      }
      const env = { PATH: bin }
      const j1 = await cacheJob({ service: svc.env('v2'), env })
      expect(j1.post?.code).toBe(0)
      const [entry] = svc.committed()
      expect(entry.data.subarray(0, 2).toString('hex')).toBe('1f8b')
      const j2 = await cacheJob({
        service: svc.env('v2'),
        env,
        steps: 'build-offline'
      })
      expect(j2.main.outputs['cache-hit']).toBe('true')
    } finally {
      await svc.close()
    }
  }, 180_000)
})

describe('cache-save: never', () => {
  it('restores but never saves', async () => {
    const svc = await startFakeCacheService()
    try {
      const j = await cacheJob({
        service: svc.env('v2'),
        inputs: { 'cache-save': 'never' }
      })
      expect(j.post?.code).toBe(0)
      expect(
        svc.requests.filter((r) => r.path.endsWith('CreateCacheEntry'))
      ).toEqual([])
      expect(
        svc.requests.some((r) => r.path.endsWith('GetCacheEntryDownloadURL'))
      ).toBe(true)
    } finally {
      await svc.close()
    }
  }, 120_000)
})

describe('nothing to cache', () => {
  it('never saves an empty cache', async () => {
    const svc = await startFakeCacheService()
    try {
      const j = await cacheJob({ service: svc.env('v2'), steps: 'none' })
      expect(j.main.outputs['cache-hit']).toBe('false')
      expect(j.post?.stdout).toContain('modules cache: empty')
      expect(svc.committed()).toEqual([])
    } finally {
      await svc.close()
    }
  }, 120_000)
})
