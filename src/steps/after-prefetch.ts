// The chain later steps get, once the prefetch has run: a mirror that passed
// the probe and was then dropped by the engine (timeouts, 5xx, wrong bits in
// a row) would otherwise still be the first thing every later go command
// asks, and wait on.
import type { RunReport } from '../report/report.js'
import type { SelectionOptions } from '../selection/options.js'
import type { ChainResult } from '../selection/chain.js'
import { chainFromRanking } from './select-mirrors.js'

/**
 * The chain rebuilt from the ranking without the mirrors the prefetch
 * dropped (`left`), each named in `leftOut` with why; undefined when none of
 * the chain's mirrors was dropped, or when no public mirror would be left
 * (then the chain as probed is still the best there is).
 */
export function chainAfterPrefetch(
  selection: SelectionOptions,
  report: Pick<RunReport, 'chain' | 'ranking' | 'downloads'>
): { chain: ChainResult; left: string[] } | undefined {
  const chain = report.chain
  const inChain = new Set(
    chain?.entries.filter((e) => e.role === 'mirror').map((e) => e.url)
  )
  const dropped = (report.downloads?.proxy?.mirrors ?? []).filter(
    (m) => m.dropped && inChain.has(m.url)
  )
  if (!chain || dropped.length === 0) return undefined
  const gone = new Set(dropped.map((m) => m.url))
  const ranking = (report.ranking ?? []).filter((r) => !gone.has(r.url))
  if (!ranking.some((r) => r.position !== undefined)) return undefined
  const rebuilt = chainFromRanking(selection, ranking)
  const leftOut = dropped.map((m) => ({
    url: m.url,
    reason: `left out of GOPROXY after the prefetch dropped it: ${m.dropped!.why}`
  }))
  return {
    chain: { ...rebuilt, leftOut: [...leftOut, ...rebuilt.leftOut] },
    left: [...gone]
  }
}
