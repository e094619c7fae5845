// Keeping the local proxy for the rest of the job: main starts it as a
// detached process (the kept-proxy bundle beside main's) and waits for its URL; post stops it
// and reads what it did. The process gets the config file, the job's network
// settings (HTTP proxies, CA files) and the runner's tracking id, nothing
// else of the job's environment, so no credential can reach it.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { PrivatePatterns } from '../privacy/patterns.js'
import type { RunReport } from '../report/report.js'
import {
  KEPT_PROXY_ENV,
  keptGoproxy,
  type KeptProxyConfig,
  type KeptProxyFile,
  type KeptProxyState
} from '../download/proxy/kept-config.js'
import { mirrorPriors, zipBytesHint } from '../download/proxy/run-proxied.js'

// What the proxy's own fetches need of the job's environment, and the id by
// which the runner finds the job's leftover processes and ends them when the
// job ends (a cancelled job, whose post never runs).
const PASSED_ENV = [
  'RUNNER_TRACKING_ID',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'NODE_USE_ENV_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR'
]

export interface KeepProxyParams {
  report: RunReport
  privatePatterns: PrivatePatterns
  concurrency: number
  /** RUNNER_TEMP: config, record and spool go under it. */
  tempDir: string
  idleMs: number
  maxMs: number
  env: Record<string, string | undefined>
  /** How long to wait for the process to listen. */
  startMs?: number
}

export type KeptProxy =
  | { ok: true; goproxy: string; state: KeptProxyState }
  | { ok: false; why: string }

/** Starts the kept proxy; `ok: false` (and nothing running) when it cannot. */
export async function startKeptProxy(p: KeepProxyParams): Promise<KeptProxy> {
  const mirrors = mirrorPriors(p.report)
  const chain = p.report.chain
  if (!chain || mirrors.length === 0)
    return { ok: false, why: 'the chain has no public mirror' }
  const base = join(p.tempDir, `setup-goproxy-kept-proxy-${process.pid}`)
  const config: KeptProxyConfig = {
    mirrors,
    concurrency: p.concurrency,
    zipBytesHint: zipBytesHint(p.report),
    privatePatterns: {
      private: p.privatePatterns.private,
      noProxy: p.privatePatterns.noProxy,
      noSumdb: p.privatePatterns.noSumdb
    },
    spoolDir: `${base}-spool`,
    recordFile: `${base}.json`,
    idleMs: p.idleMs,
    maxMs: p.maxMs
  }
  const configFile = `${base}-config.json`
  await writeFile(configFile, JSON.stringify(config), { mode: 0o600 })
  const env: Record<string, string> = { [KEPT_PROXY_ENV]: configFile }
  for (const name of PASSED_ENV) {
    const v = p.env[name]
    if (v !== undefined) env[name] = v
  }
  const child = spawn(process.execPath, [keptProxyBundle()], {
    detached: true,
    cwd: p.tempDir,
    env,
    // stdout: a pipe of ours for the URL line; nothing of the runner's.
    stdio: ['ignore', 'pipe', 'ignore']
  })
  const url = await firstLine(child, p.startMs ?? 10_000)
  child.stdout?.destroy()
  if (!url || !/^http:\/\/127\.0\.0\.1:\d+$/.test(url) || !child.pid) {
    child.kill('SIGKILL')
    await rm(configFile, { force: true })
    return { ok: false, why: 'the proxy process did not start listening' }
  }
  child.unref()
  return {
    ok: true,
    goproxy: keptGoproxy(url, chain),
    state: {
      pid: child.pid,
      url,
      recordFile: config.recordFile,
      configFile,
      spoolDir: config.spoolDir
    }
  }
}

// dist/kept-proxy/index.js, beside the bundle that runs (dist/main/).
function keptProxyBundle(): string {
  return join(dirname(process.argv[1]), '..', 'kept-proxy', 'index.js')
}

function firstLine(
  child: ReturnType<typeof spawn>,
  timeoutMs: number
): Promise<string | undefined> {
  return new Promise((resolve) => {
    let buf = ''
    const done = (line: string | undefined) => {
      clearTimeout(timer)
      resolve(line)
    }
    const timer = setTimeout(() => done(undefined), timeoutMs)
    child.once('exit', () => done(undefined))
    child.once('error', () => done(undefined))
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString()
      const nl = buf.indexOf('\n')
      if (nl >= 0) done(buf.slice(0, nl).trim())
    })
  })
}

/**
 * Stops the kept proxy (SIGTERM, then SIGKILL after `waitMs`) if the pid
 * is still it, removes what a killed proxy leaves (its spool), and returns
 * its record (undefined when there is none).
 */
export async function stopKeptProxy(
  state: KeptProxyState,
  waitMs = 5000
): Promise<KeptProxyFile | undefined> {
  if (isKeptProxy(state.pid, state.configFile)) {
    signal(state.pid, 'SIGTERM')
    const deadline = Date.now() + waitMs
    while (alive(state.pid) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    if (alive(state.pid)) signal(state.pid, 'SIGKILL')
  }
  await rm(state.spoolDir, { recursive: true, force: true })
  try {
    const file = JSON.parse(
      await readFile(state.recordFile, 'utf8')
    ) as KeptProxyFile
    await rm(state.recordFile, { force: true })
    return file
  } catch {
    return undefined
  }
}

// Where /proc tells, a pid reused by another process is left alone: the
// marker must name this run's config (another job's proxy, or any process
// that inherited the variable, carries another value).
function isKeptProxy(pid: number, configFile: string): boolean {
  if (!alive(pid)) return false
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1')
      .split('\0')
      .includes(`${KEPT_PROXY_ENV}=${configFile}`)
  } catch {
    return process.platform !== 'linux'
  }
}

// A zombie (exited, not yet reaped by whoever adopted it) counts as gone.
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return true
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // Gone already.
  }
}
