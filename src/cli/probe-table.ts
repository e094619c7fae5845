// The ranking as a terminal table, and the chain it leads to.
import type { RunReport } from '../report/report.js'
import { colours } from './colour.js'

export function probeTable(
  report: RunReport,
  stream: NodeJS.WriteStream
): string {
  const c = colours(stream)
  const probes = new Map((report.probe?.mirrors ?? []).map((m) => [m.url, m]))
  const rows = (report.ranking ?? []).map((r) => {
    const ttfb = probes.get(r.url)?.timings.ttfbMs
    return [
      r.position === undefined ? '–' : String(r.position),
      r.tier,
      `${r.found}/${r.sampled}`,
      ttfb === undefined ? '–' : `${ttfb.toFixed(0)} ms`,
      r.expectedMs === undefined ? '–' : `${r.expectedMs.toFixed(0)} ms`,
      r.url,
      r.reasons.join('; ')
    ]
  })
  const header = ['#', 'tier', 'found', 'ttfb', 'expected', 'mirror', 'why']
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length))
  )
  // The last column runs free: reasons are long and need no alignment.
  const line = (cells: string[]) =>
    cells
      .map((s, i) => (i < cells.length - 1 ? s.padEnd(widths[i]) : s))
      .join('  ')
      .trimEnd()
  const tint = (tier: string) =>
    tier === 'failed' ? c.red : tier === 'healthy' ? c.green : c.yellow
  const out = [c.bold(line(header)), ...rows.map((r) => tint(r[1])(line(r)))]
  const p = report.probe
  if (p) {
    out.push(
      '',
      c.dim(
        `${p.modules.length} modules from ${p.source} probed in ${(p.durationMs / 1000).toFixed(1)} s`
      )
    )
  }
  if (report.chain) {
    out.push('', `${c.bold('GOPROXY')}=${report.chain.goproxy}`)
    for (const e of report.chain.entries) out.push(`  ${e.url}: ${e.reason}`)
    for (const l of report.chain.leftOut)
      out.push(c.dim(`  left out ${l.url}: ${l.reason}`))
  }
  return out.join('\n')
}
