import { describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findModuleRoots } from '../../../src/download/roots.js'
import { parseGoWorkUses } from '../../../src/gomod/go-mod-files.js'

describe('module roots', () => {
  test('working directory, go.sum neighbours, and workspaces covering their modules', () => {
    const ws = mkdtempSync(join(tmpdir(), 'roots-'))
    for (const d of ['a', 'b', 'tools', 'nomod']) mkdirSync(join(ws, d))
    writeFileSync(
      join(ws, 'go.work'),
      'go 1.22\n\nuse (\n\t./a\n\t"./b" // b\n)\n'
    )
    for (const d of ['a', 'b', 'tools'])
      writeFileSync(join(ws, d, 'go.mod'), `module x/${d}\n`)
    expect(parseGoWorkUses(readFileSync(join(ws, 'go.work'), 'utf8'))).toEqual([
      './a',
      './b'
    ])
    const roots = findModuleRoots(ws, [
      join(ws, 'a', 'go.sum'),
      join(ws, 'tools', 'go.sum'),
      join(ws, 'nomod', 'go.sum')
    ])
    expect(roots).toEqual([ws, join(ws, 'tools')])
  })
})
