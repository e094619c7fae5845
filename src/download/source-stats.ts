// Per-source statistics of a run: requests, bytes, time to headers,
// fall-throughs, errors, and every answer with its count.
import {
  CACHE_SOURCE,
  DIRECT_SOURCE,
  FILE_KINDS,
  decidingIndex,
  type ModuleDownload,
  type SourceStats
} from './downloads-report.js'
import { answerKey, isNotFound, isOk } from './request-answers.js'
import type { RequestRecord } from './run-collector.js'

/** One entry per GOPROXY entry in order, then `direct` and `cache` when they served or were asked. */
export function sourceStats(
  order: readonly string[],
  modules: readonly ModuleDownload[],
  requests: readonly RequestRecord[]
): SourceStats[] {
  const stats = new Map<string, SourceStats>()
  const get = (source: string) => {
    let s = stats.get(source)
    if (!s) {
      s = {
        source,
        modules: 0,
        requests: 0,
        bytes: 0,
        seconds: 0,
        fallThroughs: 0,
        errors: 0,
        notFound: 0,
        answers: {}
      }
      stats.set(source, s)
    }
    return s
  }
  for (const o of order) if (o !== 'off') get(o)
  for (const r of requests) {
    const s = get(r.source)
    s.requests++
    s.seconds += r.seconds ?? 0
    const k = answerKey(r)
    s.answers[k] = (s.answers[k] ?? 0) + 1
    if (isNotFound(r)) s.notFound++
    else if (!isOk(r) && !r.abandoned) s.errors++
  }
  for (const m of modules) {
    if (m.status === 'downloaded' || m.status === 'cached')
      get(m.source).modules++
    for (const kind of FILE_KINDS) {
      const f = m.files[kind]
      if (!f) continue
      if (f.bytes)
        get(
          f.servedBy ??
            (m.source === DIRECT_SOURCE ? DIRECT_SOURCE : CACHE_SOURCE)
        ).bytes += f.bytes
      for (const a of f.attempts.slice(0, decidingIndex(f)))
        get(a.source).fallThroughs++
    }
  }
  for (const s of stats.values())
    s.seconds = Math.round(s.seconds * 1000) / 1000
  return [...stats.values()].filter(
    (s) =>
      s.source !== DIRECT_SOURCE ||
      s.requests > 0 ||
      s.modules > 0 ||
      order.includes(DIRECT_SOURCE)
  )
}
