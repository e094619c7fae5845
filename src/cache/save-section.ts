import { cell, figure, formatBytes } from '../base/markdown.js'
import { fullKeysDetails, shortKey } from './key.js'
import type { SaveResult } from './save.js'

function saveText(r: SaveResult): string {
  const why = r.detail ? `: ${r.detail}` : ''
  switch (r.outcome) {
    case 'saved':
      return `💾 saved${why}`
    case 'exact-hit':
      return '⏭️ skipped: exact hit, the key is already stored'
    case 'unchanged':
      return `⏭️ skipped: unchanged since the restore${why}`
    case 'empty':
      return `⏭️ skipped: nothing to save${why}`
    case 'declined':
      return '⚠️ not saved: the service refused the entry (another job may be saving this key) or the upload failed; see the log'
    case 'failed':
      return `⚠️ failed${why}`
    case 'not-attempted':
      return `⏭️ skipped${why}`
  }
}

/** Post's verdict on the saves, a few words; '' when nothing was considered. */
export function saveVerdict(results: readonly SaveResult[]): string {
  if (results.length === 0) return ''
  const bad = results.filter((r) => ['declined', 'failed'].includes(r.outcome))
  const saved = results.filter((r) => r.outcome === 'saved')
  const words = saved.map(
    (r) =>
      `${r.kind} cache saved${r.sizeBytes !== undefined ? ` (${formatBytes(r.sizeBytes)})` : ''}`
  )
  if (bad.length > 0)
    return `⚠️ ${[...words, `${bad.map((r) => r.kind).join(' and ')} cache not saved`].join(', ')}`
  return `✅ ${words.length > 0 ? words.join(', ') : 'nothing new to save in the Go caches'}`
}

/** The post step's summary section: one row per cache; empty when nothing was considered. */
export function renderSaveSection(results: readonly SaveResult[]): string {
  if (results.length === 0) return ''
  const lines = [
    '### Go cache save',
    '',
    '| Cache | Result | Size | Time | Key |',
    '|---|---|---:|---:|---|'
  ]
  for (const r of results) {
    const size =
      r.sizeBytes !== undefined ? figure(formatBytes(r.sizeBytes)) : ''
    lines.push(
      `| ${r.kind} | ${cell(saveText(r))} | ${size} | ${figure(`${(r.durationMs / 1000).toFixed(1)} s`)} | \`${shortKey(r.key)}\` |`
    )
  }
  lines.push('', ...fullKeysDetails(results.map((r) => r.key)))
  return lines.join('\n') + '\n'
}
