// The zip hash is checked against the real go command: go computes the h1
// of every module zip it downloads and prints it as "Sum".
import { afterAll, describe, expect, it } from '@jest/globals'
import { zipSync, type Zippable } from 'fflate'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import { hash1OfSums, hashZipFile } from '../../../src/gomod/dirhash.js'
import { escapeModulePath } from '../../../src/gomod/module-path.js'
import { runGo } from '../../support/go.js'
import { rawZip } from '../../support/raw-zip.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(cleanupTempDirs)

const MTIME = new Date(Date.UTC(2024, 0, 1))

async function goSumOf(
  path: string,
  version: string,
  zip: Buffer
): Promise<string> {
  const proxy = tempDir('proxy-')
  const dir = join(proxy, escapeModulePath(path), '@v')
  mkdirSync(dir, { recursive: true })
  const v = escapeModulePath(version)
  writeFileSync(join(dir, `${v}.info`), JSON.stringify({ Version: version }))
  writeFileSync(join(dir, `${v}.mod`), `module ${path}\n`)
  writeFileSync(join(dir, `${v}.zip`), zip)
  const res = await runGo(['mod', 'download', '-json', `${path}@${version}`], {
    cwd: tempDir('cwd-'),
    env: {
      GOPROXY: `file://${proxy}`,
      GOMODCACHE: tempDir('modcache-'),
      GOFLAGS: '-modcacherw',
      GOSUMDB: 'off'
    }
  })
  expect(res.stderr).toBe('')
  return (JSON.parse(res.stdout) as { Sum: string }).Sum
}

function moduleZip(
  prefix: string,
  files: Record<string, { data: string | Buffer; store?: boolean }>
): Buffer {
  const z: Zippable = {}
  for (const [name, f] of Object.entries(files))
    z[prefix + name] = [
      typeof f.data === 'string' ? Buffer.from(f.data) : f.data,
      { level: f.store ? 0 : 6, mtime: MTIME }
    ]
  return Buffer.from(zipSync(z))
}

describe('hashZipFile', () => {
  it.each([
    ['example.test/my-org/Go-Lib', 'v1.2.3'],
    ['gopkg.in/my-org/team_x.v3', 'v3.0.0-20240101120000-0123456789ab'],
    ['example.test/Capital/Name', 'v2.0.0+incompatible']
  ])('equals what go computes for %s@%s', async (path, version) => {
    const zip = moduleZip(`${path}@${version}/`, {
      'go.mod': { data: `module ${path}\n` },
      'lib.go': { data: 'package lib\n' },
      // BMP letters above the surrogate range and a non-BMP letter: Go sorts
      // names by bytes, UTF-16 order would put 𝔘 first.
      'ﬀ/doc.go': { data: 'package ﬀ\n' },
      '𝔘/doc.go': { data: 'package u\n' },
      'Z-upper/b.go': { data: 'package z\n' },
      'testdata/blob.bin': { data: Buffer.alloc(70_000, 7), store: true }
    })
    const file = join(tempDir('zip-'), 'm.zip')
    writeFileSync(file, zip)
    expect(await hashZipFile(file)).toBe(await goSumOf(path, version, zip))
  })

  it('equals what go computes for a zip over 4 MiB with entries over 1 MiB, stored and deflated', async () => {
    const path = 'example.test/big-Blobs'
    const version = 'v1.0.0'
    const noise = Buffer.alloc(17 << 20)
    for (let i = 0; i < noise.length; i += 4)
      noise.writeUInt32LE((Math.imul(i, 2654435761) ^ (i >>> 7)) >>> 0, i)
    const zip = moduleZip(`${path}@${version}/`, {
      'go.mod': { data: `module ${path}\n` },
      'testdata/noise.bin': { data: noise, store: true },
      'testdata/zeros.bin': { data: Buffer.alloc(12 << 20) },
      'small.go': { data: 'package big\n' }
    })
    expect(zip.length).toBeGreaterThan(16 << 20)
    const file = join(tempDir('zip-'), 'm.zip')
    writeFileSync(file, zip)
    expect(await hashZipFile(file)).toBe(await goSumOf(path, version, zip))
  })

  it.each([
    ['a small one', 1 << 20],
    ['a large one (streamed)', 64 << 20]
  ])(
    'refuses an entry that inflates past the size the directory declares: %s',
    async (_what, real) => {
      const prefix = 'example.test/bomb@v1.0.0/'
      const zip = rawZip([
        {
          name: prefix + 'go.mod',
          data: Buffer.from('module example.test/bomb\n')
        },
        {
          name: prefix + 'blob.bin',
          data: deflateRawSync(Buffer.alloc(real)),
          deflated: true,
          declaredSize: real === 1 << 20 ? 1000 : 9 << 20
        }
      ])
      const file = join(tempDir('zip-'), 'bomb.zip')
      writeFileSync(file, zip)
      const before = process.memoryUsage().rss
      await expect(hashZipFile(file)).rejects.toThrow(/directory says/)
      expect(process.memoryUsage().rss - before).toBeLessThan(48 << 20)
    }
  )

  it('refuses a file that is not a zip', async () => {
    const file = join(tempDir('zip-'), 'html.zip')
    writeFileSync(file, '<html>captive portal</html>')
    await expect(hashZipFile(file)).rejects.toThrow()
  })
})

describe('hash1OfSums', () => {
  it('refuses names with a newline, as dirhash does', () => {
    expect(() =>
      hash1OfSums([{ name: Buffer.from('a\nb'), sum: '00' }])
    ).toThrow(/newline/)
  })
})
