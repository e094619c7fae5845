import { getExecOutput } from '@actions/exec'
import type { Credential } from './credentials.js'

export interface Extraheader {
  /** Where git found it, e.g. `file:.git/config`. */
  origin: string
  /** The URL the header is scoped to; undefined for a bare http.extraheader. */
  url?: string
}

/**
 * Parses `git config --show-origin --name-only --get-regexp` output. Only the
 * names are read: the values are tokens.
 */
export function parseExtraheaders(output: string): Extraheader[] {
  const out: Extraheader[] = []
  for (const line of output.split(/\r?\n/)) {
    const tab = line.indexOf('\t')
    if (tab < 0) continue
    const key = line.slice(tab + 1).trim()
    const m = /^http\.(?:(.+)\.)?extraheader$/i.exec(key)
    if (m) out.push({ origin: line.slice(0, tab), url: m[1] })
  }
  return out
}

/**
 * Warnings for headers that git would send to a credential host instead of
 * the netrc token (actions/checkout leaves one for github.com when
 * persist-credentials is on).
 */
export function extraheaderWarnings(
  found: readonly Extraheader[],
  creds: readonly Credential[]
): string[] {
  const out: string[] = []
  for (const h of found) {
    let host: string | undefined
    try {
      host = h.url === undefined ? undefined : new URL(h.url).host.toLowerCase()
    } catch {
      continue
    }
    const hit = creds.find((c) => host === undefined || c.host === host)
    if (!hit) continue
    const scope = h.url ?? 'every URL'
    out.push(
      `git config (${h.origin}) sets an http extraheader for ${scope}, which git sends instead of the netrc token for ${hit.host}, so private repositories may answer "not found". ` +
        `Fix: set \`persist-credentials: false\` on actions/checkout, or run \`git config --unset-all http.${h.url ? h.url + '.' : ''}extraheader\` before this step.`
    )
  }
  return out
}

/** Extraheaders visible from `cwd` (local, global and system config). */
export async function findExtraheaders(cwd: string): Promise<Extraheader[]> {
  try {
    const r = await getExecOutput(
      'git',
      [
        'config',
        '--show-origin',
        '--name-only',
        '--get-regexp',
        '^http\\..*extraheader$'
      ],
      { cwd, ignoreReturnCode: true, silent: true }
    )
    return r.exitCode === 0 ? parseExtraheaders(r.stdout) : []
  } catch {
    return []
  }
}
