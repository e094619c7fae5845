// Puts the engine's record into go's own request log, as if go had asked
// the mirrors itself: every answer a mirror gave that the engine rejected
// or moved away from (5xx, timeout, wrong bits, …) comes before the one it
// kept, as the fall-through it stands for. Pure.
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

/**
 * Adds to go's request log what the engine did ahead of it: every file it
 * moved into the module cache, credited to the mirror that served it after
 * the answers it moved away from, and every file still open at the
 * deadline, as requests to the mirrors it waited on. go found the moved
 * files in the cache and asked no one for them.
 */
export function creditPrefetched(
  runs: readonly RootRun[],
  record: ProxyRecord,
  installed: ReadonlySet<string>
): RootRun[] {
  if (runs.length === 0) return []
  const own: RequestRecord[] = record.files.flatMap((f) => {
    if (f.kind === 'list' || f.kind === 'latest' || f.kind === 'sumdb')
      return []
    const base = { kind: f.kind, module: f.module, version: f.version }
    const answers: RequestRecord[] = f.failures.map((x) => ({
      ...base,
      url: `${x.mirror}/${f.path}`,
      source: x.mirror,
      status: x.status,
      error: x.status ? undefined : ANSWER[x.kind]
    }))
    if (f.status === 'served' && f.mirror && installed.has(f.path))
      answers.push({
        ...base,
        url: `${f.mirror}/${f.path}`,
        source: f.mirror,
        status: 200
      })
    for (const m of f.waitingOn ?? [])
      answers.push({
        ...base,
        url: `${m}/${f.path}`,
        source: m,
        inFlight: true
      })
    return answers
  })
  const [first, ...rest] = runs
  return [{ ...first, requests: [...own, ...first.requests] }, ...rest]
}
