import { FAILURE_TEXT, groupBy, kindCount } from '../base/failure-kinds.js'
import { cell, formatBytes, formatMs } from '../base/markdown.js'
import { renderCacheSection } from '../cache/report.js'
import {
  renderDownloadHeadline,
  renderDownloadSection
} from '../download/summary.js'
import { renderPrivacySection } from '../privacy/report.js'
import type { MirrorProbe } from '../probe/result.js'
import type { RunReport } from './report.js'
import {
  renderToolchainSection,
  toolchainHeadline
} from '../toolchain/report.js'

type Section = (r: RunReport) => string

// Each part of the run renders its own section; empty strings are skipped.
// The headline comes first and stays a few lines: the chain, then what the
// downloads did; warnings follow, then the details.
const SECTIONS: Section[] = [
  renderHeadline,
  (r) => renderToolchainSection(r.toolchain),
  renderDownloadHeadline,
  renderDownloadsSkipped,
  renderChainWarnings,
  renderProbeTable,
  renderChain,
  renderDownloadSection,
  renderCacheSection,
  renderPrivacySection,
  renderEnvironment
]

export function renderSummary(report: RunReport): string {
  return SECTIONS.map((s) => s(report).trim())
    .filter(Boolean)
    .join('\n\n')
    .concat('\n')
}

/** The summary's gist as one log line, for runners without a job summary. */
export function renderHeadlineText(r: RunReport): string {
  const parts = [
    r.chain ? `GOPROXY=${r.chain.goproxy}` : 'no GOPROXY chain',
    r.chain && r.chain.firstMirror !== 'off'
      ? `first mirror ${r.chain.firstMirror}`
      : ''
  ]
  if (r.downloadsSkipped) parts.push(`prefetch skipped: ${r.downloadsSkipped}`)
  else if (r.downloads) {
    const fetched = r.downloads.modules.filter(
      (m) => m.status === 'downloaded'
    ).length
    parts.push(
      `${fetched} module version(s) fetched, ${r.downloads.failures.length} failure(s)`
    )
  }
  if (r.failure) parts.push(`failed: ${r.failure}`)
  return parts.filter(Boolean).join('; ')
}

function renderHeadline(r: RunReport): string {
  const lines = ['## setup-goproxy']
  if (r.chain) {
    lines.push(`**GOPROXY** \`${r.chain.goproxy}\``)
    const first = r.ranking?.find((x) => x.url === r.chain?.firstMirror)
    const probed = r.probe
      ? `${r.probe.mirrors.length} mirrors probed in ${formatMs(r.probe.durationMs)}`
      : ''
    const firstText =
      r.chain.firstMirror === 'direct'
        ? 'no usable mirror: public modules come from their origins'
        : r.chain.firstMirror === 'off'
          ? 'module downloads are off, as the job env says: no mirror probed'
          : `first mirror **${r.chain.firstMirror}**${first?.expectedMs !== undefined ? ` (expected ${formatMs(first.expectedMs)} for this project's downloads)` : ''}`
    lines.push([firstText, probed].filter(Boolean).join(' · '))
    const go = toolchainHeadline(r.toolchain)
    if (go) lines.push(go)
  }
  if (r.failure) lines.push(`❌ **The step failed:** ${cell(r.failure)}`)
  return lines.join('\n\n')
}

function renderChainWarnings(r: RunReport): string {
  return (r.chain?.warnings ?? [])
    .map((w) => `> [!WARNING]\n> ${w}`)
    .join('\n\n')
}

function renderDownloadsSkipped(r: RunReport): string {
  return r.downloadsSkipped
    ? `⚠️ **Downloads:** the module prefetch was skipped: ${r.downloadsSkipped}.`
    : ''
}

function ms(v: number | undefined): string {
  return v === undefined ? '–' : `${Math.round(v)}`
}

function throughput(p: MirrorProbe): string {
  const b = p.timings.throughputBps
  if (b === undefined) return '–'
  if (b > 1e9) return 'not limiting'
  return `${formatBytes(b)}/s`
}

function renderProbeTable(r: RunReport): string {
  if (!r.probe) return ''
  const rank = new Map((r.ranking ?? []).map((x) => [x.url, x]))
  const rows = [...r.probe.mirrors].sort(
    (a, b) =>
      (rank.get(a.url)?.position ?? 99) - (rank.get(b.url)?.position ?? 99)
  )
  const lines = [
    '### Mirrors',
    `Timed with ${r.probe.modules.length} module versions from ${r.probe.source}: ${r.probe.modules.map((m) => `\`${m.path}@${m.version}\``).join(', ')}${r.probe.freshnessChecked > 0 ? `; ${r.probe.freshnessChecked} more checked for presence` : ''}`,
    '',
    '| # | Mirror | Verdict | Fresh | TTFB ms (median) | DNS / connect / TLS ms | Throughput | Expected | sumdb |',
    '|---|---|---|---|---|---|---|---|---|'
  ]
  for (const p of rows) {
    const k = rank.get(p.url)
    const verdict = k
      ? k.tier === 'failed'
        ? `❌ ${cell(k.reasons[0] ?? 'failed')}`
        : k.tier === 'healthy'
          ? '✅ healthy'
          : `⚠️ ${cell(k.reasons[0] ?? 'degraded')}`
      : ''
    lines.push(
      `| ${k?.position ?? '–'} | ${cell(p.url)} | ${verdict} | ${p.found}/${p.sampled} | ${ms(p.timings.ttfbMs)} | ${ms(p.timings.dnsMs)} / ${ms(p.timings.connectMs)} / ${ms(p.timings.tlsMs)} | ${throughput(p)} | ${k?.expectedMs !== undefined ? formatMs(k.expectedMs) : '–'} | ${p.sumdbSupported ?? p.sumdbError ?? '–'} |`
    )
  }
  const failing = r.probe.mirrors.filter((p) => p.failures.length > 0)
  if (failing.length > 0) {
    const count = failing.reduce((n, p) => n + p.failures.length, 0)
    lines.push(
      '',
      `<details><summary>Probe failures (${count} on ${failing.length} mirror${failing.length === 1 ? '' : 's'})</summary>`,
      ''
    )
    for (const p of failing) lines.push(...probeFailureLines(p))
    lines.push('', '</details>')
  }
  return lines.join('\n')
}

// One line per mirror and kind: a dead mirror fails every request the same
// way, and one example with its count says it all.
function probeFailureLines(p: MirrorProbe): string[] {
  return groupBy(p.failures, (f) => f.kind).map((group) => {
    const f = group[0]
    const retry =
      f.retryAfterSec !== undefined ? ` (Retry-After ${f.retryAfterSec} s)` : ''
    const example = group.length > 1 ? 'e.g. ' : ''
    return `- ${cell(p.url)}: **${kindCount(f.kind, group.length)}**, ${FAILURE_TEXT[f.kind]}; ${example}\`${cell(f.request)}\`: ${cell(f.detail)}${retry}`
  })
}

function renderChain(r: RunReport): string {
  if (!r.chain) return ''
  const lines = ['### Why this chain']
  r.chain.entries.forEach((e, i) =>
    lines.push(`${i + 1}. \`${e.url}\`: ${e.reason}`)
  )
  if (r.chain.leftOut.length > 0) {
    lines.push('', 'Left out:')
    for (const l of r.chain.leftOut)
      lines.push(`- \`${l.url}\`: ${cell(l.reason)}`)
  }
  return lines.join('\n')
}

function renderEnvironment(r: RunReport): string {
  if (r.env.length === 0 && !r.effective?.length) return ''
  const lines = ['### Exported environment', '']
  // What go will really use is news; the table of what was exported is detail.
  if (r.effective?.length) {
    lines.push('**What go will really use differs:**')
    for (const f of r.effective) lines.push(`- ${f.name}: ${cell(f.message)}`)
    lines.push('')
  }
  if (r.env.length > 0) {
    lines.push(
      `<details><summary>${r.env.length} variable${r.env.length === 1 ? '' : 's'} exported, and why</summary>`,
      '',
      '| Variable | Value | Why |',
      '|---|---|---|'
    )
    for (const e of r.env)
      lines.push(`| ${e.name} | \`${cell(e.value)}\` | ${cell(e.reason)} |`)
    lines.push('', '</details>')
  }
  return lines.join('\n')
}
