import { parseAutoBool, parseBool, parseNumber, splitLines } from './values.js'
import type { InputGetter } from './values.js'

export interface DownloadInputs {
  /** undefined: "auto" (prefetch when a go.mod is found). */
  download: boolean | undefined
  timeoutMs: number
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
    failOnError: parseBool('fail-on-error', get('fail-on-error') || 'true'),
    mergeReports: splitLines(get('merge-reports'))
  }
}
