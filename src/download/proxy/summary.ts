// The local proxy's part of the downloads section: per mirror what it served,
// what failed, whether the breaker dropped it, and every file a mirror served
// with wrong bits, named with the module and where it came from instead.
import { cell, formatBytes, formatMs } from '../../base/markdown.js'
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
    '',
    ...mirrorTable(p.mirrors)
  ]
  lines.push('')
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
        `> [!WARNING]\n> ${cell(x.mirror)} served ${label} for ${what}: ${cell(x.detail)}; ${instead}.`,
        ''
      )
    }
  }
  for (const m of p.mirrors.filter((x) => x.dropped))
    lines.push(
      `> [!WARNING]\n> ${cell(m.url)} was dropped for the rest of the run at ${formatMs(m.dropped!.atMs)}: ${cell(m.dropped!.why)}.`,
      ''
    )
  return lines
}

/** Per mirror: files and bytes served, hedges won, failed answers by kind, when the breaker dropped it. */
export function mirrorTable(mirrors: readonly MirrorRecord[]): string[] {
  return [
    '| Mirror | Files served | Bytes | Won by a hedge | Failed answers | Dropped |',
    '|---|---:|---:|---:|---|---|',
    ...mirrors.map((m) => {
      const failures = Object.entries(m.failures)
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ')
      const dropped = m.dropped
        ? `at ${formatMs(m.dropped.atMs)}: ${m.dropped.why}`
        : ''
      return `| ${cell(m.url)} | ${m.files} | ${formatBytes(m.bytes)} | ${m.hedgesWon} | ${cell(failures)} | ${cell(dropped)} |`
    })
  ]
}
