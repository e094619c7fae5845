// Whether the prefetch left the module cache holding everything go.sum
// names. `go mod download` fetches exactly that, so its own outcome is the
// answer, at no cost: a run that ended cleanly filled the cache, a failure
// or a stop did not. Without a prefetch nothing is known here.
import type { DownloadsReport } from './downloads-report.js'

/** Why the module cache is known to be incomplete; undefined when it is not. */
export function incompleteDownloads(
  d: DownloadsReport | undefined
): string | undefined {
  if (!d) return undefined
  if (d.failures.length > 0)
    return `${d.failures.length} module download(s) failed`
  if (d.roots.some((r) => r.timedOut))
    return `the prefetch stopped at download-timeout (${d.timeoutSec} s)`
  const failed = d.roots.find((r) => r.exitCode !== 0)
  return failed ? `go mod download failed in ${failed.dir}` : undefined
}
