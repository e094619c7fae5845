import type { Credential } from './credentials.js'
import type { EnvPlan } from '../env/env-plan.js'
import { matchesAnyPattern } from './patterns.js'
import type { PrivacyOptions } from './options.js'

export interface PrivacyContext {
  privateProxies: readonly string[]
  /** The job environment the action starts in. */
  env: NodeJS.ProcessEnv
}

/** Where modules matching one pattern are fetched from and whether they are verified. */
export interface PatternRoute {
  pattern: string
  fetch: 'private-proxy' | 'direct' | 'goproxy'
  checksumDb: boolean
  insecure: boolean
}

export interface PrivacyPlanResult {
  routes: PatternRoute[]
  warnings: string[]
  /** Rewrites of SSH remotes to HTTPS that git gets through GIT_CONFIG_*. */
  gitRewrites: { from: string; to: string }[]
}

/**
 * Decides GOPRIVATE, GONOPROXY, GONOSUMDB, GOINSECURE, GOAUTH,
 * GIT_TERMINAL_PROMPT and the job-scoped git rewrites, and records them in
 * the plan. GONOPROXY and GONOSUMDB are exported only where they must differ
 * from what Go derives from GOPRIVATE.
 */
export function planPrivacyEnv(
  privacy: PrivacyOptions,
  ctx: PrivacyContext,
  plan: EnvPlan
): PrivacyPlanResult {
  const warnings: string[] = []
  const priv = privacy.private
  const viaProxy = ctx.privateProxies.length > 0
  if (priv.length > 0) {
    plan.set(
      'GOPRIVATE',
      priv.join(','),
      'private (and GOPRIVATE already set in the job): never sent to public mirrors or the checksum database'
    )
  }

  const noProxyReal = privacy.noProxy.filter((p) => p !== 'none')
  let noProxy: string[] | undefined
  if (viaProxy) {
    if (privacy.noProxy.length > 0) {
      noProxy = privacy.noProxy
    } else if (priv.length > 0) {
      noProxy = ['none']
    }
  } else if (privacy.noProxy.length > 0) {
    // Without a private proxy, private modules must go direct: anything else
    // would offer their paths to the public mirrors.
    noProxy = union(noProxyReal, priv)
    if (privacy.noProxy.includes('none')) {
      warnings.push(
        'GONOPROXY=none was set earlier in the job, but there is no private-proxy: private modules would have gone to the public mirrors, so GONOPROXY now lists the private patterns.'
      )
    }
  }
  if (
    noProxy !== undefined &&
    mustExport(ctx.env, 'GONOPROXY', noProxy, priv)
  ) {
    plan.set(
      'GONOPROXY',
      noProxy.join(','),
      noProxy[0] === 'none' && noProxy.length === 1
        ? 'private-proxy is set: private modules go through it instead of direct'
        : viaProxy
          ? 'no-proxy: these go direct, other private modules through private-proxy'
          : 'no-proxy together with the private patterns (those must never reach public mirrors)'
    )
  }

  const noSumdbReal = privacy.noSumdb.filter((p) => p !== 'none')
  if (privacy.noSumdb.includes('none') && priv.length > 0) {
    warnings.push(
      'GONOSUMDB "none" would send private module paths to the checksum database (which answers 410 for them); the private patterns stay in GONOSUMDB.'
    )
  }
  const noSumdb = union(noSumdbReal, priv)
  if (mustExport(ctx.env, 'GONOSUMDB', noSumdb, priv)) {
    plan.set(
      'GONOSUMDB',
      noSumdb.join(','),
      'no-sumdb together with the private patterns (GONOSUMDB replaces GOPRIVATE for this decision)'
    )
  }

  if (privacy.insecure.length > 0 && !privacy.fromJob.insecure) {
    plan.set(
      'GOINSECURE',
      privacy.insecure.join(','),
      'insecure: http and unverified TLS allowed for direct fetches of these (not for GOPROXY, not the checksum database)'
    )
  }

  if (privacy.credentials.length > 0) {
    planGoAuth(ctx.env, plan, warnings)
    warnings.push(...pathCredentialWarnings(privacy.credentials))
  }
  const prompt = ctx.env.GIT_TERMINAL_PROMPT
  if (prompt === undefined || prompt === '') {
    plan.set(
      'GIT_TERMINAL_PROMPT',
      '0',
      'git fails at once on a missing credential instead of waiting for a terminal'
    )
  } else if (prompt !== '0') {
    warnings.push(
      `GIT_TERMINAL_PROMPT=${prompt} was set earlier in the job; git may wait for a password that never comes when a credential is missing.`
    )
  }

  const gitRewrites = privacy.gitRewrite
    ? planGitRewrites(privacy.credentials, ctx.env, plan, warnings)
    : []

  const effNoProxy = noProxy ?? priv
  const effNoSumdb = noSumdb
  const patterns = union(union(priv, noProxyReal), noSumdbReal)
  const routes = patterns.map((pattern) => ({
    pattern,
    fetch: matchesAnyPattern(effNoProxy, pattern)
      ? ('direct' as const)
      : viaProxy
        ? ('private-proxy' as const)
        : ('goproxy' as const),
    checksumDb: !matchesAnyPattern(effNoSumdb, pattern),
    insecure: matchesAnyPattern(privacy.insecure, pattern)
  }))
  return { routes, warnings, gitRewrites }
}

/**
 * One warning per host that has `HOST/PATH` credentials: only go 1.24+ looks
 * netrc machines up by path; git (libcurl) and older go match the host only.
 */
export function pathCredentialWarnings(
  creds: readonly Pick<Credential, 'host' | 'path' | 'line'>[]
): string[] {
  const out: string[] = []
  const hosts = [...new Set(creds.filter((c) => c.path).map((c) => c.host))]
  for (const host of hosts) {
    const lines = creds
      .filter((c) => c.host === host && c.path)
      .map((c) => c.line)
    const hostLevel = creds.find((c) => c.host === host && !c.path)
    const fallback = hostLevel
      ? `use the host-level entry of line ${hostLevel.line} instead`
      : `send no credentials to ${host}; add a line for ${host} alone if git or go before 1.24 must authenticate there`
    out.push(
      `credentials line${lines.length > 1 ? 's' : ''} ${lines.join(', ')} for ${host} include${lines.length > 1 ? '' : 's'} a path: only go 1.24+ matches netrc entries by path. git (libcurl) and older go match the host only, so they ${fallback}.`
    )
  }
  return out
}

function planGoAuth(
  env: NodeJS.ProcessEnv,
  plan: EnvPlan,
  warnings: string[]
): void {
  const goauth = (env.GOAUTH ?? '').trim()
  if (goauth === '') return
  const methods = goauth.split(';').map((m) => m.trim().split(/\s+/)[0])
  if (methods.includes('netrc')) return
  if (goauth === 'off') {
    warnings.push(
      'GOAUTH=off was set earlier in the job: go (1.24+) ignores the credentials written to netrc; git still uses them.'
    )
    return
  }
  plan.set(
    'GOAUTH',
    `${goauth};netrc`,
    'GOAUTH was set without netrc, so go 1.24+ would ignore the credentials; netrc is added after your methods, which keep precedence'
  )
}

function planGitRewrites(
  creds: readonly Credential[],
  env: NodeJS.ProcessEnv,
  plan: EnvPlan,
  warnings: string[]
): { from: string; to: string }[] {
  const rewrites: { from: string; to: string }[] = []
  for (const c of creds) {
    if (c.host.includes(':')) {
      warnings.push(
        `git-rewrite: ${c.host} has a port, so its SSH remotes (which use another port) are not rewritten.`
      )
      continue
    }
    const sub = c.path ? `${c.path}/` : ''
    const to = `https://${c.host}/${sub}`
    rewrites.push({ from: `ssh://git@${c.host}/${sub}`, to })
    rewrites.push({ from: `git@${c.host}:${sub}`, to })
  }
  const fresh = rewrites.filter((r) => !hasGitConfigEnv(env, r))
  if (fresh.length === 0) return rewrites
  // GIT_CONFIG_COUNT/KEY/VALUE act like `git -c` for every git process of
  // the job, so the user's git config is never touched; an earlier count
  // (the user's, or a first run of this action) is extended, not replaced.
  const start = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10)
  const base = Number.isInteger(start) && start >= 0 ? start : 0
  fresh.forEach((r, i) => {
    plan.set(
      `GIT_CONFIG_KEY_${base + i}`,
      `url.${r.to}.insteadOf`,
      'git-rewrite: SSH remotes of a credential host use HTTPS and the netrc token'
    )
    plan.set(`GIT_CONFIG_VALUE_${base + i}`, r.from, 'git-rewrite')
  })
  plan.set(
    'GIT_CONFIG_COUNT',
    String(base + fresh.length),
    'git-rewrite: job-scoped git configuration, nothing to clean up'
  )
  return rewrites
}

// Needed when the value differs from what go derives from GOPRIVATE, or
// when the job set the variable to something else that would stay in force.
function mustExport(
  env: NodeJS.ProcessEnv,
  name: string,
  value: readonly string[],
  derived: readonly string[]
): boolean {
  const v = value.join(',')
  const job = env[name] ?? ''
  return v !== derived.join(',') || (job !== '' && job !== v)
}

function hasGitConfigEnv(
  env: NodeJS.ProcessEnv,
  r: { from: string; to: string }
): boolean {
  const n = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10) || 0
  for (let i = 0; i < n; i++) {
    if (
      env[`GIT_CONFIG_KEY_${i}`] === `url.${r.to}.insteadOf` &&
      env[`GIT_CONFIG_VALUE_${i}`] === r.from
    ) {
      return true
    }
  }
  return false
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])]
}

/**
 * Required modules that live on a credential host but match no private
 * pattern: go would offer their paths to public mirrors and the checksum
 * database, which cannot serve them.
 */
export function uncoveredPrivateModules(
  privacy: Pick<
    PrivacyOptions,
    'private' | 'noProxy' | 'noSumdb' | 'credentials'
  >,
  required: readonly string[]
): { module: string; machine: string }[] {
  const out: { module: string; machine: string }[] = []
  for (const m of required) {
    const c = privacy.credentials.find(
      (c) => m === c.machine || m.startsWith(c.machine + '/')
    )
    if (!c) continue
    const covered =
      matchesAnyPattern(privacy.private, m) ||
      (matchesAnyPattern(privacy.noProxy, m) &&
        matchesAnyPattern(privacy.noSumdb, m))
    if (!covered) out.push({ module: m, machine: c.machine })
  }
  return out
}
