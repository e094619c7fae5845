import { afterAll, describe, expect, it, jest } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { GoSumEntry } from '../../../src/gomod/gosum.js'
import {
  BUILT_IN_PROBE_MODULES,
  PROBE_SAMPLE_SIZE,
  TYPICAL_ZIP_BYTES,
  estimateWorkload,
  planProbe,
  readProjectRequires,
  readProjectSums
} from '../../../src/probe/plan.js'
import { parseGoWorkUses } from '../../../src/gomod/go-mod-files.js'
import { isPrivateModule } from '../../../src/privacy/patterns.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(cleanupTempDirs)

describe('parseGoWorkUses', () => {
  it('reads single-line and block use directives', () => {
    const text = [
      'go 1.22',
      '',
      'use ./tools',
      'use (',
      '\t./api',
      '\t./internal/svc // the service',
      '',
      '\t"./quoted"',
      '\t`./raw`',
      ')',
      'replace example.com/x => ./x'
    ].join('\n')
    expect(parseGoWorkUses(text)).toEqual([
      './tools',
      './api',
      './internal/svc',
      './quoted',
      './raw'
    ])
  })

  it('handles comments, CRLF and "use(" without a space', () => {
    const text =
      '// use ./commented\r\nuse(\r\n  . // root\r\n  ../sibling\r\n)\r\nuse "./single" // trailing\r\n'
    expect(parseGoWorkUses(text)).toEqual(['.', '../sibling', './single'])
  })

  it('keeps spaces inside quoted paths', () => {
    expect(
      parseGoWorkUses('use "./my module"\nuse (\n\t"./other dir"\n)\n')
    ).toEqual(['./my module', './other dir'])
  })

  it('returns nothing for a file without use directives', () => {
    expect(parseGoWorkUses('')).toEqual([])
    expect(parseGoWorkUses('go 1.22\ntoolchain go1.22.5\n')).toEqual([])
    expect(parseGoWorkUses('user ./x\n')).toEqual([])
  })
})

function e(path: string, version: string, zip = true): GoSumEntry {
  return {
    path,
    version,
    modHash: `h1:mod-${path}`,
    ...(zip ? { zipHash: `h1:zip-${path}` } : {})
  }
}

// The real matcher, with the shapes real patterns have.
const isCorp = (p: string) =>
  isPrivateModule(
    {
      private: ['corp.my-org.example', '*.My_Corp.test'],
      noProxy: ['none'],
      noSumdb: ['x.test/sum-skip']
    },
    p
  )

describe('planProbe', () => {
  const sums = [
    e('x.test/a', 'v1.0.0'),
    e('x.test/b', 'v1.2.0'),
    e('x.test/c', 'v0.3.0'),
    e('x.test/d', 'v2.0.0', false),
    e('corp.my-org.example/secret', 'v1.0.0'),
    e('corp.my-org.example/lib', 'v0.1.0')
  ]

  it('samples public modules from go.sum', () => {
    for (let i = 0; i < 30; i++) {
      const plan = planProbe(sums, [], isCorp, `seed-${i}`)
      expect(plan.source).toBe('go.sum')
      expect(plan.modules).toHaveLength(PROBE_SAMPLE_SIZE)
      for (const m of plan.modules) expect(isCorp(m.path)).toBe(false)
      expect(plan.entries.map((x) => x.path)).toEqual([
        'x.test/a',
        'x.test/b',
        'x.test/c',
        'x.test/d'
      ])
    }
  })

  it('checks every other public module for presence, never a private one', () => {
    const plan = planProbe(sums, [], isCorp, 'seed')
    const timed = plan.modules.map((m) => m.path)
    const checked = plan.freshness.map((m) => m.path)
    expect(timed.filter((p) => checked.includes(p))).toEqual([])
    expect([...timed, ...checked].sort()).toEqual([
      'x.test/a',
      'x.test/b',
      'x.test/c',
      'x.test/d'
    ])
  })

  it('uses probe-modules instead, with go.sum hashes when known', () => {
    const plan = planProbe(
      sums,
      [
        { path: 'x.test/b', version: 'v1.2.0' },
        { path: 'x.test/b', version: 'v1.3.0' },
        { path: 'corp.my-org.example/secret', version: 'v1.0.0' },
        { path: 'x.test/sum-skip/Tool_X', version: 'v1.0.0' },
        { path: 'git.My_Corp.test/x', version: 'v1.0.0' }
      ],
      isCorp,
      'seed'
    )
    expect(plan.source).toBe('probe-modules')
    expect(plan.modules).toEqual([
      e('x.test/b', 'v1.2.0'),
      { path: 'x.test/b', version: 'v1.3.0' }
    ])
  })

  it('falls back to the built-in set when there is no go.sum', () => {
    const plan = planProbe([], [], isCorp, 'seed')
    expect(plan.source).toBe('built-in')
    expect(plan.modules).toEqual(BUILT_IN_PROBE_MODULES)
    expect(plan.entries).toEqual([])
  })

  it("samples go.mod's requires when there is no go.sum yet, never private ones", async () => {
    const dir = tempDir('nosum-')
    writeFileSync(
      join(dir, 'go.mod'),
      'module example.test/My-App\n\ngo 1.22\n\nrequire (\n\tgithub.com/Sirupsen/logrus v1.9.3\n\tcorp.my-org.example/lib v0.1.0\n)\n\nrequire gopkg.in/yaml.v3 v3.0.1 // indirect\n'
    )
    const requires = await readProjectRequires(dir)
    const plan = planProbe(
      await readProjectSums(dir),
      [],
      isCorp,
      'seed',
      requires
    )
    expect(plan.source).toBe('go.mod')
    expect(plan.modules.map((m) => `${m.path}@${m.version}`).sort()).toEqual([
      'github.com/Sirupsen/logrus@v1.9.3',
      'gopkg.in/yaml.v3@v3.0.1'
    ])
    expect(plan.entries.some((m) => m.path.startsWith('corp.'))).toBe(false)
  })

  it('falls back to the built-in set when every go.sum module is private', () => {
    const plan = planProbe(
      [
        e('corp.my-org.example/a', 'v1.0.0'),
        e('corp.my-org.example/b', 'v1.0.0')
      ],
      [],
      isCorp,
      'seed'
    )
    expect(plan.source).toBe('built-in')
    expect(plan.entries).toEqual([])
  })

  it('never offers a private path to public mirrors, even from the built-in set', () => {
    const isGolangOrg = (p: string) => p.startsWith('golang.org/')
    const plan = planProbe([], [], isGolangOrg, 'seed')
    for (const m of plan.modules) expect(isGolangOrg(m.path)).toBe(false)
  })

  it('has built-in modules with both go.sum hashes', () => {
    for (const m of BUILT_IN_PROBE_MODULES) {
      expect(m.zipHash).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/)
      expect(m.modHash).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/)
    }
  })
})

describe('estimateWorkload', () => {
  it('counts .mod for every version and .info + .zip for zip-listed ones', () => {
    const entries = [
      e('x.test/a', 'v1.0.0'),
      e('x.test/b', 'v1.0.0'),
      e('x.test/c', 'v1.0.0', false)
    ]
    expect(estimateWorkload(entries, 100_000, 4)).toEqual({
      requests: 3 + 2 * 2,
      bytes: 2 * 100_000,
      concurrency: 4
    })
    expect(estimateWorkload(entries, undefined, 2).bytes).toBe(
      2 * TYPICAL_ZIP_BYTES
    )
  })

  it('estimates the built-in set when the project lists nothing', () => {
    expect(estimateWorkload([], 50_000, 1)).toEqual({
      requests: 3 * BUILT_IN_PROBE_MODULES.length,
      bytes: 3 * 50_000,
      concurrency: 1
    })
  })

  it('defaults concurrency to the machine', () => {
    expect(estimateWorkload([], undefined).concurrency).toBeGreaterThanOrEqual(
      1
    )
  })
})

describe('readProjectSums', () => {
  it('merges go.sum, go.work.sum and the go.sum of each used module', async () => {
    const root = tempDir('work-')
    mkdirSync(join(root, 'svc'))
    mkdirSync(join(root, 'lib', 'util'), { recursive: true })
    writeFileSync(
      join(root, 'go.work'),
      'go 1.22\n\nuse (\n\t./svc\n\t"./lib/util" // shared\n)\n'
    )
    writeFileSync(join(root, 'go.work.sum'), 'x.test/w v0.1.0/go.mod h1:W=\n')
    writeFileSync(
      join(root, 'svc', 'go.sum'),
      'x.test/a v1.0.0 h1:A=\nx.test/shared v1.0.0/go.mod h1:SM=\n'
    )
    writeFileSync(
      join(root, 'lib', 'util', 'go.sum'),
      'x.test/b v2.0.0 h1:B=\nx.test/b v2.0.0/go.mod h1:BM=\nx.test/shared v1.0.0 h1:S=\n'
    )
    const got = await readProjectSums(root)
    const byKey = new Map(got.map((x) => [`${x.path}@${x.version}`, x]))
    expect([...byKey.keys()].sort()).toEqual([
      'x.test/a@v1.0.0',
      'x.test/b@v2.0.0',
      'x.test/shared@v1.0.0',
      'x.test/w@v0.1.0'
    ])
    expect(byKey.get('x.test/shared@v1.0.0')).toEqual({
      path: 'x.test/shared',
      version: 'v1.0.0',
      zipHash: 'h1:S=',
      modHash: 'h1:SM='
    })
    expect(byKey.get('x.test/b@v2.0.0')).toMatchObject({
      zipHash: 'h1:B=',
      modHash: 'h1:BM='
    })
  })

  it('annotates lines go refuses, at their file and line', async () => {
    const mod = tempDir('mod-')
    writeFileSync(
      join(mod, 'go.sum'),
      'x.test/my-org/a v1.0.0 h1:A=\nx.test/my-org/a v1.0.0/go.mod h1:M= extra\n'
    )
    const out: string[] = []
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        out.push(String(chunk))
        return true
      })
    try {
      expect(await readProjectSums(mod)).toEqual([
        { path: 'x.test/my-org/a', version: 'v1.0.0', zipHash: 'h1:A=' }
      ])
    } finally {
      spy.mockRestore()
    }
    const warning = out.find((l) => l.startsWith('::warning'))
    expect(warning).toContain(`file=${join(mod, 'go.sum')}`)
    expect(warning).toContain('line=2')
    expect(warning).toMatch(/wrong number of fields 4.*malformed go\.sum/)
  })

  it('reads go.work.sum only in a workspace, as go does', async () => {
    const mod = tempDir('mod-')
    writeFileSync(join(mod, 'go.sum'), 'x.test/a v1.0.0 h1:A=\n')
    writeFileSync(join(mod, 'go.work.sum'), 'x.test/stale v1.0.0 h1:S=\n')
    expect((await readProjectSums(mod)).map((e) => e.path)).toEqual([
      'x.test/a'
    ])
  })

  it('reads a single module, and nothing from an empty directory', async () => {
    const mod = tempDir('mod-')
    writeFileSync(join(mod, 'go.sum'), 'x.test/a v1.0.0 h1:A=\n')
    expect(await readProjectSums(mod)).toEqual([
      { path: 'x.test/a', version: 'v1.0.0', zipHash: 'h1:A=' }
    ])
    expect(await readProjectSums(tempDir('empty-'))).toEqual([])
  })
})
