import { arch, platform } from 'node:os'

export interface RunnerContext {
  os: string
  arch: string
  job: string
  runId: string
  temp: string
  /** Distinguishes the legs of one matrix run for near-tie breaking. */
  tieSeed: string
}

// GitHub gives the legs of a matrix the same run id and job id; the runner
// name and platform are what differ between them.
export function runnerContext(env = process.env): RunnerContext {
  const os = env.RUNNER_OS ?? platform()
  const a = env.RUNNER_ARCH ?? arch()
  const job = env.GITHUB_JOB ?? ''
  const runId = env.GITHUB_RUN_ID ?? ''
  return {
    os,
    arch: a,
    job,
    runId,
    temp: env.RUNNER_TEMP ?? '',
    tieSeed: [
      runId,
      env.GITHUB_RUN_ATTEMPT ?? '',
      job,
      env.RUNNER_NAME ?? '',
      os,
      a
    ].join('/')
  }
}
