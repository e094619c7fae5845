// The restore cap and the lookup deadline, in process with the real
// @actions/cache against the fake cache service: a download slower than the
// cap is reported as a failed restore, and its late extraction lands beside
// the cache, never in it; a service that fails or hangs costs the lookup
// deadline and nothing more.
import { afterAll, afterEach, beforeEach, expect, it } from '@jest/globals'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { readCacheInputs } from '../../../src/inputs/cache-inputs.js'
import { cachePathSpec, moduleCacheKeys } from '../../../src/cache/key.js'
import { restoreCaches } from '../../../src/cache/restore.js'
import { saveEntry } from '../../../src/cache/service.js'
import {
  startFakeCacheService,
  type FakeCacheService
} from '../../support/fake-cache-service.js'
import { incompressibleBytes } from '../../support/modules.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'
import { waitFor } from '../../support/wait.js'

const savedEnv = { ...process.env }
let svc: FakeCacheService
let workspace: string
let gomodcache: string
let download: string

// The defaults, as a job that sets no cache input gets them.
const inputs = readCacheInputs(() => '')
const project = { workingDirectory: '.', cacheDependencyPath: [] }
const goSum =
  'example.test/a v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n' +
  'example.test/a v1.0.0/go.mod h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=\n'
const zip = () => join(download, 'example.test', 'a', '@v', 'v1.0.0.zip')
const stagingDirs = () =>
  existsSync(dirname(download))
    ? readdirSync(dirname(download)).filter((n) =>
        n.startsWith('.download.restore-')
      )
    : []

beforeEach(async () => {
  svc = await startFakeCacheService()
  for (const k of ['ACTIONS_CACHE_URL', 'ACTIONS_CACHE_SERVICE_V2'])
    delete process.env[k]
  const root = tempDir('cap-')
  workspace = join(root, 'ws')
  gomodcache = join(root, 'mod')
  download = join(gomodcache, 'cache', 'download')
  mkdirSync(workspace, { recursive: true })
  writeFileSync(join(workspace, 'go.mod'), 'module example.test/c\n')
  writeFileSync(join(workspace, 'go.sum'), goSum)
  Object.assign(process.env, svc.env('v2'), {
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: join(root, 'temp'),
    GITHUB_OUTPUT: join(root, 'output'),
    GITHUB_STATE: join(root, 'state'),
    GOMODCACHE: gomodcache,
    GOFLAGS: '',
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    GOENV: 'off'
  })
  mkdirSync(join(root, 'temp'))
  for (const f of ['output', 'state']) writeFileSync(join(root, f), '')

  // The stored entry: what a previous job saved for this go.sum.
  mkdirSync(dirname(zip()), { recursive: true })
  writeFileSync(zip(), incompressibleBytes(2_000_000, 'cap'))
  const key = moduleCacheKeys('setup-goproxy', 'download', [goSum]).key
  const id = await saveEntry(
    cachePathSpec(download, homedir()),
    key,
    true,
    30_000
  )
  if (id <= 0)
    throw new Error(`the fake service did not store the entry (${id})`)
  rmSync(gomodcache, { recursive: true })
})
afterEach(async () => {
  await svc.close()
  process.env = { ...savedEnv }
})
afterAll(cleanupTempDirs)

it('restores within the cap by moving the extracted tree into place', async () => {
  const res = await restoreCaches(inputs, project, process.env, new Date())
  expect(res?.report.entries[0]).toMatchObject({
    kind: 'modules',
    hit: 'exact'
  })
  expect(readFileSync(zip()).length).toBe(2_000_000)
  expect(stagingDirs()).toEqual([])
  expect(process.env.GITHUB_WORKSPACE).toBe(workspace)
})

it('a download past the cap is a failed restore whose late extraction never reaches GOMODCACHE', async () => {
  svc.setBlobDelay(5000)
  const res = await restoreCaches(
    inputs,
    project,
    process.env,
    new Date(),
    1000
  )
  const entry = res?.report.entries[0]
  expect(entry).toMatchObject({ kind: 'modules', hit: 'failed' })
  expect(entry?.detail).toBe('The cache download did not finish within 1 s')
  expect(res?.report.warnings).toEqual([
    expect.stringMatching(/only into .*\.download\.restore-.*nothing uses/)
  ])
  expect(existsSync(zip())).toBe(false)
  const [staging] = stagingDirs()
  expect(staging).toBeDefined()

  // @actions/cache finishes on its own and extracts (into the staging
  // directory); it puts GITHUB_WORKSPACE back when done.
  await waitFor(
    'GITHUB_WORKSPACE put back',
    () => process.env.GITHUB_WORKSPACE === workspace,
    60_000
  )
  const late = join(
    dirname(download),
    staging,
    download.slice(1),
    'example.test',
    'a',
    '@v',
    'v1.0.0.zip'
  )
  expect(readFileSync(late).length).toBe(2_000_000)
  expect(existsSync(zip())).toBe(false)
  // GOMODCACHE holds nothing but the abandoned staging directory.
  expect(readdirSync(gomodcache)).toEqual(['cache'])
  expect(readdirSync(dirname(download))).toEqual([staging])
}, 90_000)

it.each(['hang', 'error500'] as const)(
  'a cache service fault (%s) costs the lookup deadline given and is a failed restore',
  async (fault) => {
    svc.setFault(fault)
    const t0 = performance.now()
    const res = await restoreCaches(
      { ...inputs, lookupTimeoutMs: 1500 },
      project,
      process.env,
      new Date(),
      60_000
    )
    // Generous: the point is that the 15 s default did not apply.
    expect(performance.now() - t0).toBeLessThan(12_000)
    const entry = res?.report.entries[0]
    expect(entry).toMatchObject({
      kind: 'modules',
      hit: 'failed',
      detail: 'The cache lookup did not finish within 2 s'
    })
    expect(res?.report.warnings).toEqual([
      'The modules cache could not be restored (The cache lookup did not finish within 2 s); continuing without it.'
    ])
    expect(existsSync(zip())).toBe(false)
    expect(stagingDirs()).toEqual([])
  }
)
