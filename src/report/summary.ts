// The order of the job summary's sections, for main and post alike: the
// verdict first, then the answers in the order a person asks them (why this
// chain, what the downloads did, the cache), then the details folded. Each
// section is rendered by its feature from plain data; empty ones are skipped.
import { cell, inline } from '../base/markdown.js'
import { renderCacheSection } from '../cache/report.js'
import type { SaveResult } from '../cache/save.js'
import { renderSaveSection, saveVerdict } from '../cache/save-section.js'
import type { KeptProxyFile } from '../download/proxy/kept-config.js'
import {
  keptVerdict,
  renderKeptProxySection
} from '../download/proxy/kept-summary.js'
import { renderDownloadSection } from '../download/summary.js'
import { renderPrivacySection } from '../privacy/report.js'
import { renderProbeDetails, renderWhyChain } from '../selection/summary.js'
import {
  renderToolchainSection,
  toolchainHeadline
} from '../toolchain/report.js'
import type { RunReport } from './report.js'
import { verdictLine } from './verdict.js'

export { renderHeadlineText } from './verdict.js'

/** What post did: the kept proxy's record and the cache saves. */
export interface PostOutcome {
  kept?: KeptProxyFile
  saves: readonly SaveResult[]
}

/** A summary is main's (the run report) or post's. */
type SummaryInput = { main: RunReport } | { post: PostOutcome }

type Section = (s: SummaryInput) => string
const ofMain =
  (f: (r: RunReport) => string): Section =>
  (s) =>
    'main' in s ? f(s.main) : ''
const ofPost =
  (f: (p: PostOutcome) => string): Section =>
  (s) =>
    'post' in s ? f(s.post) : ''

const SECTIONS: Section[] = [
  verdict,
  ofMain(recap),
  ofMain(renderChainWarnings),
  ofMain((r) =>
    renderWhyChain({
      ...r,
      dropped: (r.downloads?.proxy?.mirrors ?? []).flatMap((m) =>
        m.dropped ? [{ url: m.url, ...m.dropped }] : []
      )
    })
  ),
  ofMain(renderDownloadSection),
  ofPost((p) => (p.kept ? renderKeptProxySection(p.kept) : '')),
  ofMain(renderCacheSection),
  ofPost((p) => renderSaveSection(p.saves)),
  ofMain((r) => renderToolchainSection(r.toolchain)),
  ofMain(renderPrivacySection),
  ofMain(renderProbeDetails),
  ofMain(renderEnvironment)
]

function render(input: SummaryInput): string {
  return SECTIONS.map((s) => s(input).trim())
    .filter(Boolean)
    .join('\n\n')
    .concat('\n')
}

/** Main's summary, from the run report. */
export const renderSummary = (main: RunReport) => render({ main })

/** Post's summary; '' when post had nothing to say. */
export function renderPostSummary(post: PostOutcome): string {
  const md = render({ post })
  return md.trim() ? md : ''
}

function verdict(s: SummaryInput): string {
  if ('main' in s) return `## setup-goproxy\n\n${verdictLine(s.main)}`
  const parts = [
    s.post.kept ? keptVerdict(s.post.kept) : '',
    saveVerdict(s.post.saves)
  ].filter(Boolean)
  if (parts.length === 0) return ''
  const status = parts.some((p) => p.startsWith('⚠️')) ? '⚠️' : '✅'
  return `## setup-goproxy (post)\n\n${status} ${parts.map((p) => p.replace(/^(✅|⚠️) /, '')).join('; ')}.`
}

// What was set up, under the verdict: the chain and the Go that runs it.
function recap(r: RunReport): string {
  const lines: string[] = []
  if (r.chain) lines.push(`GOPROXY \`${r.chain.goproxy}\``)
  const go = toolchainHeadline(r.toolchain)
  if (go) lines.push(go)
  return lines.join(' · ')
}

function renderChainWarnings(r: RunReport): string {
  return (r.chain?.warnings ?? [])
    .map((w) => `> [!WARNING]\n> ${w}`)
    .join('\n\n')
}

function renderEnvironment(r: RunReport): string {
  if (r.env.length === 0 && !r.effective?.length) return ''
  const lines: string[] = []
  // What go will really use is news; the table of what was exported is detail.
  if (r.effective?.length) {
    lines.push('**What go will really use differs:**')
    for (const f of r.effective) lines.push(`- ${f.name}: ${inline(f.message)}`)
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
