// The post step's section for the kept proxy: what the job's later go
// commands fetched through it, per mirror, with failed answers and hedges
// grouped by mirror and kind rather than listed file by file. Pure.
import { cell, formatBytes } from '../../base/markdown.js'
import type { KeptProxyFile } from './kept-config.js'
import { mirrorTable } from './summary.js'

/** Post's verdict on the kept proxy, a few words. */
export function keptVerdict(f: KeptProxyFile): string {
  const files = f.record.files
  const failed = files.filter((x) => x.status === 'failed').length
  const served = files.filter((x) => x.status === 'served').length
  return `${failed > 0 ? '⚠️' : '✅'} local proxy served ${served} of ${files.length} file${files.length === 1 ? '' : 's'} later go commands asked${failed > 0 ? `, ${failed} failed` : ''}`
}

export function renderKeptProxySection(f: KeptProxyFile): string {
  const files = f.record.files
  const served = files.filter((x) => x.status === 'served')
  const bytes = served.reduce((n, x) => n + (x.bytes ?? 0), 0)
  const hedged = files.filter((x) => x.hedges > 0).length
  const failed = files.filter((x) => x.status === 'failed').length
  const lines = [
    '### Local proxy for the rest of the job',
    '',
    `${files.length} file(s) asked by later go commands through ${f.url}: ${served.length} served (${formatBytes(bytes)}), ${files.filter((x) => x.status === 'not-found').length} not found, ${failed} failed, ${hedged} hedged. ${f.stopped ? `Stopped: ${cell(f.stopped)}.` : 'It had not recorded its stop.'}`
  ]
  if (files.length === 0) return lines.join('\n') + '\n'
  lines.push('', ...mirrorTable(f.record.mirrors))
  const notServed = files.filter((x) => x.status === 'failed')
  if (notServed.length > 0)
    lines.push(
      '',
      `Not served (go fell through to the chain): ${notServed
        .slice(0, 10)
        .map((x) => `\`${x.path}\``)
        .join(
          ', '
        )}${notServed.length > 10 ? ` and ${notServed.length - 10} more` : ''}.`
    )
  return lines.join('\n') + '\n'
}
