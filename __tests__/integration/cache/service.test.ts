// The real @actions/cache, in process, against the fake cache service.
import {
  afterAll,
  afterEach,
  beforeEach,
  describe,
  expect,
  it
} from '@jest/globals'
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { cachePathSpec } from '../../../src/cache/key.js'
import {
  CacheTimeoutError,
  lookupEntry,
  restoreEntry,
  saveEntry
} from '../../../src/cache/service.js'
import {
  startFakeCacheService,
  type FakeCacheService
} from '../../support/fake-cache-service.js'
import {
  silentListener,
  synDropListener
} from '../../support/hostile-listeners.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

// A healthy service answers in well under a second.
const HEALTHY_MS = 15_000
const savedEnv = { ...process.env }
let svc: FakeCacheService
let home: string

function useService(protocol: 'v2' | 'v1') {
  for (const k of [
    'ACTIONS_RESULTS_URL',
    'ACTIONS_CACHE_URL',
    'ACTIONS_CACHE_SERVICE_V2',
    'ACTIONS_CACHE_MODE'
  ]) {
    delete process.env[k]
  }
  Object.assign(process.env, svc.env(protocol))
}

beforeEach(async () => {
  svc = await startFakeCacheService()
  home = tempDir('home-')
  const workspace = join(home, 'work', 'r', 'r')
  mkdirSync(workspace, { recursive: true })
  process.env.GITHUB_WORKSPACE = workspace
  process.env.RUNNER_TEMP = tempDir('runner-temp-')
})
afterEach(async () => {
  await svc.close()
  process.env = { ...savedEnv }
})
afterAll(cleanupTempDirs)

function fill(dir: string, files: Record<string, string>) {
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), body)
  }
}

describe.each(['v2', 'v1'] as const)('cache service %s', (protocol) => {
  // In-process, jest's sandboxed process.env does not reach os.homedir(),
  // so these use directories outside the home (archived relative to "/");
  // the e2e tests cover the ~/ form in a real action process.
  it('round-trips a directory whatever the workspace is', async () => {
    useService(protocol)
    const dir = join(home, 'go', 'pkg', 'mod', 'cache', 'download')
    fill(dir, {
      'a.test/@v/v1.0.0.zip': 'zip bytes',
      'a.test/@v/list': 'v1.0.0\n'
    })
    const spec = cachePathSpec(dir, '/nonexistent-home')
    expect(spec).toEqual({ pattern: dir, root: '/' })
    expect(
      await lookupEntry(spec, 'k-1', ['k-'], true, HEALTHY_MS)
    ).toBeUndefined()
    expect(await saveEntry(spec, 'k-1', true, 30_000)).toBeGreaterThan(0)
    expect(svc.committed().map((e) => e.key)).toEqual(['k-1'])
    // The workspace variable is back to what it was.
    expect(process.env.GITHUB_WORKSPACE).toBe(join(home, 'work', 'r', 'r'))

    rmSync(dir, { recursive: true })
    const ws2 = join(tempDir('ws2-'), 'a', 'b', 'c', 'd')
    mkdirSync(ws2, { recursive: true })
    process.env.GITHUB_WORKSPACE = ws2
    expect(await lookupEntry(spec, 'k-2', ['k-'], true, HEALTHY_MS)).toBe('k-1')
    expect(await restoreEntry(spec, 'k-1', true, 30_000)).toBe('k-1')
    expect(readFileSync(join(dir, 'a.test/@v/v1.0.0.zip'), 'utf8')).toBe(
      'zip bytes'
    )
    expect(readdirSync(ws2)).toEqual([])
  })

  it('does not match an entry saved for another path', async () => {
    useService(protocol)
    const dir = join(home, 'x')
    fill(dir, { f: '1' })
    expect(
      await saveEntry(cachePathSpec(dir, '/none'), 'k-1', true, 30_000)
    ).toBeGreaterThan(0)
    const other = cachePathSpec(join(home, 'y'), '/none')
    expect(
      await lookupEntry(other, 'k-1', [], true, HEALTHY_MS)
    ).toBeUndefined()
    expect(
      await lookupEntry(
        cachePathSpec(dir, '/none'),
        'k-1',
        [],
        true,
        HEALTHY_MS
      )
    ).toBe('k-1')
  })
  // The key taken: v2 warns "Cache reservation failed", v1 only logs; both
  // mean another job saved it first.
  it('a save under a key already taken is declined, not an error', async () => {
    useService(protocol)
    const dir = join(home, 'declined')
    fill(dir, { 'a.txt': 'a' })
    const spec = cachePathSpec(dir, '/nonexistent-home')
    expect(await saveEntry(spec, 'same', true, HEALTHY_MS)).toBeGreaterThan(0)
    expect(await saveEntry(spec, 'same', true, HEALTHY_MS)).toBe(-1)
  })
})

describe('faults', () => {
  it('a hanging service costs the lookup deadline', async () => {
    useService('v2')
    svc.setFault('hang')
    const spec = cachePathSpec(join(home, 'x'), home)
    await expect(lookupEntry(spec, 'k', [], true, 1500)).rejects.toBeInstanceOf(
      CacheTimeoutError
    )
  })

  it('a service answering 500 is retried and then cut by the deadline', async () => {
    useService('v2')
    svc.setFault('error500')
    const spec = cachePathSpec(join(home, 'x'), home)
    await expect(lookupEntry(spec, 'k', [], true, 4000)).rejects.toBeInstanceOf(
      CacheTimeoutError
    )
    expect(
      svc.requests.filter((r) => r.status === 500).length
    ).toBeGreaterThanOrEqual(2)
  })

  it.each([
    ['never completes TLS', silentListener, 'https'],
    ['drops SYNs', synDropListener, 'http']
  ] as const)(
    'a service that %s costs the lookup deadline',
    async (_name, make, scheme) => {
      const hostile = await make()
      try {
        useService('v2')
        process.env.ACTIONS_RESULTS_URL = hostile.url(scheme) + '/'
        const spec = cachePathSpec(join(home, 'x'), home)
        await expect(
          lookupEntry(spec, 'k', [], true, 1500)
        ).rejects.toBeInstanceOf(CacheTimeoutError)
      } finally {
        await hostile.close()
      }
    }
  )

  // The library answers a miss and says why only in an annotation of its
  // own; the wrapper makes that an error for the action to report.
  it("no service listening is an error with the library's reason", async () => {
    useService('v2')
    await svc.close()
    const spec = cachePathSpec(join(home, 'x'), home)
    await expect(
      lookupEntry(spec, 'k', [], true, HEALTHY_MS)
    ).rejects.toMatchObject({
      name: 'CacheServiceError',
      message: expect.stringMatching(
        /^Failed to GetCacheEntryDownloadURL: .*ECONNREFUSED/
      )
    })
  })
})
