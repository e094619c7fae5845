import { afterAll, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { goOnPath } from '../../../src/download/run-go.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

describe('goOnPath', () => {
  const dir = tempDir('path-')
  const bin = join(dir, 'bin')
  const notExec = join(dir, 'not-exec')
  const asDir = join(dir, 'as-dir')
  mkdirSync(bin)
  mkdirSync(notExec)
  mkdirSync(join(asDir, 'go'), { recursive: true })
  writeFileSync(join(bin, 'go'), '#!/bin/sh\n')
  chmodSync(join(bin, 'go'), 0o755)
  writeFileSync(join(notExec, 'go'), '')
  chmodSync(join(notExec, 'go'), 0o644)

  it('finds an executable go file on PATH', async () => {
    expect(
      await goOnPath({ PATH: [asDir, notExec, bin].join(delimiter) })
    ).toBe(true)
  })

  it.each([
    ['no PATH', {}],
    ['empty PATH', { PATH: '' }],
    ['only a directory named go', { PATH: asDir }],
    ['nothing named go', { PATH: dir }],
    ['a go file without execute permission', { PATH: notExec }]
  ])('is false with %s', async (_, env: Record<string, string>) => {
    expect(await goOnPath(env)).toBe(false)
  })
})
