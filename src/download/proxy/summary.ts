// The local proxy's part of the downloads section: what it prefetched, and
// every file a mirror served with wrong bits, named with the module and where
// it came from instead (per mirror figures are in the sources table). Also
// the per-mirror table the kept proxy's section shows.
import {
  cell,
  formatBytes,
  formatMs,
  inline,
  figure
} from '../../base/markdown.js'
import type { DownloadsReport } from '../downloads-report.js'
import type { MirrorRecord } from './record.js'

const KIND_LABEL: Record<string, string> = {
  checksum: 'wrong bits (hash differs from go.sum)',
  garbage: 'not protocol content'
}

export function renderProxySection(d: DownloadsReport): string[] {
  const p = d.proxy
  if (!p) return []
  const served = p.files.filter((f) => f.status === 'served')
  const hedged = p.files.filter((f) => f.hedges > 0).length
  const verified = served.filter((f) => f.verified).length
  const lines = [
    `Prefetched into the module cache: ${p.planned} file(s) that go mod download reads were missing, ${served.length} fetched (${verified} verified against go.sum), ${p.concurrency} at once, ${hedged} hedged.`,
    ''
  ]
  for (const f of p.files) {
    for (const x of f.failures) {
      const label = KIND_LABEL[x.kind]
      if (!label) continue
      const what = f.module
        ? `\`${f.module}@${f.version ?? ''}\` (.${f.kind})`
        : `\`${f.path}\``
      const instead =
        f.status === 'served' && f.mirror
          ? `served from ${f.mirror} instead`
          : 'no other mirror had it'
      lines.push(
        `> [!WARNING]\n> ${x.mirror} served ${label} for ${what}: ${inline(x.detail)}; ${instead}.`,
        ''
      )
    }
  }
  return lines
}

/** Per mirror: files and bytes served, hedges won, failed answers by kind, when the breaker dropped it. */
export function mirrorTable(mirrors: readonly MirrorRecord[]): string[] {
  return [
    '| Mirror | Files served | Bytes | Won by a hedge | Failed answers | Dropped |',
    '|---|---:|---:|---:|---|---|',
    // A mirror that served nothing and never failed has nothing to say.
    ...mirrors
      .filter(
        (m) => m.files > 0 || m.dropped || Object.keys(m.failures).length > 0
      )
      .map((m) => {
        const failures = Object.entries(m.failures)
          .map(([k, n]) => `${k} ×${n}`)
          .join(', ')
        const dropped = m.dropped
          ? `at ${formatMs(m.dropped.atMs)}: ${m.dropped.why}`
          : ''
        return `| ${cell(m.url)} | ${m.files} | ${figure(formatBytes(m.bytes))} | ${m.hedgesWon} | ${cell(failures)} | ${cell(dropped)} |`
      })
  ]
}
