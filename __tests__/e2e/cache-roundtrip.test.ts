// The bundled action with the real @actions/cache against the fake cache
// service: miss and save, exact hit and an offline build, partial hit and a
// pruned save, both service protocols, gzip without zstd.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { symlinkSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import {
  cacheJobsForFile,
  cacheWarnings,
  modCacheOf,
  versionsIn,
  cacheRow
} from '../support/cache-job.js'
import { shortKey } from '../../src/cache/key.js'
import { tempDir } from '../support/temp.js'
import {
  startFakeCacheService,
  type FakeCacheService
} from '../support/fake-cache-service.js'

const jobs = cacheJobsForFile()
const cacheJob = jobs.run

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
      const saveRow = cacheRow(j1.post?.summary, 'modules')
      expect(saveRow).toContain('| 💾 saved |')
      expect(saveRow).toContain(`| \`${shortKey(key1)}\` |`)
      expect(j1.post?.summary).toContain(`- \`${key1}\``)

      // Job 2, a fresh machine: exact hit, then a build with GOPROXY=off.
      const j2 = await cacheJob({ service, steps: 'build-offline' })
      expect(j2.main.outputs['cache-hit']).toBe('true')
      expect(j2.main.outputs['cache-matched-key']).toBe(key1)
      expect(j2.post?.code).toBe(0)
      expect(j2.post?.stdout).toContain('modules cache: exact-hit')
      expect(svc.committed()).toHaveLength(1)
      expect(j2.main.summary).toContain('exact hit')
      expect(j2.post?.summary).toContain('| modules | ⏭️ skipped: exact hit')

      // Job 3: go.sum changed (alpha downgraded): partial hit, download, pruned save.
      const changed = jobs.fixture.latest.map((m) =>
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
