// Runs the bundled command, dist/cli/index.js, as a shell would.
import { join } from 'node:path'
import { collect, type Collected } from './collect.js'
import { distDir } from './run-action.js'

export const CLI = join(distDir(), 'cli', 'index.js')

/** `env` is the whole environment: nothing of the test process leaks in. */
export function runCli(
  args: string[],
  opts: { cwd: string; env: Record<string, string> }
): Promise<Collected> {
  return collect(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env },
    timeoutMs: 60_000
  })
}
