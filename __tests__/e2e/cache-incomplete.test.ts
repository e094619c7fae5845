// Sequences of jobs against the fake cache service: a run whose downloads
// failed saves nothing under the exact key, and an exact hit that proved
// incomplete (go had to download into it) is saved again, completed, under
// a key the next lookup finds first; each sequence ends with an offline
// build from the restored cache.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import {
  cacheJobsForFile,
  versionsIn,
  modCacheOf,
  cacheRow
} from '../support/cache-job.js'
import { shortKey } from '../../src/cache/key.js'
import { runGo } from '../support/go.js'
import { startMirror } from '../support/mirror-server.js'
import {
  startFakeCacheService,
  type FakeCacheService
} from '../support/fake-cache-service.js'

const jobs = cacheJobsForFile()
const cacheJob = jobs.run

// go's own requests, not the probe's: the mirror passes its probe, then
// lacks one module when go asks.
const fromGo = (req: IncomingMessage) =>
  (req.headers['user-agent'] ?? '').startsWith('Go-http-client')

let svc: FakeCacheService
beforeEach(async () => {
  svc = await startFakeCacheService()
})
afterEach(() => svc.close())

describe('a run whose downloads failed', () => {
  it('saves nothing under the exact key; the recovered run saves it, and the next builds offline from it', async () => {
    const service = svc.env('v2')
    const gone = await startMirror(jobs.fixture.tree, {
      status: [{ path: /!gamma\/@v\/.*\.zip$/, status: 404 }],
      faultsOnly: fromGo
    })
    try {
      // Go alone on the chain, so that the missing zip is go's to report.
      const prefetch = { download: 'true', 'download-concurrency': '0' }
      const j1 = await cacheJob({
        service,
        steps: 'none',
        inputs: { ...prefetch, mirrors: gone.url }
      })
      expect(j1.main.code).not.toBe(0)
      expect(j1.main.outputs['failed-modules']).toContain('example.test/Gamma')
      expect(j1.post?.code).toBe(0)
      expect(j1.post?.stdout).toContain(
        'modules cache: not-attempted (1 module download(s) failed in the main step; an incomplete module cache is not saved)'
      )
      expect(svc.committed()).toEqual([])

      const j2 = await cacheJob({ service, steps: 'none', inputs: prefetch })
      expect(j2.main.code).toBe(0)
      expect(j2.main.outputs['cache-hit']).toBe('false')
      expect(j2.post?.stdout).toContain('modules cache: saved')
      const key = j2.main.outputs['cache-key']
      expect(svc.committed().map((e) => e.key)).toEqual([key])

      const j3 = await cacheJob({ service, steps: 'build-offline' })
      expect(j3.main.outputs['cache-hit']).toBe('true')
      expect(j3.main.outputs['cache-matched-key']).toBe(key)
      expect(versionsIn(modCacheOf(j3), 'example.test/Gamma')).toEqual([
        'v1.0.0'
      ])
    } finally {
      await gone.close()
    }
  }, 240_000)
})

describe('an exact hit that proves incomplete', () => {
  it('is saved again, completed, under a key the next lookup finds first', async () => {
    const service = svc.env('v2')
    // An entry under the exact key that lacks modules, as an earlier version
    // of the action saved after a failed run: the job's go fetched one module.
    const j1 = await cacheJob({
      service,
      steps: 'none',
      afterMain: async (job, context) => {
        const r = await runGo(['mod', 'download', 'example.test/beta/v2'], {
          cwd: context.workspace,
          env: {
            ...job.env,
            HOME: context.home,
            GOMODCACHE: join(context.home, 'go', 'pkg', 'mod'),
            GOFLAGS: job.env.GOFLAGS ?? '',
            GOPROXY: job.env.GOPROXY ?? 'off'
          }
        })
        expect(r.code).toBe(0)
      }
    })
    const key = j1.main.outputs['cache-key']
    expect(svc.committed().map((e) => e.key)).toEqual([key])

    // Exact hit; the job's go mod download fetches what it lacked.
    const j2 = await cacheJob({ service })
    expect(j2.main.outputs['cache-hit']).toBe('true')
    expect(j2.post?.stdout).toContain('modules cache: saved')
    const saved = svc.committed().map((e) => e.key)
    expect(saved).toHaveLength(2)
    expect(saved[1]).toMatch(new RegExp(`^${key}-[0-9a-z]+$`))
    const row = cacheRow(j2.post?.summary, 'modules')
    expect(row).toContain('| 💾 saved: the restored entry (')
    expect(row).toContain(`| \`${shortKey(saved[1])}\` |`)
    expect(j2.post?.summary).toContain(`- \`${saved[1]}\``)

    const j3 = await cacheJob({ service, steps: 'build-offline' })
    expect(j3.main.outputs['cache-hit']).toBe('true')
    expect(j3.main.outputs['cache-key']).toBe(key)
    expect(j3.main.outputs['cache-matched-key']).toBe(saved[1])
    expect(j3.post?.stdout).toContain('modules cache: exact-hit')
    expect(svc.committed()).toHaveLength(2)
  }, 240_000)
})
