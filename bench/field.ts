// Randomized fields of simulated mirrors for the mirror-selection benchmark.
// Everything is drawn from one seeded generator, so a seed reproduces a field.
import type {
  MirrorProfile,
  RequestContext
} from '../__tests__/support/mirror-server.js'
import type { ModuleSpec } from '../__tests__/support/modules.js'

export type Rng = () => number

/** mulberry32: small, fast and good enough to draw benchmark parameters. */
export function rng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function uniform(r: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * r()
}

export function logUniform(r: Rng, lo: number, hi: number): number {
  return Math.exp(uniform(r, Math.log(lo), Math.log(hi)))
}

export function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]
}

export function shuffle<T>(r: Rng, xs: readonly T[]): T[] {
  const out = [...xs]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

const MB = 1024 * 1024
const PSEUDO = /-0\.\d{14}-[0-9a-f]{12}$/

/**
 * The project's dependencies: `count` modules with zips of 100 KB–3 MB
 * (log-uniform). Some are at recent pseudo-versions, which is what a lagging
 * mirror lacks first and what the probe's sampler favours.
 */
export function projectModules(r: Rng, count: number): ModuleSpec[] {
  const specs: ModuleSpec[] = []
  for (let i = 0; i < count; i++) {
    const path = `bench.test/dep${String(i + 1).padStart(2, '0')}`
    const zipSize = Math.round(logUniform(r, 100 * 1024, 3 * MB))
    const versions = ['v1.0.0', 'v1.1.0']
    if (r() < 0.3) {
      const day = 1 + Math.floor(r() * 28)
      const stamp = `202506${String(day).padStart(2, '0')}120000`
      const hash = Math.floor(r() * 2 ** 48)
        .toString(16)
        .padStart(12, '0')
      versions.push(`v1.1.1-0.${stamp}-${hash}`)
    } else versions.push('v1.2.0')
    specs.push({ path, versions, zipSize })
  }
  return specs
}

export type Role =
  | 'good'
  | 'good-2'
  | 'far-wide'
  | 'near-thin'
  | 'hang'
  | 'flaky'
  | 'stale'
  | 'rate-limited'
  | 'trickle'
  | 'unhealthy'
  | 'captive'
  | 'mid'

export interface FieldMirror {
  role: Role
  /** What the profile does, for the tables. */
  label: string
  /** Header delay (ms) and per-response bandwidth (bytes/s) when it serves. */
  latencyMs?: number
  bandwidth?: number
  profile: MirrorProfile
}

export interface Field {
  index: number
  seed: number
  /** Candidate order (the naive chain joins them in this order). */
  mirrors: FieldMirror[]
}

function served(
  r: Rng,
  latency: [number, number],
  bandwidthMBps: [number, number]
): { latencyMs: number; bandwidth: number } {
  return {
    latencyMs: Math.round(uniform(r, ...latency)),
    bandwidth: Math.round(logUniform(r, ...bandwidthMBps) * MB)
  }
}

function describe(role: Role, s: { latencyMs: number; bandwidth: number }) {
  return `${role} ${s.latencyMs} ms ${(s.bandwidth / MB).toFixed(1)} MB/s`
}

/**
 * One field: a good mirror, a second good one, far-but-wide, near-but-thin,
 * hanging, flaky (random 502s), stale (lacks 1–3 of the most recent versions),
 * rate-limited (429 after a few requests) and one more variation, in a random
 * order. Every mirror proxies the checksum database, as the big ones do.
 */
export function makeField(
  seed: number,
  index: number,
  newest: { path: string; version: string }[]
): Field {
  const r = rng(seed)
  const out: FieldMirror[] = []
  const add = (
    role: Role,
    s: { latencyMs: number; bandwidth: number } | undefined,
    extra: MirrorProfile,
    label?: string
  ) =>
    out.push({
      role,
      label: label ?? (s ? describe(role, s) : role),
      latencyMs: s?.latencyMs,
      bandwidth: s?.bandwidth,
      profile: { ...s, sumdbSupported: 200, ...extra }
    })

  add('good', served(r, [5, 60], [8, 40]), {})
  add('good-2', served(r, [5, 100], [4, 30]), {})
  add('far-wide', served(r, [120, 300], [40, 100]), {})
  add('near-thin', served(r, [1, 8], [0.5, 3]), {})
  add('hang', undefined, { hang: true })

  const flaky = served(r, [5, 60], [8, 40])
  const failShare = uniform(r, 0.05, 0.3)
  const flakyRng = rng(seed ^ 0x5eed)
  add(
    'flaky',
    flaky,
    {
      onRequest: (ctx: RequestContext) => {
        if (flakyRng() >= failShare) return false
        ctx.send(502, 'bad gateway\n')
        return true
      }
    },
    `${describe('flaky', flaky)}, ${Math.round(failShare * 100)}% 502`
  )

  const stale = served(r, [5, 60], [8, 40])
  // A lagging mirror lacks the most recent releases: the newest
  // pseudo-versions first, then whatever else.
  const byRecency = [
    ...newest
      .filter((m) => PSEUDO.test(m.version))
      .sort((a, b) => b.version.localeCompare(a.version)),
    ...shuffle(
      r,
      newest.filter((m) => !PSEUDO.test(m.version))
    )
  ]
  const lacking = byRecency.slice(0, 1 + Math.floor(r() * 3))
  add(
    'stale',
    stale,
    { stale: lacking.map((m) => `${m.path}@${m.version}`) },
    `${describe('stale', stale)}, lacks ${lacking.length}`
  )

  const limited = served(r, [5, 60], [8, 40])
  const after = Math.floor(uniform(r, 0, 12))
  add(
    'rate-limited',
    limited,
    { rateLimit: { after, retryAfter: 60 } },
    `${describe('rate-limited', limited)}, 429 after ${after}`
  )

  const variation = pick(r, ['trickle', 'unhealthy', 'captive', 'mid'] as const)
  switch (variation) {
    case 'trickle':
      add('trickle', undefined, { trickle: { intervalMs: 250 } })
      break
    case 'unhealthy':
      add('unhealthy', served(r, [5, 60], [8, 40]), {
        unhealthy404: /\.zip$/
      })
      break
    case 'captive':
      add('captive', undefined, { html: true })
      break
    case 'mid':
      add('mid', served(r, [40, 150], [5, 30]), {})
      break
  }
  return { index, seed, mirrors: shuffle(r, out) }
}
