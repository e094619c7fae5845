// go.sum shapes checked against the real go command: `go mod download`
// against a loopback mirror decides whether the go.sum accepts what the
// mirror serves; the action must conclude the same from its own parse.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { malformedGoSumLines, parseGoSum } from '../../src/gomod/gosum.js'
import { startMirror, type Mirror } from '../support/mirror-server.js'
import {
  buildProxyTree,
  writeConsumerModule,
  type ModuleVersionFiles,
  type ProxyTree
} from '../support/modules.js'
import { goTempDir, runGo } from '../support/go.js'
import { cleanupTempDirs } from '../support/temp.js'

const EMPTY_GO_MOD_HASH = 'h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY='

let tree: ProxyTree
let mirror: Mirror
let mod: ModuleVersionFiles
let other: ModuleVersionFiles

beforeAll(async () => {
  tree = buildProxyTree([
    { path: 'example.test/my-org/Tool_X', versions: ['v1.2.0'] },
    { path: 'git.my-corp.test/Other.Lib', versions: ['v0.3.1'] }
  ])
  mirror = await startMirror(tree)
  mod = tree.modules[0]
  other = tree.modules[1]
})

afterAll(async () => {
  await mirror.close()
  cleanupTempDirs()
})

/** What go says of a go.sum: ok, a checksum mismatch, or a malformed file. */
async function goVerdict(
  goSum: string
): Promise<'ok' | 'mismatch' | 'malformed'> {
  const dir = goTempDir('consumer-')
  await writeConsumerModule(dir, tree, {
    requires: [{ path: mod.path, version: mod.version }]
  })
  await writeFile(join(dir, 'go.sum'), goSum)
  const r = await runGo(['mod', 'download'], {
    cwd: dir,
    env: {
      GOPROXY: mirror.url,
      GOMODCACHE: goTempDir('modcache-'),
      GOFLAGS: '-modcacherw',
      GOSUMDB: 'off'
    },
    timeoutMs: 60_000
  })
  if (r.code === 0) return 'ok'
  if (/malformed go\.sum/.test(r.stderr)) {
    // go stops at the first bad line; the action must name the same one.
    const first = malformedGoSumLines(goSum)[0]
    expect(r.stderr).toContain(
      `go.sum:${first?.line}: wrong number of fields ${first?.fields}`
    )
    return 'malformed'
  }
  if (/checksum mismatch/.test(r.stderr)) return 'mismatch'
  throw new Error(`unexpected go failure: ${r.stderr}`)
}

/** What the action concludes: the probe's go.mod and zip checks. */
function actionVerdict(goSum: string): 'ok' | 'mismatch' | 'malformed' {
  if (malformedGoSumLines(goSum).length > 0) return 'malformed'
  const e = parseGoSum(goSum).find((x) => x.path === mod.path)
  if (e?.modHash !== undefined && e.modHash !== mod.modHash) return 'mismatch'
  if (e?.zipHash !== undefined && e.zipHash !== mod.zipHash) return 'mismatch'
  return 'ok'
}

describe('go.sum as go reads it', () => {
  const modLine = (hash: string) => `${mod.path} ${mod.version}/go.mod ${hash}`
  const zipLine = () => `${mod.path} ${mod.version} ${mod.zipHash}`
  const real = () => modLine(mod.modHash)
  const wrong = () => modLine(other.modHash)

  it.each([
    ['the right hash', () => [real()], 'ok'],
    ['the right hash first, a wrong one after', () => [real(), wrong()], 'ok'],
    [
      'a wrong hash first, the right one after',
      () => [wrong(), real()],
      'mismatch'
    ],
    [
      'a non-h1 line, then the right hash',
      () => [modLine('h2:abc='), real()],
      'ok'
    ],
    [
      'a non-h1 line, then a wrong hash',
      () => [modLine('h2:abc='), wrong()],
      'mismatch'
    ],
    [
      'the empty-go.mod hash, then the right one',
      () => [modLine(EMPTY_GO_MOD_HASH), real()],
      'ok'
    ],
    ['only the empty-go.mod hash', () => [modLine(EMPTY_GO_MOD_HASH)], 'ok'],
    [
      'the empty-go.mod hash before a wrong one',
      () => [modLine(EMPTY_GO_MOD_HASH), wrong()],
      'mismatch'
    ],
    ['a line with four fields', () => [real(), `${real()} extra`], 'malformed'],
    [
      'a line with two fields',
      () => [`${mod.path} ${mod.version}`, real()],
      'malformed'
    ],
    ['a comment-like line', () => ['# generated', real()], 'malformed'],
    [
      'CRLF endings and odd spacing',
      () => [`  ${real()}\r`, `\t${zipLine()}\r`],
      'ok'
    ]
  ])('%s: the action concludes what go does', async (_name, lines, want) => {
    const text = [...lines(), zipLine()].join('\n') + '\n'
    const got = await goVerdict(text)
    expect(got).toBe(want)
    expect(actionVerdict(text)).toBe(got)
  })

  it('agrees with go on random orders of duplicated lines (seeded)', async () => {
    let seed = 20261129
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const pool = () => [
      real(),
      wrong(),
      modLine(EMPTY_GO_MOD_HASH),
      modLine('h2:x=')
    ]
    for (let i = 0; i < 8; i++) {
      const lines = pool().filter(() => rand() < 0.7)
      for (let k = lines.length - 1; k > 0; k--) {
        const j = Math.floor(rand() * (k + 1))
        ;[lines[k], lines[j]] = [lines[j], lines[k]]
      }
      const text = [...lines, zipLine()].join('\n') + '\n'
      const got = await goVerdict(text)
      expect({ text, action: actionVerdict(text) }).toEqual({
        text,
        action: got
      })
    }
  })
})
