// The action in a real runner: nektos/act runs a workflow on this machine
// (self-hosted platform) that uses the action with `uses:` in a two-leg
// matrix, merges the legs' reports in a second job, and, run again on fresh
// module caches, restores an exact hit from act's own cache server.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { startCacheFixture, type CacheFixture } from '../support/cache-job.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import { writeConsumerModule } from '../support/modules.js'
import { runAct, type ActRun } from '../support/act.js'
import { distDir } from '../support/run-action.js'
import { cleanupTempDirs, tempDir } from '../support/temp.js'

const LEGS = ['east-1', 'west-2'] as const

let fixture: CacheFixture
let fast: Mirror
let slow: Mirror

beforeAll(async () => {
  fixture = await startCacheFixture()
  // Both proxy the checksum database, so `sumdb: auto` looks no further;
  // the far one is 300 ms away and must not come first.
  fast = await startMirror(fixture.tree, { sumdbSupported: 200 })
  slow = await startMirror(fixture.tree, {
    latencyMs: 300,
    sumdbSupported: 200
  })
})
afterAll(async () => {
  await Promise.all([fixture.mirror.close(), fast.close(), slow.close()])
  cleanupTempDirs()
})

interface Machine {
  root: string
  repo: string
  home: string
  results: string
  cacheServer: string
}

function workflow(m: Machine): string {
  const copyAction = `mkdir -p setup-goproxy && cp -r "${join(distDir(), '..', 'action.yml')}" "${distDir()}" setup-goproxy/`
  // Per leg: the same module cache path in every run, so the cache version
  // (which hashes the paths) matches between save and restore.
  return `name: ci
on: push
env:
  GOFLAGS: ''
  GOTOOLCHAIN: local
  GOENV: 'off'
jobs:
  leg:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        region: [${LEGS.join(', ')}]
    env:
      GOMODCACHE: ${m.home}/modcache-\${{ matrix.region }}
      GOCACHE: ${m.home}/gocache-\${{ matrix.region }}
    steps:
      - run: ${copyAction} && cp -r "${m.repo}/sample" .
      - id: goproxy
        uses: ./setup-goproxy
        with:
          mirrors: |
            ${slow.url}
            ${fast.url}
          working-directory: sample
          cache-key-prefix: act-e2e
      - run: go build -o /dev/null .
        working-directory: sample
        env:
          GOPROXY: 'off'
      - env:
          OUTPUTS: \${{ toJSON(steps.goproxy.outputs) }}
        run: |
          mkdir -p "${m.results}/reports/\${{ matrix.region }}"
          printf '%s' "$OUTPUTS" > "${m.results}/outputs-\${{ matrix.region }}.json"
          cp "\${{ steps.goproxy.outputs.report }}" "${m.results}/reports/\${{ matrix.region }}/"
  merge:
    needs: leg
    runs-on: ubuntu-latest
    steps:
      - run: ${copyAction} && cp -r "${m.results}/reports" .
      - uses: ./setup-goproxy
        with:
          merge-reports: reports/*/*.json
`
}

async function machine(): Promise<Machine> {
  const root = tempDir('act-')
  const m: Machine = {
    root,
    repo: join(root, 'repo'),
    home: join(root, 'home'),
    results: join(root, 'results'),
    cacheServer: join(root, 'act-cache')
  }
  for (const d of [m.repo, m.home, m.results]) mkdirSync(d, { recursive: true })
  await writeConsumerModule(join(m.repo, 'sample'), fixture.tree, {
    modulePath: 'example.test/my-org/Sample-App',
    requires: fixture.latest
  })
  mkdirSync(join(m.repo, '.github', 'workflows'), { recursive: true })
  writeFileSync(join(m.repo, '.github', 'workflows', 'ci.yml'), workflow(m))
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: m.repo, stdio: 'ignore' })
  git('init', '-q')
  git('add', '-A')
  git(
    '-c',
    'user.email=ci@example.test',
    '-c',
    'user.name=ci',
    'commit',
    '-qm',
    'sample'
  )
  return m
}

const run = (m: Machine): Promise<ActRun> =>
  runAct({
    repo: m.repo,
    env: { HOME: m.home },
    cacheServerPath: m.cacheServer,
    timeoutMs: 240_000
  })

function outputsOf(m: Machine, leg: string): Record<string, string> {
  return JSON.parse(
    readFileSync(join(m.results, `outputs-${leg}.json`), 'utf8')
  ) as Record<string, string>
}

describe('a workflow run by nektos/act', () => {
  it('runs a two-leg matrix, merges the reports, and hits the cache exactly on the next run', async () => {
    const m = await machine()

    const first = await run(m)
    expect(first.jobResults()).toEqual({
      'ci/leg-1': 'success',
      'ci/leg-2': 'success',
      'ci/merge': 'success'
    })
    expect(first.code).toBe(0)
    const keys = new Set<string>()
    for (const leg of LEGS) {
      const out = outputsOf(m, leg)
      expect(out.mirror).toBe(fast.url)
      expect(out.goproxy.split('|')[0]).toBe(fast.url)
      expect(out['cache-hit']).toBe('false')
      expect(out['failed-modules']).toBe('[]')
      keys.add(out['cache-key'])
    }
    expect(keys.size).toBe(1)
    for (const job of ['ci/leg-1', 'ci/leg-2']) {
      expect(first.summaries(job, 'Main').join('')).toContain(fast.url)
      expect(first.summaries(job, 'Post').join('')).toMatch(/💾 saved/)
    }
    const merged = first.summaries('ci/merge', 'Main').join('')
    for (const leg of LEGS) expect(merged).toContain(leg)

    // A fresh machine for the modules: only act's cache server remains.
    for (const leg of LEGS)
      rmSync(join(m.home, `modcache-${leg}`), {
        recursive: true,
        force: true
      })
    rmSync(join(m.results, 'reports'), { recursive: true, force: true })
    const second = await run(m)
    expect(second.jobResults()).toEqual(first.jobResults())
    expect(second.code).toBe(0)
    for (const leg of LEGS) {
      const out = outputsOf(m, leg)
      expect(out['cache-hit']).toBe('true')
      expect(out['cache-matched-key']).toBe([...keys][0])
    }
    for (const job of ['ci/leg-1', 'ci/leg-2'])
      expect(second.summaries(job, 'Post').join('')).toContain(
        'skipped: exact hit'
      )
  })
})
