// A cache service that fails, hangs or is absent costs a bounded time and
// leaves the step green; a restore over a populated read-only module cache
// (as a non-root user, for whom read-only directories really are read-only).
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { cacheJobsForFile, cacheWarnings } from '../support/cache-job.js'
import { runGo } from '../support/go.js'
import { writeConsumerModule } from '../support/modules.js'
import {
  createRunnerContext,
  distDir,
  runActionStep
} from '../support/run-action.js'
import { tempDir } from '../support/temp.js'
import { startFakeCacheService } from '../support/fake-cache-service.js'

const jobs = cacheJobsForFile()
const cacheJob = jobs.run

// The lookup deadline is an input (default 15 s), short here; a service
// answering 500 is covered in process (integration/cache/restore-cap.test.ts).
describe('a cache service that hangs', () => {
  it('costs the lookup deadline, warns, stays green and does not try to save', async () => {
    const svc = await startFakeCacheService({ fault: 'hang' })
    try {
      const j = await cacheJob({
        service: svc.env('v2'),
        inputs: { 'cache-lookup-timeout': '2' }
      })
      expect(j.main.timedOut).toBe(false)
      expect(j.main.code).toBe(0)
      expect(j.main.outputs['cache-hit']).toBe('false')
      expect(cacheWarnings(j)).toEqual([
        expect.stringMatching(
          /modules cache could not be restored \(The cache lookup did not finish within 2 s\)/
        )
      ])
      expect(j.post?.code).toBe(0)
      expect(j.post?.stdout).toContain(
        'the cache service failed during restore'
      )
      expect(
        svc.requests.filter((r) => r.path.endsWith('CreateCacheEntry'))
      ).toEqual([])
      expect(j.main.summary).toContain('failed')
    } finally {
      await svc.close()
    }
  }, 120_000)
})

describe('no cache service', () => {
  // @actions/cache would add annotations of its own ("Failed to restore: …",
  // ::debug:: lines); the action says it once, in its own words.
  it('one that is not listening: one warning of the action, no save, green', async () => {
    const svc = await startFakeCacheService()
    const env = svc.env('v2')
    await svc.close()
    const j = await cacheJob({ service: env })
    expect(j.main.code).toBe(0)
    expect(j.post?.code).toBe(0)
    expect(j.main.outputs['cache-hit']).toBe('false')
    expect(cacheWarnings(j)).toEqual([
      expect.stringMatching(
        /^The modules cache could not be restored \(Failed to GetCacheEntryDownloadURL: .*ECONNREFUSED/
      )
    ])
    const commands = [...j.main.commands, ...(j.post?.commands ?? [])]
    expect(
      commands.filter((c) => ['debug', 'error'].includes(c.command))
    ).toEqual([])
    expect(j.post?.stdout).toContain('the cache service failed during restore')
  }, 120_000)

  it("passes the library's debug lines through when the job asks for debug logging", async () => {
    const svc = await startFakeCacheService()
    const env = svc.env('v2')
    await svc.close()
    const j = await cacheJob({ service: env, env: { RUNNER_DEBUG: '1' } })
    expect(j.main.code).toBe(0)
    expect(j.main.commands).toContainEqual(
      expect.objectContaining({
        command: 'debug',
        message: expect.stringContaining('GetCacheEntryDownloadURL')
      })
    )
    expect(cacheWarnings(j)).toHaveLength(1)
  }, 120_000)

  it('none configured in the job: reported as unavailable, green', async () => {
    const j = await cacheJob({ service: {} })
    expect(j.main.code).toBe(0)
    expect(j.post?.code).toBe(0)
    expect(cacheWarnings(j)).toEqual([
      expect.stringContaining('cache service is not available')
    ])
    expect(j.post?.stdout).toContain('no cache service')
  }, 120_000)
})

// The runner spawns `node <dist>/<entry>/index.js`; these entries re-run a
// copy of the bundle as nobody. The copy is nobody's own: the checkout with
// the real dist may lie under a directory nobody cannot traverse (a clone
// under `mktemp -d`, mode 0700).
function nobodyDist(): string {
  const dir = tempDir('nobody-dist-')
  const bundle = join(dir, 'bundle')
  cpSync(distDir(), bundle, { recursive: true })
  // The bundles read the inputs' defaults from the action's action.yml.
  cpSync(join(distDir(), '..', 'action.yml'), join(dir, 'action.yml'))
  for (const entry of ['main', 'post']) {
    mkdirSync(join(dir, entry))
    writeFileSync(
      join(dir, entry, 'index.js'),
      `import { spawnSync } from 'node:child_process'\n` +
        `const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ${JSON.stringify(join(bundle, entry, 'index.js'))}], { stdio: 'inherit' })\n` +
        `process.exit(r.status ?? 1)\n`
    )
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n')
  giveToNobody(dir)
  return dir
}

function giveToNobody(root: string) {
  execFileSync('chown', ['-R', '65534:65534', root])
  for (let d = dirname(root); d !== '/'; d = dirname(d)) {
    chmodSync(d, statSync(d).mode | 0o011)
  }
}

describe('restore over a populated read-only module cache', () => {
  it('succeeds as a non-root user in full mode', async () => {
    const svc = await startFakeCacheService()
    try {
      const service = svc.env('v2')
      const inputs = { 'cache-mode': 'full' }
      const j1 = await cacheJob({ service, inputs })
      expect(svc.committed()).toHaveLength(1)

      // A self-hosted machine whose module cache go already filled without
      // -modcacherw: its module directories are read-only.
      const context = createRunnerContext()
      await writeConsumerModule(context.workspace, jobs.fixture.tree, {
        requires: jobs.fixture.latest
      })
      const modcache = join(context.home, 'go', 'pkg', 'mod')
      const fill = await runGo(['mod', 'download'], {
        cwd: context.workspace,
        env: {
          GOPROXY: jobs.fixture.mirror.url,
          GOMODCACHE: modcache,
          GOFLAGS: '',
          HOME: context.home
        }
      })
      expect(fill.code).toBe(0)
      const moduleDir = join(modcache, 'example.test', 'alpha@v1.2.0')
      expect(statSync(moduleDir).mode & 0o222).toBe(0)
      const runnerTemp = tempDir('nobody-temp-')
      giveToNobody(context.root)
      giveToNobody(runnerTemp)
      const prevUmask = process.umask(0)
      try {
        const main = await runActionStep({
          context,
          runnerTemp,
          dist: nobodyDist(),
          inputs: {
            mirrors: jobs.fixture.mirror.url,
            'direct-fallback': 'false',
            download: 'false',
            ...inputs
          },
          env: {
            ...service,
            GOMODCACHE: modcache,
            GOFLAGS: '',
            GOTOOLCHAIN: 'local',
            GOENV: 'off',
            GOSUMDB: 'off'
          }
        })
        expect(main.stdout).not.toContain('Cannot open: File exists')
        expect(main.code).toBe(0)
        expect(main.outputs['cache-hit']).toBe('true')
        expect(main.outputs['cache-matched-key']).toBe(
          j1.main.outputs['cache-key']
        )
        expect(main.env.GOFLAGS).toBe('-modcacherw')
      } finally {
        process.umask(prevUmask)
      }
    } finally {
      await svc.close()
    }
  }, 180_000)
})
