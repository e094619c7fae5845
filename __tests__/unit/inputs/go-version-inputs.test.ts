// go-version-file that names no usable version: setup-go (v7.0.0,
// src/main.ts resolveVersionInput with parseGoVersionFile's empty answer)
// installs nothing and goes on with the go on PATH; so does this action.
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { readGoVersionInputs } from '../../../src/inputs/go-version-inputs.js'

let dir = ''
afterEach(async () => {
  jest.restoreAllMocks()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function request(name: string, text: string) {
  dir = await mkdtemp(path.join(os.tmpdir(), 'go-request-'))
  await writeFile(path.join(dir, name), text)
  const inputs: Record<string, string> = { 'go-version-file': name }
  return readGoVersionInputs((n) => inputs[n] ?? '', dir, {})
}

describe('go-version-file naming no version', () => {
  it.each([
    ['go.mod', 'module example.test/m\n'],
    ['go.work', 'use ./a\n'],
    ['.tool-versions', 'nodejs 24.1.0\n'],
    ['.go-version', '\n']
  ])('%s: no install, and an info line saying so', async (name, text) => {
    const out = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation(() => true)
    await expect(request(name, text)).resolves.toBeUndefined()
    expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain(
      `go-version-file: "${name}" names no Go version; using the go on PATH`
    )
  })

  it('still reads a go line that carries a pre-release', async () => {
    await expect(request('go.mod', 'go 1.24rc1\n')).resolves.toEqual({
      input: 'go-version-file',
      value: '1.24',
      spec: { kind: 'latest-of', lang: '1.24' }
    })
  })
})
