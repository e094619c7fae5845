import { parseCredentials } from '../privacy/credentials.js'
import { maskRawCredentials, maskSecrets } from '../privacy/setup.js'
import type { PrivacyOptions } from '../privacy/options.js'
import type { SumdbSetting } from '../sumdb/options.js'
import {
  goGetenv,
  readJobGoEnvFile,
  type GoEnvFile
} from '../env/go-env-file.js'
import { InputError, parseAutoBool } from '../base/values.js'
import type { InputGetter } from '../base/values.js'
import { withActionDefaults } from './action-defaults.js'
import { parsePatterns } from '../privacy/patterns.js'
import { sumdbTarget } from '../sumdb/gosumdb-value.js'

/**
 * Reads the private-module inputs. What the job already has for GOPRIVATE,
 * GONOPROXY, GONOSUMDB and GOINSECURE (its environment, else the GOENV file,
 * as go reads them) is merged in: an exported value replaces both, so
 * anything left out would reach public mirrors or the checksum database.
 */
export function readPrivacyInputs(
  input: InputGetter,
  env: NodeJS.ProcessEnv = process.env,
  goenvFile: GoEnvFile = readJobGoEnvFile(env),
  setSecret?: (secret: string) => void
): PrivacyOptions {
  const get = withActionDefaults(input)
  // Before parsing, whose errors quote parts of the value.
  if (setSecret) maskRawCredentials(get('credentials'), setSecret)
  const fromJob = (name: string): string[] => {
    const { value, from } = goGetenv(name, env, goenvFile)
    const where =
      from === 'file'
        ? `set in the GOENV file ${goenvFile.path}`
        : 'set earlier in the job'
    return parsePatterns(`${name} (${where})`, value)
  }
  // The input's own patterns, and the union with the job's.
  const merge = (input: string, name: string): [string[], string[]] => {
    const own = parsePatterns(input, get(input))
    return [own, [...new Set([...own, ...fromJob(name)])]]
  }
  const [, priv] = merge('private', 'GOPRIVATE')
  const [ownNoProxy, noProxy] = merge('no-proxy', 'GONOPROXY')
  if (ownNoProxy.includes('none') && get('private-proxy').trim() === '') {
    throw new InputError(
      'no-proxy',
      '"none" sends private modules through GOPROXY, but private-proxy is empty, so they would reach public mirrors; set private-proxy or drop "none"'
    )
  }
  const [ownNoSumdb, noSumdb] = merge('no-sumdb', 'GONOSUMDB')
  const [ownInsecure, insecure] = merge('insecure', 'GOINSECURE')
  const credentials = parseCredentials(get('credentials'))
  const gitRewrite =
    parseAutoBool('git-rewrite', get('git-rewrite')) ?? credentials.length > 0
  const options: PrivacyOptions = {
    private: priv,
    noProxy,
    noSumdb,
    insecure,
    fromJob: {
      noProxy: ownNoProxy.length === 0 && noProxy.length > 0,
      noSumdb: ownNoSumdb.length === 0 && noSumdb.length > 0,
      insecure: ownInsecure.length === 0 && insecure.length > 0
    },
    sumdb: parseSumdb(get('sumdb')),
    credentials,
    gitRewrite
  }
  if (setSecret) maskSecrets(options, setSecret)
  return options
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
