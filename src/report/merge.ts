// Gathers the JSON reports of a matrix's legs (downloaded artifacts) into
// one cross-leg table, so that a team sees which mirror each region chose
// and how each fared.
import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import * as path from 'node:path'
import { cell, formatMs } from '../base/markdown.js'
import { searchFiles, searchLimitWarning } from '../gomod/dependency-files.js'
import { failureGroups } from '../download/annotations.js'
import { sourceLabel } from '../download/summary.js'
import { writeJobSummary } from './job-summary.js'
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

function troubleText(r: RunReport): string {
  const d = r.downloads
  const items = [
    ...(r.failure ? [`❌ step failed: ${r.failure}`] : []),
    ...failureGroups(d?.failures ?? []).map((g) => `❌ ${g}`),
    ...(d?.warnings ?? []).map(
      (w) => `⚠️ ${sourceLabel(w.source)} ${w.kind} ×${w.count}`
    )
  ]
  return items.length ? items.join('<br>') : '✅'
}

/** Expected legs without a report: their names when known, else how many. */
function missingLegs(
  legs: readonly Leg[],
  expected: ExpectedLegs | undefined
): { count: number; names: string[] } {
  if (!expected) return { count: 0, names: [] }
  const found = new Set(legs.map((l) => l.name))
  const names = expected.names.filter((n) => !found.has(n))
  return {
    count: Math.max(names.length, expected.count - legs.length),
    names
  }
}

function legCountText(legs: readonly Leg[], expected?: ExpectedLegs): string {
  const found = `${legs.length} leg report${legs.length === 1 ? '' : 's'} found`
  if (!expected) return `${found}.`
  const missing = missingLegs(legs, expected)
  if (missing.count === 0) return `${found}, ${expected.count} expected.`
  const named = missing.names.map((n) => `\`${cell(n)}\``).join(', ')
  return `❌ ${found}, ${expected.count} expected: **${missing.count} missing**${named ? ` (${named})` : ''}.`
}

/** The cross-leg table (markdown). */
export function renderCrossLegTable(
  legs: readonly Leg[],
  expected?: ExpectedLegs
): string {
  const lines = [
    '## setup-goproxy across the matrix',
    '',
    legCountText(legs, expected),
    '',
    '| Leg | Runner | First mirror | Probe | Fetched (from where) | Download time | Cache | Problems |',
    '|---|---|---|---:|---|---:|---|---|'
  ]
  for (const { name, report: r } of legs) {
    const first = r.chain?.firstMirror ?? '–'
    const hit = r.cache?.entries.find((e) => e.kind === 'modules')?.hit
    lines.push(
      `| ${cell(name)} | ${cell(`${r.runner.os}/${r.runner.arch}`)} | ${cell(first === 'direct' ? 'direct' : sourceLabel(first))} | ${r.probe ? formatMs(r.probe.durationMs) : '–'} | ${cell(fetchedText(r))} | ${r.downloads ? formatMs(r.downloads.durationMs) : '–'} | ${hit ?? '–'} | ${troubleText(r)} |`
    )
  }
  const chains = legs.filter((l) => l.report.chain)
  if (chains.length > 0) {
    lines.push('', '<details><summary>GOPROXY of each leg</summary>', '')
    for (const l of chains)
      lines.push(`- ${cell(l.name)}: \`${l.report.chain!.goproxy}\``)
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
  const missing = missingLegs(legs, expected)
  if (missing.count > 0)
    core.warning(
      `merge-reports: ${missing.count} expected leg report(s) missing${missing.names.length ? `: ${missing.names.join(', ')}` : ''}`
    )
  const table = renderCrossLegTable(legs, expected)
  await writeJobSummary(table, `the cross-leg table follows.\n${table}`)
  core.info(`Merged ${legs.length} report(s): ${files.join(', ')}`)
  return legs
}
