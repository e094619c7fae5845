import { loadState, saveState } from '../env/state.js'
import * as core from '@actions/core'
import { promises as fs } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { rawCredentialSecrets, secretForms } from './credentials.js'
import { extraheaderWarnings, findExtraheaders } from './git-extraheader.js'
import { installNetrc, restoreNetrc } from './netrc-file.js'
import { localNetrcTargets, type NetrcTarget } from './netrc-targets.js'
import { parseGoModRequires } from '../gomod/go-mod-files.js'
import {
  insecureProxyWarnings,
  planPreflight,
  type PreflightCheck
} from './preflight-plan.js'
import { runPreflight } from './preflight.js'
import type { PrivacyOptions } from './options.js'
import { uncoveredPrivateModules, type PrivacyPlanResult } from './plan-env.js'
import type { PrivacyReport } from './report.js'
import type { SumdbPlan } from '../sumdb/plan.js'

/**
 * Masks what could be a secret in the raw `credentials` input, even in lines
 * that will be rejected; call before the inputs are parsed.
 */
export function maskRawCredentials(
  raw: string,
  setSecret: (s: string) => void = core.setSecret
): void {
  rawCredentialSecrets(raw).forEach(setSecret)
}

/** Masks every form of every secret; call first, before anything is logged. */
export function maskSecrets(
  privacy: PrivacyOptions,
  setSecret: (s: string) => void = core.setSecret
): void {
  for (const c of privacy.credentials) secretForms(c).forEach(setSecret)
}

/**
 * Writes the credentials for go and git (backing up what was there) and
 * returns the files and warnings about what git or go will not use. When
 * go's netrc cannot safely take the secret, NETRC points go at a private
 * copy. Call after the environment is exported.
 */
async function installCredentials(
  privacy: PrivacyOptions,
  workingDirectory: string,
  targets: NetrcTarget[] = localNetrcTargets()
): Promise<{
  netrcFiles: { path: string; readBy: string }[]
  warnings: string[]
}> {
  if (privacy.credentials.length === 0) {
    return { netrcFiles: [], warnings: [] }
  }
  const temp = process.env.RUNNER_TEMP || os.tmpdir()
  const installed = await installNetrc(
    privacy.credentials,
    targets,
    temp,
    (m) => saveState('netrc', m)
  )
  if (installed.netrcForGo) core.exportVariable('NETRC', installed.netrcForGo)
  const warnings = extraheaderWarnings(
    await findExtraheaders(workingDirectory),
    privacy.credentials
  )
  return {
    netrcFiles: installed.files,
    warnings: [...installed.warnings, ...warnings]
  }
}

/** Module paths required by the go.mod in `dir`, or [] when there is none. */
async function requiredModules(dir: string): Promise<string[]> {
  try {
    return parseGoModRequires(
      await fs.readFile(path.join(dir, 'go.mod'), 'utf8')
    )
  } catch {
    return []
  }
}

/**
 * One authenticated request per credential host, each ending within
 * `timeoutMs`; failures become error annotations that say which host, which
 * module and what is likely wrong. Also warns about required modules on a
 * credential host that no private pattern covers, and about plain-http
 * private proxies that credentials will not reach.
 */
async function preflightCredentials(
  privacy: PrivacyOptions,
  privateProxies: readonly string[],
  required: readonly string[],
  timeoutMs?: number
): Promise<{ checks: PreflightCheck[]; warnings: string[] }> {
  const warnings = [
    ...uncoveredPrivateModules(privacy, required).map(
      (u) =>
        `${u.module} is on ${u.machine}, which needs credentials, but matches no pattern in \`private\`: go would ask public mirrors and the checksum database for it. Add it (or a prefix) to \`private\`.`
    ),
    ...insecureProxyWarnings(privacy.credentials, privateProxies)
  ]
  if (privacy.credentials.length === 0) return { checks: [], warnings }
  const items = planPreflight(
    privacy.credentials,
    privateProxies,
    [...privacy.private, ...privacy.noProxy, ...privacy.noSumdb],
    required
  )
  const checks = await runPreflight(
    items,
    privacy.credentials,
    process.env,
    timeoutMs
  )
  for (const c of checks) {
    if (c.outcome === 'ok' || c.outcome === 'skipped') continue
    core.error(c.message, { title: `Credentials for ${c.machine}` })
  }
  return { checks, warnings }
}

/**
 * Post step: puts the netrc files back as they were before main, and says
 * what could not be put back. Fails when a file may still hold a secret.
 */
export async function restoreCredentials(): Promise<void> {
  const manifest = loadState('netrc')
  if (manifest === '') return
  const r = await restoreNetrc(manifest)
  for (const p of r.restored) core.info(`Restored ${p}`)
  for (const p of r.removed) core.info(`Removed ${p} (it did not exist before)`)
  for (const p of r.edited) {
    core.warning(
      `${p} was changed after setup-goproxy wrote it: those changes were kept, and only setup-goproxy's own entries were removed (entries it had replaced were put back).`
    )
  }
  for (const l of r.lost) {
    core.warning(
      `${l.path}: setup-goproxy removed its own entries, but could not put back the earlier entries for ${l.machines.join(', ')} because its backup under RUNNER_TEMP was deleted before the post step. Add them again if they are still needed.`
    )
  }
  for (const f of r.failed) {
    core.error(
      `${f.path} could not be restored (${f.error}); it may still hold the credentials setup-goproxy wrote. Remove their lines by hand.`
    )
  }
  if (r.failed.length > 0) {
    throw new Error(
      `netrc files not restored: ${r.failed.map((f) => f.path).join(', ')}`
    )
  }
}

/** The sumdb decision plus what the GOPROXY entries answered about it. */
/**
 * The main-step part after the environment is exported: netrc and git
 * checks, preflight, warnings. Returns the report section.
 */
export async function applyPrivacy(
  privacy: PrivacyOptions,
  privateProxies: readonly string[],
  workingDirectory: string,
  planned: PrivacyPlanResult,
  sumdb: SumdbPlan,
  strict = false,
  preflightTimeoutMs?: number
): Promise<PrivacyReport> {
  const creds = await installCredentials(privacy, workingDirectory)
  const pre = await preflightCredentials(
    privacy,
    privateProxies,
    await requiredModules(workingDirectory),
    preflightTimeoutMs
  )
  const warnings = [...planned.warnings, ...creds.warnings, ...pre.warnings]
  for (const w of warnings) core.warning(w, { title: 'Private modules' })
  return {
    routes: planned.routes,
    credentialHosts: privacy.credentials.map((c) => ({
      machine: c.machine,
      login: c.login
    })),
    netrcFiles: creds.netrcFiles,
    gitRewrites: planned.gitRewrites,
    sumdb: {
      effective: sumdb.effective,
      reason: sumdb.reason,
      proxyChecks: sumdb.proxyChecks
    },
    preflight: pre.checks,
    strict,
    warnings: [...warnings, ...sumdb.warnings]
  }
}
