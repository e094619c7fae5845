// Puts the engine's record into go's own request log: a request go sent to
// the local proxy is credited to the mirror whose verified answer the proxy
// served, and every answer a mirror gave that the proxy rejected or moved
// away from (5xx, timeout, wrong bits, …) is listed before it, as the
// fall-through it stands for. Pure.
import type { RequestRecord, RootRun } from '../run-collector.js'
import type { ProxyRecord } from './record.js'
import type { AttemptFailure } from './scheduler.js'

// What a rejected answer is called in go's terms (the detail stays in the
// proxy record): short, since the summary counts answers by this text.
const ANSWER: Record<AttemptFailure, string> = {
  'not-found': 'not found',
  'server-error': 'server error',
  'rate-limited': 'rate limited',
  timeout: 'timeout',
  network: 'network error',
  truncated: 'truncated body',
  garbage: 'not protocol content',
  checksum: 'checksum mismatch',
  'too-large': 'too large'
}

export function attributeProxied(
  runs: readonly RootRun[],
  localUrl: string,
  record: ProxyRecord
): RootRun[] {
  const byPath = new Map(record.files.map((f) => [f.path, f]))
  const credited = new Set<string>()
  return runs.map((run) => ({
    ...run,
    requests: run.requests.flatMap((r) => {
      if (r.source !== localUrl) return [r]
      const path = decodePath(r.url.slice(localUrl.length))
      const f = byPath.get(path)
      if (!f) return [r]
      // One go request stands for the engine's whole story of the file;
      // a second root asking again was served from the spool.
      const first = !credited.has(path)
      credited.add(path)
      const mirrorAnswers: RequestRecord[] = first
        ? f.failures.map((x) => ({
            url: `${x.mirror}/${path}`,
            source: x.mirror,
            kind: r.kind,
            module: r.module,
            version: r.version,
            status: x.status,
            error: x.status ? undefined : ANSWER[x.kind]
          }))
        : []
      if (f.status === 'served' && f.mirror && r.status === 200)
        return [
          ...mirrorAnswers,
          { ...r, url: `${f.mirror}/${path}`, source: f.mirror }
        ]
      // Still open when go stopped: the mirrors it waited on did not answer.
      const waiting: RequestRecord[] = r.inFlight
        ? (f.waitingOn ?? []).map((m) => ({
            ...r,
            url: `${m}/${path}`,
            source: m
          }))
        : []
      // Not served: the mirrors' own answers say why; the proxy's relay of
      // them would count as one more source.
      const own = [...mirrorAnswers, ...waiting]
      return own.length > 0 ? own : [r]
    })
  }))
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p).replace(/^\/+/, '')
  } catch {
    return p
  }
}
