import { cell, figure, formatBytes, inline } from '../base/markdown.js'
import type { CacheMode, CacheSave } from './options.js'
import { fullKeysDetails, shortKey } from './key.js'

/**
 * exact: the primary key; partial: a restore key; miss: nothing stored yet;
 * unavailable: no cache service in this job; failed: the service erred or
 * timed out; skipped: nothing to key the cache on (or cache disabled).
 */
export type CacheHit =
  'exact' | 'partial' | 'miss' | 'unavailable' | 'failed' | 'skipped'

export interface CacheEntryReport {
  kind: 'modules' | 'build'
  /** The directory restored (GOMODCACHE or GOCACHE). */
  dir: string
  key: string
  matchedKey?: string
  hit: CacheHit
  /** Bytes and files on disk in the cached part after the restore. */
  sizeBytes?: number
  files?: number
  /** Module versions present after the restore (module cache only). */
  versions?: number
  durationMs: number
  detail?: string
}

export interface CacheReport {
  mode: CacheMode
  save: CacheSave
  entries: CacheEntryReport[]
  warnings: string[]
  /** The go.sum / go.work.sum files the key was computed from (workspace-relative). */
  keyFiles: string[]
}

const HIT_TEXT: Record<CacheHit, string> = {
  exact: '✅ exact hit',
  partial: '🟡 partial hit',
  miss: '⚪ miss',
  unavailable: '⚪ no cache service',
  failed: '⚠️ failed',
  skipped: '⚪ skipped'
}

/** The job summary's cache section (markdown); empty when there is no cache data. */
export function renderCacheSection(report: { cache?: CacheReport }): string {
  const c = report.cache
  if (!c) return ''
  const lines = [
    '### Module cache',
    '',
    `Mode \`${c.mode}\`, save \`${c.save}\`` +
      (c.keyFiles.length > 0
        ? `, keyed on ${c.keyFiles.map((f) => `\`${f}\``).join(', ')}`
        : ''),
    '',
    '| Cache | Result | Size | Time | Key | Restored from |',
    '|---|---|---:|---:|---|---|'
  ]
  for (const e of c.entries) {
    // Nothing restored has no size: a dash, not "0 B (0 versions)".
    const size = e.sizeBytes
      ? figure(
          formatBytes(e.sizeBytes) +
            (e.versions !== undefined ? ` (${e.versions} versions)` : '')
        )
      : '—'
    lines.push(
      `| ${e.kind} | ${HIT_TEXT[e.hit]}${e.detail ? ': ' + cell(e.detail) : ''} | ${size} | ${figure(`${(e.durationMs / 1000).toFixed(1)} s`)} | \`${shortKey(e.key)}\` | ${e.matchedKey ? '`' + shortKey(e.matchedKey) + '`' : '—'} |`
    )
  }
  lines.push(
    '',
    ...fullKeysDetails(c.entries.flatMap((e) => [e.key, e.matchedKey ?? '']))
  )
  for (const w of c.warnings) lines.push('', `> [!WARNING]\n> ${inline(w)}`)
  return lines.join('\n') + '\n'
}
