import { getExecOutput } from '@actions/exec'
import { Agent, request } from 'undici'
import { basicAuth, type Credential } from './credentials.js'
import { escapeModulePath } from './module-path.js'
import { matchesAnyPattern } from './patterns.js'

export type PreflightOutcome =
  'ok' | 'unauthorized' | 'forbidden' | 'not-found' | 'error' | 'skipped'

export interface PreflightCheck {
  /** The credential machine (host or host/path); never the token. */
  machine: string
  line: number
  kind: 'proxy' | 'git' | 'skipped'
  module?: string
  target?: string
  outcome: PreflightOutcome
  status?: number
  /** What is likely wrong, for the annotation. */
  message: string
}

const KNOWN_GIT_HOSTS = new Set(['github.com', 'gitlab.com', 'bitbucket.org'])

export interface PreflightPlanItem {
  cred: Credential
  kind: 'proxy' | 'git' | 'skipped'
  module?: string
  /** proxy: the `@v/list` URL; git: the repository root module path guess. */
  target?: string
  proxy?: string
}

/**
 * Picks one cheap check per credential: a private proxy's `@v/list` for a
 * required private module, or the repository of a required module on that
 * host for `git ls-remote`.
 */
export function planPreflight(
  creds: readonly Credential[],
  privateProxies: readonly string[],
  privatePatterns: readonly string[],
  required: readonly string[]
): PreflightPlanItem[] {
  const privateMods = required.filter((m) =>
    matchesAnyPattern(privatePatterns, m)
  )
  return creds.map((cred) => {
    const proxy = privateProxies.find((p) => {
      const u = new URL(p)
      const key = (u.host + u.pathname).replace(/\/+$/, '')
      return key === cred.machine || key.startsWith(cred.machine + '/')
    })
    if (proxy) {
      const module = privateMods[0]
      if (!module) return { cred, kind: 'skipped' as const, proxy }
      return {
        cred,
        kind: 'proxy' as const,
        module,
        proxy,
        target: `${proxy}/${escapeModulePath(module)}/@v/list`
      }
    }
    const module = required.find(
      (m) => m === cred.machine || m.startsWith(cred.machine + '/')
    )
    if (!module) return { cred, kind: 'skipped' as const }
    return { cred, kind: 'git' as const, module }
  })
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

function fromStatus(status: number): PreflightOutcome {
  if (status >= 200 && status < 300) return 'ok'
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  if (status === 404 || status === 410) return 'not-found'
  return 'error'
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

/** The go-import repository of a module path (`?go-get=1`), with credentials. */
async function repoRoot(
  module: string,
  cred: Credential,
  dispatcher: Agent,
  timeoutMs: number
): Promise<{ vcs: string; url: string } | PreflightOutcome> {
  const first = module.split('/')[0]
  if (KNOWN_GIT_HOSTS.has(first)) {
    return {
      vcs: 'git',
      url: 'https://' + module.split('/').slice(0, 3).join('/')
    }
  }
  const res = await request(`https://${module}?go-get=1`, {
    dispatcher,
    signal: AbortSignal.timeout(timeoutMs),
    headers: { authorization: `Basic ${basicAuth(cred)}` }
  })
  const body = await res.body.text()
  const metas = [
    ...body.matchAll(/<meta\s+name="go-import"\s+content="([^"]*)"/g)
  ]
    .map((m) => m[1].trim().split(/\s+/))
    .filter(
      (f) => f.length >= 3 && (module === f[0] || module.startsWith(f[0] + '/'))
    )
  if (metas.length === 0) {
    return res.statusCode >= 400 ? fromStatus(res.statusCode) : 'error'
  }
  return { vcs: metas[0][1], url: metas[0][2] }
}

/**
 * Runs the checks. Requests carry the credential explicitly (the same value
 * the netrc holds); `git ls-remote` reads the netrc itself, which is what the
 * go command's git will do.
 */
export async function runPreflight(
  items: readonly PreflightPlanItem[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 15000
): Promise<PreflightCheck[]> {
  const dispatcher = new Agent({
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs
  })
  const one = async (item: PreflightPlanItem): Promise<PreflightCheck> => {
    const base = {
      machine: item.cred.machine,
      line: item.cred.line,
      kind: item.kind,
      module: item.module
    }
    if (item.kind === 'skipped') {
      return { ...base, outcome: 'skipped', message: explain(item, 'skipped') }
    }
    try {
      let url = item.target
      if (item.kind === 'git') {
        const root = await repoRoot(
          item.module!,
          item.cred,
          dispatcher,
          timeoutMs
        )
        if (typeof root === 'string') {
          return {
            ...base,
            outcome: root,
            message: explain(item, root, 'no go-import meta tag')
          }
        }
        if (root.vcs === 'git') {
          const r = await getExecOutput(
            'git',
            ['ls-remote', '--heads', root.url],
            {
              env: {
                ...env,
                GIT_TERMINAL_PROMPT: '0',
                GCM_INTERACTIVE: 'never'
              } as Record<string, string>,
              ignoreReturnCode: true,
              silent: true
            }
          )
          const outcome = r.exitCode === 0 ? 'ok' : classifyGitError(r.stderr)
          return {
            ...base,
            target: root.url,
            outcome,
            message: explain(item, outcome, lastLine(r.stderr))
          }
        }
        if (root.vcs !== 'mod') {
          return {
            ...base,
            outcome: 'skipped',
            message: `${item.cred.machine}: ${root.vcs} repositories are not checked`
          }
        }
        url = `${root.url}/${escapeModulePath(item.module!)}/@v/list`
      }
      const res = await request(url!, {
        dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
        headers: { authorization: `Basic ${basicAuth(item.cred)}` }
      })
      await res.body.dump()
      const outcome = fromStatus(res.statusCode)
      return {
        ...base,
        target: url,
        status: res.statusCode,
        outcome,
        message: explain(item, outcome, `HTTP ${res.statusCode}`)
      }
    } catch (e) {
      const detail = (e as Error).message
      return {
        ...base,
        outcome: 'error',
        message: explain(item, 'error', detail)
      }
    }
  }
  try {
    return await Promise.all(items.map(one))
  } finally {
    await dispatcher.close()
  }
}

function lastLine(s: string): string {
  return s.trim().split(/\r?\n/).pop() ?? ''
}
