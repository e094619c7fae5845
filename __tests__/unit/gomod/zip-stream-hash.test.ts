// The h1 computed while a zip arrives (central directory first, entries as
// their bytes go by) against hashZipFile, which is checked against go's
// dirhash: random zips, stored and deflated entries, data descriptors,
// duplicate names, random chunk boundaries.
import { afterAll, describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Zip, ZipDeflate, ZipPassThrough, zipSync, type Zippable } from 'fflate'
import { hashZipFile } from '../../../src/gomod/dirhash.js'
import {
  findCentralDirectory,
  parseCentralDirectory
} from '../../../src/gomod/zip-central.js'
import { ZipStreamHasher } from '../../../src/gomod/zip-stream-hash.js'
import { incompressibleBytes } from '../../support/modules.js'
import { rawZip } from '../../support/raw-zip.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    return s / 0x80000000
  }
}

type Entry = { name: string; data: Buffer; store: boolean }

function randomEntries(r: () => number): Entry[] {
  const names = [
    'bin/go',
    'bin/gofmt',
    'pkg/tool/linux_amd64/compile',
    'src/_go.mod',
    'lib/Time_zone/ü.txt',
    'VERSION'
  ]
  const n = 1 + Math.floor(r() * 8)
  return Array.from({ length: n }, (_, i) => {
    const size = Math.floor(r() ** 3 * 200_000)
    const data =
      r() < 0.5
        ? incompressibleBytes(size, `e${i}-${r()}`)
        : Buffer.from(
            'package main\n'.repeat(Math.ceil(size / 13)).slice(0, size)
          )
    return {
      name: `golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64/${names[Math.floor(r() * names.length)]}${r() < 0.7 ? i : ''}`,
      data,
      store: r() < 0.4
    }
  })
}

// fflate's streaming writer uses data descriptors, as go's archive/zip does.
function streamedZip(entries: Entry[]): Buffer {
  const parts: Uint8Array[] = []
  const z = new Zip((err, chunk) => {
    if (err) throw err
    parts.push(chunk)
  })
  for (const e of entries) {
    const f = e.store
      ? new ZipPassThrough(e.name)
      : new ZipDeflate(e.name, { level: 6 })
    z.add(f)
    f.push(e.data, true)
  }
  z.end()
  return Buffer.concat(parts)
}

function syncZip(entries: Entry[]): Buffer {
  const z: Zippable = {}
  for (const e of entries) z[e.name] = [e.data, { level: e.store ? 0 : 6 }]
  return Buffer.from(zipSync(z))
}

async function streamHash(
  zip: Buffer,
  r: () => number
): Promise<string | undefined> {
  const start = Math.max(0, zip.length - 70_000)
  const loc = findCentralDirectory(zip.subarray(start), start)
  if (!loc) throw new Error('no central directory')
  const dir = parseCentralDirectory(
    zip.subarray(loc.offset, loc.offset + loc.size),
    loc.offset,
    loc.count
  )
  if (!dir) throw new Error('unparsable central directory')
  const h = new ZipStreamHasher(dir)
  for (let at = 0; at < zip.length;) {
    const n = 1 + Math.floor(r() ** 2 * 40_000)
    await h.push(zip.subarray(at, at + n))
    at += n
  }
  return h.h1()
}

function directoryOf(zip: Buffer) {
  const loc = findCentralDirectory(zip, 0)!
  return parseCentralDirectory(
    zip.subarray(loc.offset, loc.offset + loc.size),
    loc.offset,
    loc.count
  )!
}

describe('ZipStreamHasher', () => {
  it('computes the same h1 as hashZipFile for random zips cut at random places', async () => {
    const r = random(20261129)
    const dir = tempDir('zips-')
    for (let i = 0; i < 60; i++) {
      const entries = randomEntries(r)
      const zip = i % 2 === 0 ? streamedZip(entries) : syncZip(entries)
      const file = join(dir, `${i}.zip`)
      writeFileSync(file, zip)
      expect(await streamHash(zip, r)).toBe(await hashZipFile(file))
    }
  }, 120_000)

  it('has no hash until every entry went by, and refuses bytes that do not fit the directory', async () => {
    const r = random(7)
    const zip = streamedZip(
      randomEntries(r).concat({
        name: 'golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64/x',
        data: Buffer.from('x'),
        store: true
      })
    )
    const loc = findCentralDirectory(zip, 0)!
    const dir = parseCentralDirectory(
      zip.subarray(loc.offset, loc.offset + loc.size),
      loc.offset,
      loc.count
    )!
    const partial = new ZipStreamHasher(dir)
    await partial.push(zip.subarray(0, Math.floor(zip.length / 2)))
    expect(partial.h1()).toBeUndefined()
    const shifted = new ZipStreamHasher(dir)
    await expect(
      shifted.push(Buffer.concat([Buffer.from('junk'), zip]))
    ).rejects.toThrow('bad zip local header')
  })

  it('stops inflating an entry at the size the directory declares', async () => {
    // A megabyte of zeros deflates to about a kilobyte; the directory says 1 KiB.
    const bomb = Buffer.alloc(1 << 20)
    const zip = rawZip([
      {
        name: 'golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64/bin/go',
        data: bomb,
        deflate: true,
        declaredSize: 1024
      }
    ])
    const h = new ZipStreamHasher(directoryOf(zip))
    await expect(h.push(zip)).rejects.toThrow(
      'zip entry inflates past its declared 1024 bytes'
    )
  })

  it("refuses a directory declaring more than go's 500 MiB of content", () => {
    const zip = rawZip([
      {
        name: 'golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64/bin/go',
        data: Buffer.alloc(1000),
        deflate: true,
        declaredSize: (500 << 20) + 1
      }
    ])
    expect(() => new ZipStreamHasher(directoryOf(zip))).toThrow(
      "over go's limit of 524288000"
    )
  })
})
