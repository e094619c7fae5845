import { credentialForUrl, type Credential } from './credentials.js'
import type { FailureKind } from '../base/failure-kinds.js'
import { classifyStatus } from '../base/http-status.js'
import { escapeModulePath } from '../gomod/module-path.js'
import { matchesAnyPattern } from './patterns.js'

// Which cheap check each credential gets, and what its answer means: pure,
// so the plan and the wording are tested without a network.

/** Why a check failed: 401 and 403 stay apart, since their advice differs. */
export type PreflightFailure =
  'unauthorized' | 'forbidden' | 'not-found' | 'error'

export type PreflightOutcome = 'ok' | 'skipped' | PreflightFailure

/** Each failure in the run's vocabulary, as the report names it. */
const PREFLIGHT_KIND: Record<PreflightFailure, FailureKind> = {
  unauthorized: 'auth',
  forbidden: 'auth',
  'not-found': 'missing',
  error: 'other'
}

export interface PreflightCheck {
  /** The credential machine (host or host/path); never the token. */
  machine: string
  line: number
  kind: 'proxy' | 'git' | 'skipped'
  module?: string
  target?: string
  outcome: PreflightOutcome
  /** A failed check's kind in the run's vocabulary (PREFLIGHT_KIND). */
  failure?: FailureKind
  status?: number
  /** What is likely wrong, for the annotation. */
  message: string
}

/** The check with its failure, if any, named in the run's vocabulary. */
export function withFailureKind(c: PreflightCheck): PreflightCheck {
  if (c.outcome === 'ok' || c.outcome === 'skipped') return c
  return { ...c, failure: PREFLIGHT_KIND[c.outcome] }
}

export const KNOWN_GIT_HOSTS = new Set([
  'github.com',
  'gitlab.com',
  'bitbucket.org'
])

export interface PreflightPlanItem {
  cred: Credential
  kind: 'proxy' | 'git' | 'skipped'
  module?: string
  /** proxy: the `@v/list` URL. */
  target?: string
  proxy?: string
}

export const goGetUrl = (module: string) => `https://${module}?go-get=1`
export const listUrl = (base: string, module: string) =>
  `${base.replace(/\/+$/, '')}/${escapeModulePath(module)}/@v/list`

/**
 * Picks one cheap check per credential: a private proxy's `@v/list` for a
 * required private module, or the repository of a required module on that
 * host for `git ls-remote`. A credential is used for a URL only when go
 * would send it there (https, host, port and path prefix).
 */
export function planPreflight(
  creds: readonly Credential[],
  privateProxies: readonly string[],
  privatePatterns: readonly string[],
  required: readonly string[]
): PreflightPlanItem[] {
  const privateMod = required.find((m) => matchesAnyPattern(privatePatterns, m))
  const usedFor = (url: string) => credentialForUrl(creds, url)
  return creds.map((cred) => {
    const proxy = privateProxies.find(
      (p) => usedFor(privateMod ? listUrl(p, privateMod) : p) === cred
    )
    if (proxy) {
      if (!privateMod) return { cred, kind: 'skipped' as const, proxy }
      return {
        cred,
        kind: 'proxy' as const,
        module: privateMod,
        proxy,
        target: listUrl(proxy, privateMod)
      }
    }
    const module = required.find((m) => usedFor(goGetUrl(m)) === cred)
    if (!module) return { cred, kind: 'skipped' as const }
    return { cred, kind: 'git' as const, module }
  })
}

/**
 * Warnings for plain-http private proxies on a credential's host: go sends
 * credentials only over https, so neither go nor the preflight sends them.
 */
export function insecureProxyWarnings(
  creds: readonly Credential[],
  privateProxies: readonly string[]
): string[] {
  const out: string[] = []
  for (const p of privateProxies) {
    const u = new URL(p)
    if (u.protocol !== 'http:') continue
    for (const c of creds) {
      if (hostWithoutPort(c.host) !== u.hostname.toLowerCase()) continue
      out.push(
        `private-proxy ${p} is plain http: go never sends credentials over http, so the credentials for ${c.machine} (credentials line ${c.line}) will not reach it, from go or from this action's check. Serve the proxy over https, or drop the credentials if it needs none.`
      )
    }
  }
  return out
}

function hostWithoutPort(host: string): string {
  return host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1')
}

/** Turns a status into the likely cause, naming host and module. */
export function explain(
  item: PreflightPlanItem,
  outcome: PreflightOutcome,
  detail = ''
): string {
  const who = `${item.cred.machine} (credentials line ${item.cred.line})`
  const mod = item.module ? ` for ${item.module}` : ''
  switch (outcome) {
    case 'ok':
      return `${who}: credentials accepted${mod}`
    case 'unauthorized':
      return `${who} rejected the credentials${mod} (401): the token is wrong, expired or revoked, or the login does not belong to it`
    case 'forbidden':
      return `${who} refused access${mod} (403): the token lacks the scope to read it (e.g. repo / read_api / read:packages) or is not authorized for the organization's SSO`
    case 'not-found':
      if (item.kind === 'proxy') {
        return `${who} answered "not found" (${detail || '404/410'})${mod}: go then asks the next GOPROXY entries, the public mirrors, for this private module path, which leaks it (and they cannot serve it either). Check that the proxy serves this module and that the token can read it; a private proxy should answer 403, not 404 or 410, for private paths it does not serve, so that go stops there`
      }
      return `${who} answered "not found"${mod}: hosts such as GitHub hide private repositories the token cannot read, so check the token's access and SSO authorization, then the module path`
    case 'skipped':
      return `${who}: no required module on this host to check`
    default:
      return `${who}: the check${mod} failed: ${detail}`
  }
}

export function fromStatus(status: number): PreflightOutcome {
  const kind = classifyStatus(status)
  if (kind === undefined) return 'ok'
  if (kind === 'auth') return status === 401 ? 'unauthorized' : 'forbidden'
  return kind === 'missing' ? 'not-found' : 'error'
}

/** Classifies `git ls-remote` failures from git's own messages. */
export function classifyGitError(stderr: string): PreflightOutcome {
  if (
    /\b401\b|Authentication failed|could not read (Username|Password)|terminal prompts disabled/i.test(
      stderr
    )
  ) {
    return 'unauthorized'
  }
  if (/\b403\b/.test(stderr)) return 'forbidden'
  if (/\b404\b|not found/i.test(stderr)) return 'not-found'
  return 'error'
}
