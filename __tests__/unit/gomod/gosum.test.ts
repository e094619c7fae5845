// Long: go.sum as go writes it: parsing, malformed lines, merging and sampling, each with the literal files.
import { describe, expect, it } from '@jest/globals'
import {
  malformedGoSumLines,
  mergeGoSums,
  parseGoSum,
  sampleModules,
  type GoSumEntry
} from '../../../src/gomod/gosum.js'

const GO_SUM = `golang.org/x/mod v0.20.0 h1:utOm6MM3R3dnawAiJgn0y+xvuYRsm1RKM/4giyfDgV0=
golang.org/x/mod v0.20.0/go.mod h1:hTbmBsO62+eylJbnUtE2MGJUyE7QWk4xUqPFrRgJ+7c=
golang.org/x/text v0.14.0/go.mod h1:18ZOQIKpY8NJVqYksKHtTdi31H5itFRjB5/qKTNYzSU=
golang.org/x/text v0.17.0 h1:XtiM5bkSOt+ewxlOE/aE/AKEHibwj/6gvWMl9Rsh0Qc=\r
golang.org/x/text v0.17.0/go.mod h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY=

  # not a go.sum line
github.com/google/uuid v1.6.0 NOTAHASH
github.com/google/uuid v1.6.0
github.com/google/uuid v1.6.0 h1:x extra
   github.com/google/uuid    v1.6.0/go.mod    h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=
`

describe('parseGoSum', () => {
  it('merges the zip and /go.mod lines of one version', () => {
    const entries = parseGoSum(GO_SUM)
    const byKey = new Map(entries.map((e) => [`${e.path}@${e.version}`, e]))
    expect(byKey.get('golang.org/x/mod@v0.20.0')).toEqual({
      path: 'golang.org/x/mod',
      version: 'v0.20.0',
      zipHash: 'h1:utOm6MM3R3dnawAiJgn0y+xvuYRsm1RKM/4giyfDgV0=',
      modHash: 'h1:hTbmBsO62+eylJbnUtE2MGJUyE7QWk4xUqPFrRgJ+7c='
    })
    expect(byKey.get('golang.org/x/text@v0.17.0')).toEqual({
      path: 'golang.org/x/text',
      version: 'v0.17.0',
      zipHash: 'h1:XtiM5bkSOt+ewxlOE/aE/AKEHibwj/6gvWMl9Rsh0Qc=',
      modHash: 'h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY='
    })
    expect(byKey.get('golang.org/x/text@v0.14.0')).toEqual({
      path: 'golang.org/x/text',
      version: 'v0.14.0',
      modHash: 'h1:18ZOQIKpY8NJVqYksKHtTdi31H5itFRjB5/qKTNYzSU='
    })
  })

  it('ignores junk lines and keeps well-formed ones with odd spacing', () => {
    const entries = parseGoSum(GO_SUM)
    expect(entries).toHaveLength(4)
    expect(entries.find((e) => e.path === 'github.com/google/uuid')).toEqual({
      path: 'github.com/google/uuid',
      version: 'v1.6.0',
      modHash: 'h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo='
    })
  })

  it('keeps the first h1 line of a duplicated entry, as go checks it', () => {
    const mod = (h: string) =>
      `git.my-corp.test/My_Team/tool-x v1.0.0/go.mod ${h}`
    expect(
      parseGoSum([mod('h1:first='), mod('h1:second=')].join('\n'))
    ).toEqual([
      {
        path: 'git.my-corp.test/My_Team/tool-x',
        version: 'v1.0.0',
        modHash: 'h1:first='
      }
    ])
    expect(
      parseGoSum([mod('h2:other='), mod('h1:second=')].join('\n'))[0].modHash
    ).toBe('h1:second=')
  })

  it('drops the empty-go.mod hash lines go drops', () => {
    const text = [
      'example.test/my-org/x v1.0.0/go.mod h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=',
      'example.test/my-org/x v1.0.0/go.mod h1:real=',
      'example.test/my-org/y v1.0.0/go.mod h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY='
    ].join('\n')
    expect(parseGoSum(text)).toEqual([
      { path: 'example.test/my-org/x', version: 'v1.0.0', modHash: 'h1:real=' }
    ])
  })

  it("splits fields on Go whitespace, not JavaScript's", () => {
    // U+FEFF is no space for Go: the path keeps it; U+00A0 separates.
    expect(parseGoSum('\ufeffx.test/a v1.0.0 h1:A=')[0].path).toBe(
      '\ufeffx.test/a'
    )
    expect(parseGoSum('x.test/a\u00a0v1.0.0 h1:A=')).toEqual([
      { path: 'x.test/a', version: 'v1.0.0', zipHash: 'h1:A=' }
    ])
  })

  it('returns nothing for an empty file', () => {
    expect(parseGoSum('')).toEqual([])
    expect(parseGoSum('\n\n')).toEqual([])
  })
})

describe('malformedGoSumLines', () => {
  it('names the lines go refuses with their 1-based number and field count', () => {
    expect(malformedGoSumLines(GO_SUM)).toEqual([
      { line: 7, fields: 5 },
      { line: 9, fields: 2 },
      { line: 10, fields: 4 }
    ])
    expect(malformedGoSumLines('x.test/a v1.0.0 h1:A=\r\n\r\n \t\n')).toEqual(
      []
    )
  })
})

describe('mergeGoSums', () => {
  it('keeps the hash of the file go consults first', () => {
    const merged = mergeGoSums([
      [{ path: 'x.test/a', version: 'v1.0.0', modHash: 'h1:work=' }],
      [
        {
          path: 'x.test/a',
          version: 'v1.0.0',
          modHash: 'h1:module=',
          zipHash: 'h1:z='
        }
      ]
    ])
    expect(merged).toEqual([
      {
        path: 'x.test/a',
        version: 'v1.0.0',
        modHash: 'h1:work=',
        zipHash: 'h1:z='
      }
    ])
  })

  it('unions entries and keeps every hash seen', () => {
    const a: GoSumEntry[] = [
      { path: 'x.test/a', version: 'v1.0.0', modHash: 'h1:modA' },
      { path: 'x.test/b', version: 'v1.0.0', zipHash: 'h1:zipB' }
    ]
    const b: GoSumEntry[] = [
      { path: 'x.test/a', version: 'v1.0.0', zipHash: 'h1:zipA' },
      { path: 'x.test/c', version: 'v2.0.0', modHash: 'h1:modC' }
    ]
    const merged = mergeGoSums([a, b])
    expect(merged).toHaveLength(3)
    expect(merged.find((e) => e.path === 'x.test/a')).toEqual({
      path: 'x.test/a',
      version: 'v1.0.0',
      zipHash: 'h1:zipA',
      modHash: 'h1:modA'
    })
    expect(merged.find((e) => e.path === 'x.test/b')?.zipHash).toBe('h1:zipB')
    expect(merged.find((e) => e.path === 'x.test/c')?.modHash).toBe('h1:modC')
  })

  it('keeps a hash that a later file lacks', () => {
    const merged = mergeGoSums([
      [
        {
          path: 'x.test/a',
          version: 'v1.0.0',
          zipHash: 'h1:z',
          modHash: 'h1:m'
        }
      ],
      [{ path: 'x.test/a', version: 'v1.0.0' }]
    ])
    expect(merged).toEqual([
      { path: 'x.test/a', version: 'v1.0.0', zipHash: 'h1:z', modHash: 'h1:m' }
    ])
  })

  it('does not modify its inputs', () => {
    const a: GoSumEntry[] = [{ path: 'x.test/a', version: 'v1.0.0' }]
    mergeGoSums([a, [{ path: 'x.test/a', version: 'v1.0.0', zipHash: 'h1:z' }]])
    expect(a).toEqual([{ path: 'x.test/a', version: 'v1.0.0' }])
  })
})

const notPrivate = () => false

function entry(
  path: string,
  version: string,
  zip = true,
  mod = true
): GoSumEntry {
  return {
    path,
    version,
    ...(zip ? { zipHash: `h1:zip-${path}-${version}` } : {}),
    ...(mod ? { modHash: `h1:mod-${path}-${version}` } : {})
  }
}

describe('sampleModules', () => {
  it('samples only the newest zip-listed version of each module', () => {
    const entries = [
      entry('x.test/a', 'v1.0.0'),
      entry('x.test/a', 'v1.2.0'),
      entry('x.test/a', 'v1.10.0'),
      // listed only for the module graph: newer, but the build needs no zip
      entry('x.test/a', 'v2.0.0', false),
      entry('x.test/b', 'v0.1.0', false),
      entry('x.test/b', 'v0.3.0', false),
      entry('x.test/b', 'v0.2.0', false)
    ]
    for (const seed of ['s1', 's2', 's3']) {
      const got = sampleModules(entries, 10, notPrivate, seed)
      expect(got.map((e) => `${e.path}@${e.version}`).sort()).toEqual([
        'x.test/a@v1.10.0',
        'x.test/b@v0.3.0'
      ])
    }
  })

  it('never samples a private module path or the toolchain', () => {
    const entries = [
      entry('corp.example/secret', 'v9.0.0'),
      entry('corp.example/other', 'v1.0.0'),
      entry('golang.org/toolchain', 'v0.0.1-go1.22.0.linux-amd64'),
      entry('x.test/pub', 'v1.0.0')
    ]
    const isPrivate = (p: string) => p.startsWith('corp.example/')
    for (let i = 0; i < 50; i++) {
      const got = sampleModules(entries, 3, isPrivate, `seed-${i}`)
      expect(got.map((e) => e.path)).toEqual(['x.test/pub'])
    }
  })

  const field = Array.from({ length: 30 }, (_, i) =>
    entry(`x.test/m${i}`, `v1.${i}.0`)
  )

  it('is deterministic for a seed and varies across seeds', () => {
    const one = sampleModules(field, 3, notPrivate, 'run-1/job-a')
    expect(sampleModules(field, 3, notPrivate, 'run-1/job-a')).toEqual(one)
    expect(one).toHaveLength(3)
    const draws = new Set<string>()
    for (let i = 0; i < 20; i++) {
      draws.add(
        sampleModules(field, 3, notPrivate, `seed-${i}`)
          .map((e) => e.path)
          .join(' ')
      )
    }
    expect(draws.size).toBeGreaterThan(10)
  })

  it('returns at most count entries, and all when there are fewer', () => {
    expect(sampleModules(field, 0, notPrivate, 's')).toEqual([])
    expect(sampleModules(field.slice(0, 2), 5, notPrivate, 's')).toHaveLength(2)
    expect(sampleModules([], 3, notPrivate, 's')).toEqual([])
  })

  // Counts how often each module is drawn over many seeds.
  function drawCounts(entries: GoSumEntry[], count: number, runs = 2000) {
    const counts = new Map<string, number>()
    for (let i = 0; i < runs; i++) {
      for (const e of sampleModules(entries, count, notPrivate, `s${i}`)) {
        counts.set(e.path, (counts.get(e.path) ?? 0) + 1)
      }
    }
    return counts
  }

  it('prefers modules whose zip go.sum lists', () => {
    const entries = [
      ...Array.from({ length: 10 }, (_, i) =>
        entry(`x.test/zip${i}`, 'v1.0.0')
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        entry(`x.test/mod${i}`, 'v1.0.0', false)
      )
    ]
    const counts = drawCounts(entries, 3)
    let zip = 0
    let mod = 0
    for (const [path, n] of counts) {
      if (path.includes('/zip')) zip += n
      else mod += n
    }
    expect(zip + mod).toBe(3 * 2000)
    // weight 3 vs 1: uniform draws would give 0.5 (±0.007 over 6000 draws)
    expect(zip / (zip + mod)).toBeGreaterThan(0.65)
  })

  it('prefers recent pseudo-versions over old ones', () => {
    const entries = [
      ...Array.from({ length: 10 }, (_, i) =>
        entry(`x.test/new${i}`, `v0.0.0-2024061${i}120000-0123456789ab`)
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        entry(`x.test/rel${i}`, `v1.${i}.0`)
      )
    ]
    const counts = drawCounts(entries, 3)
    let recent = 0
    let other = 0
    for (const [path, n] of counts) {
      if (path.includes('/new')) recent += n
      else other += n
    }
    expect(recent / (recent + other)).toBeGreaterThan(0.6)
  })

  it('gives every candidate some chance', () => {
    const entries = [
      entry('x.test/zip', 'v1.0.0'),
      ...Array.from({ length: 5 }, (_, i) =>
        entry(`x.test/mod${i}`, 'v1.0.0', false, false)
      )
    ]
    const counts = drawCounts(entries, 1, 1000)
    for (let i = 0; i < 5; i++) {
      expect(counts.get(`x.test/mod${i}`) ?? 0).toBeGreaterThan(0)
    }
    const zip = counts.get('x.test/zip') ?? 0
    expect(zip).toBeGreaterThan(
      Math.max(...[0, 1, 2, 3, 4].map((i) => counts.get(`x.test/mod${i}`)!))
    )
  })
})
