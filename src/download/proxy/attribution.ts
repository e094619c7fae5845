// Puts the engine's record into go's own request log, as if go had asked
// the mirrors itself: go's requests to the local proxy become requests to
// the mirror that served them, files the engine put into the module cache
// ahead of go become requests go no longer had to make, and every answer a
// mirror gave that the engine rejected or moved away from (5xx, timeout,
// wrong bits, …) comes before the one it kept, as a fall-through. Pure.
import { STATUS_CODES } from 'node:http'
import type { RequestRecord, RootRun } from '../run-collector.js'
import type { FileRecord, ProxyRecord } from './record.js'
import type { AttemptFailure } from './attempt-failure.js'

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
 * Adds to go's request log what the engine did ahead of go: every file it
 * moved into the module cache that go then never asked for (go found it
 * there), credited to the mirror that served it after the answers it moved
 * away from. Files go asked for are credited through its own requests.
 */
export function creditPrefetched(
  runs: readonly RootRun[],
  record: ProxyRecord,
  installed: ReadonlySet<string>
): RootRun[] {
  if (runs.length === 0) return []
  const own: RequestRecord[] = record.files.flatMap((f) => {
    if (f.askedByGo || !installed.has(f.path) || !f.mirror) return []
    if (f.kind !== 'info' && f.kind !== 'mod' && f.kind !== 'zip') return []
    return [
      ...answersOf(f, f.kind, f.module, f.version),
      {
        url: `${f.mirror}/${f.path}`,
        source: f.mirror,
        kind: f.kind,
        module: f.module,
        version: f.version,
        status: 200
      }
    ]
  })
  const [first, ...rest] = runs
  return [{ ...first, requests: [...own, ...first.requests] }, ...rest]
}

/**
 * Credits each request go sent to the local proxy to the mirror whose
 * verified answer the proxy served, after the answers the proxy moved away
 * from (5xx, timeout, wrong bits, …), as the fall-throughs they stand for.
 */
export function attributeProxied(
  runs: readonly RootRun[],
  localUrl: string,
  record: ProxyRecord
): RootRun[] {
  const byPath = new Map(record.files.map((f) => [f.path, f]))
  const credited = new Set<string>()
  return runs.map((run) => ({
    ...run,
    errors: run.errors.map((e) => ({
      ...e,
      message: nameTheMirror(e.message, localUrl, byPath)
    })),
    json: run.json.map((o) =>
      o.Error ? { ...o, Error: nameTheMirror(o.Error, localUrl, byPath) } : o
    ),
    requests: run.requests.flatMap((r) => {
      if (r.source !== localUrl) return [r]
      const path = decodePath(r.url.slice(localUrl.length))
      const f = byPath.get(path)
      if (!f) return [r]
      // One go request stands for the engine's whole story of the file;
      // a second root asking again was served from the spool.
      const first = !credited.has(path)
      credited.add(path)
      const mirrorAnswers = first
        ? answersOf(f, r.kind, r.module, r.version)
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

/**
 * go's message names the local proxy and the status it relayed; the job
 * needs the mirror that gave the answer (the proxy's port is gone after
 * the step): the one that served the file, else the last one that failed.
 */
function nameTheMirror(
  message: string,
  localUrl: string,
  byPath: ReadonlyMap<string, FileRecord>
): string {
  const reading = new RegExp(
    `reading ${localUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(\\S+): [^\n]*`,
    'g'
  )
  return message.replace(reading, (whole, path: string) => {
    const f = byPath.get(decodePath(path))
    if (f?.status === 'served' && f.mirror)
      return whole.replace(localUrl, f.mirror)
    const last = f?.failures.at(-1)
    if (!last) return whole
    const answer = last.status
      ? `${last.status} ${STATUS_CODES[last.status] ?? ''}`.trimEnd()
      : ANSWER[last.kind]
    return `reading ${last.mirror}/${path}: ${answer}`
  })
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p).replace(/^\/+/, '')
  } catch {
    return p
  }
}

function answersOf(
  f: FileRecord,
  kind: RequestRecord['kind'],
  module: string | undefined,
  version: string | undefined
): RequestRecord[] {
  return f.failures.map((x) => ({
    url: `${x.mirror}/${f.path}`,
    source: x.mirror,
    kind,
    module,
    version,
    status: x.status,
    error: x.status ? undefined : ANSWER[x.kind]
  }))
}
