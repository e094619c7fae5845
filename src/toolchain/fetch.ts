// Fetches the toolchain a switch will need into the module cache while the
// action runs, through the exported GOPROXY and GOSUMDB: go does the download
// and the checksum database check exactly as it would at the switch, with
// GOTOOLCHAIN=local so that this go command cannot switch itself.
import { stat } from 'node:fs/promises'
import { runWithDeadline } from '../gomod/run-with-deadline.js'
import { readToolchainFetch } from './fetch-result.js'
import { TOOLCHAIN_MODULE } from './select.js'

export interface ToolchainFetch {
  /** `golang.org/toolchain@v0.0.1-go1.25.4.linux-amd64` */
  module: string
  outcome: 'downloaded' | 'cached' | 'failed'
  mirror?: string
  bytes?: number
  durationMs: number
  error?: string
}

export async function fetchToolchain(
  version: string,
  opts: { env: Record<string, string>; cwd: string; timeoutMs: number }
): Promise<ToolchainFetch> {
  const module = `${TOOLCHAIN_MODULE}@${version}`
  const started = Date.now()
  let stdout = ''
  let stderr = ''
  const run = await runWithDeadline(
    'go',
    ['mod', 'download', '-x', '-json', module],
    {
      cwd: opts.cwd,
      env: { ...opts.env, GOTOOLCHAIN: 'local' },
      deadlineMs: opts.timeoutMs,
      onStdout: (s) => (stdout += s),
      onStderr: (s) => (stderr += s)
    }
  )
  if (run.spawnError) stderr += `go: ${run.spawnError}\n`
  const durationMs = Date.now() - started
  if (run.timedOut)
    return {
      module,
      outcome: 'failed',
      durationMs,
      error: `not downloaded within ${Math.round(opts.timeoutMs / 1000)} s`
    }
  const r = readToolchainFetch(version, stdout, stderr)
  if (r.error !== undefined)
    return {
      module,
      outcome: 'failed',
      mirror: r.mirror,
      durationMs,
      error: r.error
    }
  const bytes = await stat(r.zip!).then(
    (s) => s.size,
    () => undefined
  )
  return {
    module,
    outcome: r.mirror ? 'downloaded' : 'cached',
    mirror: r.mirror,
    bytes,
    durationMs
  }
}
