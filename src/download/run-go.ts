// Runs `go mod download -x -json` in each module root under the exported
// environment, parsing its output as it arrives, within one deadline for
// the whole phase. go has no request timeout of its own, so a mirror that
// accepts a connection and stalls would hang the step: on the deadline the
// whole process group (go and its git children) is killed.
import { constants, statSync } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import * as path from 'node:path'
import { runWithDeadline } from '../gomod/run-with-deadline.js'
import {
  runParsers,
  type RequestRecord,
  type RootRun
} from './run-collector.js'

export interface DownloadRunOptions {
  /** Absolute module root directories. */
  roots: string[]
  /** Directory the report's root names are relative to. */
  workspace: string
  env: Record<string, string | undefined>
  timeoutMs: number
  /** Receives every stderr line, for the step log. */
  log?: (line: string) => void
  /** Each request go completes, as its output arrives. */
  onRequest?: (r: RequestRecord) => void
  goCommand?: string
}

export async function runDownloads(
  opts: DownloadRunOptions
): Promise<RootRun[]> {
  const deadline = Date.now() + opts.timeoutMs
  const runs: RootRun[] = []
  for (const root of opts.roots) {
    const rel = path.relative(opts.workspace, root) || '.'
    runs.push(await runOne(root, rel, deadline - Date.now(), opts))
  }
  return runs
}

async function runOne(
  root: string,
  rel: string,
  budgetMs: number,
  opts: DownloadRunOptions
): Promise<RootRun> {
  const goproxy = opts.env.GOPROXY ?? ''
  const parsers = runParsers(rel, goproxy, opts.onRequest)
  const started = Date.now()
  if (budgetMs <= 0)
    return parsers.finish({ exitCode: null, timedOut: true, durationMs: 0 })
  let lineBuf = ''
  const run = await runWithDeadline(
    opts.goCommand ?? 'go',
    ['mod', 'download', '-x', '-json'],
    {
      cwd: root,
      env: opts.env,
      deadlineMs: budgetMs,
      onStdout: (s) => parsers.stdout.push(s),
      onStderr: (s) => {
        parsers.stderr.push(s)
        if (!opts.log) return
        const lines = (lineBuf + s).split('\n')
        lineBuf = lines.pop() ?? ''
        for (const l of lines) opts.log(l)
      }
    }
  )
  if (lineBuf && opts.log) opts.log(lineBuf)
  if (run.spawnError) parsers.stderr.push(`go: ${run.spawnError}\n`)
  return parsers.finish({
    exitCode: run.code,
    timedOut: run.timedOut,
    durationMs: Date.now() - started
  })
}

/** Size of a file in the module cache, undefined when absent. */
export function cacheFileSize(file: string): number | undefined {
  try {
    return statSync(file).size
  } catch {
    return undefined
  }
}

/**
 * Whether `go` resolves on the PATH of `env`, as spawn would look it up:
 * without it every run fails with a bare "spawn go ENOENT".
 */
export async function goOnPath(
  env: Record<string, string | undefined>
): Promise<boolean> {
  // A copy of process.env on Windows keeps the spelling `Path`.
  const lookup = (name: string) =>
    Object.entries(env).find(([k]) => k.toUpperCase() === name)?.[1] ?? ''
  const exts =
    process.platform === 'win32'
      ? (lookup('PATHEXT') || '.EXE').split(';').filter(Boolean)
      : ['']
  for (const dir of lookup('PATH').split(path.delimiter)) {
    if (dir === '') continue
    for (const ext of exts) {
      const file = path.join(dir, 'go' + ext)
      const ok = await access(file, constants.X_OK).then(
        async () => (await stat(file)).isFile(),
        () => false
      )
      if (ok) return true
    }
  }
  return false
}
