// Warnings about sources that misbehaved during the downloads: behind
// another source (stale), throttling, failing, or silent until the deadline.
import {
  DIRECT_SOURCE,
  moduleKey,
  type ModuleDownload,
  type ModuleFileKind,
  type SourceWarning
} from './downloads-report.js'
import {
  describeAnswer,
  isModuleFile,
  isNotFound,
  isOk
} from './request-answers.js'
import type { RequestRecord } from './run-collector.js'

/** Per source (not `direct`), the stale, rate-limited, failing and unresponsive warnings. */
export function sourceWarnings(
  requests: readonly RequestRecord[],
  modules: Map<string, ModuleDownload>
): SourceWarning[] {
  const out: SourceWarning[] = []
  const bySource = new Map<string, RequestRecord[]>()
  for (const r of requests) {
    if (r.source === DIRECT_SOURCE || r.abandoned) continue
    const list = bySource.get(r.source) ?? []
    list.push(r)
    bySource.set(r.source, list)
  }
  for (const [source, rs] of bySource) {
    const mv = (r: RequestRecord) => `${r.module}@${r.version}`
    const stale = unique(
      rs
        .filter(
          (r) => isNotFound(r) && r.module && r.version && isModuleFile(r.kind)
        )
        .filter((r) => {
          const m = modules.get(moduleKey(r.module!, r.version!))
          const f = m?.files[r.kind as ModuleFileKind]
          return f?.servedBy !== undefined && f.servedBy !== source
        })
        .map(mv)
    )
    if (stale.length > 0)
      out.push({
        source,
        kind: 'stale',
        count: stale.length,
        modules: stale,
        message: `${source} lacks ${listText(stale)}, which another source served: it is behind (stale).`
      })
    const limited = rs.filter((r) => r.status === 429)
    if (limited.length > 0)
      out.push({
        source,
        kind: 'rate-limited',
        count: limited.length,
        modules: unique(limited.filter((r) => r.module).map(mv)),
        message: `${source} rate-limited ${limited.length} request(s) (429 Too Many Requests).`
      })
    const failing = rs.filter(
      (r) => !r.inFlight && r.status !== 429 && !isOk(r) && !isNotFound(r)
    )
    if (failing.length > 0) {
      const answers = unique(failing.map(describeAnswer))
      out.push({
        source,
        kind: 'failing',
        count: failing.length,
        modules: unique(failing.filter((r) => r.module).map(mv)),
        message: `${source} failed ${failing.length} request(s): ${answers.join(', ')}.`
      })
    }
    const stuck = rs.filter((r) => r.inFlight)
    if (stuck.length > 0)
      out.push({
        source,
        kind: 'unresponsive',
        count: stuck.length,
        modules: unique(stuck.filter((r) => r.module).map(mv)),
        message: `${source} did not answer ${stuck.length} request(s) before download-timeout.`
      })
  }
  return out
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)]
}

function listText(xs: string[]): string {
  return xs.length <= 5
    ? xs.join(', ')
    : `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more`
}
