// The Go version asked for by the `go-version` / `go-version-file` inputs,
// in actions/setup-go's spelling where the two overlap, and its resolution
// against the toolchain versions a mirror lists.
import { InputError } from '../inputs/values.js'
import {
  compareGoVersions,
  isLangVersion,
  isValidGoVersion,
  langOf
} from './gover.js'

export type GoVersionSpec =
  | { kind: 'stable' | 'oldstable' }
  /** The newest release of a language version: `1.25`, `1.25.x`. */
  | { kind: 'latest-of'; lang: string }
  /** One release or pre-release: `1.25.4`, `1.25rc1`. */
  | { kind: 'exact'; version: string }

export function parseGoVersionSpec(input: string, raw: string): GoVersionSpec {
  const v = raw.trim().replace(/^go(?=\d)/, '')
  if (v === 'stable' || v === 'oldstable') return { kind: v }
  const x = /^(\d+\.\d+)\.x$/.exec(v)
  if (x && isLangVersion(x[1])) return { kind: 'latest-of', lang: x[1] }
  // `1.20` is a release to go but a family to setup-go: the family wins.
  if (/^\d+\.\d+$/.test(v) && isValidGoVersion(v))
    return { kind: 'latest-of', lang: v }
  if (/^\d+\.\d+/.test(v) && isValidGoVersion(v) && !isLangVersion(v))
    return { kind: 'exact', version: v }
  throw new InputError(
    input,
    `${JSON.stringify(raw)} is not a Go version this action can install (use 1.25, 1.25.x, 1.25.4, 1.25rc1, stable or oldstable)`
  )
}

/** The version a version file asks for, as setup-go reads each kind. */
export function versionFromFile(
  name: string,
  text: string,
  gotoolchainLocal: boolean
): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? name
  if (base === 'go.mod' || base === 'go.work') {
    const line = (key: string) =>
      new RegExp(`^${key}\\s+(\\S+)`, 'm').exec(text.replace(/\r/g, ''))?.[1]
    const toolchain = line('toolchain')
    // setup-go: the toolchain line wins unless the job pins GOTOOLCHAIN=local.
    if (toolchain?.startsWith('go') && !gotoolchainLocal)
      return toolchain.slice(2)
    return line('go')
  }
  if (base === '.tool-versions')
    return /^golang\s+(\S+)/m.exec(text.replace(/\r/g, ''))?.[1]
  return text.trim().split(/\s+/)[0] || undefined
}

/** Releases and pre-releases of `golang.org/toolchain/@v/list` for one platform. */
export function toolchainVersionsFor(
  list: string,
  goos: string,
  goarch: string
): string[] {
  const out: string[] = []
  const suffix = `.${goos}-${goarch}`
  for (const line of list.split('\n')) {
    const m = /^v0\.0\.1-go(.+)$/.exec(line.trim())
    if (!m || !m[1].endsWith(suffix)) continue
    const v = m[1].slice(0, -suffix.length)
    if (isValidGoVersion(v)) out.push(v)
  }
  return out.sort(compareGoVersions)
}

const isRelease = (v: string) => /^\d+\.\d+(\.\d+)?$/.test(v)

/** The version to install, or undefined when the list has none that fits. */
export function resolveGoVersion(
  spec: GoVersionSpec,
  available: readonly string[]
): string | undefined {
  const releases = available.filter(isRelease).sort(compareGoVersions)
  const newest = (vs: string[]) => vs[vs.length - 1]
  switch (spec.kind) {
    case 'exact':
      return available.find((v) => compareGoVersions(v, spec.version) === 0)
    case 'latest-of':
      return newest(releases.filter((v) => langOf(v) === spec.lang))
    case 'stable':
      return newest(releases)
    case 'oldstable': {
      const stable = newest(releases)
      if (stable === undefined) return undefined
      return newest(
        releases.filter((v) => compareGoVersions(langOf(v), langOf(stable)) < 0)
      )
    }
  }
}
