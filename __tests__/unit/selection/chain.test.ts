import { describe, expect, it } from '@jest/globals'
import {
  NoUsableMirrorError,
  synthesizeChain,
  type ChainInput
} from '../../../src/selection/chain.js'
import type { MirrorRanking } from '../../../src/selection/rank.js'

// cmd/go's proxyList (modfetch/proxy.go), as described in the reference
// notes §1.1: split at "," or "|", the separator after an entry sets its
// fallBackOnError, empty entries are skipped, and "direct"/"off" end the list.
interface ProxyEntry {
  url: string
  fallBackOnError: boolean
}
function proxyList(goproxy: string): ProxyEntry[] {
  const out: ProxyEntry[] = []
  let rest = goproxy
  while (rest !== '') {
    const i = rest.search(/[,|]/)
    const url = (i < 0 ? rest : rest.slice(0, i)).trim()
    const fallBackOnError = i >= 0 && rest[i] === '|'
    rest = i < 0 ? '' : rest.slice(i + 1)
    if (url === '') continue
    out.push({ url, fallBackOnError })
    if (url === 'direct' || url === 'off') break
  }
  return out
}

function ranked(
  url: string,
  position: number | undefined,
  extra: Partial<MirrorRanking> = {}
): MirrorRanking {
  return {
    url,
    tier: position === undefined ? 'failed' : 'healthy',
    found: position === undefined ? 0 : 3,
    sampled: 3,
    missing: 0,
    expectedMs: position === undefined ? undefined : 100 * position,
    position,
    reasons: position === undefined ? ['refused: connect ECONNREFUSED'] : [],
    ...extra
  }
}

const ranking = [
  ranked('https://c.test', 3),
  ranked('https://a.test', 1),
  ranked('https://dead.test', undefined),
  ranked('https://b.test', 2),
  ranked('https://d.test', 4)
]

function input(over: Partial<ChainInput> = {}): ChainInput {
  return {
    privateProxies: [],
    ranking,
    maxMirrors: 3,
    fallbackOn: 'any-error',
    directFallback: true,
    ...over
  }
}

describe('synthesizeChain', () => {
  it('joins the best mirrors with "|" and ends with direct', () => {
    const c = synthesizeChain(input())
    expect(c.goproxy).toBe(
      'https://a.test|https://b.test|https://c.test|direct'
    )
    expect(c.firstMirror).toBe('https://a.test')
    expect(c.warnings).toEqual([])
    expect(proxyList(c.goproxy)).toEqual([
      { url: 'https://a.test', fallBackOnError: true },
      { url: 'https://b.test', fallBackOnError: true },
      { url: 'https://c.test', fallBackOnError: true },
      { url: 'direct', fallBackOnError: false }
    ])
  })

  it('joins with "," under fallback-on: not-found', () => {
    const c = synthesizeChain(input({ fallbackOn: 'not-found' }))
    expect(c.goproxy).toBe(
      'https://a.test,https://b.test,https://c.test,direct'
    )
    expect(proxyList(c.goproxy).every((e) => !e.fallBackOnError)).toBe(true)
  })

  it('puts private proxies first with "," so their refusals are final', () => {
    const c = synthesizeChain(
      input({
        privateProxies: ['https://athens.corp.test', 'https://backup.corp.test']
      })
    )
    expect(c.goproxy).toBe(
      'https://athens.corp.test,https://backup.corp.test,https://a.test|https://b.test|https://c.test|direct'
    )
    const entries = proxyList(c.goproxy)
    expect(entries.slice(0, 2)).toEqual([
      { url: 'https://athens.corp.test', fallBackOnError: false },
      { url: 'https://backup.corp.test', fallBackOnError: false }
    ])
    expect(entries.slice(2, 5).every((e) => e.fallBackOnError)).toBe(true)
    expect(entries.at(-1)?.url).toBe('direct')
    expect(c.firstMirror).toBe('https://a.test')
    expect(c.entries.map((e) => e.role)).toEqual([
      'private',
      'private',
      'mirror',
      'mirror',
      'mirror',
      'direct'
    ])
  })

  it('keeps "direct" last, so go never ignores an entry', () => {
    for (const fallbackOn of ['any-error', 'not-found'] as const) {
      for (const maxMirrors of [1, 2, 3, 4, 10]) {
        for (const privateProxies of [[], ['https://p.test']]) {
          const c = synthesizeChain(
            input({ fallbackOn, maxMirrors, privateProxies })
          )
          const entries = proxyList(c.goproxy)
          // every entry of the string survives parsing
          expect(entries.map((e) => e.url)).toEqual(c.entries.map((e) => e.url))
          expect(entries.filter((e) => e.url === 'direct')).toHaveLength(1)
          expect(entries.at(-1)?.url).toBe('direct')
        }
      }
    }
  })

  it('honours max-mirrors and says why the rest are left out', () => {
    const c = synthesizeChain(input({ maxMirrors: 1 }))
    expect(c.goproxy).toBe('https://a.test|direct')
    expect(c.leftOut).toEqual([
      {
        url: 'https://b.test',
        reason: 'ranked 2, beyond max-mirrors (1)'
      },
      {
        url: 'https://c.test',
        reason: 'ranked 3, beyond max-mirrors (1)'
      },
      {
        url: 'https://d.test',
        reason: 'ranked 4, beyond max-mirrors (1)'
      },
      {
        url: 'https://dead.test',
        reason: 'failed its probe: refused: connect ECONNREFUSED'
      }
    ])
  })

  it('never puts a failed mirror in the chain, whatever max-mirrors is', () => {
    const c = synthesizeChain(input({ maxMirrors: 20 }))
    expect(c.goproxy).not.toContain('dead.test')
    expect(proxyList(c.goproxy)).toHaveLength(5)
    expect(c.leftOut.map((l) => l.url)).toEqual(['https://dead.test'])
  })

  it('explains each mirror in the chain', () => {
    const c = synthesizeChain(
      input({
        ranking: [
          ranked('https://a.test', 1, { expectedMs: 1234 }),
          ranked('https://b.test', 2, {
            tier: 'degraded',
            found: 2,
            expectedMs: 25_000
          })
        ]
      })
    )
    expect(c.entries).toEqual([
      {
        url: 'https://a.test',
        role: 'mirror',
        reason: 'rank 1, healthy, 3/3 sampled versions, expected 1.2 s'
      },
      {
        url: 'https://b.test',
        role: 'mirror',
        reason: 'rank 2, degraded, 2/3 sampled versions, expected 25 s'
      },
      {
        url: 'direct',
        role: 'direct',
        reason: expect.stringMatching(/direct-fallback/)
      }
    ])
  })

  it('omits direct when direct-fallback is false', () => {
    const c = synthesizeChain(input({ directFallback: false }))
    expect(c.goproxy).toBe('https://a.test|https://b.test|https://c.test')
    expect(proxyList(c.goproxy).map((e) => e.url)).not.toContain('direct')
    expect(c.entries.map((e) => e.role)).not.toContain('direct')
  })

  describe('when no mirror is usable', () => {
    const dead = [
      ranked('https://x.test', undefined),
      ranked('https://y.test', undefined, { reasons: ['tls: cert expired'] })
    ]

    it('falls back to direct alone with a warning', () => {
      const c = synthesizeChain(input({ ranking: dead }))
      expect(c.goproxy).toBe('direct')
      expect(c.firstMirror).toBe('direct')
      expect(c.warnings).toHaveLength(1)
      expect(c.warnings[0]).toMatch(/directly from their origins/)
      expect(c.leftOut.map((l) => l.url)).toEqual([
        'https://x.test',
        'https://y.test'
      ])
    })

    it('throws when direct-fallback is false, naming every mirror and why', () => {
      expect(() =>
        synthesizeChain(input({ ranking: dead, directFallback: false }))
      ).toThrow(NoUsableMirrorError)
      expect(() =>
        synthesizeChain(input({ ranking: dead, directFallback: false }))
      ).toThrow(/https:\/\/y\.test \(failed its probe: tls: cert expired\)/)
    })

    it('keeps the private proxy alone rather than failing', () => {
      const c = synthesizeChain(
        input({
          ranking: dead,
          directFallback: false,
          privateProxies: ['https://athens.corp.test']
        })
      )
      expect(c.goproxy).toBe('https://athens.corp.test')
      expect(proxyList(c.goproxy)).toEqual([
        { url: 'https://athens.corp.test', fallBackOnError: false }
      ])
      expect(c.warnings[0]).toMatch(/only the private proxy/)
    })

    it('puts the private proxy before direct', () => {
      const c = synthesizeChain(
        input({ ranking: [], privateProxies: ['https://p.test'] })
      )
      expect(c.goproxy).toBe('https://p.test,direct')
      expect(c.firstMirror).toBe('direct')
    })
  })
})

describe('the test model of proxyList', () => {
  it('matches the documented cmd/go behaviour', () => {
    expect(proxyList('a.test,,b.test')).toEqual([
      { url: 'a.test', fallBackOnError: false },
      { url: 'b.test', fallBackOnError: false }
    ])
    expect(proxyList('direct,https://m.test').map((e) => e.url)).toEqual([
      'direct'
    ])
    expect(proxyList(' off | x').map((e) => e.url)).toEqual(['off'])
    expect(proxyList('p,m|direct')).toEqual([
      { url: 'p', fallBackOnError: false },
      { url: 'm', fallBackOnError: true },
      { url: 'direct', fallBackOnError: false }
    ])
  })
})

describe('private-strict', () => {
  it('leaves every public mirror out of GOPROXY, with the reason', () => {
    const c = synthesizeChain(
      input({
        privateProxies: ['https://athens.my-corp.test'],
        privateStrict: true
      })
    )
    expect(c.goproxy).toBe('https://athens.my-corp.test,direct')
    expect(c.warnings).toEqual([])
    expect(
      c.leftOut.filter((l) => /private-strict/.test(l.reason))
    ).toHaveLength(4)
    expect(
      synthesizeChain(
        input({
          privateProxies: ['https://athens.my-corp.test'],
          privateStrict: true,
          directFallback: false
        })
      ).goproxy
    ).toBe('https://athens.my-corp.test')
  })
})
