// Recorded runs of `go mod download -x -json` (__tests__/fixtures/download,
// one directory per go version, written by record-fixtures.ts) replayed
// through the parsers and the analysis, as the download phase would.
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { analyzeDownloads } from '../../src/download/analyze.js'
import type { DownloadsReport } from '../../src/download/downloads-report.js'
import { runParsers, type RootRun } from '../../src/download/run-collector.js'
import { REPORT_SCHEMA, type RunReport } from '../../src/report/report.js'

const FIXTURES = fileURLToPath(
  new URL('../fixtures/download/', import.meta.url)
)

/** The go versions with recorded output, oldest first. */
export const FIXTURE_GO_VERSIONS = readdirSync(FIXTURES)
  .filter((d) => d.startsWith('go1.'))
  .sort()

export interface FixtureMeta {
  go: string
  goproxy: string
  /** The mirrors of the recording, in GOPROXY order. */
  mirrors: string[]
  gomodcache: string
  exitCode: number | null
  killed: boolean
}

export interface ReplayOptions {
  /** Characters per pushed chunk, as a pipe would split the output. */
  chunk?: number
  durationMs?: number
}

/** Feeds a recorded run through the parsers in small uneven chunks. */
export function replayFixture(
  version: string,
  name: string,
  { chunk = 37, durationMs = 1000 }: ReplayOptions = {}
): { run: RootRun; meta: FixtureMeta } {
  const read = (ext: string) =>
    readFileSync(`${FIXTURES}${version}/${name}.${ext}`, 'utf8')
  const stderr = read('stderr')
  const stdout = read('stdout')
  const meta = JSON.parse(read('meta.json')) as FixtureMeta
  const p = runParsers('.', meta.goproxy)
  for (let i = 0; i < stderr.length; i += chunk)
    p.stderr.push(stderr.slice(i, i + chunk))
  for (let i = 0; i < stdout.length; i += chunk + 5)
    p.stdout.push(stdout.slice(i, i + chunk + 5))
  const run = p.finish({
    exitCode: meta.exitCode,
    timedOut: meta.killed,
    durationMs
  })
  return { run, meta }
}

/**
 * The downloads section of a recorded run. The recorded module cache is
 * gone: `fileSize` stands in for it (sizes only need to be known).
 */
export function analyzeFixture(
  version: string,
  name: string,
  fileSize: (path: string) => number,
  options: ReplayOptions = {}
): { report: DownloadsReport; run: RootRun; meta: FixtureMeta } {
  const { run, meta } = replayFixture(version, name, options)
  const report = analyzeDownloads([run], {
    goproxy: meta.goproxy,
    timeoutSec: 600,
    gomodcache: meta.gomodcache,
    fileSize
  })
  return { report, run, meta }
}

/** A run report holding only the given downloads section (and `extra`). */
export function reportWithDownloads(
  downloads: DownloadsReport,
  extra: Partial<RunReport> = {}
): RunReport {
  return {
    schema: REPORT_SCHEMA,
    startedAt: '2025-01-01T00:00:00Z',
    runner: { os: 'Linux', arch: 'X64', job: 'build', runId: '1' },
    env: [],
    downloads,
    ...extra
  }
}

/** The report of a scenario recorded with the latest go; 2048-byte zips, 40-byte .mod/.info files. */
export function latestFixtureReport(name: string) {
  return analyzeFixture(
    'go1.26.8',
    name,
    (f) => (f.endsWith('.zip') ? 2048 : 40),
    { chunk: 1 << 20, durationMs: 2345 }
  ).report
}
