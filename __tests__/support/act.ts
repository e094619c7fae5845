// Runs workflows with the real nektos/act on the self-hosted platform (steps
// on this machine, no Docker) and collects what it logs as JSON lines.
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { collect } from './collect.js'

const ACT_VERSION = (
  JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  ) as { config: { actVersion: string } }
).config.actVersion

/** The act binary: $SETUP_GOPROXY_ACT, or the one `npm test` builds first. */
export function actBinary(): string {
  const bin =
    process.env.SETUP_GOPROXY_ACT ??
    join(homedir(), '.cache', 'setup-goproxy', `act-${ACT_VERSION}`, 'act')
  if (!existsSync(bin))
    throw new Error(
      `nektos/act ${ACT_VERSION} not found at ${bin}: run "node scripts/ensure-act.mjs" (npm test does) or set SETUP_GOPROXY_ACT`
    )
  return bin
}

export interface ActLine {
  job?: string
  jobID?: string
  matrix?: Record<string, string>
  msg?: string
  command?: string
  content?: string
  stage?: string
  stepID?: string[]
  stepResult?: string
  jobResult?: string
}

export interface ActRun {
  code: number | null
  lines: ActLine[]
  stderr: string
  /** Job result by job name as act prints it (`wf.yml/leg-1`, …). */
  jobResults(): Record<string, string>
  /** Job summaries written by a step, per job, in order. */
  summaries(job: string, stage?: 'Main' | 'Post'): string[]
}

export interface ActOptions {
  repo: string
  env: Record<string, string>
  /** Directory of act's own cache server (one per simulated machine pool). */
  cacheServerPath: string
  timeoutMs?: number
}

export async function runAct(opts: ActOptions): Promise<ActRun> {
  const args = [
    'push',
    '--json',
    '-P',
    'ubuntu-latest=-self-hosted',
    '--cache-server-addr',
    '127.0.0.1',
    '--cache-server-port',
    '0',
    '--cache-server-path',
    opts.cacheServerPath,
    '--action-offline-mode',
    ...Object.entries(opts.env).flatMap(([k, v]) => ['--env', `${k}=${v}`])
  ]
  const run = await collect(actBinary(), args, {
    cwd: opts.repo,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: opts.env.HOME ?? homedir()
    },
    detached: true,
    timeoutMs: opts.timeoutMs ?? 120_000
  })
  const lines = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ActLine)
  return {
    code: run.code,
    lines,
    stderr: run.stderr,
    jobResults: () =>
      Object.fromEntries(
        lines
          .filter((l) => l.jobResult && l.job)
          .map((l) => [l.job!, l.jobResult!])
      ),
    summaries: (job, stage) =>
      lines
        .filter(
          (l) =>
            l.job === job &&
            l.command === 'summary' &&
            (stage === undefined || l.stage === stage)
        )
        .map((l) => l.content ?? '')
  }
}
