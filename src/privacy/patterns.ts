import { InputError, splitList } from '../base/values.js'
import { pathMatch } from './path-match.js'

// Go's module.MatchPrefixPatterns: each glob is matched with path.Match
// against the same number of leading path elements of the target. Go ignores
// a malformed glob silently; validation happens when inputs are read.
export function matchesAnyPattern(
  patterns: readonly string[],
  target: string
): boolean {
  for (let glob of patterns) {
    if (glob.endsWith('/')) glob = glob.slice(0, -1)
    if (glob === '') continue
    const elems = target.split('/')
    const n = glob.split('/').length
    if (elems.length < n) continue
    if (pathMatch(glob, elems.slice(0, n).join('/')) === true) return true
  }
  return false
}

/** False where Go's path.Match reports ErrBadPattern for the glob. */
export function isValidGlob(glob: string): boolean {
  return pathMatch(glob, '') !== undefined
}

/**
 * Parses a comma- or newline-separated pattern input and validates each
 * pattern with the go command's rules, normalizing it to the form Go matches
 * (trimmed, one trailing slash removed, duplicates dropped). Go would accept
 * the malformed ones and silently never match them; here they are errors.
 */
export function parsePatterns(input: string, raw: string): string[] {
  const out: string[] = []
  for (const entry of splitList(raw)) {
    const p = entry.endsWith('/') ? entry.slice(0, -1) : entry
    const problem = patternProblem(p)
    if (problem !== undefined) {
      throw new InputError(input, `pattern "${entry}" ${problem}`)
    }
    if (!out.includes(p)) out.push(p)
  }
  return out
}

function patternProblem(p: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) {
    return 'is a URL; write a module path prefix such as "example.com/org" without a scheme'
  }
  if (/[\s"'`;]/.test(p)) {
    return 'contains whitespace, a quote or a semicolon'
  }
  if (p.startsWith('/')) return 'must not start with "/"'
  if (p.split('/').some((e) => e === '')) {
    return 'has an empty path element ("//"), so it can never match'
  }
  if (!isValidGlob(p)) {
    return 'is not a valid glob (path.Match syntax: * ? [a-z] \\x)'
  }
  return undefined
}

/** The patterns that keep a module away from public mirrors and the checksum DB. */
export interface PrivatePatterns {
  private: readonly string[]
  noProxy: readonly string[]
  noSumdb: readonly string[]
}

/**
 * True when a module path must never be requested from a public mirror or the
 * checksum database: it matches GOPRIVATE, GONOPROXY or GONOSUMDB (the
 * inputs together with what the job already set).
 */
export function isPrivateModule(
  privacy: PrivatePatterns,
  path: string
): boolean {
  return (
    matchesAnyPattern(privacy.private, path) ||
    matchesAnyPattern(privacy.noProxy, path) ||
    matchesAnyPattern(privacy.noSumdb, path)
  )
}

/**
 * True when go never asks a proxy for the path: it matches GOPRIVATE or
 * GONOPROXY. GONOSUMDB only turns off the checksum database; go still
 * fetches such a path from the mirrors, so the local proxy must serve it.
 */
export function isOffMirrors(privacy: PrivatePatterns, path: string): boolean {
  return (
    matchesAnyPattern(privacy.private, path) ||
    matchesAnyPattern(privacy.noProxy, path)
  )
}
