// GOPROXY=off in the workflow's env is a policy: no module downloads. The
// action keeps it rather than replacing it with a mirror chain: it probes
// nothing and skips the prefetch, and says how to get mirrors instead.
import type { ChainResult } from './chain.js'
import { parseGoproxy } from '../gomod/goproxy.js'

/** The chain to keep when the job's GOPROXY starts with `off`, else undefined. */
export function keptOffChain(
  jobGoproxy: string | undefined
): ChainResult | undefined {
  if (parseGoproxy(jobGoproxy ?? '')[0]?.url !== 'off') return undefined
  return {
    goproxy: 'off',
    firstMirror: 'off',
    entries: [],
    leftOut: [],
    warnings: [
      'GOPROXY=off is set in the job env, so setup-goproxy kept it: no mirror was probed, GOPROXY stays off and the module prefetch was skipped; go uses only the module cache (and fetches GOPRIVATE/GONOPROXY modules from their origins). ' +
        'To let the action choose mirrors, remove GOPROXY from the workflow or job env; to build offline after it, set `GOPROXY: off` on the build steps only.'
    ]
  }
}
