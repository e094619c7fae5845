import { parseCredentials, type Credential } from './credentials.js'
import { InputError, parseAutoBool } from './input-values.js'
import type { InputGetter } from './inputs.js'
import { parsePatterns, type PrivatePatterns } from './patterns.js'
import { sumdbTarget } from './sumdb-value.js'

export type SumdbSetting = { mode: 'auto' } | { mode: 'fixed'; value: string }

export interface PrivacyInputs extends PrivatePatterns {
  /** GOPRIVATE: the `private` input together with GOPRIVATE already set in the job. */
  private: string[]
  /** GONOPROXY from `no-proxy`, else from the job; may be `none`. */
  noProxy: string[]
  /** GONOSUMDB from `no-sumdb`, else from the job. */
  noSumdb: string[]
  insecure: string[]
  /** Which of noProxy/noSumdb/insecure came from the job environment rather than an input. */
  fromJob: { noProxy: boolean; noSumdb: boolean; insecure: boolean }
  sumdb: SumdbSetting
  credentials: Credential[]
  gitRewrite: boolean
}

/**
 * Reads the private-module inputs. Patterns the job already exported are
 * folded in, so that the probe and the exported chain honour them too.
 */
export function readPrivacyInputs(
  get: InputGetter,
  env: NodeJS.ProcessEnv = process.env
): PrivacyInputs {
  const fromEnv = (name: string): string[] =>
    parsePatterns(`${name} (set earlier in the job)`, env[name] ?? '')
  const pick = (input: string, name: string): [string[], boolean] => {
    const own = parsePatterns(input, get(input))
    return own.length > 0 ? [own, false] : [fromEnv(name), true]
  }
  const priv = [
    ...new Set([
      ...parsePatterns('private', get('private')),
      ...fromEnv('GOPRIVATE')
    ])
  ]
  const [noProxy, noProxyFromJob] = pick('no-proxy', 'GONOPROXY')
  if (
    !noProxyFromJob &&
    noProxy.includes('none') &&
    get('private-proxy').trim() === ''
  ) {
    throw new InputError(
      'no-proxy',
      '"none" sends private modules through GOPROXY, but private-proxy is empty, so they would reach public mirrors; set private-proxy or drop "none"'
    )
  }
  const [noSumdb, noSumdbFromJob] = pick('no-sumdb', 'GONOSUMDB')
  const [insecure, insecureFromJob] = pick('insecure', 'GOINSECURE')
  const credentials = parseCredentials(get('credentials'))
  const gitRewrite =
    parseAutoBool('git-rewrite', get('git-rewrite')) ?? credentials.length > 0
  return {
    private: priv,
    noProxy,
    noSumdb,
    insecure,
    fromJob: {
      noProxy: noProxyFromJob && noProxy.length > 0,
      noSumdb: noSumdbFromJob && noSumdb.length > 0,
      insecure: insecureFromJob && insecure.length > 0
    },
    sumdb: parseSumdb(get('sumdb')),
    credentials,
    gitRewrite
  }
}

/**
 * Validates a GOSUMDB value as cmd/go's dbDial does, so that the action
 * never exports a value go refuses when it first verifies a module.
 */
export function parseSumdb(raw: string): SumdbSetting {
  const v = raw.trim()
  if (v === '' || v.toLowerCase() === 'auto') return { mode: 'auto' }
  const target = sumdbTarget(v)
  if (target instanceof Error) {
    // A URL's user information may be a token: never echo it.
    const shown = v.replace(/\/\/[^/\s]*@/gu, '//***@')
    throw new InputError('sumdb', `"${shown}" ${target.message}`)
  }
  return { mode: 'fixed', value: v.split(/\s+/u).join(' ') }
}
