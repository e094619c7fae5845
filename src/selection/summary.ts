// The summary's answer to "why this chain": every candidate mirror with its
// place in GOPROXY and the reason in words, the expected times drawn to
// scale when there are enough mirrors to compare, and the probe's figures
// folded away. Plain data in, Markdown out.
import { FAILURE_TEXT, groupBy, kindCount } from '../base/failure-kinds.js'
import {
  cell,
  formatBytes,
  formatMs,
  inline,
  figure,
  scaleBar
} from '../base/markdown.js'
import type { ModuleVersion } from '../gomod/module-path.js'
import type { MirrorProbe } from '../probe/result.js'
import type { ChainResult } from './chain.js'
import { isOrderingReason, type MirrorRanking } from './rank.js'

export interface ChainSummaryData {
  probe?: {
    modules: ModuleVersion[]
    freshnessChecked: number
    source: string
    durationMs: number
    mirrors: MirrorProbe[]
  }
  ranking?: MirrorRanking[]
  chain?: ChainResult
  /** Mirrors the prefetch stopped asking, with when and why. */
  dropped?: { url: string; atMs: number; why: string }[]
}

/** A mirror URL without its scheme, for prose and table cells. */
export function mirrorLabel(url: string): string {
  return url.replace(/^https?:\/\//, '')
}

/** Versions the probe looked for on a mirror: all, unless it was cut short. */
function checkedCount(p: MirrorProbe): number {
  return p.cutShort
    ? Math.min(p.sampled, p.found + p.missing.length)
    : p.sampled
}

/** Found versions, saying which were never checked on a mirror cut short. */
function freshText(p: MirrorProbe): string {
  const checked = checkedCount(p)
  if (p.sampled === 0) return '—'
  return checked < p.sampled
    ? `${p.found} of ${checked} (${p.sampled - checked} not checked)`
    : `${p.found} of ${p.sampled}`
}

// "rate-limited ×5: 429 for the zip" → "rate-limited (×5: 429 for the zip)".
function reasonWords(reason: string): string {
  const m = /^([a-z-]+)( ×\d+)?: (.*)$/.exec(reason)
  if (!m || !(m[1] in FAILURE_TEXT)) return reason
  return `${m[1]}${m[2] ?? ''} (${m[3]})`
}

/** Why a mirror sits where it does, in words. */
function whyMirror(
  d: ChainSummaryData,
  k: MirrorRanking,
  p: MirrorProbe | undefined,
  leftOutReason: string | undefined
): string {
  const words: string[] = []
  if (k.tier === 'failed')
    words.push(`failed its probe: ${reasonWords(k.reasons[0] ?? 'no answer')}`)
  else {
    words.push(k.tier)
    for (const r of k.reasons)
      if (r.startsWith('stale'))
        words.push(`${r}, so it ranks after the fresh mirrors`)
      else if (r === 'probe stopped before it finished') continue
      // How its time was estimated or a tie broken matters only to a
      // mirror in the chain; the JSON report keeps them for the others.
      else if (leftOutReason && isOrderingReason(r)) continue
      else words.push(reasonWords(r))
    if (p?.cutShort && checkedCount(p) < p.sampled)
      words.push(
        `cut short: the probe stopped once it could no longer come first, ${p.sampled - checkedCount(p)} versions not checked`
      )
    if (leftOutReason?.startsWith('ranked'))
      words.push(`usable, but ${leftOutReason}`)
    else if (leftOutReason) words.push(leftOutReason)
  }
  const dropped = d.dropped?.find((x) => x.url === k.url)
  if (dropped && !leftOutReason?.includes('dropped'))
    words.push(
      `dropped during the prefetch at ${formatMs(dropped.atMs)}: ${dropped.why}`
    )
  return words.join('; ')
}

const ORDINAL = (n: number) =>
  `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`

/** "Why this chain": one row per chain entry, then the mirrors left out. */
export function renderWhyChain(d: ChainSummaryData): string {
  const c = d.chain
  if (!c) return ''
  const rank = new Map((d.ranking ?? []).map((x) => [x.url, x]))
  const probes = new Map((d.probe?.mirrors ?? []).map((x) => [x.url, x]))
  const rows: { place: string; mirror: string; ms?: number; why: string }[] = []
  c.entries.forEach((e, i) => {
    const k = rank.get(e.url)
    rows.push({
      place: ORDINAL(i + 1),
      mirror: e.role === 'direct' ? 'direct' : mirrorLabel(e.url),
      ms: k?.expectedMs,
      why:
        e.role === 'private'
          ? 'private proxy: asked first, and its refusals are final'
          : e.role === 'direct'
            ? "direct: what no mirror has comes from the module's origin"
            : k
              ? whyMirror(d, k, probes.get(e.url), undefined)
              : e.reason
    })
  })
  for (const l of c.leftOut) {
    const k = rank.get(l.url)
    rows.push({
      place: 'left out',
      mirror: mirrorLabel(l.url),
      ms: k?.expectedMs,
      why: k ? whyMirror(d, k, probes.get(l.url), l.reason) : l.reason
    })
  }
  // Three or more times are where bars compare faster than the figures;
  // fewer read at a glance.
  const timed = rows.flatMap((r) => (r.ms === undefined ? [] : [r.ms]))
  const max = timed.length >= 3 ? Math.max(...timed) : undefined
  const lines = [
    '### Why this chain',
    '',
    max === undefined
      ? '| In GOPROXY | Mirror | Expected time | Why |'
      : '| In GOPROXY | Mirror | Expected time | To scale | Why |',
    max === undefined ? '|---|---|---:|---|' : '|---|---|---:|---|---|'
  ]
  for (const r of rows) {
    const time = r.ms === undefined ? '—' : figure(formatMs(r.ms))
    const bar = max === undefined ? [] : [scaleBar(r.ms ?? 0, max)]
    lines.push(
      `| ${[r.place, cell(r.mirror), time, ...bar, cell(r.why)].join(' | ')} |`
    )
  }
  return lines.join('\n')
}

function throughput(p: MirrorProbe): string {
  const b = p.timings.throughputBps
  if (b === undefined) return '—'
  if (b > 1e9) return 'not limiting'
  return figure(`${formatBytes(b)}/s`)
}

/** The probe's figures per mirror, folded: for whoever asks how it was judged. */
export function renderProbeDetails(d: ChainSummaryData): string {
  const probe = d.probe
  if (!probe) return ''
  const rank = new Map((d.ranking ?? []).map((x) => [x.url, x]))
  const rows = [...probe.mirrors].sort(
    (a, b) =>
      (rank.get(a.url)?.position ?? 99) - (rank.get(b.url)?.position ?? 99)
  )
  const lines = [
    `<details><summary>Probe: ${probe.mirrors.length} mirrors in ${formatMs(probe.durationMs)}</summary>`,
    '',
    `Timed with ${probe.modules.length} module versions from ${probe.source}: ${probe.modules.map((m) => `\`${m.path}@${m.version}\``).join(', ')}${probe.freshnessChecked > 0 ? `; ${probe.freshnessChecked} more checked for presence` : ''}.`,
    '',
    '| Mirror | Versions found | First byte (median) | Throughput | Checksum database |',
    '|---|---|---:|---:|---|'
  ]
  for (const p of rows)
    lines.push(
      `| ${cell(mirrorLabel(p.url))} | ${freshText(p)} | ${p.timings.ttfbMs !== undefined ? figure(formatMs(p.timings.ttfbMs)) : '—'} | ${throughput(p)} | ${p.sumdbSupported === undefined ? (p.sumdbError ?? '—') : p.sumdbSupported === 200 ? 'proxied' : `not proxied (${p.sumdbSupported})`} |`
    )
  const failing = probe.mirrors.filter((p) => p.failures.length > 0)
  if (failing.length > 0) {
    lines.push('', 'What failed:', '')
    for (const p of failing) lines.push(...probeFailureLines(p))
  }
  lines.push('', '</details>')
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
    return `- ${p.url}: **${kindCount(f.kind, group.length)}**, ${FAILURE_TEXT[f.kind]}; ${example}\`${f.request}\`: ${inline(f.detail)}${retry}`
  })
}
