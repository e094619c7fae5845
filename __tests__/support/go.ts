// Runs the real go command for tests, sealed off from the machine's own Go
// configuration so that nothing can reach past loopback.
import { tmpdir } from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { collect, type Collected } from './collect.js'
import { tempDir } from './temp.js'

export interface RunGoOptions {
  cwd?: string
  /**
   * Must contain GOPROXY, GOMODCACHE and GOFLAGS (GOFLAGS may be ''). Other
   * variables are passed through; GOTOOLCHAIN and GOENV (`local` and `off`
   * unless `gotoolchain` and `goenv` say otherwise) always win.
   */
  env: Record<string, string>
  /** GOENV for tests about the GOENV file ('' lets go find it); default off. */
  goenv?: string
  timeoutMs?: number
  /** GOTOOLCHAIN for tests about toolchain selection (default `local`). */
  gotoolchain?: string
}

export type GoResult = Collected

// The build cache never touches the network, so one directory is shared by
// every test process and kept between runs (compiling the runtime is slow).
export const SHARED_GOCACHE = join(tmpdir(), 'setup-goproxy-test-gocache')
/** A temp directory (removed by cleanupTempDirs from ./temp.js). */
export function goTempDir(prefix = 'go-test-'): string {
  return tempDir(prefix)
}

const REQUIRED = ['GOPROXY', 'GOMODCACHE', 'GOFLAGS'] as const

export function runGo(args: string[], opts: RunGoOptions): Promise<GoResult> {
  const missing = REQUIRED.filter((k) => opts.env[k] === undefined)
  if (missing.length > 0)
    return Promise.reject(
      new Error(`runGo: the caller must set ${missing.join(', ')} explicitly`)
    )
  const home = opts.env.HOME ?? quietGoHome()
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/go/bin:/usr/bin:/bin',
    HOME: home,
    GOPATH: opts.env.GOPATH ?? join(home, 'go'),
    GOCACHE: SHARED_GOCACHE,
    GOSUMDB: 'off',
    ...opts.env,
    GOTOOLCHAIN: opts.gotoolchain ?? 'local',
    GOENV: opts.goenv ?? 'off'
  }
  return collect('go', args, { cwd: opts.cwd, env, timeoutMs: opts.timeoutMs })
}

export interface GetLine {
  url: string
  /** HTTP status when the line reports headers received. */
  status?: number
  statusText?: string
  /** Seconds until headers, as go printed them. */
  seconds?: number
  /** Transport or policy failure text (`Get "…": dial tcp …`, `insecure`, …). */
  error?: string
}

// `# get URL`, `# get URL: 200 OK (0.001s)`, `# get URL: <error>`
const GET_LINE = /^# get (\S+?)(?:: (.*))?$/
const STATUS = /^(\d{3}) ?(.*?) \(([\d.]+)s\)$/

/** The `# get` lines of `go … -x` stderr, in order. Start lines have only `url`. */
export function parseGetLines(stderr: string): GetLine[] {
  const lines: GetLine[] = []
  for (const raw of stderr.split(/\r?\n/)) {
    const m = GET_LINE.exec(raw)
    if (!m) continue
    const [, url, rest] = m
    if (rest === undefined) {
      lines.push({ url })
      continue
    }
    const s = STATUS.exec(rest)
    if (s)
      lines.push({
        url,
        status: Number(s[1]),
        statusText: s[2],
        seconds: Number(s[3])
      })
    else lines.push({ url, error: rest })
  }
  return lines
}

/**
 * A fresh HOME whose go telemetry is off: otherwise go writes counters there,
 * and its detached upload child may still be writing when the test removes it.
 */
function quietGoHome(): string {
  const home = goTempDir('go-home-')
  const dir = join(home, '.config', 'go', 'telemetry')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'mode'), 'off\n')
  return home
}
