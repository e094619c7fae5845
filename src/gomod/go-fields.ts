// unicode.IsSpace, which Go's strings.Fields splits on (JavaScript's \s
// differs: it includes U+FEFF and lacks U+0085).
const GO_SPACE =
  /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/

/** strings.Fields: the non-empty runs between Go whitespace. */
export function goFields(s: string): string[] {
  return s.split(GO_SPACE).filter((w) => w !== '')
}
