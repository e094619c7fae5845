// Gathers the JSON reports of a matrix's legs (downloaded artifacts) into
// one cross-leg table, so that a team sees which mirror each region chose
// and how each fared.
import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import * as path from 'node:path'
import { cell, formatMs, figure } from '../base/markdown.js'
import { searchFiles, searchLimitWarning } from '../gomod/dependency-files.js'
import { failureGroups } from '../download/annotations.js'
import { sourceLabel } from '../download/summary.js'
import { writeJobSummary } from './job-summary.js'
import { legPrefix, shortLegName } from './leg-names.js'
import {
  mirrorProblems,
  mirrorsText,
  problems,
  type Status
} from './verdict.js'
import type { RunReport } from './report.js'
import type { ExpectedLegs } from '../download/options.js'

export interface Leg {
  /** The artifact directory (or file) name the report came from. */
  name: string
  report: RunReport
}

/** Parses one report file's text; throws with the file name when it is not one. */
export function parseLegReport(file: string, text: string): RunReport {
  let o: unknown
  try {
    o = JSON.parse(text)
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`, {
      cause: e
    })
  }
  const schema = (o as { schema?: unknown }).schema
  if (typeof schema !== 'string' || !schema.startsWith('setup-goproxy/report@'))
    throw new Error(
      `${file} is not a setup-goproxy report (schema ${JSON.stringify(schema)})`
    )
  return o as RunReport
}

function legName(file: string): string {
  const dir = path.basename(path.dirname(file))
  return dir && dir !== '.' ? dir : path.basename(file, '.json')
}

function fetchedText(r: RunReport): string {
  const d = r.downloads
  if (!d) return 'not run'
  const by = new Map<string, number>()
  for (const m of d.modules)
    if (m.status === 'downloaded') by.set(m.source, (by.get(m.source) ?? 0) + 1)
  const total = [...by.values()].reduce((a, b) => a + b, 0)
  const cached = d.modules.filter((m) => m.status === 'cached').length
  const parts = [...by]
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${n} from ${sourceLabel(s)}`)
  return `${total}${parts.length ? ` (${parts.join(', ')})` : ''}${cached ? `, ${cached} cached` : ''}`
}

/** A leg's status (as its own verdict has it) and its problems, worst first. */
function legProblems(r: RunReport): { status: Status; items: string[] } {
  const d = r.downloads
  const mirrors = mirrorProblems(r)
  const items = [
    ...(r.failure ? [`❌ step failed: ${r.failure}`] : []),
    ...failureGroups(d?.failures ?? []).map((g) => `❌ ${g}`),
    ...(d?.roots.some((x) => x.timedOut)
      ? [`❌ stopped at download-timeout (${d.timeoutSec} s)`]
      : []),
    // "2 of 5 mirrors usable" first: how much of the chain was left.
    ...(mirrors.length > 0
      ? [
          `⚠️ ${[mirrorsText(r).replaceAll('**', ''), ...mirrors].filter(Boolean).join('; ')}`
        ]
      : []),
    ...(r.downloadsSkipped
      ? [`⚠️ prefetch skipped: ${r.downloadsSkipped}`]
      : []),
    ...(d?.warnings ?? []).map(
      (w) => `⚠️ ${sourceLabel(w.source)} ${w.kind} ×${w.count}`
    )
  ]
  return { status: problems(r).status, items }
}

interface LegView extends Leg {
  /** The name without the prefix all legs share. */
  short: string
  status: Status
  items: string[]
}

/** Expected legs without a report: their names as given when known, else how many. */
function missingLegs(
  legs: readonly LegView[],
  expected: ExpectedLegs | undefined
): { count: number; names: string[] } {
  if (!expected) return { count: 0, names: [] }
  // An expected name may be written with or without the shared prefix.
  const found = new Set(legs.flatMap((l) => [l.name, l.short]))
  const names = expected.names.filter((n) => !found.has(n))
  return {
    count: Math.max(names.length, expected.count - legs.length),
    names
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function legCountText(
  legs: readonly LegView[],
  missing: { count: number },
  expected: ExpectedLegs | undefined,
  prefix: string
): string {
  const from = prefix ? ` (artifacts \`${cell(prefix)}*\`)` : ''
  const found = `${plural(legs.length, 'leg report')} found${from}`
  if (!expected)
    return `${found}; set \`expected-legs\` to name a leg that wrote none.`
  if (missing.count === 0) return `${found}, ${expected.count} expected.`
  return `${found}, ${expected.count} expected: **${missing.count} missing**.`
}

/** The merged summary's first paragraph: how many legs are fine, and what is not. */
function mergedVerdict(
  legs: readonly LegView[],
  missing: { count: number; names: string[] },
  expected: ExpectedLegs | undefined
): string {
  const fine = legs.filter((l) => l.status === '✅').length
  const status: Status =
    missing.count > 0 || legs.some((l) => l.status === '❌')
      ? '❌'
      : fine < legs.length
        ? '⚠️'
        : '✅'
  const total = legs.length + missing.count
  const head = `${status} **${fine} of ${total} ${expected ? 'legs' : 'leg reports'} fine**`
  const notFine = legs
    .filter((l) => l.status !== '✅')
    .map((l) => {
      const first = l.items[0]?.replace(/^\S+ /, '') ?? l.status
      return `${cell(l.short)}: ${first}${l.items.length > 1 ? ` (and ${l.items.length - 1} more)` : ''}`
    })
  const said = [
    ...(missing.count > 0
      ? [
          `**${plural(missing.count, 'report')} missing**${missing.names.length ? `: ${missing.names.map((n) => `\`${cell(n)}\``).join(', ')}` : ''}`
        ]
      : []),
    ...notFine.slice(0, 3),
    ...(notFine.length > 3 ? [`${notFine.length - 3} more legs below`] : [])
  ]
  return [head, ...said].join('; ') + '.'
}

/** The legs as the table shows them, and the expected ones missing. */
function crossLegView(found: readonly Leg[], expected?: ExpectedLegs) {
  const prefix = legPrefix(
    found.map((l) => l.name),
    expected?.names
  )
  const legs: LegView[] = found.map((l) => ({
    ...l,
    short: shortLegName(l.name, prefix),
    ...legProblems(l.report)
  }))
  return { prefix, legs, missing: missingLegs(legs, expected) }
}

/** The cross-leg summary (markdown): the verdict, then one row per leg. */
export function renderCrossLegTable(
  found: readonly Leg[],
  expected?: ExpectedLegs
): string {
  const view = crossLegView(found, expected)
  const { prefix, legs } = view
  // The log's warning names missing legs as given; the page, as the rows.
  const missing = {
    count: view.missing.count,
    names: view.missing.names.map((n) => shortLegName(n, prefix))
  }
  const lines = [
    '## setup-goproxy across the matrix',
    '',
    mergedVerdict(legs, missing, expected),
    '',
    legCountText(legs, missing, expected, prefix),
    '',
    '| Leg | Runner | First mirror | Probe | Fetched (from where) | Download time | Cache | Problems |',
    '|---|---|---|---:|---|---:|---|---|'
  ]
  for (const { short, report: r, status, items } of legs) {
    const first = r.chain?.firstMirror ?? '–'
    const hit = r.cache?.entries.find((e) => e.kind === 'modules')?.hit
    lines.push(
      `| ${cell(short)} | ${cell(`${r.runner.os}/${r.runner.arch}`)} | ${cell(first === 'direct' ? 'direct' : sourceLabel(first))} | ${r.probe ? figure(formatMs(r.probe.durationMs)) : '–'} | ${cell(fetchedText(r))} | ${r.downloads ? figure(formatMs(r.downloads.durationMs)) : '–'} | ${hit ?? '–'} | ${items.length ? items.map(cell).join('<br>') : status} |`
    )
  }
  for (const n of missing.names)
    lines.push(`| ${cell(n)} | – | – | – | – | – | – | ❌ wrote no report |`)
  const chains = legs.filter((l) => l.report.chain)
  if (chains.length > 0) {
    lines.push('', '<details><summary>GOPROXY of each leg</summary>', '')
    for (const l of chains)
      lines.push(`- ${cell(l.short)}: \`${l.report.chain!.goproxy}\``)
    lines.push('', '</details>')
  }
  return lines.join('\n') + '\n'
}

/**
 * Reads the reports the globs (workspace-relative, as for
 * cache-dependency-path) match and writes the cross-leg summary.
 */
export async function runMergeReports(
  workspace: string,
  patterns: string[],
  expected?: ExpectedLegs
): Promise<Leg[]> {
  const search = await searchFiles(workspace, patterns)
  const limit = searchLimitWarning(search, workspace, 'merge-reports')
  if (limit) core.warning(limit)
  const files = search.files
  if (files.length === 0)
    throw new Error(
      `merge-reports matched no file (patterns: ${patterns.join(', ')})`
    )
  const legs: Leg[] = []
  for (const f of files)
    legs.push({
      name: legName(f),
      report: parseLegReport(f, await readFile(f, 'utf8'))
    })
  const { missing } = crossLegView(legs, expected)
  if (missing.count > 0)
    core.warning(
      `merge-reports: ${missing.count} expected leg report(s) missing${missing.names.length ? `: ${missing.names.join(', ')}` : ''}`
    )
  const table = renderCrossLegTable(legs, expected)
  await writeJobSummary(table, `the cross-leg table follows.\n${table}`)
  core.info(`Merged ${legs.length} report(s): ${files.join(', ')}`)
  return legs
}
