// Unpacking a toolchain module zip: the module prefix stripped, go's exec
// bits and _go.mod copies, and entries that would land outside refused.
import { afterAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { extractToolchainZip } from '../../../src/toolchain/extract.js'
import { checkModuleZip } from '../../../src/gomod/zip-check.js'
import { rawZip, type RawEntry } from '../../support/raw-zip.js'
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
    ).rejects.toThrow(JSON.stringify(name))
    expect(existsSync(join(dest, '..', 'escape'))).toBe(false)
  })
})

describe('checkModuleZip', () => {
  const rawZipFile = (entries: RawEntry[]) => {
    const file = join(tempDir('zip-'), 'z.zip')
    writeFileSync(file, rawZip(entries))
    return file
  }
  const x = Buffer.from('x')
  it.each([
    [
      'an Info-ZIP Unicode Path field',
      [{ name: PREFIX + 'bin/gofmt', data: x, unicodePath: PREFIX + 'bin/go' }],
      'Info-ZIP Unicode Path extra field (0x7075)'
    ],
    [
      'a name twice',
      [
        { name: PREFIX + 'bin/go', data: x },
        { name: PREFIX + 'bin/go', data: x }
      ],
      'multiple zip entries for file "bin/go"'
    ],
    [
      'names equal under case folding',
      [
        { name: PREFIX + 'bin/go', data: x },
        { name: PREFIX + 'BIN/go', data: x }
      ],
      'case-insensitive file name collision: "bin/go" and "BIN/go"'
    ],
    [
      'a file that is also a directory',
      [
        { name: PREFIX + 'bin', data: x },
        { name: PREFIX + 'bin/go', data: x }
      ],
      'zip entry "bin" is both a file and a directory'
    ],
    [
      'a name that is not UTF-8',
      [
        {
          name: Buffer.concat([
            Buffer.from(PREFIX + 'bin/'),
            Buffer.from([0x82])
          ]),
          data: x
        }
      ],
      'is not UTF-8'
    ]
  ])('refuses %s', async (_what, entries, error) => {
    await expect(
      checkModuleZip(rawZipFile(entries as RawEntry[]), PREFIX)
    ).rejects.toThrow(error)
  })

  it('accepts what extractToolchainZip then writes under the raw names', async () => {
    const file = rawZipFile([
      { name: PREFIX + 'VERSION', data: Buffer.from('go1.25.4\n') },
      { name: PREFIX + 'bin/go', data: Buffer.from('go\n'), deflate: true }
    ])
    await checkModuleZip(file, PREFIX)
    const dest = join(tempDir('dest-'), 'go')
    await extractToolchainZip(file, PREFIX, dest, 'linux')
    expect(readFileSync(join(dest, 'bin/go'), 'utf8')).toBe('go\n')
    expect(readFileSync(join(dest, 'VERSION'), 'utf8')).toBe('go1.25.4\n')
  })
})
