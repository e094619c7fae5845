// The failures of a run, one per module version (or per go error that
// names none): go's message, its kind, and what every source answered.
import { FAILURE_HINT } from '../base/failure-kinds.js'
import { classifyFailure, type Answer } from './diagnose-failure.js'
import {
  CACHE_SOURCE,
  moduleKey,
  type DownloadFailure,
  type ModuleDownload
} from './downloads-report.js'
import { describeAnswer } from './request-answers.js'
import type { RequestRecord, RootRun } from './run-collector.js'

function triedFor(
  requests: readonly RequestRecord[],
  path: string,
  version?: string
): DownloadFailure['tried'] {
  const bySource = new Map<string, string[]>()
  for (const r of requests) {
    if (
      r.module !== path ||
      (version && r.version !== undefined && r.version !== version)
    )
      continue
    const answers = bySource.get(r.source) ?? []
    const a = `${r.kind}: ${describeAnswer(r)}`
    if (!answers.includes(a)) answers.push(a)
    bySource.set(r.source, answers)
  }
  return [...bySource].map(([source, answers]) => ({ source, answers }))
}

function answersFor(
  requests: readonly RequestRecord[],
  path: string,
  version?: string
): Answer[] {
  return requests
    .filter((r) => r.module === path && (!version || r.version === version))
    .map((r) => ({ status: r.status, error: r.error, inFlight: r.inFlight }))
}

function failure(
  run: RootRun,
  requests: readonly RequestRecord[],
  detail: string,
  module?: string,
  version?: string
): DownloadFailure {
  const answers = module ? answersFor(requests, module, version) : []
  const kind = classifyFailure(detail, answers, module)
  return {
    module,
    version,
    kind,
    message: detail.split('\n')[0],
    detail,
    tried: module ? triedFor(requests, module, version) : [],
    hint: FAILURE_HINT[kind],
    root: run.dir
  }
}

/**
 * Every failure of one run: go's JSON errors, its stderr errors, checksum
 * mismatches (with the source that served the bad bits), requests still
 * open at the deadline, and an exit code that nothing else explains.
 */
export function runFailures(
  run: RootRun,
  modules: Map<string, ModuleDownload>,
  allRequests: readonly RequestRecord[]
): DownloadFailure[] {
  const out: DownloadFailure[] = []
  for (const o of run.json) {
    if (o.Error) out.push(failure(run, allRequests, o.Error, o.Path, o.Version))
  }
  for (const e of run.errors) {
    if (e.module) {
      out.push(failure(run, allRequests, e.message, e.module, e.version))
    } else if (/^download (go\S+) for /.test(e.message)) {
      const v = /^download (go\S+)/.exec(e.message)![1]
      out.push(failure(run, allRequests, e.message, 'golang.org/toolchain', v))
    } else if (!/^skipping download of /.test(e.message)) {
      out.push(failure(run, allRequests, e.message))
    }
  }
  for (const c of run.checksums) {
    const m = modules.get(moduleKey(c.module, c.version))
    const detail =
      `verifying ${c.module}@${c.version}${c.file === 'mod' ? '/go.mod' : ''}: checksum mismatch\n` +
      `\tdownloaded: ${c.downloaded ?? '?'}\n\tgo.sum:     ${c.goSum ?? '?'}`
    const f = failure(run, allRequests, detail, c.module, c.version)
    f.badSource = m?.files[c.file]?.servedBy ?? (m ? CACHE_SOURCE : undefined)
    out.push(f)
  }
  if (run.timedOut) {
    const stuck = run.requests.filter((r) => r.inFlight)
    const named = new Set<string>()
    for (const r of stuck) {
      if (!r.module || named.has(`${r.module}@${r.version}`)) continue
      named.add(`${r.module}@${r.version}`)
      out.push(
        failure(
          run,
          allRequests,
          `${r.module}${r.version ? '@' + r.version : ''}: no answer from ${r.source} to ${r.url} before download-timeout`,
          r.module,
          r.version
        )
      )
    }
    if (named.size === 0)
      out.push(
        failure(
          run,
          allRequests,
          `go mod download in ${run.dir} did not finish before download-timeout`
        )
      )
  }
  if (out.length === 0 && run.exitCode !== 0 && !run.timedOut) {
    out.push(
      failure(
        run,
        allRequests,
        `go mod download in ${run.dir} exited with ${run.exitCode ?? 'a signal'}` +
          (run.otherOutput.length > 0
            ? ':\n' + run.otherOutput.slice(0, 8).join('\n')
            : '')
      )
    )
  }
  return out
}

/** One failure per module version (or per message where go named none): runs in several roots repeat them. */
export function dedupeFailures(fs: DownloadFailure[]): DownloadFailure[] {
  const seen = new Set<string>()
  return fs.filter((f) => {
    const k = f.module
      ? `${f.module}@${f.version ?? ''}`
      : `${f.root}\n${f.message}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
