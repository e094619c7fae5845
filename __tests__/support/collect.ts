// Runs a child process to its end and collects what it printed, killing it
// (its whole process group when detached) at an optional deadline.
import { spawn, type SpawnOptions } from 'node:child_process'

export interface Collected {
  /** Exit code; null when killed. */
  code: number | null
  stdout: string
  stderr: string
  /** Whether the deadline killed it. */
  timedOut: boolean
}

export function collect(
  cmd: string,
  args: string[],
  opts: Omit<SpawnOptions, 'stdio'> & { timeoutMs?: number }
): Promise<Collected> {
  const { timeoutMs, ...spawnOpts } = opts
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      ...spawnOpts,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout!.on('data', (b: Buffer) => out.push(b))
    child.stderr!.on('data', (b: Buffer) => err.push(b))
    let timedOut = false
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true
            if (opts.detached) process.kill(-child.pid!, 'SIGKILL')
            else child.kill('SIGKILL')
          }, timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({
        code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        timedOut
      })
    })
  })
}
