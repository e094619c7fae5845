import { spawnSync } from 'node:child_process'

/**
 * Ends a child started with `detached: true` and everything it started (go
 * runs git, git runs its helpers), so a deadline leaves nothing behind.
 */
export function killTree(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    if (process.platform === 'win32')
      spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'])
    else process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}
