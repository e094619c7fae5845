import {
  boundedGet,
  DeadlineError,
  type BoundedResponse
} from '../net/bounded-get.js'
import { basicAuth, credentialForUrl, type Credential } from './credentials.js'
import { lsRemote } from './git-ls-remote.js'
import {
  classifyGitError,
  explain,
  fromStatus,
  goGetUrl,
  KNOWN_GIT_HOSTS,
  listUrl,
  withFailureKind,
  type PreflightCheck,
  type PreflightPlanItem
} from './preflight-plan.js'
import { matchGoImport, parseGoImports, repoUrlProblem } from './go-import.js'

// A go-import page needs only its <head>; anything past this is not read.
const MAX_PAGE_BYTES = 1 << 20

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
  return Promise.all(items.map(async (i) => withFailureKind(await one(i))))
}

function lastLine(s: string): string {
  return s.trim().split(/\r?\n/).pop() ?? ''
}
