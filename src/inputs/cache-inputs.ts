import {
  InputError,
  parseBool,
  parseChoice,
  parseNumber
} from '../base/values.js'
import type { InputGetter } from '../base/values.js'
import { withActionDefaults } from './action-defaults.js'
import type { CacheOptions } from '../cache/options.js'

/** Reads the cache-* inputs; errors name the input and the value. */
export function readCacheInputs(input: InputGetter): CacheOptions {
  const get = withActionDefaults(input)
  const keyPrefix = get('cache-key-prefix').trim()
  // @actions/cache rejects commas and keys over 512 characters; a prefix
  // that breaks a key would otherwise only surface as a warning in post.
  if (keyPrefix === '' || keyPrefix.includes(',') || keyPrefix.length > 200) {
    throw new InputError(
      'cache-key-prefix',
      `"${keyPrefix}" must be 1-200 characters without commas`
    )
  }
  if (/\s/.test(keyPrefix)) {
    throw new InputError(
      'cache-key-prefix',
      `"${keyPrefix}" must not contain whitespace`
    )
  }
  return {
    enabled: parseBool('cache', get('cache')),
    mode: parseChoice('cache-mode', get('cache-mode'), [
      'download',
      'full'
    ] as const),
    build: parseBool('cache-build', get('cache-build')),
    save: parseChoice('cache-save', get('cache-save'), [
      'auto',
      'never',
      'always'
    ] as const),
    keyPrefix,
    lookupTimeoutMs:
      parseNumber('cache-lookup-timeout', get('cache-lookup-timeout'), {
        min: 1,
        max: 600
      }) * 1000
  }
}
