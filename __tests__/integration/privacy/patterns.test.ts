// Pattern matching checked against Go itself: path.Match and x/mod's
// module.MatchPrefixPatterns, run by the gomatch helper.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { pathMatch } from '../../../src/privacy/path-match.js'
import {
  isValidGlob,
  matchesAnyPattern,
  parsePatterns
} from '../../../src/privacy/patterns.js'
import {
  askGo,
  goMatchBinary,
  type GoMatchQuestion
} from '../../support/gomatch.js'

// Building the helper may download golang.org/x/mod once.
beforeAll(() => {
  goMatchBinary()
}, 300_000)

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Characters real module paths and hosts carry, plus non-BMP ones (two
// UTF-16 units, four UTF-8 bytes) and the glob metacharacters as literals.
const CHARS = [...'abcyzABYZ019-_.~', 'é', 'ß', '日', '😀', '𝔸', '\u{10FFFF}']
const WORDS = [
  'github.com',
  'my-org',
  'My_Org',
  'git.my-corp.com',
  'gopkg.in',
  'yaml.v3',
  'Azure',
  'x-y_z.v2',
  'corp.example.test',
  '日本',
  '😀-team'
]

function generator(seed: number) {
  const r = rng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]
  const char = () => pick(CHARS)
  const classItem = (): string => {
    const esc = (c: string) =>
      r() < 0.15 || '-]\\^'.includes(c) ? '\\' + c : c
    if (r() < 0.5) return esc(char())
    // Ranges in either order: Go accepts [z-a] (it just matches nothing).
    return `${esc(char())}-${esc(char())}`
  }
  const malformed = () =>
    pick(['[', '[]', '[a-', '[-a]', '[a-]', '\\', '[^', '[\\', '[a', '[]a]'])
  const globElem = (): string => {
    const parts: string[] = []
    const n = 1 + Math.floor(r() * 4)
    for (let i = 0; i < n; i++) {
      const x = r()
      if (x < 0.25) parts.push(pick(WORDS))
      else if (x < 0.4) parts.push('*')
      else if (x < 0.5) parts.push('?')
      else if (x < 0.65) {
        const items = Array.from({ length: 1 + Math.floor(r() * 3) }, classItem)
        parts.push(`[${r() < 0.35 ? '^' : ''}${items.join('')}]`)
      } else if (x < 0.72) parts.push('\\' + pick([...CHARS, '*', '?', '[']))
      else if (x < 0.75) parts.push(malformed())
      else if (x < 0.8) parts.push('[/]')
      else parts.push(char())
    }
    return parts.join('')
  }
  const glob = (): string => {
    const elems = Array.from({ length: 1 + Math.floor(r() * 3) }, globElem)
    return elems.join('/') + (r() < 0.1 ? '/' : '')
  }
  // A target that often matches: the glob's literal text with its
  // metacharacters replaced by plausible characters, then mutated.
  const targetFor = (g: string): string => {
    let t = g
      .replace(/\\(.)/gu, '$1')
      .replace(/\[\^?([^\]]*)\]/gu, (_, body: string) =>
        body === '' ? char() : ([...body.replace(/[\\^-]/g, '')][0] ?? char())
      )
      .replace(/\*/g, () => (r() < 0.5 ? '' : pick(WORDS)))
      .replace(/\?/g, () => char())
    if (r() < 0.3) t += '/' + pick(WORDS)
    if (r() < 0.2) t = t.replace(/.$/u, char())
    if (r() < 0.1) t = t.split('/').slice(0, -1).join('/')
    return t
  }
  return (): GoMatchQuestion => {
    const globs = Array.from({ length: 1 + Math.floor(r() * 3) }, glob)
    const target =
      r() < 0.7
        ? targetFor(pick(globs))
        : Array.from({ length: 1 + Math.floor(r() * 4) }, () =>
            r() < 0.5 ? pick(WORDS) : char() + char()
          ).join('/')
    return { globs: globs.join(','), target }
  }
}

const SEED = 20261129
const PAIRS = 20000

describe(`pattern matching against Go: ${PAIRS} pairs, seed ${SEED}`, () => {
  const next = generator(SEED)
  const questions = Array.from({ length: PAIRS }, next)
  let answers: ReturnType<typeof askGo>

  beforeAll(() => {
    answers = askGo(questions)
  })

  it('covers matches, misses and malformed globs', () => {
    const matches = answers.filter((a) => a.match).length
    const malformed = answers.filter((a) => a.valid.includes(false)).length
    expect(matches).toBeGreaterThan(PAIRS / 5)
    expect(PAIRS - matches).toBeGreaterThan(PAIRS / 5)
    expect(malformed).toBeGreaterThan(PAIRS / 20)
  })

  // Mismatches are listed with both answers (replay: SEED and the index).
  it('matchesAnyPattern agrees with MatchPrefixPatterns on every pair', () => {
    const wrong = questions.flatMap((q, i) => {
      const ts = matchesAnyPattern(q.globs.split(','), q.target)
      return ts === answers[i].match
        ? []
        : [{ i, ...q, go: answers[i].match, ts }]
    })
    expect(wrong.slice(0, 5)).toEqual([])
  })

  it('pathMatch agrees with path.Match, malformed patterns included', () => {
    const wrong = questions.flatMap((q, i) => {
      const got = pathMatch(q.globs, q.target)
      const ts = [got === true, got === undefined]
      const go = answers[i].pathMatch
      return ts[0] === go[0] && ts[1] === go[1] ? [] : [{ i, ...q, go, ts }]
    })
    expect(wrong.slice(0, 5)).toEqual([])
  })

  it('rejects as input exactly the globs Go finds malformed', () => {
    const wrong: string[] = []
    questions.forEach((q, i) => {
      q.globs.split(',').forEach((g, k) => {
        const goValid = answers[i].valid[k]
        const glob = g.endsWith('/') ? g.slice(0, -1) : g
        if (isValidGlob(glob) !== goValid) wrong.push(`isValidGlob ${g}`)
        let error = ''
        try {
          parsePatterns('private', g)
        } catch (e) {
          error = (e as Error).message
        }
        // Other rejections (e.g. "//") are the action's own policy.
        if (/not a valid glob/.test(error) === goValid) wrong.push(g)
      })
    })
    expect(wrong.slice(0, 5)).toEqual([])
  })
})

describe('pattern shapes real workflows use', () => {
  it.each([
    // Defect: `-` threw "Invalid regular expression" under the u flag.
    ['github.com/my-org', 'github.com/my-org/repo', true],
    ['git.my-corp.com', 'git.my-corp.com/team/x_y', true],
    ['*.my-corp.com', 'git.my-corp.com/x', true],
    ['github.com/My_Org/*', 'github.com/My_Org/Tool-X/v2', true],
    ['github.com/my-org', 'github.com/my-organization/repo', false],
    ['github.com/My-Org', 'github.com/my-org/repo', false],
    // [z-a] is a valid (empty) range for Go; [^z-a] matches anything.
    ['x.test/[z-a]', 'x.test/b', false],
    ['x.test/[^z-a]', 'x.test/b', true],
    // Classes match "/" in Go, unlike ? and *.
    ['x.test/a[^y]b', 'x.test/a/b', false],
    ['x.test/a[^y]b/c', 'x.test/a/b/c', false],
    ['x.test/a[/]b/c', 'x.test/a/b/c/d', true],
    ['x.test/[😀-🙏]', 'x.test/😃', true],
    ['x.test/*[^😀]', 'x.test/😀', true]
  ])('%s ~ %s -> %s', (glob, target, want) => {
    expect(matchesAnyPattern([glob], target)).toBe(want)
    expect(askGo([{ globs: glob, target }])[0].match).toBe(want)
  })

  it('accepts dashes, underscores, reversed and non-BMP ranges as input', () => {
    expect(
      parsePatterns(
        'private',
        'github.com/my-org, git.my-corp.com/,x.test/[z-a],x.test/[😀-🙏]'
      )
    ).toEqual([
      'github.com/my-org',
      'git.my-corp.com',
      'x.test/[z-a]',
      'x.test/[😀-🙏]'
    ])
  })

  it('[^y] matches "/" as in Go', () => {
    expect(pathMatch('a[^y]b', 'a/b')).toBe(true)
    expect(pathMatch('a?b', 'a/b')).toBe(false)
    expect(askGo([{ globs: 'a[^y]b', target: 'a/b' }])[0].pathMatch).toEqual([
      true,
      false
    ])
  })
})
