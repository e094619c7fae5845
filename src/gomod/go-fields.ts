// Go's whitespace (unicode.IsSpace), which strings.Fields splits on and
// bytes.TrimSpace trims. JavaScript's \s and trim() differ: they include
// U+FEFF and lack U+0085.
const GO_SPACE_CLASS =
  '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const GO_SPACE = new RegExp(`[${GO_SPACE_CLASS}]+`, 'u')
const TRIM = new RegExp(`^[${GO_SPACE_CLASS}]+|[${GO_SPACE_CLASS}]+$`, 'gu')

/** strings.Fields: the non-empty runs between Go whitespace. */
export function goFields(s: string): string[] {
  return s.split(GO_SPACE).filter((w) => w !== '')
}

/** strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  return s.replace(TRIM, '')
}
