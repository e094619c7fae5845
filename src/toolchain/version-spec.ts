// The Go version asked for by the `go-version` / `go-version-file` inputs,
// in actions/setup-go's spelling where the two overlap, and its resolution
// against the toolchain versions a mirror lists.
import { evaluateVersions } from '@actions/tool-cache'
import { quietLibraryCall } from '../base/library-log.js'
import { InputError } from '../base/values.js'
import {
  compareGoVersions,
  isLangVersion,
  isValidGoVersion,
  langOf
} from '../gomod/gover.js'
import { toolCacheVersion } from './platform.js'

export type GoVersionSpec =
  | { kind: 'stable' | 'oldstable' }
  /** The newest release of a language version: `1.25`, `1.25.x`. */
  | { kind: 'latest-of'; lang: string }
  /** One release or pre-release: `1.25.4`, `1.25rc1`. */
  | { kind: 'exact'; version: string }
  /** Any other node-semver range, as setup-go matches it: `^1.25`, `1`, `*`. */
  | { kind: 'range'; range: string }

// node-semver's range grammar, closely enough to refuse what cannot be a
// range (`latest`, `1.25.4.1`) with the input's name rather than a miss.
const PARTIAL = String.raw`v?(?:\d+|[xX*])(?:\.(?:\d+|[xX*])){0,2}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?`
const COMPARATOR = new RegExp(`^(?:[<>]=?|=|~>?|\\^)?${PARTIAL}$`)
const HYPHEN = new RegExp(`^${PARTIAL} - ${PARTIAL}$`)

function isSemverRange(v: string): boolean {
  return v.split('||').every((set) => {
    const s = set.trim().replace(/([<>=~^]+)\s+/g, '$1')
    return (
      s === '' ||
      HYPHEN.test(s) ||
      s.split(/\s+/).every((c) => COMPARATOR.test(c))
    )
  })
}

export function parseGoVersionSpec(input: string, raw: string): GoVersionSpec {
  // setup-go's semver takes a leading `v`; this action's own `go` stays.
  const v = raw.trim().replace(/^(?:go|v)(?=\d)/, '')
  if (v === 'stable' || v === 'oldstable') return { kind: v }
  // The tool cache's spelling of a pre-release, `1.25.0-rc.1`, is go1.25rc1.
  const pre = /^(\d+\.\d+)\.(\d+)-(rc|beta)\.(\d+)$/.exec(v)
  if (pre) {
    const go = `${pre[1]}${pre[2] === '0' ? '' : `.${pre[2]}`}${pre[3]}${pre[4]}`
    if (isValidGoVersion(go)) return { kind: 'exact', version: go }
  }
  const x = /^(\d+\.\d+)\.x$/.exec(v)
  if (x && isLangVersion(x[1])) return { kind: 'latest-of', lang: x[1] }
  // `1.20` is a release to go but a family to setup-go: the family wins.
  if (/^\d+\.\d+$/.test(v) && isValidGoVersion(v))
    return { kind: 'latest-of', lang: v }
  if (/^\d+\.\d+/.test(v) && isValidGoVersion(v) && !isLangVersion(v))
    return { kind: 'exact', version: v }
  if (raw.trim() !== '' && isSemverRange(raw.trim()))
    return { kind: 'range', range: raw.trim() }
  throw new InputError(
    input,
    `${JSON.stringify(raw)} is not a Go version this action can install (use 1.25, 1.25.x, 1.25.4, 1.25rc1, a semver range such as ^1.25, stable or oldstable)`
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
    // setup-go: the toolchain line wins unless the job pins GOTOOLCHAIN=local.
    // Of either line it takes only the leading release: `go1.25.4-custom`
    // installs 1.25.4, and `go 1.24rc1` the newest 1.24.
    const toolchain = /^go(1\.\d+(?:\.\d+|rc\d+)?)/.exec(
      line('toolchain') ?? ''
    )?.[1]
    if (toolchain !== undefined && !gotoolchainLocal) return toolchain
    return /^\d+(?:\.\d+)*/.exec(line('go') ?? '')?.[0]
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
    case 'range': {
      // setup-go matches its manifest's stable releases first, then go.dev's
      // full list, where semver lets a pre-release match only a range that
      // names one of the same x.y.z.
      const goOf = new Map(available.map((v) => [toolCacheVersion(v), v]))
      const match = (vs: string[]) =>
        quietLibraryCall(() => evaluateVersions(vs, spec.range))
      const found =
        match(releases.map(toolCacheVersion)) || match([...goOf.keys()])
      return found ? goOf.get(found) : undefined
    }
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
