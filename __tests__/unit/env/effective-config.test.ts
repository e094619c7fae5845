import { describe, expect, it } from '@jest/globals'
import { compareEffective } from '../../../src/env/effective-config.js'
import type { EnvEntry } from '../../../src/env/env-plan.js'
const GOENV = '/home/runner/.config/go/env'
const exported: EnvEntry[] = [
  { name: 'GOPROXY', value: 'https://a.test|direct', reason: 'probe' },
  { name: 'GONOSUMDB', value: '', reason: 'no private modules' },
  { name: 'GOFLAGS', value: '-modcacherw', reason: 'cache' }
]

function goenv(over: Record<string, string> = {}): Record<string, string> {
  return {
    GOENV,
    GOPROXY: 'https://a.test|direct',
    GONOSUMDB: '',
    GOFLAGS: '-modcacherw',
    GOSUMDB: 'sum.golang.org',
    ...over
  }
}

describe('compareEffective', () => {
  it('finds nothing when go uses what was exported', () => {
    expect(compareEffective(exported, goenv(), {}, {})).toEqual([])
  })

  it('reports a value that differs from the exported one', () => {
    expect(
      compareEffective(
        exported,
        goenv({ GOPROXY: 'https://corp.test' }),
        {},
        {}
      )
    ).toEqual([
      {
        name: 'GOPROXY',
        exported: 'https://a.test|direct',
        effective: 'https://corp.test',
        message:
          'go uses GOPROXY=https://corp.test, not the exported https://a.test|direct'
      }
    ])
  })

  it('blames the GOENV file when an empty export lost to it', () => {
    const f = compareEffective(
      exported,
      goenv({ GONOSUMDB: 'example.com' }),
      { GONOSUMDB: 'example.com' },
      {}
    )
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({
      name: 'GONOSUMDB',
      exported: '',
      effective: 'example.com'
    })
    expect(f[0].message).toContain(GOENV)
    expect(f[0].message).toMatch(/empty exported value counts as unset/)
  })

  it('reports a watched variable that only the GOENV file sets', () => {
    const f = compareEffective(
      exported,
      goenv({ GOINSECURE: '*.lan' }),
      {
        GOINSECURE: '*.lan',
        GOPROXY: 'https://ignored.test',
        CGO_ENABLED: '0'
      },
      {}
    )
    expect(f).toEqual([
      {
        name: 'GOINSECURE',
        effective: '*.lan',
        message: `the GOENV file (${GOENV}) sets GOINSECURE=*.lan, which applies to every go command of this job`
      }
    ])
  })

  it('ignores an empty value in the GOENV file', () => {
    expect(compareEffective(exported, goenv(), { GOPRIVATE: '' }, {})).toEqual(
      []
    )
  })

  it('warns that -mod=vendor bypasses GOPROXY', () => {
    const f = compareEffective(
      [],
      goenv({ GOFLAGS: '-modcacherw  -mod=vendor' }),
      {},
      {}
    )
    expect(f).toEqual([
      {
        name: 'GOFLAGS',
        effective: '-modcacherw  -mod=vendor',
        message: expect.stringMatching(/-mod=vendor.*does not use GOPROXY/)
      }
    ])
    expect(
      compareEffective([], goenv({ GOFLAGS: '--mod=vendor' }), {}, {})
    ).toHaveLength(1)
    for (const flags of ['-mod=mod', '-mod=vendor -mod=readonly']) {
      expect(compareEffective([], goenv({ GOFLAGS: flags }), {}, {})).toEqual(
        []
      )
    }
  })

  it('warns about -insecure in GOFLAGS as go reads it', () => {
    for (const flags of [
      '-insecure',
      '-insecure=true -v',
      '--insecure',
      '-insecure=false -insecure=T'
    ]) {
      const f = compareEffective([], goenv({ GOFLAGS: flags }), {}, {})
      expect(f).toHaveLength(1)
      expect(f[0].message).toMatch(/-insecure.*GOINSECURE/)
    }
    for (const flags of [
      '-insecurex',
      '-insecure=false',
      '-insecure -insecure=0'
    ]) {
      expect(compareEffective([], goenv({ GOFLAGS: flags }), {}, {})).toEqual(
        []
      )
    }
  })

  it('notes a job-level env value that differs from the export', () => {
    const f = compareEffective(
      exported,
      goenv(),
      {},
      {
        GOPROXY: 'https://job.test',
        GONOSUMDB: undefined,
        GOFLAGS: '-modcacherw',
        PATH: '/usr/bin'
      }
    )
    expect(f).toEqual([
      {
        name: 'GOPROXY',
        exported: 'https://a.test|direct',
        effective: 'https://job.test',
        message:
          'the workflow already set GOPROXY=https://job.test; later steps get the exported value unless a step sets its own env'
      }
    ])
    expect(compareEffective(exported, goenv(), {}, { GOPROXY: '' })).toEqual([])
  })

  it('reports patterns the job had that the final go env leaves out', () => {
    const exportedPriv: EnvEntry[] = [
      { name: 'GOPRIVATE', value: 'git.my-corp.test', reason: 'private' }
    ]
    const f = compareEffective(
      exportedPriv,
      goenv({
        GOPRIVATE: 'git.my-corp.test',
        GONOSUMDB: 'git.my-corp.test'
      }),
      { GOPRIVATE: 'github.com/my-org', GONOSUMDB: 'none,sum-skip.test/' },
      { GOPRIVATE: '' }
    )
    expect(f).toEqual([
      expect.objectContaining({
        name: 'GONOSUMDB',
        message: expect.stringMatching(/GOENV file .* sets GONOSUMDB/)
      }),
      {
        name: 'GOPRIVATE',
        effective: 'git.my-corp.test',
        message: `go now uses GOPRIVATE=git.my-corp.test, which leaves out github.com/my-org from the GOENV file (${GOENV})`
      },
      {
        name: 'GONOSUMDB',
        effective: 'git.my-corp.test',
        message: `go now uses GONOSUMDB=git.my-corp.test, which leaves out sum-skip.test from the GOENV file (${GOENV})`
      }
    ])
  })

  it('is content when the final values include what the job had', () => {
    const exportedPriv: EnvEntry[] = [
      {
        name: 'GOPRIVATE',
        value: 'git.my-corp.test,github.com/my-org',
        reason: 'private'
      }
    ]
    expect(
      compareEffective(
        exportedPriv,
        goenv({ GOPRIVATE: 'git.my-corp.test,github.com/my-org' }),
        { GOPRIVATE: 'github.com/my-org/' },
        { GOINSECURE: 'none' }
      )
    ).toEqual([])
    const f = compareEffective(
      exportedPriv,
      goenv({ GOPRIVATE: 'git.my-corp.test,github.com/my-org' }),
      {},
      { GOPRIVATE: 'Env_Org.test' }
    )
    expect(f.map((x) => x.message)).toEqual([
      'go now uses GOPRIVATE=git.my-corp.test,github.com/my-org, which leaves out Env_Org.test from the job environment'
    ])
  })

  it('skips exported names go env does not know', () => {
    expect(
      compareEffective(
        [{ name: 'GOPROXY_SELECTED', value: 'x', reason: 'r' }],
        goenv(),
        {},
        {}
      )
    ).toEqual([])
  })
})
