// Go version rules (src/toolchain/gover.ts) against go/version, the standard
// library's copy of cmd/go's rules, over hand-picked shapes and random ones.
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  compareGoVersions,
  isValidGoVersion,
  langOf
} from '../../../src/gomod/gover.js'
import { buildGoTool } from '../../support/go-tool.js'
import { cleanupTempDirs } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

const SHAPES = [
  '1',
  '1.0',
  '1.2',
  '1.20',
  '1.21',
  '1.21.0',
  '1.21rc1',
  '1.21rc2',
  '1.21beta1',
  '1.21alpha1',
  '1.21.1',
  '1.21.10',
  '1.22',
  '1.22.0',
  '1.9',
  '1.10',
  '1.99.0',
  '2',
  '2.0.0',
  '1.21rc',
  '1.21.0rc1',
  '1.021',
  '01.21',
  '1.21.',
  '1..21',
  '',
  'go1.21',
  '1.21X1',
  '1.21 ',
  '1.26.8',
  '1.100.0',
  '10.0.0'
]

// Seeded, so a failure names inputs that reproduce.
function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    return s / 0x80000000
  }
}

function randomVersion(r: () => number): string {
  const tokens = [
    '1',
    '0',
    '2',
    '9',
    '21',
    '22',
    '10',
    '01',
    '.',
    '.',
    'rc',
    'beta',
    'alpha',
    'x',
    ''
  ]
  let v = ''
  const n = 1 + Math.floor(r() * 6)
  for (let i = 0; i < n; i++) v += tokens[Math.floor(r() * tokens.length)]
  return v
}

describe('Go versions', () => {
  it('compare, validate and reduce to a language version as go/version does', async () => {
    const oracle = await buildGoTool('goversion-oracle')
    const r = random(20261129)
    const pairs: [string, string][] = []
    for (const x of SHAPES) for (const y of SHAPES) pairs.push([x, y])
    for (let i = 0; i < 20_000; i++)
      pairs.push([randomVersion(r), randomVersion(r)])
    const out = spawnSync(oracle, {
      input: pairs.map(([x, y]) => `${x}\t${y}\n`).join(''),
      encoding: 'utf8',
      maxBuffer: 64 << 20
    })
    expect(out.status).toBe(0)
    const answers = out.stdout.split('\n').slice(0, -1)
    expect(answers).toHaveLength(pairs.length)
    const mismatches: string[] = []
    pairs.forEach(([x, y], i) => {
      const [cmp, valid, lang] = answers[i].split('\t')
      const ours = [
        String(compareGoVersions(x, y)),
        String(isValidGoVersion(x)),
        isValidGoVersion(x) ? 'go' + langOf(x) : ''
      ]
      if (ours.join('\t') !== [cmp, valid, lang].join('\t'))
        mismatches.push(
          `${JSON.stringify([x, y])}: go ${answers[i]} ours ${ours.join(' ')}`
        )
    })
    expect(mismatches.slice(0, 10)).toEqual([])
  }, 300_000)
})
