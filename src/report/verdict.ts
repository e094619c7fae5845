// The summary's first paragraph: one line a person reads to know whether to
// read on: the status, how many mirrors were usable, what failed and what
// to do. Also the plain recap the log ends with.
import { FAILURE_HINT, type FailureKind } from '../base/failure-kinds.js'
import { formatMs } from '../base/markdown.js'
import { failureGroups } from '../download/annotations.js'
import { mirrorLabel } from '../selection/summary.js'
import type { RunReport } from './report.js'

export type Status = '✅' | '⚠️' | '❌'

function fetchedCount(r: RunReport): number {
  return (r.downloads?.modules ?? []).filter((m) => m.status === 'downloaded')
    .length
}

const droppedMirrors = (r: RunReport) =>
  (r.downloads?.proxy?.mirrors ?? []).filter((m) => m.dropped)

// The kind a degraded mirror's first reason names ("rate-limited: …").
const reasonKind = (reason: string | undefined) =>
  (reason ?? '').split(/[ :]/)[0]

function names(urls: string[]): string {
  const shown = urls.slice(0, 3).map(mirrorLabel).join(', ')
  return urls.length > 3 ? `${shown} and ${urls.length - 3} more` : shown
}

/** The mirrors that failed their probe, are degraded or were dropped. */
export function mirrorProblems(r: RunReport): string[] {
  const said: string[] = []
  const failed = (r.ranking ?? []).filter((k) => k.position === undefined)
  const degraded = (r.ranking ?? []).filter((k) => k.tier === 'degraded')
  const dropped = droppedMirrors(r)
  if (failed.length > 0)
    said.push(`left out as failed: ${names(failed.map((k) => k.url))}`)
  if (degraded.length > 0)
    said.push(
      `degraded: ${degraded.map((k) => `${mirrorLabel(k.url)} (${reasonKind(k.reasons[0])})`).join(', ')}`
    )
  if (dropped.length > 0)
    said.push(
      `dropped during the prefetch: ${names(dropped.map((m) => m.url))}`
    )
  return said
}

/** What failed, in a few words per thing, and how bad it is. */
export function problems(r: RunReport): { status: Status; said: string[] } {
  const said: string[] = []
  let status: Status = '✅'
  const warn = () => {
    if (status === '✅') status = '⚠️'
  }
  const mirrorSaid = mirrorProblems(r)
  if (mirrorSaid.length > 0) warn()
  said.push(...mirrorSaid)
  const d = r.downloads
  if (d && d.failures.length > 0) {
    status = '❌'
    said.push(
      `**${d.failures.length} download${d.failures.length === 1 ? '' : 's'} failed** (${failureGroups(d.failures).join(', ')}): see Failed downloads below`
    )
  } else if (d && d.warnings.length > 0) warn()
  if (d?.roots.some((x) => x.timedOut)) {
    status = '❌'
    said.push(`**stopped at download-timeout (${d.timeoutSec} s)**`)
  }
  if (r.downloadsSkipped) {
    warn()
    said.push(`prefetch skipped: ${r.downloadsSkipped}`)
  }
  if (r.failure) {
    status = '❌'
    said.push(`**the step failed:** ${r.failure}`)
  }
  return { status, said }
}

/**
 * "N of M mirrors usable": a mirror dropped during the prefetch is not
 * usable; one that max-mirrors left out is, so the chain's size follows.
 */
export function mirrorsText(r: RunReport): string {
  if (r.chain?.firstMirror === 'off')
    return 'GOPROXY=off kept from the job env, no mirror probed'
  if (!r.ranking) return ''
  const dropped = new Set(droppedMirrors(r).map((m) => m.url))
  const passed = r.ranking.filter((k) => k.position !== undefined)
  const usable = passed.filter((k) => !dropped.has(k.url)).length
  const inChain = (r.chain?.entries ?? []).filter(
    (e) => e.role === 'mirror'
  ).length
  const chainText =
    r.chain && inChain < passed.length ? `, ${inChain} in the chain` : ''
  return `**${usable} of ${r.ranking.length} mirror${r.ranking.length === 1 ? '' : 's'} usable**${chainText}`
}

function downloadsText(r: RunReport): string {
  const d = r.downloads
  if (!d) return ''
  const n = fetchedCount(r)
  return `${n} module version${n === 1 ? '' : 's'} fetched in ${formatMs(d.durationMs)}`
}

function advice(r: RunReport, status: Status, said: string[]): string {
  if (r.ranking && !r.ranking.some((k) => k.position !== undefined))
    return 'What to do: check that the runner reaches the mirrors (egress proxy, firewall, DNS) or list others in `mirrors`; the table below says what each answered.'
  if (status !== '⚠️') return ''
  if ((r.ranking ?? []).some((k) => k.position === undefined))
    return 'If a mirror keeps failing, leave it out of `mirrors`.'
  // Degraded mirrors alone: the advice of their kinds, once each.
  if (said.length === 1 && said[0].startsWith('degraded: ')) {
    const kinds = new Set(
      (r.ranking ?? [])
        .filter((k) => k.tier === 'degraded')
        .map((k) => reasonKind(k.reasons[0]))
    )
    return [...kinds]
      .filter((k): k is FailureKind => k in FAILURE_HINT)
      .map((k) => FAILURE_HINT[k])
      .join(' ')
  }
  return ''
}

/** The verdict paragraph (Markdown, one line). */
export function verdictLine(r: RunReport): string {
  const { status, said } = problems(r)
  const head = [mirrorsText(r), downloadsText(r)].filter(Boolean).join(', ')
  const body = [head || (status === '✅' ? 'done' : ''), ...said]
    .filter(Boolean)
    .join('; ')
  return [`${status} ${body}.`, advice(r, status, said)]
    .filter(Boolean)
    .join(' ')
}

const CACHE_WORDS: Record<string, string> = {
  exact: 'exact hit',
  partial: 'partial hit',
  miss: 'miss',
  unavailable: 'no cache service',
  failed: 'failed',
  skipped: 'skipped'
}

/** The run in one plain log line: GOPROXY, first mirror, downloads, cache. */
export function renderHeadlineText(r: RunReport): string {
  const parts = [
    r.chain ? `GOPROXY=${r.chain.goproxy}` : 'no GOPROXY chain',
    r.chain && r.chain.firstMirror !== 'off'
      ? `first mirror ${r.chain.firstMirror}`
      : ''
  ]
  if (r.downloadsSkipped) parts.push(`prefetch skipped: ${r.downloadsSkipped}`)
  else if (r.downloads)
    parts.push(
      `${fetchedCount(r)} module version(s) fetched, ${r.downloads.failures.length} failure(s)`
    )
  const hit = r.cache?.entries.find((e) => e.kind === 'modules')?.hit
  if (hit) parts.push(`module cache ${CACHE_WORDS[hit]}`)
  if (r.failure) parts.push(`failed: ${r.failure}`)
  return parts.filter(Boolean).join('; ')
}
