// The prefetch against a fault of this machine: when its spool cannot be
// written, go downloads alone on the chain, and the fault is said to be
// local, not a mirror's.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runPrefetch } from '../../../src/download/proxy/run-proxied.js'
import { newRunReport, type RunReport } from '../../../src/report/report.js'
import { goTempDir } from '../../support/go.js'
import { startMirror, type Mirror } from '../../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../../support/modules.js'
import { cleanupTempDirs } from '../../support/temp.js'

const tree = buildProxyTree([
  { path: 'example.test/alpha', versions: ['v1.2.0'] },
  { path: 'example.test/delta', versions: ['v0.3.0'], zipSize: 50_000 }
])
let mirror: Mirror

beforeAll(async () => {
  mirror = await startMirror(tree)
})
afterAll(async () => {
  await mirror.close()
  cleanupTempDirs()
})

// A far mirror (as the probe saw it) and one go worker: the prefetch pays.
function farMirrorReport(url: string): RunReport {
  const report = newRunReport({
    os: 'Linux',
    arch: 'X64',
    job: 'j',
    runId: '1'
  })
  report.chain = {
    goproxy: url,
    firstMirror: url,
    entries: [{ url, role: 'mirror', reason: 'rank 1' }],
    leftOut: [],
    warnings: []
  }
  report.probe = {
    modules: [],
    freshnessChecked: 0,
    source: 'go.sum',
    durationMs: 0,
    mirrors: [
      {
        url,
        timings: { ttfbMs: 400, ttfbSamplesMs: [400], throughputBps: 1e5 },
        found: 1,
        sampled: 1,
        missing: [],
        integrity: { checked: 0, mismatches: [] },
        failures: [],
        cutShort: false
      }
    ]
  }
  return report
}

async function prefetch(tempDir: string) {
  const workspace = goTempDir('ws-')
  await writeConsumerModule(workspace, tree)
  const gopath = goTempDir('gopath-')
  const gomodcache = join(gopath, 'pkg', 'mod')
  return runPrefetch({
    roots: [workspace],
    workspace,
    env: {
      PATH: process.env.PATH,
      HOME: gopath,
      GOPATH: gopath,
      GOMODCACHE: gomodcache,
      GOCACHE: join(gopath, 'cache'),
      GOFLAGS: '-modcacherw',
      GOTOOLCHAIN: 'local',
      GOENV: 'off',
      GOSUMDB: 'off',
      GOMAXPROCS: '1',
      GOPROXY: mirror.url
    },
    timeoutMs: 60_000,
    concurrency: 8,
    report: farMirrorReport(mirror.url),
    isPrivate: () => false,
    gomodcache,
    tempDir
  })
}

describe('the prefetch on a machine fault', () => {
  it('lets go download alone on the chain when the spool cannot be created', async () => {
    // RUNNER_TEMP is not a directory one can write a spool under.
    const tempDir = join(goTempDir('temp-'), 'not-a-dir')
    writeFileSync(tempDir, '')
    const res = await prefetch(tempDir)
    expect(res.fellBack).toMatch(/spool could not be written/)
    expect(res.proxy).toBeUndefined()
    expect(res.runs.map((r) => r.exitCode)).toEqual([0])
    expect(res.runs[0].goproxy).toBe(mirror.url)
  })

  it('lets go finish alone on the chain when the disk fills up mid-prefetch, blaming no mirror', async () => {
    const tempDir = goTempDir('temp-')
    // The spool this process will use, every file of it on a full device.
    const spool = join(tempDir, `setup-goproxy-spool-${process.pid}`)
    mkdirSync(spool)
    for (let i = 1; i <= 200; i++)
      symlinkSync('/dev/full', join(spool, `${i}.part`))
    const res = await prefetch(tempDir)
    expect(res.fellBack).toMatch(/ENOSPC/)
    expect(res.runs.map((r) => r.exitCode)).toEqual([0])
    expect(res.runs[0].goproxy).toBe(mirror.url)
    for (const m of res.proxy!.mirrors) {
      expect(m.failures).toEqual({})
      expect(m.dropped).toBeUndefined()
    }
  })
})
