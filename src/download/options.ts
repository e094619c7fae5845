// What the download feature is asked to do, as plain data (read from the
// action's inputs by inputs/).
export interface DownloadOptions {
  /** undefined: "auto" (prefetch when a go.mod is found). */
  download: boolean | undefined
  timeoutMs: number
  /** Files the local proxy fetches at once; 0: go alone on the exported chain. */
  concurrency: number
  failOnError: boolean
  /** Keep the local proxy for the rest of the job (stopped by post). */
  keepProxy: boolean
  /** The kept proxy exits after this long without a request. */
  keepProxyIdleMs: number
  /** Globs of leg reports to merge; when set the action only renders them. */
  mergeReports: string[]
  /** The legs a merge should find, to name those whose report is missing. */
  expectedLegs?: ExpectedLegs
}

export interface ExpectedLegs {
  count: number
  /** Leg (artifact directory) names; empty when only a count was given. */
  names: string[]
}
