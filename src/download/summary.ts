// Job summary sections of the downloads phase: one short headline line, then
// one table of the sources (what go and the prefetch got from each),
// warnings, the failures grouped by kind and answers with a hint each, and
// the details (go output, every module) folded away.
import { FAILURE_TEXT, groupBy } from '../base/failure-kinds.js'
import {
  cell,
  formatBytes,
  formatMs,
  inline,
  figure
} from '../base/markdown.js'
import {
  CACHE_SOURCE,
  DIRECT_SOURCE,
  NO_SOURCE,
  type DownloadFailure,
  type DownloadsReport,
  type ModuleDownload,
  type SourceStats
} from './downloads-report.js'
import { failureGroups, moduleLabel, triedText } from './annotations.js'
import type { CacheReport } from '../cache/report.js'
import type { ChainResult } from '../selection/chain.js'
import { mirrorLabel } from '../selection/summary.js'
import { renderProxySection } from './proxy/summary.js'

/** What the downloads sections read of the run. */
export interface DownloadsSummaryData {
  downloads?: DownloadsReport
  chain?: ChainResult
  cache?: CacheReport
}

/** A source as the tables name it: a mirror without its scheme, or its kind. */
export function sourceLabel(source: string): string {
  if (source === CACHE_SOURCE) return 'module cache'
  if (source === DIRECT_SOURCE) return 'direct (origin)'
  if (source === NO_SOURCE) return '–'
  return mirrorLabel(source)
}

function fetchedBySource(d: DownloadsReport): Map<string, number> {
  const by = new Map<string, number>()
  for (const m of d.modules)
    if (m.status === 'downloaded') by.set(m.source, (by.get(m.source) ?? 0) + 1)
  return new Map([...by].sort((a, b) => b[1] - a[1]))
}

const CACHE_TEXT: Record<string, string> = {
  exact: 'exact hit',
  partial: 'partial hit',
  miss: 'miss',
  unavailable: 'no cache service',
  failed: 'failed',
  skipped: 'skipped'
}

/** One paragraph: modules fetched, from where, time, cache result, failures. */
export function renderDownloadHeadline(r: DownloadsSummaryData): string {
  const d = r.downloads
  if (!d) return ''
  const by = fetchedBySource(d)
  const fetched = [...by.values()].reduce((a, b) => a + b, 0)
  const cached = d.modules.filter((m) => m.status === 'cached').length
  const failed = d.failures.length
  const icon = failed > 0 ? '❌' : d.warnings.length > 0 ? '⚠️' : '✅'
  const from = [...by]
    .map(([s, n]) => `${n} from \`${sourceLabel(s)}\``)
    .join(', ')
  const parts = [
    `${icon} **Downloads:** ${fetched} module version${fetched === 1 ? '' : 's'} fetched in ${formatMs(d.durationMs)}${from ? ` (${from})` : ''}`
  ]
  const hit = r.cache?.entries.find((e) => e.kind === 'modules')?.hit
  parts.push(
    `${cached} already in the module cache` +
      (hit ? ` (cache ${CACHE_TEXT[hit] ?? hit})` : '')
  )
  if (d.toolchains.length > 0)
    parts.push(`toolchain ${d.toolchains.join(', ')} fetched`)
  if (failed > 0)
    parts.push(
      `**${failed} failed**: ${failureGroups(d.failures, (s) => `\`${s}\``).join(', ')}`
    )
  if (d.roots.some((x) => x.timedOut))
    parts.push(`**stopped at download-timeout (${d.timeoutSec} s)**`)
  return parts.join(' · ')
}

function answersText(s: SourceStats): string {
  const other = Object.entries(s.answers)
    .filter(([k]) => k !== '200')
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
  return other.join(', ')
}

function sourceRole(r: DownloadsSummaryData, source: string): string {
  if (source === CACHE_SOURCE) return 'cache'
  const e = r.chain?.entries.find((x) => x.url === source)
  if (e) return e.role
  return source === DIRECT_SOURCE ? 'direct' : ''
}

/** A number that says what it is, or a dash when there is nothing to say. */
function firstByte(s: SourceStats): string {
  const answered = s.requests - s.errors
  return answered > 0 && s.seconds > 0
    ? figure(formatMs((s.seconds * 1000) / s.requests))
    : '—'
}

// One row per source: what go fetched from it and, when the prefetch ran
// ahead of go, what the local proxy fetched, failed and dropped. A mirror
// the prefetch never got a file from and never heard fail is no news.
function renderSourceTable(
  r: DownloadsSummaryData,
  d: DownloadsReport
): string[] {
  const proxy = new Map((d.proxy?.mirrors ?? []).map((m) => [m.url, m]))
  const lines = [
    '| Source | Modules | Requests | Bytes | First byte (mean) | Other answers | Note |',
    '|---|---:|---:|---:|---:|---|---|'
  ]
  const row = (source: string, s: SourceStats | undefined) => {
    const m = proxy.get(source)
    const answers = [
      s ? answersText(s) : '',
      // go's own 404s are in its answers already.
      ...Object.entries(m?.failures ?? {})
        .filter(([k]) => k !== 'not-found')
        .map(([k, n]) => `${k} ×${n}`)
    ].filter(Boolean)
    const note = [
      sourceRole(r, source),
      m && m.files > 0
        ? `prefetched ${m.files} file${m.files === 1 ? '' : 's'}`
        : '',
      m && m.hedgesWon > 0 ? `${m.hedgesWon} won by a hedge` : '',
      m?.dropped
        ? `dropped for the rest of the run at ${formatMs(m.dropped.atMs)}: ${m.dropped.why}`
        : ''
    ].filter(Boolean)
    lines.push(
      `| ${cell(source === CACHE_SOURCE ? 'module cache' : sourceLabel(source))} | ${s?.modules ?? 0} | ${s?.requests ?? 0} | ${s && s.bytes > 0 ? figure(formatBytes(s.bytes)) : '—'} | ${s ? firstByte(s) : '—'} | ${cell(answers.join(', ')) || '—'} | ${cell(note.join('; '))} |`
    )
  }
  for (const s of d.sources) {
    if (s.source === CACHE_SOURCE && s.modules === 0 && s.bytes === 0) continue
    row(s.source, s)
  }
  for (const m of proxy.values())
    if (
      !d.sources.some((s) => s.source === m.url) &&
      (m.files > 0 || m.dropped || Object.keys(m.failures).length > 0)
    )
      row(m.url, undefined)
  return lines
}

function answeredText(f: DownloadFailure): string {
  return [f.badSource ? `bad bits served by ${f.badSource}` : '', triedText(f)]
    .filter(Boolean)
    .join('; ')
}

function renderFailures(d: DownloadsReport): string[] {
  if (d.failures.length === 0) return []
  const lines = [
    '#### Failed downloads',
    '',
    '| Module | Problem | What each source answered | What to do |',
    '|---|---|---|---|'
  ]
  // Modules that failed the same way, with the same answers, share a row.
  for (const group of groupBy(
    d.failures,
    (f) => `${f.kind}\n${answeredText(f)}`
  )) {
    const f = group[0]
    const modules =
      group.length === 1
        ? `\`${cell(moduleLabel(f))}\``
        : `${group.length} modules, e.g. \`${cell(moduleLabel(f))}\``
    lines.push(
      `| ${modules} | **${f.kind}**: ${FAILURE_TEXT[f.kind]} | ${cell(answeredText(f) || f.message)} | ${cell(f.hint)} |`
    )
  }
  const outputs = d.failures.slice(0, MAX_FAILURE_OUTPUTS)
  const more = d.failures.length - outputs.length
  lines.push(
    '',
    `<details><summary>go output for ${more > 0 ? `the first ${outputs.length} failures` : 'each failure'}</summary>`,
    ''
  )
  for (const f of outputs)
    lines.push(
      `**${moduleLabel(f)}** (in \`${f.root}\`)`,
      '',
      '```',
      f.detail,
      '```',
      ''
    )
  if (more > 0) lines.push(leftOut(more, 'failures'), '')
  lines.push('</details>')
  return lines
}

// GitHub refuses a step summary over 1 MiB. A module row takes about 200 B,
// so these keep the long lists to a few hundred KiB whatever the run; the
// JSON report (the `report` output) still lists everything.
const MAX_MODULE_ROWS = 1000
const MAX_FAILURE_OUTPUTS = 100

function leftOut(n: number, what: string): string {
  return `_${n} more ${what} are left out here; the JSON report (the \`report\` output) lists them all._`
}

// Past the cap, the rows that need a reader most: failures first, modules
// served from the cache last; shown in the report's order.
const STATUS_RANK: Record<ModuleDownload['status'], number> = {
  failed: 0,
  'go.mod only': 1,
  downloaded: 2,
  cached: 3
}

function shownModules(all: ModuleDownload[]): ModuleDownload[] {
  if (all.length <= MAX_MODULE_ROWS) return all
  const keep = new Set(
    [...all]
      .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status])
      .slice(0, MAX_MODULE_ROWS)
  )
  return all.filter((m) => keep.has(m))
}

function renderModules(d: DownloadsReport): string[] {
  if (d.modules.length === 0) return []
  const shown = shownModules(d.modules)
  const lines = [
    `<details><summary>All ${d.modules.length} module versions${shown.length < d.modules.length ? ` (${shown.length} shown)` : ''}</summary>`,
    '',
    '| Module | Version | Status | Source | .info / .mod / .zip from | Fall-throughs | Bytes |',
    '|---|---|---|---|---|---:|---:|'
  ]
  for (const m of shown) {
    const files = (['info', 'mod', 'zip'] as const)
      .map((k) => {
        const f = m.files[k]
        if (!f || f.attempts.length === 0) return '·'
        return f.servedBy ? sourceLabel(f.servedBy) : '✗'
      })
      .join(' / ')
    lines.push(
      `| \`${cell(m.path)}\` | ${m.version}${m.query ? ` (${cell(m.query)})` : ''} | ${m.status} | ${cell(sourceLabel(m.source))} | ${cell(files)} | ${m.fallThroughs} | ${figure(formatBytes(m.bytes))} |`
    )
  }
  if (shown.length < d.modules.length)
    lines.push('', leftOut(d.modules.length - shown.length, 'module versions'))
  lines.push('', '</details>')
  return lines
}

/** The downloads section: per-source table, warnings, failures, details. */
export function renderDownloadSection(r: DownloadsSummaryData): string {
  const d = r.downloads
  if (!d) return ''
  const lines = ['### Downloads', '', renderDownloadHeadline(r), '']
  lines.push(
    `\`go mod download -x -json\` ran in ${d.roots.map((x) => `\`${x.dir}\``).join(', ')}.${d.prefetch ? ` Chose ${inline(d.prefetch)}.` : ''}`,
    ''
  )
  lines.push(...renderSourceTable(r, d), '')
  lines.push(...renderProxySection(d))
  for (const w of d.warnings)
    lines.push(`> [!WARNING]\n> ${inline(w.message)}`, '')
  const failures = renderFailures(d)
  if (failures.length > 0) lines.push(...failures, '')
  lines.push(...renderModules(d))
  return lines.join('\n')
}
