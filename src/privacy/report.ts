import { cell } from '../base/markdown.js'
import type { PatternRoute } from './plan-env.js'
import type { PreflightCheck } from './preflight-plan.js'
import type { ProxySumdbCheck } from '../sumdb/proxy-route.js'

/** The private-module part of the run report. Never holds a token. */
export interface PrivacyReport {
  routes: PatternRoute[]
  /** Credential machines (host or host/path) with the login used. */
  credentialHosts: { machine: string; login: string }[]
  netrcFiles: { path: string; readBy: string }[]
  gitRewrites: { from: string; to: string }[]
  sumdb?: {
    effective: string
    reason: string
    /** What the GOPROXY entries answered to `/sumdb/<name>/supported`, in go's order. */
    proxyChecks?: ProxySumdbCheck[]
  }
  preflight: PreflightCheck[]
  warnings: string[]
  /** private-strict: GOPROXY holds no public mirror. */
  strict?: boolean
}

const FETCH = {
  direct: 'direct (origin server, git)',
  'private-proxy': 'private-proxy',
  goproxy: 'GOPROXY chain'
} as const

const SUMDB_VERDICT = {
  serves: 'checksum lookups go through this proxy',
  passes: 'go asks the next GOPROXY entry',
  'falls-through':
    'go asks the next GOPROXY entry ("|"), keeping this error unless a later entry serves the database or the list reaches `direct`',
  breaks: '❌ checksum verification fails for the whole run'
} as const

/** Markdown section of the job summary for private modules. */
export function renderPrivacySection(report: {
  privacy?: PrivacyReport
}): string {
  const p = report.privacy
  if (!p) return ''
  const out: string[] = ['### Private modules', '']
  if (p.routes.length > 0) {
    out.push(
      '| Pattern | Fetched from | Checksum database | Insecure |',
      '| --- | --- | --- | --- |',
      ...p.routes.map(
        (r) =>
          `| \`${cell(r.pattern)}\` | ${FETCH[r.fetch]} | ${r.checksumDb ? 'checked' : 'skipped'} | ${r.insecure ? 'yes' : 'no'} |`
      ),
      ''
    )
    if (p.routes.some((r) => r.fetch === 'private-proxy')) {
      out.push(
        p.strict
          ? 'private-strict: GOPROXY holds only the private proxies (and `direct`), so no private path reaches a public mirror; public modules come through the private proxy too.'
          : 'Private modules go to the private proxy first. Its 401/403 is final, but when it answers 404 or 410 for a private path, go asks the next GOPROXY entries, the public mirrors, for that path: ' +
              'a private proxy should answer 403 for private paths it does not serve, or set `private-strict: true` to keep public mirrors out of GOPROXY.',
        ''
      )
    }
  } else {
    out.push(
      'No private patterns: every module may go to the public mirrors.',
      ''
    )
  }
  if (p.sumdb) {
    out.push(
      `Checksum database: \`${cell(p.sumdb.effective)}\` (${cell(p.sumdb.reason)})`,
      ''
    )
    for (const c of p.sumdb.proxyChecks ?? []) {
      out.push(
        `- \`${cell(c.url)}\`: ${c.status ?? cell(c.error ?? '')} → ${SUMDB_VERDICT[c.verdict]}`
      )
    }
    if (p.sumdb.proxyChecks?.length) out.push('')
  }
  if (p.credentialHosts.length > 0) {
    out.push(
      `Credentials (tokens masked) for: ${p.credentialHosts.map((c) => `\`${cell(c.machine)}\` as \`${cell(c.login)}\``).join(', ')}`,
      `written to ${p.netrcFiles.map((f) => `\`${cell(f.path)}\` (${f.readBy})`).join(', ')}; restored by the post step.`,
      ''
    )
  }
  if (p.gitRewrites.length > 0) {
    out.push(
      'Git rewrites for this job: ' +
        p.gitRewrites
          .map((r) => `\`${cell(r.from)}\` → \`${cell(r.to)}\``)
          .join(', '),
      ''
    )
  }
  if (p.preflight.length > 0) {
    out.push(
      '| Credential host | Check | Result |',
      '| --- | --- | --- |',
      ...p.preflight.map(
        (c) =>
          `| \`${cell(c.machine)}\` | ${c.kind === 'skipped' ? '—' : `${c.kind}${c.module ? ` \`${cell(c.module)}\`` : ''}`} | ${c.outcome === 'ok' ? '✅ ok' : c.outcome === 'skipped' ? 'not checked' : `❌ ${cell(c.message)}`} |`
      ),
      ''
    )
  }
  for (const w of p.warnings) out.push(`> ⚠️ ${cell(w)}`, '')
  return out.join('\n')
}
