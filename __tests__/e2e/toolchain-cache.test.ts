// A project whose go.mod asks for a toolchain the runner lacks, with the
// official distribution's GOTOOLCHAIN=auto: main fetches it through the
// chosen mirror (verified against a test checksum database, as go insists
// for toolchains), post keeps it in the saved module cache, and the next job
// on a fresh machine runs it with GOPROXY=off.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  cacheJob,
  modCacheOf,
  versionsIn,
  type CacheFixture
} from '../support/cache-job.js'
import {
  startFakeCacheService,
  type FakeCacheService
} from '../support/fake-cache-service.js'
import { runGo } from '../support/go.js'
import { startSumDb, type SumDb } from '../support/gosumdb.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import { buildProxyTree } from '../support/modules.js'
import { cleanupTempDirs } from '../support/temp.js'
import {
  addToTree,
  standInToolchain,
  TOOLCHAIN_MODULE
} from '../support/toolchain-module.js'

const TOOLCHAIN = standInToolchain({ toolchain: 'go1.99.0' })

let fixture: CacheFixture
// The checksum database computes hashes from its own copy of the modules,
// as sum.golang.org does from proxy.golang.org.
let origin: Mirror
let sumdb: SumDb
let svc: FakeCacheService

beforeAll(async () => {
  const tree = buildProxyTree([
    { path: 'example.test/Upper-Case_mod', versions: ['v1.0.0'] }
  ])
  addToTree(tree, TOOLCHAIN)
  const latest = [{ path: 'example.test/Upper-Case_mod', version: 'v1.0.0' }]
  fixture = { tree, latest, mirror: await startMirror(tree) }
  origin = await startMirror(tree)
  sumdb = await startSumDb({ proxy: origin.url })
  svc = await startFakeCacheService()
}, 300_000)
afterAll(async () => {
  await fixture.mirror.close()
  await sumdb.close()
  await origin.close()
  await svc.close()
  cleanupTempDirs()
})

const addToolchainLine = (workspace: string) =>
  appendFileSync(join(workspace, 'go.mod'), '\ntoolchain go1.99.0\n')

describe('a toolchain go.mod asks for', () => {
  it('is fetched through the mirror in main, saved by post, and runs offline in the next job', async () => {
    const service = svc.env('v2')
    const env = { GOTOOLCHAIN: 'auto', GOSUMDB: sumdb.gosumdb }
    const j1 = await cacheJob({
      fixture,
      service,
      env,
      checkout: addToolchainLine
    })
    expect(j1.main.code).toBe(0)
    const key1 = j1.main.outputs['cache-key']
    expect(key1).toContain('-v0.0.1-go1.99.0.linux-amd64-')
    // Fetched by main, from the mirror, before any step of the user's.
    const zipGets = () =>
      fixture.mirror.requests
        .filter((r) => r.path.endsWith(`${TOOLCHAIN.version}.zip`))
        .map((r) => r.status)
    expect(zipGets()).toEqual([200])
    expect(j1.main.summary).toContain('**go1.99.0** (toolchain line of go.mod:')
    expect(j1.main.summary).toContain(
      `Fetched \`${TOOLCHAIN_MODULE}@${TOOLCHAIN.version}\` from ${fixture.mirror.url}`
    )
    expect(j1.post?.code).toBe(0)
    expect(svc.committed().map((e) => e.key)).toEqual([key1])

    // Job 2 on a fresh machine: the restored cache holds the toolchain.
    let version = ''
    const j2 = await cacheJob({
      fixture,
      service,
      env,
      checkout: addToolchainLine,
      steps: 'none',
      afterMain: async (job, context) => {
        const r = await runGo(['version'], {
          cwd: context.workspace,
          env: {
            ...job.env,
            HOME: context.home,
            GOPROXY: 'off',
            GOMODCACHE: join(context.home, 'go', 'pkg', 'mod'),
            GOFLAGS: job.env.GOFLAGS ?? ''
          },
          gotoolchain: 'auto'
        })
        version = r.stdout + r.stderr
      }
    })
    expect(j2.main.outputs['cache-hit']).toBe('true')
    // Main found it in the restored cache: no second download.
    expect(zipGets()).toEqual([200])
    expect(j2.main.summary).toContain('was already in the module cache')
    expect(version).toBe('go version go1.99.0 linux/amd64\n')
    expect(versionsIn(modCacheOf(j2), TOOLCHAIN_MODULE)).toEqual([
      TOOLCHAIN.version
    ])
  }, 300_000)
})

describe('a project with no dependencies but a toolchain line', () => {
  it('still caches the toolchain', async () => {
    const fresh = await startFakeCacheService()
    try {
      const j = await cacheJob({
        fixture,
        service: fresh.env('v2'),
        requires: [],
        // Nothing in go.sum to probe with.
        inputs: { 'probe-modules': 'example.test/Upper-Case_mod@v1.0.0' },
        env: { GOTOOLCHAIN: 'auto', GOSUMDB: sumdb.gosumdb },
        checkout: addToolchainLine,
        steps: 'none'
      })
      expect(j.main.code).toBe(0)
      const key = j.main.outputs['cache-key']
      expect(key).toContain('-v0.0.1-go1.99.0.linux-amd64-')
      expect(fresh.committed().map((e) => e.key)).toEqual([key])
    } finally {
      await fresh.close()
    }
  }, 120_000)
})

describe('a toolchain the mirrors cannot give', () => {
  it('is an error annotation on the go.mod line that asks for it', async () => {
    const j = await cacheJob({
      fixture,
      service: svc.env('v2'),
      env: { GOTOOLCHAIN: 'auto', GOSUMDB: sumdb.gosumdb },
      checkout: (w) =>
        appendFileSync(join(w, 'go.mod'), '\ntoolchain go1.98.7\n'),
      steps: 'none'
    })
    expect(j.main.code).toBe(0)
    const errors = j.main.commands.filter((c) => c.command === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0].properties.file).toBe('go.mod')
    const lines = readLines(j.context.workspace)
    expect(lines[Number(errors[0].properties.line) - 1]).toBe(
      'toolchain go1.98.7'
    )
    expect(errors[0].message).toContain(
      'The toolchain line of go.mod asks for go1.98.7'
    )
    expect(j.main.summary).toContain(
      '`golang.org/toolchain@v0.0.1-go1.98.7.linux-amd64` could not be fetched'
    )
  }, 120_000)

  it('costs no more than download-timeout when the mirror stalls', async () => {
    const stalling = await startMirror(fixture.tree, {
      hang: /^golang\.org\/toolchain\/@v\/.*\.zip$/
    })
    try {
      const started = Date.now()
      const j = await cacheJob({
        fixture: { ...fixture, mirror: stalling },
        // No cache service: an entry saved by another test would hold the toolchain.
        service: {},
        env: { GOTOOLCHAIN: 'auto', GOSUMDB: sumdb.gosumdb },
        inputs: { 'download-timeout': '3' },
        checkout: addToolchainLine,
        steps: 'none'
      })
      expect(j.main.code).toBe(0)
      expect(j.main.summary).toContain('not downloaded within 3 s')
      // Generous: the probe and the cache service take their own time.
      expect(Date.now() - started).toBeLessThan(60_000)
      expect(
        stalling.requests.some((r) =>
          r.path.endsWith(`${TOOLCHAIN.version}.zip`)
        )
      ).toBe(true)
    } finally {
      await stalling.close()
    }
  }, 120_000)
})

function readLines(workspace: string): string[] {
  return readFileSync(join(workspace, 'go.mod'), 'utf8').split('\n')
}

describe('no go on PATH', () => {
  it('is a warning that says how to get one, and the reason is in the summary', async () => {
    const j = await cacheJob({
      fixture,
      service: {},
      env: { PATH: '/usr/bin:/bin' },
      steps: 'none'
    })
    expect(j.main.code).toBe(0)
    const warnings = j.main.commands
      .filter((c) => c.command === 'warning')
      .map((c) => c.message)
    expect(warnings).toContainEqual(
      expect.stringContaining('There is no go command on PATH')
    )
    expect(warnings.join('\n')).toContain('actions/setup-go')
    expect(j.main.summary).toContain('### Go toolchain')
    expect(j.main.summary).toContain('There is no go command on PATH')
  }, 120_000)
})
