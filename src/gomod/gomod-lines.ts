// The `go` and `toolchain` lines of a go.mod or go.work, read the way the
// toolchain switch reads them (cmd/go/internal/gover.GoModLookup): the first
// line that starts with the key and a blank, without parsing the file, so a
// file go could not otherwise parse still selects a toolchain.

// unicode.IsSpace, which bytes.TrimSpace uses (JavaScript's trim differs:
// it keeps U+0085 and removes U+FEFF).
const GO_SPACE =
  '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g')

function goTrimSpace(s: string): string {
  return s.replace(TRIM, '')
}

export interface GoModLine {
  value: string
  /** 1-based line number, for annotations. */
  line: number
}

export function goModLookup(
  text: string,
  key: 'go' | 'toolchain'
): GoModLine | undefined {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = goTrimSpace(lines[i])
    if (!line.startsWith(key)) continue
    const rest = line.slice(key.length)
    if (rest === '' || (rest[0] !== ' ' && rest[0] !== '\t')) continue
    const cut = rest.indexOf('//')
    return {
      value: goTrimSpace(cut >= 0 ? rest.slice(0, cut) : rest),
      line: i + 1
    }
  }
  return undefined
}
