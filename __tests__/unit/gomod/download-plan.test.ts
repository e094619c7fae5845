// Long: one walk per case of runDownload (go >= 1.17, go < 1.17, go.work), with replace, exclude and the loader's call pattern.
import { describe, expect, it } from '@jest/globals'
import {
  planModDownload,
  type DownloadTargets,
  type MainModuleFiles
} from '../../../src/gomod/download-plan.js'
import type { ModuleVersion } from '../../../src/gomod/module-path.js'

/** go.mod text: `go` undefined leaves the go line out. */
function goMod(
  path: string,
  go: string | undefined,
  requires: string[] = [],
  extra = ''
): string {
  const goLine = go === undefined ? '' : `go ${go}\n`
  const req = requires.length
    ? `require (\n${requires.map((r) => `\t${r.replace('@', ' ')}\n`).join('')})\n`
    : ''
  return `module ${path}\n\n${goLine}${req}${extra}`
}

interface Registry {
  /** `path@version` → .mod text */
  mods: Record<string, string>
  calls: string[]
  maxInFlight: number
  load(m: ModuleVersion): Promise<string | undefined>
}

function registry(mods: Record<string, string>): Registry {
  let inFlight = 0
  const r: Registry = {
    mods,
    calls: [],
    maxInFlight: 0,
    async load(m) {
      const k = `${m.path}@${m.version}`
      r.calls.push(k)
      inFlight++
      r.maxInFlight = Math.max(r.maxInFlight, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 1))
      inFlight--
      return mods[k]
    }
  }
  return r
}

const list = (ms: ModuleVersion[]) => ms.map((m) => `${m.path}@${m.version}`)
const shape = (t: DownloadTargets) => ({
  mods: list(t.mods),
  zips: list(t.zips),
  incomplete: t.incomplete
})
const single = (text: string): { mains: MainModuleFiles[] } => ({
  mains: [{ dir: '.', goMod: text }]
})

describe('planModDownload, one main module at go >= 1.17', () => {
  it('downloads the go.mod requirements and reads only what pruning leaves', async () => {
    const reg = registry({
      // pruned: its requirements are in the graph but not read
      'x.test/a@v1.0.0': goMod('x.test/a', '1.21', ['x.test/hidden@v1.0.0']),
      // unpruned: read all the way down, whatever the go lines below say
      'x.test/old@v1.0.0': goMod('x.test/old', undefined, ['x.test/d@v1.0.0']),
      'x.test/d@v1.0.0': goMod('x.test/d', '1.21', ['x.test/e@v1.0.0']),
      'x.test/e@v1.0.0': goMod('x.test/e', '1.16'),
      'x.test/hidden@v1.0.0': goMod('x.test/hidden', '1.21')
    })
    const plan = await planModDownload(
      single(
        goMod('x.test/main', '1.21', ['x.test/a@v1.0.0', 'x.test/old@v1.0.0'])
      ),
      (m) => reg.load(m)
    )
    expect(shape(plan)).toEqual({
      mods: [
        'x.test/a@v1.0.0',
        'x.test/d@v1.0.0',
        'x.test/e@v1.0.0',
        'x.test/old@v1.0.0'
      ],
      zips: ['x.test/a@v1.0.0', 'x.test/old@v1.0.0'],
      incomplete: false
    })
    expect(reg.calls).not.toContain('x.test/hidden@v1.0.0')
  })

  it('raises a root that the graph selects higher, and downloads it there', async () => {
    const reg = registry({
      'x.test/a@v1.0.0': goMod('x.test/a', '1.21', ['x.test/b@v1.1.0']),
      'x.test/b@v1.0.0': goMod('x.test/b', '1.21'),
      'x.test/b@v1.1.0': goMod('x.test/b', '1.21', ['x.test/c@v1.0.0'])
    })
    const plan = await planModDownload(
      single(
        goMod('x.test/main', '1.21', ['x.test/a@v1.0.0', 'x.test/b@v1.0.0'])
      ),
      (m) => reg.load(m)
    )
    expect(shape(plan)).toEqual({
      mods: ['x.test/a@v1.0.0', 'x.test/b@v1.0.0', 'x.test/b@v1.1.0'],
      zips: ['x.test/a@v1.0.0', 'x.test/b@v1.1.0'],
      incomplete: false
    })
  })

  it('names the downloads go.mod lists before the walk, replaced as go replaces them', async () => {
    const reg = registry({
      'x.test/a@v1.0.0': goMod('x.test/a', '1.21'),
      'x.test/fork@v2.0.0': goMod('x.test/fork', '1.21')
    })
    const early: string[][] = []
    const plan = await planModDownload(
      single(
        goMod(
          'x.test/main',
          '1.21',
          ['x.test/a@v1.0.0', 'x.test/b@v1.0.0'],
          'replace x.test/b => x.test/fork v2.0.0\n'
        )
      ),
      (m) => reg.load(m),
      undefined,
      (zips) => early.push(list(zips))
    )
    expect(early).toEqual([['x.test/a@v1.0.0', 'x.test/fork@v2.0.0']])
    expect(list(plan.zips)).toEqual(early[0])
  })

  it('names no early downloads below go 1.17, where go downloads the whole build list', async () => {
    const early: ModuleVersion[][] = []
    await planModDownload(
      single(goMod('x.test/main', '1.16', ['x.test/a@v1.0.0'])),
      () => Promise.resolve(goMod('x.test/a', '1.16')),
      undefined,
      (zips) => early.push(zips)
    )
    expect(early).toEqual([])
  })

  it('plans nothing for a module without requirements', async () => {
    const plan = await planModDownload(
      single(goMod('x.test/main', '1.22')),
      () => Promise.reject(new Error('no load expected'))
    )
    expect(shape(plan)).toEqual({ mods: [], zips: [], incomplete: false })
  })
})

describe('planModDownload, one main module before go 1.17', () => {
  const reg = () =>
    registry({
      'x.test/a@v1.0.0': goMod('x.test/a', '1.21', ['x.test/b@v1.0.0']),
      'x.test/b@v1.0.0': goMod('x.test/b', '1.21', ['x.test/c@v1.0.0']),
      'x.test/c@v1.0.0': goMod('x.test/c', '1.21'),
      'x.test/c@v1.2.0': goMod('x.test/c', '1.21')
    })

  it.each([
    ['go 1.16', '1.16'],
    ['no go line', undefined]
  ])('downloads the whole build list (%s)', async (_name, go) => {
    const r = reg()
    const plan = await planModDownload(
      single(goMod('x.test/main', go, ['x.test/a@v1.0.0', 'x.test/c@v1.2.0'])),
      (m) => r.load(m)
    )
    expect(shape(plan)).toEqual({
      mods: [
        'x.test/a@v1.0.0',
        'x.test/b@v1.0.0',
        'x.test/c@v1.0.0',
        'x.test/c@v1.2.0'
      ],
      zips: ['x.test/a@v1.0.0', 'x.test/b@v1.0.0', 'x.test/c@v1.2.0'],
      incomplete: false
    })
  })

  it('plans nothing without requirements', async () => {
    const plan = await planModDownload(
      single(goMod('x.test/main', '1.16')),
      () => Promise.reject(new Error('no load expected'))
    )
    expect(shape(plan)).toEqual({ mods: [], zips: [], incomplete: false })
  })
})

describe('planModDownload in a workspace', () => {
  it('downloads all, with what lies one level below pruned dependencies', async () => {
    const reg = registry({
      'x.test/x@v1.0.0': goMod('x.test/x', '1.21', ['x.test/y@v1.0.0']),
      'x.test/x@v1.1.0': goMod('x.test/x', '1.21', ['x.test/z@v1.0.0']),
      'x.test/z@v1.0.0': goMod('x.test/z', '1.21', ['x.test/deep@v1.0.0']),
      'x.test/y@v1.0.0': goMod('x.test/y', '1.21', ['x.test/never@v1.0.0'])
    })
    const plan = await planModDownload(
      {
        goWork: 'go 1.22\n\nuse (\n\t./a\n\t./b\n)\n',
        mains: [
          { dir: 'a', goMod: goMod('x.test/a', '1.22', ['x.test/x@v1.0.0']) },
          { dir: 'b', goMod: goMod('x.test/b', '1.22', ['x.test/x@v1.1.0']) }
        ]
      },
      (m) => reg.load(m)
    )
    // x@v1.1.0 is selected above a's requirement, so go reads the go.mod of
    // each of its requirements (z), whose own requirement (deep) joins `all`
    // unread; so does y, required only by the unselected x@v1.0.0.
    expect(shape(plan)).toEqual({
      mods: [
        'x.test/deep@v1.0.0',
        'x.test/x@v1.0.0',
        'x.test/x@v1.1.0',
        'x.test/y@v1.0.0',
        'x.test/z@v1.0.0'
      ],
      zips: [
        'x.test/deep@v1.0.0',
        'x.test/x@v1.1.0',
        'x.test/y@v1.0.0',
        'x.test/z@v1.0.0'
      ],
      incomplete: false
    })
    expect(reg.calls).not.toContain('x.test/never@v1.0.0')
  })

  it('reads the go.mod of a workspace module required at a version but downloads none', async () => {
    const reg = registry({
      'x.test/b@v0.1.0': goMod('x.test/b', '1.21', ['x.test/c@v1.0.0']),
      'x.test/c@v1.0.0': goMod('x.test/c', '1.21')
    })
    const plan = await planModDownload(
      {
        goWork: 'go 1.22\n\nuse ./a\nuse ./b\n',
        mains: [
          { dir: 'a', goMod: goMod('x.test/a', '1.22', ['x.test/b@v0.1.0']) },
          { dir: 'b', goMod: goMod('x.test/b', '1.22') }
        ]
      },
      (m) => reg.load(m)
    )
    expect(shape(plan)).toEqual({
      mods: ['x.test/b@v0.1.0', 'x.test/c@v1.0.0'],
      zips: ['x.test/c@v1.0.0'],
      incomplete: false
    })
  })

  it("takes go.work's replacements before the modules' own", async () => {
    const reg = registry({
      'x.test/fork@v2.0.0': goMod('x.test/fork', '1.21'),
      'x.test/other@v1.0.0': goMod('x.test/other', '1.21')
    })
    const plan = await planModDownload(
      {
        goWork:
          'go 1.22\n\nuse ./a\n\nreplace x.test/x => x.test/fork v2.0.0\n',
        mains: [
          {
            dir: 'a',
            goMod: goMod(
              'x.test/a',
              '1.22',
              ['x.test/x@v1.0.0'],
              'replace x.test/x => x.test/other v1.0.0\n'
            )
          }
        ]
      },
      (m) => reg.load(m)
    )
    expect(shape(plan)).toEqual({
      mods: ['x.test/fork@v2.0.0'],
      zips: ['x.test/fork@v2.0.0'],
      incomplete: false
    })
  })
})

describe('planModDownload with replace and exclude', () => {
  it('reads and downloads the replacement module, and a local one from disk only', async () => {
    const reg = registry({
      'x.test/fork@v1.5.0': goMod('x.test/fork', '1.16', ['x.test/f@v1.0.0']),
      'x.test/f@v1.0.0': goMod('x.test/f', '1.21'),
      'x.test/l@v1.0.0': goMod('x.test/l', '1.21')
    })
    const localDirs: string[] = []
    const plan = await planModDownload(
      {
        mains: [
          {
            dir: 'app',
            goMod: goMod(
              'x.test/main',
              '1.21',
              ['x.test/a@v1.0.0', 'x.test/local@v1.0.0'],
              'replace x.test/a v1.0.0 => x.test/fork v1.5.0\n' +
                'replace x.test/local => ../local\n'
            )
          }
        ]
      },
      (m) => reg.load(m),
      (dir) => {
        localDirs.push(dir)
        return Promise.resolve(
          goMod('x.test/local', '1.16', ['x.test/l@v1.0.0'])
        )
      }
    )
    expect(localDirs).toEqual(['local'])
    expect(shape(plan)).toEqual({
      mods: ['x.test/f@v1.0.0', 'x.test/fork@v1.5.0', 'x.test/l@v1.0.0'],
      zips: ['x.test/fork@v1.5.0'],
      incomplete: false
    })
  })

  it('marks the plan incomplete when a local replacement cannot be read', async () => {
    const plan = await planModDownload(
      single(
        goMod(
          'x.test/main',
          '1.21',
          ['x.test/local@v1.0.0'],
          'replace x.test/local => ./local\n'
        )
      ),
      () => Promise.reject(new Error('no load expected'))
    )
    expect(shape(plan)).toEqual({ mods: [], zips: [], incomplete: true })
  })

  it('drops requirements on excluded versions', async () => {
    const reg = registry({
      'x.test/a@v1.0.0': goMod('x.test/a', '1.16', ['x.test/b@v1.1.0']),
      'x.test/b@v1.0.0': goMod('x.test/b', '1.21')
    })
    const plan = await planModDownload(
      single(
        goMod(
          'x.test/main',
          '1.21',
          ['x.test/a@v1.0.0', 'x.test/b@v1.0.0'],
          'exclude x.test/b v1.1.0\n'
        )
      ),
      (m) => reg.load(m)
    )
    expect(shape(plan)).toEqual({
      mods: ['x.test/a@v1.0.0', 'x.test/b@v1.0.0'],
      zips: ['x.test/a@v1.0.0', 'x.test/b@v1.0.0'],
      incomplete: false
    })
  })
})

describe('planModDownload and its loader', () => {
  it('loads each version once, in parallel, and notes what it could not read', async () => {
    const reg = registry({
      'x.test/a@v1.0.0': goMod('x.test/a', '1.16', ['x.test/c@v1.0.0']),
      'x.test/b@v1.0.0': goMod('x.test/b', '1.16', ['x.test/c@v1.0.0'])
    })
    const plan = await planModDownload(
      single(
        goMod('x.test/main', '1.16', ['x.test/a@v1.0.0', 'x.test/b@v1.0.0'])
      ),
      (m) => reg.load(m)
    )
    expect(reg.calls.sort()).toEqual([
      'x.test/a@v1.0.0',
      'x.test/b@v1.0.0',
      'x.test/c@v1.0.0'
    ])
    expect(reg.maxInFlight).toBe(2)
    expect(plan.incomplete).toBe(true)
    expect(list(plan.zips)).toContain('x.test/c@v1.0.0')
  })

  it('never plans the toolchain or the go and toolchain requirements', async () => {
    const reg = registry({ 'x.test/a@v1.0.0': goMod('x.test/a', '1.21') })
    const plan = await planModDownload(
      single(
        goMod('x.test/main', '1.16', [
          'x.test/a@v1.0.0',
          'golang.org/toolchain@v0.0.1-go1.22.0.linux-amd64',
          'go@1.22',
          'toolchain@go1.22.0'
        ])
      ),
      (m) => reg.load(m)
    )
    expect(shape(plan)).toEqual({
      mods: ['x.test/a@v1.0.0'],
      zips: ['x.test/a@v1.0.0'],
      incomplete: false
    })
  })

  it('needs a go.work for more than one main module', async () => {
    await expect(
      planModDownload(
        {
          mains: [single('module a\n').mains[0], single('module b\n').mains[0]]
        },
        () => Promise.resolve(undefined)
      )
    ).rejects.toThrow('go.work')
  })
})
