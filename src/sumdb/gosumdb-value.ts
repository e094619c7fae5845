import { createHash } from 'node:crypto'

/** The keys cmd/go knows by name (modfetch/key.go knownGOSUMDB). */
const KNOWN_KEYS: Record<string, string> = {
  'sum.golang.org':
    'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8'
}

/** The alias cmd/go rewrites to `sum.golang.org https://sum.golang.google.cn`. */
export const GOOGLE_CN_ALIAS = 'sum.golang.google.cn'

/**
 * What go makes of a GOSUMDB value (modfetch/sumdb.go dbDial): checking off,
 * or the database `name`, reached at `url` when the value names one (go then
 * never asks the GOPROXY entries about it), else through the proxies.
 */
export type SumdbTarget =
  | { kind: 'off' }
  | {
      kind: 'db'
      name: string
      /** Its verifier key (NAME+HASH+KEY), the known one for a bare name. */
      key: string
      url?: string
    }

/** Why go's note.NewVerifier refuses `key`, or undefined when it accepts it. */
export function verifierKeyError(key: string): string | undefined {
  const [name, rest] = cut(key, '+')
  const [hash16, key64] = cut(rest, '+')
  const bytes = decodeStdBase64(key64)
  if (
    !/^[0-9A-Fa-f]{8}$/.test(hash16) ||
    bytes === undefined ||
    bytes.length === 0 ||
    name === '' ||
    /\s|\+/u.test(name)
  ) {
    return 'is not of the form NAME+HASH+KEY (a note verifier key)'
  }
  const sum = createHash('sha256').update(`${name}\n`).update(bytes).digest()
  if (sum.readUInt32BE(0) !== parseInt(hash16, 16)) {
    return `has hash ${hash16}: the hash does not match the key, which hashes to ${sum.subarray(0, 4).toString('hex')}`
  }
  if (bytes[0] !== 1) return 'names an unknown key algorithm (only 1, Ed25519)'
  if (bytes.length !== 33) {
    return `has an Ed25519 key of ${bytes.length - 1} bytes, not 32`
  }
  return undefined
}

/**
 * Splits a GOSUMDB value the way dbDial does and says why go would refuse it
 * (as an Error), or what it names. `off` is only the lowercase word.
 */
export function sumdbTarget(value: string): SumdbTarget | Error {
  if (value === 'off') return { kind: 'off' }
  const v =
    value === GOOGLE_CN_ALIAS
      ? `sum.golang.org https://${GOOGLE_CN_ALIAS}`
      : value
  const fields = v.split(/\s+/u).filter((f) => f !== '')
  if (fields.length === 0) return new Error('is empty')
  if (fields.length > 2) {
    return new Error('has too many fields; expected NAME[+HASH+KEY] [URL]')
  }
  const key = KNOWN_KEYS[fields[0]] ?? fields[0]
  const keyError = verifierKeyError(key)
  if (keyError) {
    return new Error(
      `${keyError}; a bare name is accepted only for sum.golang.org and sum.golang.google.cn`
    )
  }
  const name = key.slice(0, key.indexOf('+'))
  // go requires https://NAME to parse back to exactly a host and a path.
  if (
    !/^[A-Za-z0-9._~-]+(:[0-9]*)?(\/[A-Za-z0-9._~!$&'()*,;=:@/-]*)?$/.test(
      name
    ) ||
    name.endsWith('/')
  ) {
    return new Error(`names "${name}", which is not HOST[/PATH]`)
  }
  if (fields[1] === undefined) return { kind: 'db', name, key }
  let url: URL
  try {
    url = new URL(fields[1])
  } catch {
    return new Error(`has "${fields[1]}", which is not a URL`)
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password) {
    return new Error(
      `has "${url.protocol}//${url.host}…", which is not an http(s) URL without credentials`
    )
  }
  return { kind: 'db', name, key, url: fields[1] }
}

function cut(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep)
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)]
}

/** Go's base64.StdEncoding: padded, standard alphabet; else undefined. */
function decodeStdBase64(s: string): Buffer | undefined {
  if (
    !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)
  ) {
    return undefined
  }
  return Buffer.from(s, 'base64')
}
