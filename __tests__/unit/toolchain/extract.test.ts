// Unpacking a toolchain module zip: the module prefix stripped, go's exec
// bits and _go.mod copies, and entries that would land outside refused.
import { afterAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { extractToolchainZip } from '../../../src/toolchain/extract.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

const PREFIX = 'golang.org/toolchain@v0.0.1-go1.25.4.darwin-arm64/'

function zipOf(files: Record<string, string>): string {
  const file = join(tempDir('zip-'), 'z.zip')
  const z: Record<string, Uint8Array> = {}
  for (const [n, t] of Object.entries(files)) z[n] = Buffer.from(t)
  writeFileSync(file, zipSync(z))
  return file
}

describe('extractToolchainZip', () => {
  it('strips the module prefix, marks what go marks executable, and copies _go.mod files', async () => {
    const dest = join(tempDir('dest-'), 'go')
    await extractToolchainZip(
      zipOf({
        [PREFIX + 'bin/go']: '#!/bin/sh\n',
        [PREFIX + 'pkg/tool/darwin_arm64/compile']: 'x',
        [PREFIX + 'lib/wasm/go_js_wasm_exec']: 'x',
        [PREFIX + 'src/_go.mod']: 'module std\n',
        [PREFIX + 'src/cmd/_go.mod']: 'module cmd\n',
        [PREFIX + 'VERSION']: 'go1.25.4\n'
      }),
      PREFIX,
      dest,
      'darwin'
    )
    const mode = (p: string) => statSync(join(dest, p)).mode & 0o111
    expect(mode('bin/go')).not.toBe(0)
    expect(mode('pkg/tool/darwin_arm64/compile')).not.toBe(0)
    expect(mode('lib/wasm/go_js_wasm_exec')).not.toBe(0)
    expect(mode('VERSION')).toBe(0)
    expect(readFileSync(join(dest, 'src/go.mod'), 'utf8')).toBe('module std\n')
    expect(readFileSync(join(dest, 'src/cmd/go.mod'), 'utf8')).toBe(
      'module cmd\n'
    )
  })

  it.each([
    [
      'outside the prefix',
      'golang.org/toolchain@v0.0.1-go1.25.3.darwin-arm64/bin/go'
    ],
    ['climbing out', PREFIX + 'bin/../../escape'],
    ['with a backslash', PREFIX + 'bin\\go'],
    ['with an empty element', PREFIX + 'bin//go']
  ])('refuses an entry %s', async (_what, name) => {
    const dest = join(tempDir('dest-'), 'go')
    await expect(
      extractToolchainZip(
        zipOf({ [PREFIX + 'VERSION']: 'x', [name]: 'x' }),
        PREFIX,
        dest,
        'linux'
      )
    ).rejects.toThrow(name)
    expect(existsSync(join(dest, '..', 'escape'))).toBe(false)
  })
})
