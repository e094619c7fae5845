// `git ls-remote` against a URL that a web page chose, run so that the page
// cannot take over: the URL is passed after `--` (it is never read as an
// option), git may not prompt, and at the deadline the whole process group
// (git and its remote helpers) is killed.
import { spawn } from 'node:child_process'
import { killTree } from '../gomod/kill-tree.js'

export interface LsRemoteResult {
  /** Exit code; null when killed at the deadline. */
  code: number | null
  timedOut: boolean
  /** The last few KiB of git's stderr. */
  stderr: string
}

const STDERR_KEEP = 8192

export function lsRemote(
  url: string,
  env: NodeJS.ProcessEnv,
  deadlineMs: number
): Promise<LsRemoteResult> {
  return new Promise((resolve) => {
    const child = spawn('git', ['ls-remote', '--heads', '--', url], {
      env: { ...env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: process.platform !== 'win32'
    })
    let stderr = ''
    let timedOut = false
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (s: string) => {
      stderr = (stderr + s).slice(-STDERR_KEEP)
    })
    const timer = setTimeout(
      () => {
        timedOut = true
        killTree(child.pid)
      },
      Math.max(1, deadlineMs)
    )
    const settle = (code: number | null) => {
      clearTimeout(timer)
      resolve({ code: timedOut ? null : code, timedOut, stderr })
    }
    // A spawn failure (no git on PATH) may come without a 'close'.
    child.on('error', (err) => {
      stderr += `git: ${err.message}`
      settle(null)
    })
    child.on('close', settle)
  })
}
