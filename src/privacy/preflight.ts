import {
  boundedGet,
  DeadlineError,
  type BoundedResponse
} from '../net/bounded-get.js'
import { basicAuth, credentialForUrl, type Credential } from './credentials.js'
import { lsRemote } from './git-ls-remote.js'
import { matchGoImport, parseGoImports, repoUrlProblem } from './go-import.js'
import { escapeModulePath } from '../gomod/module-path.js'
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

// A go-import page needs only its <head>; anything past this is not read.
const MAX_PAGE_BYTES = 1 << 20

export interface PreflightPlanItem {
  cred: Credential
  kind: 'proxy' | 'git' | 'skipped'
  module?: string
  /** proxy: the `@v/list` URL. */
  target?: string
  proxy?: string
}

const goGetUrl = (module: string) => `https://${module}?go-get=1`
const listUrl = (base: string, module: string) =>
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

type Check = Omit<PreflightCheck, 'machine' | 'line' | 'kind' | 'module'>

/** When a check must be done by, and its length for messages. */
interface Deadline {
  at: number
  seconds: number
}

/** An Authorization header when go would send a credential to `url`. */
function authFor(
  creds: readonly Credential[],
  url: string
): Record<string, string> {
  const c = credentialForUrl(creds, url)
  return c ? { authorization: `Basic ${basicAuth(c)}` } : {}
}

/** A URL from a page, quoted and shortened for a message. */
function quoted(url: string): string {
  return JSON.stringify(url.length > 200 ? url.slice(0, 200) + '…' : url)
}

/** A GET within the deadline; a failure names the URL. */
async function get(
  url: string,
  creds: readonly Credential[],
  deadline: Deadline,
  maxBytes: number
): Promise<BoundedResponse> {
  try {
    return await boundedGet(url, {
      headers: authFor(creds, url),
      deadlineMs: deadline.at - Date.now(),
      maxBytes
    })
  } catch (e) {
    // undici's own connect timeout may fire a moment before the deadline.
    const timedOut =
      e instanceof DeadlineError || /timeout/i.test((e as Error).name)
    throw new Error(
      `${url}: ${timedOut ? `no complete answer within ${deadline.seconds} s` : (e as Error).message}`,
      { cause: e }
    )
  }
}

async function checkList(
  item: PreflightPlanItem,
  url: string,
  creds: readonly Credential[],
  deadline: Deadline
): Promise<Check> {
  const res = await get(url, creds, deadline, 0)
  const outcome = fromStatus(res.status)
  return {
    target: url,
    status: res.status,
    outcome,
    message: explain(item, outcome, `HTTP ${res.status}`)
  }
}

/**
 * Finds the module's repository as go does (known hosts, else the
 * go-import tag of its `?go-get=1` page) and checks it: `git ls-remote`
 * for git, `@v/list` for a `mod` proxy. The page is the server's to write,
 * so its URL must be plain https before anything is sent to it.
 */
async function checkRepository(
  item: PreflightPlanItem,
  creds: readonly Credential[],
  env: NodeJS.ProcessEnv,
  deadline: Deadline
): Promise<Check> {
  const module = item.module!
  const who = `${item.cred.machine} (credentials line ${item.cred.line})`
  let vcs = 'git'
  let repo = 'https://' + module.split('/').slice(0, 3).join('/')
  if (!KNOWN_GIT_HOSTS.has(module.split('/')[0])) {
    const page = goGetUrl(module)
    const res = await get(page, creds, deadline, MAX_PAGE_BYTES)
    const imports = parseGoImports(res.body)
    if (imports.length === 0) {
      const outcome = res.status >= 400 ? fromStatus(res.status) : 'error'
      return {
        outcome,
        status: res.status,
        message: explain(item, outcome, `no go-import meta tag at ${page}`)
      }
    }
    const found = matchGoImport(imports, module)
    if (typeof found === 'string') {
      return { outcome: 'error', message: explain(item, 'error', found) }
    }
    vcs = found.vcs
    repo = found.repoRoot
  }
  if (vcs !== 'git' && vcs !== 'mod') {
    const known = ['hg', 'svn', 'bzr', 'fossil'].includes(vcs)
    return {
      outcome: known ? 'skipped' : 'error',
      message: known
        ? `${who}: ${vcs} repositories are not checked`
        : explain(
            item,
            'error',
            `the go-import tag names an unknown VCS ${quoted(vcs)}`
          )
    }
  }
  if (vcs === 'git' && /^(git\+)?ssh:\/\/[^-]/i.test(repo)) {
    return {
      outcome: 'skipped',
      message: `${who}: ${module} is fetched over ssh, which does not use these credentials; not checked`
    }
  }
  const problem = repoUrlProblem(repo)
  if (problem !== undefined) {
    return {
      outcome: 'error',
      message: explain(
        item,
        'error',
        `the go-import tag names ${vcs} ${quoted(repo)}, which is ${problem}; nothing was sent to it`
      )
    }
  }
  if (vcs === 'mod')
    return checkList(item, listUrl(repo, module), creds, deadline)
  const r = await lsRemote(repo, env, deadline.at - Date.now())
  const outcome = r.code === 0 ? 'ok' : classifyGitError(r.stderr)
  const detail = r.timedOut
    ? `git ls-remote ${repo} did not finish within ${deadline.seconds} s`
    : lastLine(r.stderr)
  return {
    target: repo,
    outcome: r.timedOut ? 'error' : outcome,
    message: explain(item, r.timedOut ? 'error' : outcome, detail)
  }
}

/**
 * Runs the checks, each within `timeoutMs`. Requests carry a credential
 * only where go would send it (the same value the netrc holds); `git
 * ls-remote` reads the netrc itself, which is what the go command's git
 * will do.
 */
export async function runPreflight(
  items: readonly PreflightPlanItem[],
  creds: readonly Credential[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 15000
): Promise<PreflightCheck[]> {
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
    const deadline = { at: Date.now() + timeoutMs, seconds: timeoutMs / 1000 }
    try {
      const check =
        item.kind === 'proxy'
          ? await checkList(item, item.target!, creds, deadline)
          : await checkRepository(item, creds, env, deadline)
      return { ...base, ...check }
    } catch (e) {
      return {
        ...base,
        outcome: 'error',
        message: explain(item, 'error', (e as Error).message)
      }
    }
  }
  return Promise.all(items.map(one))
}

function lastLine(s: string): string {
  return s.trim().split(/\r?\n/).pop() ?? ''
}
