// A module version's .info as go writes it into the module cache
// (cmd/go modfetch writeDiskStat): not the proxy's bytes but its RevInfo
// marshalled again, {Version, Time, Origin}, with the time in RFC 3339 as Go
// prints it and the origin's tag and repository sums dropped (and the ref
// too for a pseudo-version), since they never matter for a cached version.

const ORIGIN_FIELDS = [
  'VCS',
  'URL',
  'Subdir',
  'Hash',
  'TagPrefix',
  'TagSum',
  'Ref',
  'RepoSum'
] as const

// golang.org/x/mod/module pseudoVersionRE.
const PSEUDO =
  /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/i

/** go's cache file for an .info answer, or undefined when go would refuse it. */
export function goInfoFile(text: string): string | undefined {
  let info: unknown
  try {
    info = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof info !== 'object' || info === null) return undefined
  const { Version, Time, Origin } = info as Record<string, unknown>
  if (typeof Version !== 'string') return undefined
  const time = Time === undefined ? '0001-01-01T00:00:00Z' : goTime(Time)
  if (time === undefined) return undefined
  let out = `{"Version":${goString(Version)},"Time":${goString(time)}`
  if (typeof Origin === 'object' && Origin !== null) {
    const o = Origin as Record<string, unknown>
    const keep = ORIGIN_FIELDS.filter(
      (k) =>
        typeof o[k] === 'string' &&
        o[k] !== '' &&
        k !== 'TagPrefix' &&
        k !== 'TagSum' &&
        k !== 'RepoSum' &&
        !(k === 'Ref' && PSEUDO.test(Version))
    )
    out += `,"Origin":{${keep.map((k) => `"${k}":${goString(o[k] as string)}`).join(',')}}`
  }
  return `${out}}`
}

// time.Time's MarshalJSON: RFC3339Nano, so no trailing zeros in the
// fraction, and Z for a zero offset.
function goTime(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined
  const m = RFC3339.exec(v)
  if (!m) return undefined
  const frac = (m[2] ?? '').replace(/0+$/, '')
  const zone = /^(z|[+-]00:00)$/i.test(m[3]) ? 'Z' : m[3]
  return `${m[1]}${frac === '.' ? '' : frac}${zone}`
}

// encoding/json escapes what JSON.stringify does, plus <, >, & and the two
// JavaScript line separators.
function goString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}
