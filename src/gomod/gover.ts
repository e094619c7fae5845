// Go version strings as cmd/go compares them (internal/gover): `1.21` is the
// language version and sorts before `1.21rc1`, which sorts before `1.21.0`;
// `1.20` means `1.20.0`. These are not semver: `go1.21` is no toolchain.

interface Version {
  major: string
  minor: string
  patch: string
  /** '' (release), 'alpha', 'beta', 'rc', or any other lower-case word. */
  kind: string
  pre: string
}

const EMPTY: Version = { major: '', minor: '', patch: '', kind: '', pre: '' }

function isEmpty(v: Version): boolean {
  return v.major === '' && v.minor === '' && v.patch === '' && v.kind === ''
}

// A run of digits without a needless leading zero.
function cutInt(x: string): [string, string] | undefined {
  let i = 0
  while (i < x.length && x[i] >= '0' && x[i] <= '9') i++
  if (i === 0 || (x[0] === '0' && i !== 1)) return undefined
  return [x.slice(0, i), x.slice(i)]
}

function parse(x: string): Version {
  const v = { ...EMPTY }
  let c = cutInt(x)
  if (!c) return EMPTY
  ;[v.major, x] = c
  if (x === '') return { ...v, minor: '0', patch: '0' }
  if (x[0] !== '.') return EMPTY
  c = cutInt(x.slice(1))
  if (!c) return EMPTY
  ;[v.minor, x] = c
  if (x === '') {
    // Before Go 1.21, `1.N` was the first release of 1.N itself.
    if (cmpInt(v.minor, '21') < 0) v.patch = '0'
    return v
  }
  if (x[0] === '.') {
    c = cutInt(x.slice(1))
    if (!c || c[1] !== '') return EMPTY
    v.patch = c[0]
    return v
  }
  let i = 0
  while (i < x.length && (x[i] < '0' || x[i] > '9')) {
    if (x[i] < 'a' || x[i] > 'z') return EMPTY
    i++
  }
  if (i === 0) return EMPTY
  v.kind = x.slice(0, i)
  x = x.slice(i)
  if (x === '') return v
  c = cutInt(x)
  if (!c || c[1] !== '') return EMPTY
  v.pre = c[0]
  return v
}

function cmpInt(x: string, y: string): number {
  if (x === y) return 0
  if (x.length !== y.length) return x.length < y.length ? -1 : 1
  return x < y ? -1 : 1
}

function cmpStr(x: string, y: string): number {
  return x === y ? 0 : x < y ? -1 : 1
}

/** -1, 0 or 1; invalid versions compare equal to each other and below all valid ones. */
export function compareGoVersions(x: string, y: string): number {
  const a = parse(x)
  const b = parse(y)
  return (
    cmpInt(a.major, b.major) ||
    cmpInt(a.minor, b.minor) ||
    cmpInt(a.patch, b.patch) ||
    cmpStr(a.kind, b.kind) ||
    cmpInt(a.pre, b.pre)
  )
}

export function isValidGoVersion(x: string): boolean {
  return !isEmpty(parse(x))
}

/** `1.21` (a language version), not `1.21.0` or `1.21rc1`. */
export function isLangVersion(x: string): boolean {
  const v = parse(x)
  return !isEmpty(v) && v.patch === '' && v.kind === '' && v.pre === ''
}

/** The language version of a Go version: `1.21.3` → `1.21`. */
export function langOf(x: string): string {
  const v = parse(x)
  if (v.minor === '' || (v.major === '1' && v.minor === '0')) return v.major
  return `${v.major}.${v.minor}`
}

/**
 * The Go version of a toolchain name (`go1.21.3` → `1.21.3`,
 * `go1.22.0-custom` → `1.22.0`), or '' when it names none.
 */
export function versionOfToolchain(name: string): string {
  if (/[\\/]/.test(name) || !name.startsWith('go')) return ''
  let v = name.slice(2)
  const i = v.search(/[ \t-]/)
  if (i >= 0) v = v.slice(0, i)
  return isValidGoVersion(v) ? v : ''
}
