import { formatMs } from '../base/markdown.js'
import type { MirrorRanking } from './rank.js'

export interface ChainInput {
  privateProxies: string[]
  ranking: MirrorRanking[]
  maxMirrors: number
  fallbackOn: 'any-error' | 'not-found'
  directFallback: boolean
  /** GOPROXY holds no public mirror, so no private path can reach one. */
  privateStrict?: boolean
}

export interface ChainEntry {
  url: string
  role: 'private' | 'mirror' | 'direct'
  reason: string
}

export interface ChainResult {
  goproxy: string
  /** First public mirror, or "direct" when none is usable. */
  firstMirror: string
  entries: ChainEntry[]
  /** Candidate mirrors not in the chain, and why. */
  leftOut: { url: string; reason: string }[]
  warnings: string[]
}

export class NoUsableMirrorError extends Error {
  name = 'NoUsableMirrorError'
}

/**
 * Builds GOPROXY. Private proxies come first, joined with "," so that their
 * 401/403 stays final; their 404/410 still lets go ask the public mirrors
 * for the path, unless privateStrict leaves the mirrors out. Public mirrors
 * follow in rank order joined with "|" (fall through on any error) or ","
 * (only on 404/410). "direct" closes the list with the same separator:
 * under any-error a mirror's 5xx should not end the build while the origin
 * can still answer.
 */
export function synthesizeChain(input: ChainInput): ChainResult {
  const usable = input.ranking
    .filter((r) => r.position !== undefined)
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
  // go falls through on a private proxy's 404/410 even after ",", so only a
  // list without public mirrors keeps private paths away from them.
  const chosen = input.privateStrict ? [] : usable.slice(0, input.maxMirrors)
  const leftOut = [
    ...usable.slice(chosen.length).map((r) => ({
      url: r.url,
      reason: input.privateStrict
        ? 'private-strict: no public mirror in GOPROXY, public modules come through the private proxy'
        : `ranked ${r.position}, beyond max-mirrors (${input.maxMirrors})`
    })),
    ...input.ranking
      .filter((r) => r.position === undefined)
      .map((r) => ({
        url: r.url,
        reason: `failed its probe: ${r.reasons.join('; ')}`
      }))
  ]
  const warnings: string[] = []
  if (chosen.length === 0 && !input.privateStrict) {
    if (!input.directFallback && input.privateProxies.length === 0) {
      throw new NoUsableMirrorError(
        'No candidate mirror passed its probe and direct-fallback is false: ' +
          leftOut.map((l) => `${l.url} (${l.reason})`).join(', ')
      )
    }
    warnings.push(
      input.directFallback
        ? 'No candidate mirror passed its probe; public modules will be fetched directly from their origins.'
        : 'No candidate mirror passed its probe; only the private proxy is in GOPROXY.'
    )
  }
  const separator = input.fallbackOn === 'any-error' ? '|' : ','
  const entries: ChainEntry[] = [
    ...input.privateProxies.map((url) => ({
      url,
      role: 'private' as const,
      reason: 'private-proxy: first, and its refusals are final (",")'
    })),
    ...chosen.map((r) => ({
      url: r.url,
      role: 'mirror' as const,
      reason: mirrorReason(r)
    }))
  ]
  if (input.directFallback) {
    entries.push({
      url: 'direct',
      role: 'direct',
      reason: 'direct-fallback: modules no mirror has come from their origin'
    })
  }
  let goproxy = input.privateProxies.join(',')
  const publicEntries = [
    ...chosen.map((r) => r.url),
    ...(input.directFallback ? ['direct'] : [])
  ]
  if (publicEntries.length > 0)
    goproxy += (goproxy ? ',' : '') + publicEntries.join(separator)
  return {
    goproxy,
    firstMirror: chosen[0]?.url ?? 'direct',
    entries,
    leftOut,
    warnings
  }
}

function mirrorReason(r: MirrorRanking): string {
  const parts = [`rank ${r.position}`, r.tier]
  if (r.sampled > 0) parts.push(`${r.found}/${r.sampled} sampled versions`)
  if (r.expectedMs !== undefined)
    parts.push(`expected ${formatMs(r.expectedMs)}`)
  return parts.join(', ')
}
