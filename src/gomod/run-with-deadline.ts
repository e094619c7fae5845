// Runs a process that may hang (go or git on a stalled network) and kills
// it, with everything it started, at a deadline: the one place that pairs
// spawn with killTree.
import { spawn, spawnSync } from 'node:child_process'

export interface DeadlineRunOptions {
  cwd?: string
  env: Record<string, string | undefined>
  deadlineMs: number
  /** Receives stdout as it arrives; without it stdout is not read. */
  onStdout?: (chunk: string) => void
  /** Receives stderr as it arrives; without it stderr is not read. */
  onStderr?: (chunk: string) => void
}

export interface DeadlineRun {
  /** Exit code; null when killed at the deadline or by a signal. */
  code: number | null
  timedOut: boolean
  /** Why the process could not be started, when it could not. */
  spawnError?: string
}

export function runWithDeadline(
  command: string,
  args: readonly string[],
  opts: DeadlineRunOptions
): Promise<DeadlineRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: [
        'ignore',
        opts.onStdout ? 'pipe' : 'ignore',
        opts.onStderr ? 'pipe' : 'ignore'
      ],
      // Its own process group, so that killTree reaches go's git children.
      detached: process.platform !== 'win32'
    })
    if (opts.onStdout)
      child.stdout?.setEncoding('utf8').on('data', opts.onStdout)
    if (opts.onStderr)
      child.stderr?.setEncoding('utf8').on('data', opts.onStderr)
    let timedOut = false
    let spawnError: string | undefined
    const timer = setTimeout(() => {
      timedOut = true
      killTree(child.pid)
    }, opts.deadlineMs)
    // A spawn failure (ENOENT) is followed by 'close' with a negative code.
    child.on('error', (e) => (spawnError = e.message))
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: timedOut ? null : code, timedOut, spawnError })
    })
  })
}

/**
 * Ends a child started with `detached: true` and everything it started (go
 * runs git, git runs its helpers), so a deadline leaves nothing behind.
 */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    if (process.platform === 'win32')
      spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'])
    else process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}
