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
    const n = glob.split('/').length
    const elems = target.split('/')
    if (elems.length < n) continue
    const re = globToRegExp(glob)
    if (re?.test(elems.slice(0, n).join('/'))) return true
  }
  return false
}

/**
 * Translates a Go path.Match glob to a RegExp, or returns undefined when Go
 * would report ErrBadPattern.
 */
export function globToRegExp(pattern: string): RegExp | undefined {
  let out = '^'
  let i = 0
  // Mirrors path.Match's getEsc: one possibly escaped class character.
  const classChar = (): string | undefined => {
    const c = pattern[i]
    if (c === undefined || c === '-' || c === ']') return undefined
    if (c === '\\') {
      i++
      if (i >= pattern.length) return undefined
    }
    return pattern[i++]
  }
  while (i < pattern.length) {
    const c = pattern[i]
    if (c === '*') {
      out += '[^/]*'
      i++
    } else if (c === '?') {
      out += '[^/]'
      i++
    } else if (c === '\\') {
      if (i + 1 >= pattern.length) return undefined
      out += escapeRe(pattern[i + 1])
      i += 2
    } else if (c === '[') {
      i++
      let cls = ''
      if (pattern[i] === '^') {
        cls += '^/'
        i++
      }
      let ranges = 0
      for (;;) {
        if (pattern[i] === ']' && ranges > 0) {
          i++
          break
        }
        const lo = classChar()
        if (lo === undefined) return undefined
        let hi = lo
        if (pattern[i] === '-') {
          i++
          const h = classChar()
          if (h === undefined || h < lo) return undefined
          hi = h
        }
        cls += lo === hi ? escapeRe(lo) : `${escapeRe(lo)}-${escapeRe(hi)}`
        ranges++
      }
      out += `[${cls}]`
    } else {
      out += escapeRe(c)
      i++
    }
  }
  return new RegExp(out + '$', 'u')
}

function escapeRe(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}
