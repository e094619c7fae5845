// Go's path.Match, ported over UTF-8 bytes. A RegExp translation cannot be
// exact: Go's `*` backtracks byte by byte, so a class after it may see half a
// character (U+FFFD), and classes (unlike `?`) match `/`.

const SLASH = 0x2f
const BACKSLASH = 0x5c
const RUNE_ERROR = 0xfffd
/** matchChunk results that are not a rest index. */
const NO_MATCH = -1
const BAD_PATTERN = -2

const encoder = new TextEncoder()

/**
 * True or false as Go's path.Match(pattern, name) answers, or undefined
 * where Go returns ErrBadPattern.
 */
export function pathMatch(pattern: string, name: string): boolean | undefined {
  const p = encoder.encode(pattern)
  const n = encoder.encode(name)
  let pi = 0
  let ni = 0
  chunks: while (pi < p.length) {
    const c = scanChunk(p, pi)
    pi = c.next
    if (c.star && c.start === c.end) return !n.subarray(ni).includes(SLASH)
    const t = matchChunk(p, c.start, c.end, n, ni)
    if (t >= 0 && (t === n.length || pi < p.length)) {
      ni = t
      continue
    }
    if (t === BAD_PATTERN) return undefined
    if (c.star) {
      for (let i = ni; i < n.length && n[i] !== SLASH; i++) {
        const t2 = matchChunk(p, c.start, c.end, n, i + 1)
        if (t2 >= 0) {
          if (pi === p.length && t2 < n.length) continue
          ni = t2
          continue chunks
        }
        if (t2 === BAD_PATTERN) return undefined
      }
    }
    // Go reports a malformed rest of the pattern even after a mismatch.
    while (pi < p.length) {
      const rest = scanChunk(p, pi)
      pi = rest.next
      const empty = new Uint8Array(0)
      if (matchChunk(p, rest.start, rest.end, empty, 0) === BAD_PATTERN) {
        return undefined
      }
    }
    return false
  }
  return ni === n.length
}

/** A run of non-star pattern bytes, possibly preceded by stars. */
function scanChunk(
  p: Uint8Array,
  from: number
): { star: boolean; start: number; end: number; next: number } {
  let i = from
  let star = false
  while (i < p.length && p[i] === 0x2a) {
    i++
    star = true
  }
  const start = i
  let inRange = false
  for (; i < p.length; i++) {
    switch (p[i]) {
      case BACKSLASH:
        if (i + 1 < p.length) i++
        break
      case 0x5b: // [
        inRange = true
        break
      case 0x5d: // ]
        inRange = false
        break
      case 0x2a: // *
        if (!inRange) return { star, start, end: i, next: i }
    }
  }
  return { star, start, end: p.length, next: p.length }
}

/**
 * Matches p[start:end] against the beginning of s[from:]: the index after
 * the match, NO_MATCH, or BAD_PATTERN. Like Go, it checks the whole chunk
 * even after a mismatch.
 */
function matchChunk(
  p: Uint8Array,
  start: number,
  end: number,
  s: Uint8Array,
  from: number
): number {
  let failed = false
  let c = start
  let si = from
  while (c < end) {
    failed ||= si === s.length
    switch (p[c]) {
      case 0x5b: {
        // [
        let r = 0
        if (!failed) {
          const d = decodeRune(s, si, s.length)
          r = d.rune
          si += d.size
        }
        c++
        let negated = false
        if (c < end && p[c] === 0x5e) {
          negated = true
          c++
        }
        let match = false
        let ranges = 0
        for (;;) {
          if (c < end && p[c] === 0x5d && ranges > 0) {
            c++
            break
          }
          const lo = getEsc(p, c, end)
          if (lo === undefined) return BAD_PATTERN
          c = lo.next
          let hi = lo.rune
          if (p[c] === 0x2d) {
            // -
            const h = getEsc(p, c + 1, end)
            if (h === undefined) return BAD_PATTERN
            hi = h.rune
            c = h.next
          }
          match ||= lo.rune <= r && r <= hi
          ranges++
        }
        failed ||= match === negated
        break
      }
      case 0x3f: // ?
        if (!failed) {
          failed = s[si] === SLASH
          si += decodeRune(s, si, s.length).size
        }
        c++
        break
      default:
        if (p[c] === BACKSLASH) {
          c++
          if (c >= end) return BAD_PATTERN
        }
        if (!failed) {
          failed = p[c] !== s[si]
          si++
        }
        c++
    }
  }
  return failed ? NO_MATCH : si
}

/** One possibly escaped class character; undefined for ErrBadPattern. */
function getEsc(
  p: Uint8Array,
  from: number,
  end: number
): { rune: number; next: number } | undefined {
  let c = from
  if (c >= end || p[c] === 0x2d || p[c] === 0x5d) return undefined
  if (p[c] === BACKSLASH) {
    c++
    if (c >= end) return undefined
  }
  const d = decodeRune(p, c, end)
  if (d.rune === RUNE_ERROR && d.size === 1) return undefined
  const next = c + d.size
  if (next >= end) return undefined
  return { rune: d.rune, next }
}

/** utf8.DecodeRune of b[i:end]: invalid or short input is (U+FFFD, 1). */
function decodeRune(
  b: Uint8Array,
  i: number,
  end: number
): { rune: number; size: number } {
  const invalid = { rune: RUNE_ERROR, size: 1 }
  const b0 = b[i]
  if (b0 < 0x80) return { rune: b0, size: 1 }
  let size: number
  let lo = 0x80
  let hi = 0xbf
  if (b0 >= 0xc2 && b0 <= 0xdf) size = 2
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    size = 3
    if (b0 === 0xe0) lo = 0xa0
    if (b0 === 0xed) hi = 0x9f
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    size = 4
    if (b0 === 0xf0) lo = 0x90
    if (b0 === 0xf4) hi = 0x8f
  } else return invalid
  if (i + size > end) return invalid
  const b1 = b[i + 1]
  if (b1 < lo || b1 > hi) return invalid
  let rune = b0 & (0xff >> (size + 1))
  rune = (rune << 6) | (b1 & 0x3f)
  for (let k = 2; k < size; k++) {
    const bk = b[i + k]
    if (bk < 0x80 || bk > 0xbf) return invalid
    rune = (rune << 6) | (bk & 0x3f)
  }
  return { rune, size }
}
