// GOFLAGS as cmd/go reads it (base.SetFromGOFLAGS): words split like
// strings.Fields, `-name` or `--name`, `=value` optional, the last
// occurrence of a flag wins.
import { goFields } from '../gomod/go-fields.js'

/** Name of a GOFLAGS word (`--x=v` -> `x`). */
export function goFlagName(word: string): string {
  const bare = word.replace(/^--?/, '')
  const eq = bare.indexOf('=')
  return eq < 0 ? bare : bare.slice(0, eq)
}

/**
 * The value go gives flag `name` from GOFLAGS: the text after `=` of its
 * last occurrence, "true" for a bare boolean flag, undefined when absent.
 */
export function goFlagValue(goflags: string, name: string): string | undefined {
  let value: string | undefined
  for (const word of goFields(goflags)) {
    if (!/^--?[^-=]/.test(word) || goFlagName(word) !== name) continue
    const eq = word.indexOf('=')
    value = eq < 0 ? 'true' : word.slice(eq + 1)
  }
  return value
}

/** A boolean flag as strconv.ParseBool reads it; undefined when absent or invalid. */
export function goBoolFlag(goflags: string, name: string): boolean | undefined {
  const v = goFlagValue(goflags, name)
  if (v === undefined) return undefined
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false
  return undefined
}
