// A plain snapshot of the prefetch while it runs, for a progress line: the
// figures the report ends with, so far. The engine gives them as it fetches;
// when go runs alone, they are go's own requests as its -x output shows them.
import type { RequestRecord } from './run-collector.js'

export interface PrefetchProgress {
  /** The engine ahead of go, or go alone on the chain. */
  by: 'engine' | 'go'
  /** Files served so far. */
  files: number
  /** Files the module cache lacked (the engine's plan; it grows with the graph walk). */
  planned?: number
  /** Bytes received, transfers under way included; go does not print sizes. */
  bytes?: number
  /** Files each mirror (GOPROXY entry, or `direct`) served, in no set order. */
  mirrors: { url: string; files: number }[]
}

/**
 * Counts go's answered requests by source and reports each new one: the
 * progress of go alone.
 */
export function goRequestTally(
  onProgress: (p: PrefetchProgress) => void
): (r: RequestRecord) => void {
  const bySource = new Map<string, number>()
  let files = 0
  return (r) => {
    if (r.status !== 200) return
    files++
    bySource.set(r.source, (bySource.get(r.source) ?? 0) + 1)
    onProgress({
      by: 'go',
      files,
      mirrors: [...bySource].map(([url, n]) => ({ url, files: n }))
    })
  }
}
