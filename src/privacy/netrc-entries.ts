import type { Credential } from './credentials.js'
import { renderEntry, type NetrcEntry } from './netrc.js'

// git reads netrc through libcurl, which differs from go (checked against
// git 2.39 / libcurl 7.88 and go 1.26): it compares the machine with the host
// name only (case-insensitively, without port or path), reads a password
// that starts with "#" as a comment, and skips lines over 4096 characters.

/** Longest netrc line libcurl reads (without its newline). */
export const LIBCURL_MAX_LINE = 4096

/**
 * The entries for one netrc file: one per credential, and for a file git
 * reads, `machine HOST` for a `HOST:PORT` credential as well, since libcurl
 * never matches a machine with a port. That extra entry is left out when
 * another credential or an entry already in the file claims the host (it
 * would replace theirs); a warning then says which one git will use.
 */
export function netrcEntries(
  creds: readonly Credential[],
  forGit: boolean,
  existingMachines: readonly string[]
): { entries: NetrcEntry[]; warnings: string[] } {
  const entries: NetrcEntry[] = creds.map(({ machine, login, token }) => ({
    machine,
    login,
    token
  }))
  const warnings: string[] = []
  if (!forGit) return { entries, warnings }
  // Which credentials line each host-only machine came from.
  const owner = new Map(creds.filter((c) => !c.path).map((c) => [c.host, c]))
  for (const c of creds) {
    if (c.path !== '' || !/:\d+$/.test(c.host)) continue
    const bare = c.host.replace(/:\d+$/, '')
    const claimed = owner.get(bare)
    if (claimed === undefined && !existingMachines.includes(bare)) {
      entries.push({ machine: bare, login: c.login, token: c.token })
      owner.set(bare, c)
      continue
    }
    if (claimed && claimed.login === c.login && claimed.token === c.token) {
      continue
    }
    const other = claimed
      ? `the credentials of line ${claimed.line}`
      : `the entry for ${bare} that the netrc file already has`
    warnings.push(
      `credentials line ${c.line} (${c.host}): git (libcurl) matches netrc machines by host name without the port, so git will send ${other} to ${c.host}; go uses line ${c.line}.`
    )
  }
  return { entries, warnings }
}

/** Warnings for credentials git cannot use although go can. */
export function gitNetrcWarnings(creds: readonly Credential[]): string[] {
  const out: string[] = []
  for (const c of creds) {
    const who = `credentials line ${c.line} (${c.machine})`
    if (c.token.startsWith('#')) {
      out.push(
        `${who}: the token starts with "#", which git (libcurl) reads as a netrc comment, so git sends an empty password to ${c.host}; go reads it correctly. Use a token without a leading "#" if git must authenticate there.`
      )
    }
    const length = renderEntry(c).length - 1
    if (length > LIBCURL_MAX_LINE) {
      out.push(
        `${who}: its netrc line is ${length} characters and git (libcurl) skips lines over ${LIBCURL_MAX_LINE}, so git will not authenticate to ${c.host}; go reads it correctly.`
      )
    }
  }
  return out
}
