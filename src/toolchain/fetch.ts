// Fetches the toolchain a switch will need into the module cache while the
// action runs, through the exported GOPROXY and GOSUMDB: go does the download
// and the checksum database check exactly as it would at the switch, with
// GOTOOLCHAIN=local so that this go command cannot switch itself.
import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { killTree } from '../gomod/kill-tree.js'
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
  const run = await new Promise<{
    stdout: string
    stderr: string
    timedOut: boolean
  }>((resolve) => {
    const child = spawn('go', ['mod', 'download', '-x', '-json', module], {
      cwd: opts.cwd,
      env: { ...opts.env, GOTOOLCHAIN: 'local' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32'
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    const timer = setTimeout(() => {
      timedOut = true
      killTree(child.pid)
    }, opts.timeoutMs)
    child.on('error', (e) => (stderr += `go: ${e.message}\n`))
    child.on('close', () => {
      clearTimeout(timer)
      resolve({ stdout, stderr, timedOut })
    })
  })
  const durationMs = Date.now() - started
  if (run.timedOut)
    return {
      module,
      outcome: 'failed',
      durationMs,
      error: `not downloaded within ${Math.round(opts.timeoutMs / 1000)} s`
    }
  const r = readToolchainFetch(version, run.stdout, run.stderr)
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
