// cache-build through the bundled action and the fake cache service (v2):
// the build cache is saved under its own key after a miss, comes back on a
// fresh machine so go compiles nothing, and stays untouched when off. The
// post step's summary reports each save.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import {
  cacheJobsForFile,
  cacheWarnings,
  goCacheOf,
  type CacheJobOptions
} from '../support/cache-job.js'
import {
  startFakeCacheService,
  type FakeCacheService,
  type StoredEntry
} from '../support/fake-cache-service.js'
import { shortKey } from '../../src/cache/key.js'
import { runGo } from '../support/go.js'
import type { JobStepState, RunnerContext } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'

const jobs = cacheJobsForFile()
let svc: FakeCacheService
// The build cache as the job's machine has it, against the file's service.
const jobWith =
  (service: () => FakeCacheService) =>
  (o: Omit<CacheJobOptions, 'fixture' | 'service'>) =>
    jobs.run({ service: service().env('v2'), machineGoCache: true, ...o })
const cacheJob = jobWith(() => svc)

beforeAll(async () => {
  svc = await startFakeCacheService()
})
afterAll(() => svc.close())

async function goEnv(name: string): Promise<string> {
  const home = tempDir('go-env-')
  const r = await runGo(['env', name], {
    env: {
      HOME: home,
      GOPROXY: 'off',
      GOMODCACHE: join(home, 'mod'),
      GOFLAGS: ''
    }
  })
  return r.stdout.trim()
}

/** Files under dir, relative, sorted; [] when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort()
}

/** Member names of a stored (zstd) archive. */
function archiveMembers(e: StoredEntry): string[] {
  return execFileSync('tar', ['--zstd', '-tf', '-'], { input: e.data })
    .toString()
    .split('\n')
    .filter(Boolean)
}

const compiles = (goX: string) =>
  goX.split('\n').filter((l) => /\/compile\s/.test(l))
const day = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '')
const rowOf = (summary: string, kind: string) =>
  summary.split('\n').filter((l) => l.startsWith(`| ${kind} |`))

/** Records the GOCACHE files right after main, before the user's steps. */
function probeAfterMain() {
  const seen = { dir: '', files: ['afterMain not called'] }
  return {
    seen,
    afterMain: (job: JobStepState, context: RunnerContext) => {
      seen.dir = goCacheOf({ context, afterMain: job })
      seen.files = filesUnder(seen.dir)
    }
  }
}

describe('cache-build: true', () => {
  it('saves GOCACHE after a miss and restores it on a fresh machine, apart from the module cache', async () => {
    const goVersion = await goEnv('GOVERSION')
    const goarch = await goEnv('GOHOSTARCH')
    const days = [day(new Date())]

    // Job 1: nothing stored; the user's build fills GOCACHE; post saves both.
    const p1 = probeAfterMain()
    const j1 = await cacheJob({
      inputs: { 'cache-build': 'true' },
      steps: 'build',
      afterMain: p1.afterMain
    })
    days.push(day(new Date()))
    expect(j1.main.code).toBe(0)
    // The job sets no GOCACHE: the action and go use go's default under HOME.
    expect(j1.afterMain.env.GOCACHE).toBeUndefined()
    expect(p1.seen.dir).toBe(join(j1.context.home, '.cache', 'go-build'))
    // Nothing restored: GOCACHE holds at most what the action's own
    // `go env -json` wrote (it probes the C toolchain).
    expect(p1.seen.files.filter((f) => f.endsWith('-a')).length).toBeLessThan(
      20
    )
    expect(rowOf(j1.main.summary, 'build')).toEqual([
      expect.stringContaining('miss')
    ])
    expect(compiles(j1.goOutput).length).toBeGreaterThan(0)
    const saved1 = filesUnder(goCacheOf(j1))
    const built = saved1.filter((f) => !p1.seen.files.includes(f))
    expect(built.length).toBeGreaterThan(20)
    expect(j1.post?.code).toBe(0)
    expect(j1.post?.stdout).toContain('modules cache: saved')
    expect(j1.post?.stdout).toContain('build cache: saved')
    expect(cacheWarnings(j1)).toEqual([])

    const [modEntry, buildEntry] = svc.committed()
    expect(svc.committed()).toHaveLength(2)
    expect(modEntry.key).toBe(j1.main.outputs['cache-key'])
    const keyRe = new RegExp(
      `^setup-goproxy-gobuild-linux-${goarch}-${goVersion.replace(/\./g, '\\.')}-test-(${days.join('|')})$`
    )
    expect(buildEntry.key).toMatch(keyRe)
    // Separate entries: different versions (paths), and each archive holds
    // only its own directory, relative to the home.
    expect(buildEntry.version).not.toBe(modEntry.version)
    const modMembers = archiveMembers(modEntry)
    const buildMembers = archiveMembers(buildEntry)
    expect(modMembers.length).toBeGreaterThan(0)
    expect(
      modMembers.filter((m) => !m.startsWith('go/pkg/mod/cache/download'))
    ).toEqual([])
    expect(
      buildMembers.filter((m) => !m.startsWith('.cache/go-build'))
    ).toEqual([])
    expect(buildMembers.some((m) => m.endsWith('-a'))).toBe(true)

    const post1 = j1.post?.summary ?? ''
    expect(post1).toContain('### Go cache save')
    expect(rowOf(post1, 'modules')).toEqual([
      expect.stringContaining(`| \`${shortKey(modEntry.key)}\` |`)
    ])
    expect(rowOf(post1, 'build')).toEqual([
      expect.stringMatching(/^\| build \| 💾 saved \| \d[^|]*B \|/)
    ])
    expect(rowOf(post1, 'build')[0]).toContain(
      `| \`${shortKey(buildEntry.key)}\` |`
    )
    expect(post1).toContain(`- \`${modEntry.key}\``)
    expect(post1).toContain(`- \`${buildEntry.key}\``)

    // Job 2, a fresh machine, offline: both caches exact, and go compiles nothing.
    const p2 = probeAfterMain()
    const j2 = await cacheJob({
      inputs: { 'cache-build': 'true' },
      steps: 'build-offline',
      afterMain: p2.afterMain
    })
    expect(j2.main.code).toBe(0)
    expect(j2.main.outputs['cache-hit']).toBe('true')
    expect(rowOf(j2.main.summary, 'build')).toEqual([
      expect.stringContaining('exact hit')
    ])
    // What job 1 saved, less the trim stamp the restore drops.
    expect(p2.seen.dir).toBe(join(j2.context.home, '.cache', 'go-build'))
    expect(p2.seen.files).toEqual(saved1.filter((f) => f !== 'trim.txt'))
    expect(compiles(j2.goOutput)).toEqual([])
    expect(j2.post?.stdout).toContain('build cache: exact-hit')
    expect(svc.committed()).toHaveLength(2)
    const post2 = j2.post?.summary ?? ''
    for (const kind of ['modules', 'build'])
      expect(rowOf(post2, kind)).toEqual([
        expect.stringContaining('skipped: exact hit')
      ])
  }, 300_000)
})

describe('cache-build: false (the default)', () => {
  it('neither restores nor saves GOCACHE, even when a build entry exists', async () => {
    const own = await startFakeCacheService()
    try {
      const job = jobWith(() => own)
      const p1 = probeAfterMain()
      const j1 = await job({
        inputs: { 'cache-build': 'true' },
        steps: 'build',
        afterMain: p1.afterMain
      })
      const built = filesUnder(goCacheOf(j1)).filter(
        (f) => !p1.seen.files.includes(f)
      )
      expect(built.length).toBeGreaterThan(20)
      const stored = own.committed().map((e) => e.key)
      expect(stored).toEqual([
        expect.stringContaining('-gomod-'),
        expect.stringContaining('-gobuild-')
      ])
      const seenBefore = own.requests.length

      const p = probeAfterMain()
      const j = await job({ steps: 'build', afterMain: p.afterMain })
      expect(j.main.code).toBe(0)
      expect(p.seen.dir).toBe(join(j.context.home, '.cache', 'go-build'))
      // None of what job 1's build compiled came back, so the user's build compiles.
      expect(p.seen.files.filter((f) => built.includes(f))).toEqual([])
      expect(compiles(j.goOutput).length).toBeGreaterThan(0)
      // Only the module cache was asked for (its repairs first, then the
      // key), and GOCACHE, now full, was not saved.
      const calls = own.requests
        .slice(seenBefore)
        .filter((r) => r.path.includes('.CacheService/'))
      expect(calls.map((r) => r.key)).toStrictEqual([
        `${j.main.outputs['cache-key']}-`,
        j.main.outputs['cache-key']
      ])
      expect(rowOf(j.main.summary, 'build')).toEqual([])
      expect(j.post?.code).toBe(0)
      expect(j.post?.stdout).not.toContain('build cache')
      expect(rowOf(j.post?.summary ?? '', 'build')).toEqual([])
      expect(rowOf(j.post?.summary ?? '', 'modules')).toEqual([
        expect.stringContaining('skipped: exact hit')
      ])
      expect(own.committed().map((e) => e.key)).toEqual(stored)
    } finally {
      await own.close()
    }
  }, 300_000)
})
