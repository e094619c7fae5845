import { describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { verifyFile } from '../../../../src/download/proxy/verify.js'
import { parseProxyPath } from '../../../../src/download/proxy/proxy-path.js'
import { rawZip } from '../../../support/raw-zip.js'
import { tempDir } from '../../../support/temp.js'

const req = parseProxyPath('example.test/m/@v/v1.0.0.zip')!

function zipFile(zip: Buffer): string {
  const f = join(tempDir('verify-'), 'm.zip')
  writeFileSync(f, zip)
  return f
}

// Every CRC-32 in the zip (local and central headers) made wrong.
function wrongCrcs(zip: Buffer): Buffer {
  const out = Buffer.from(zip)
  for (const [sig, at] of [
    [0x04034b50, 14],
    [0x02014b50, 16]
  ])
    for (let i = 0; i + 4 <= out.length; i++)
      if (out.readUInt32LE(i) === sig) out.writeUInt32LE(0xdeadbeef, i + at)
  return out
}

const entry = (name: string) => ({
  name,
  data: Buffer.from('module example.test/m\n'),
  deflate: true
})

describe('a zip go.sum does not list', () => {
  it('passes when it is the module at its version', async () => {
    const f = zipFile(rawZip([entry('example.test/m@v1.0.0/go.mod')]))
    expect(await verifyFile(req, f, 'application/zip', undefined)).toEqual({
      ok: true,
      verified: false
    })
  })

  it('is refused when an entry is outside module@version/, as go refuses it', async () => {
    const f = zipFile(
      rawZip([
        entry('example.test/m@v1.0.0/go.mod'),
        entry('example.test/other@v1.0.0/x.go')
      ])
    )
    expect(
      await verifyFile(req, f, 'application/zip', undefined)
    ).toMatchObject({ ok: false, failure: 'garbage' })
  })

  it('is refused when an entry does not match its CRC-32 (go: "zip: checksum error")', async () => {
    const f = zipFile(
      wrongCrcs(rawZip([entry('example.test/m@v1.0.0/go.mod')]))
    )
    const v = await verifyFile(req, f, 'application/zip', undefined)
    expect(v).toMatchObject({ ok: false, failure: 'garbage' })
    expect(!v.ok && v.detail).toMatch(/CRC-32/)
  })
})
