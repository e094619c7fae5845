// The `go` and `toolchain` lines of a go.mod or go.work, read the way the
// toolchain switch reads them (cmd/go/internal/gover.GoModLookup): the first
// line that starts with the key and a blank, without parsing the file, so a
// file go could not otherwise parse still selects a toolchain.

import { goTrimSpace } from './go-fields.js'

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
