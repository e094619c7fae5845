import { parseAutoBool, parseBool, parseNumber, splitLines } from './values.js'
import type { InputGetter } from './values.js'

// Measured in BENCHMARKS.md ("Prefetch through the local proxy").
const DEFAULT_CONCURRENCY = 32

export interface DownloadInputs {
  /** undefined: "auto" (prefetch when a go.mod is found). */
  download: boolean | undefined
  timeoutMs: number
  /** Files the local proxy fetches at once; 0: go alone on the exported chain. */
  concurrency: number
  failOnError: boolean
  /** Globs of leg reports to merge; when set the action only renders them. */
  mergeReports: string[]
}

export function readDownloadInputs(get: InputGetter): DownloadInputs {
  return {
    download: parseAutoBool('download', get('download') || 'auto'),
    timeoutMs:
      parseNumber('download-timeout', get('download-timeout') || '600', {
        min: 1,
        max: 6 * 3600
      }) * 1000,
    concurrency: parseNumber(
      'download-concurrency',
      get('download-concurrency') || String(DEFAULT_CONCURRENCY),
      { min: 0, max: 256 }
    ),
    failOnError: parseBool('fail-on-error', get('fail-on-error') || 'true'),
    mergeReports: splitLines(get('merge-reports'))
  }
}
