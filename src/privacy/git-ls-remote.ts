// `git ls-remote` against a URL that a web page chose, run so that the page
// cannot take over: the URL is passed after `--` (it is never read as an
// option), git may not prompt, and at the deadline the whole process group
// (git and its remote helpers) is killed.
import { runWithDeadline } from '../gomod/run-with-deadline.js'

export interface LsRemoteResult {
  /** Exit code; null when killed at the deadline. */
  code: number | null
  timedOut: boolean
  /** The last few KiB of git's stderr. */
  stderr: string
}

const STDERR_KEEP = 8192

export async function lsRemote(
  url: string,
  env: NodeJS.ProcessEnv,
  deadlineMs: number
): Promise<LsRemoteResult> {
  let stderr = ''
  const run = await runWithDeadline(
    'git',
    ['ls-remote', '--heads', '--', url],
    {
      env: { ...env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never' },
      deadlineMs,
      onStderr: (s) => (stderr = (stderr + s).slice(-STDERR_KEEP))
    }
  )
  // No git on PATH: no exit code, and why in stderr.
  if (run.spawnError)
    return {
      code: null,
      timedOut: false,
      stderr: `${stderr}git: ${run.spawnError}`
    }
  return { code: run.code, timedOut: run.timedOut, stderr }
}
