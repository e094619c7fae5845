import {
  InputError,
  parseAutoBool,
  parseBool,
  parseNumber,
  splitLines
} from '../base/values.js'
import type { InputGetter } from '../base/values.js'
import { withActionDefaults } from './action-defaults.js'
import type { DownloadOptions, ExpectedLegs } from '../download/options.js'

export function readDownloadInputs(input: InputGetter): DownloadOptions {
  const get = withActionDefaults(input)
  const concurrency = parseNumber(
    'download-concurrency',
    get('download-concurrency'),
    { min: 0, max: 256, integer: true }
  )
  const keepProxy = parseBool('keep-proxy', get('keep-proxy'))
  if (keepProxy && concurrency === 0)
    throw new InputError(
      'keep-proxy',
      'got "true" with download-concurrency "0" (go alone, no local proxy to keep)'
    )
  const mergeReports = splitLines(get('merge-reports'))
  const expectedLegs = readExpectedLegs(get('expected-legs'))
  if (expectedLegs && mergeReports.length === 0)
    throw new InputError(
      'expected-legs',
      'is only read with merge-reports, which is empty'
    )
  return {
    download: parseAutoBool('download', get('download')),
    timeoutMs:
      parseNumber('download-timeout', get('download-timeout'), {
        min: 1,
        max: 6 * 3600
      }) * 1000,
    concurrency,
    failOnError: parseBool('fail-on-error', get('fail-on-error')),
    keepProxy,
    keepProxyIdleMs:
      parseNumber('keep-proxy-idle-timeout', get('keep-proxy-idle-timeout'), {
        min: 1,
        max: 6 * 3600
      }) * 1000,
    mergeReports,
    expectedLegs
  }
}

/** A count (`3`), or one leg name a line. */
function readExpectedLegs(value: string): ExpectedLegs | undefined {
  const lines = splitLines(value)
  if (lines.length === 0) return undefined
  if (lines.length === 1 && /^\d+$/.test(lines[0]))
    return {
      // A matrix has at most 256 jobs.
      count: parseNumber('expected-legs', lines[0], { min: 1, max: 256 }),
      names: []
    }
  const names = [...new Set(lines)]
  return { count: names.length, names }
}
