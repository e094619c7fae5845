// The checksum database client (src/toolchain: note, tlog, sumdb-client)
// against a database built on golang.org/x/mod/sumdb (gosumdb-server): for
// trees of many sizes, across full, partial and level-1 tiles, every record
// proven with the tiles must rebuild the root Go signed; a forged key, broken
// tiles and a changed record must not.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { escapeModulePath } from '../../../src/gomod/module-path.js'
import { parseVerifierKey, openNote } from '../../../src/sumdb/note.js'
import {
  lookupVerified,
  parseGosumdb,
  sumdbBase
} from '../../../src/sumdb/sumdb-client.js'
import { startSumDb, type SumDb } from '../../support/gosumdb.js'
import { startMirror, type Mirror } from '../../support/mirror-server.js'
import { buildProxyTree } from '../../support/modules.js'
import { cleanupTempDirs } from '../../support/temp.js'

const MODULE = 'example.test/Sum-DB_many'
const VERSIONS = Array.from({ length: 300 }, (_, i) => `v1.${i}.0`)
const HTTP = { timeoutMs: 10_000 }
let origin: Mirror
let db: SumDb

beforeAll(async () => {
  origin = await startMirror(
    buildProxyTree([{ path: MODULE, versions: VERSIONS }])
  )
  db = await startSumDb({ proxy: origin.url })
}, 300_000)
afterAll(async () => {
  await db.close()
  await origin.close()
  cleanupTempDirs()
})

describe('inclusion proofs', () => {
  it('rebuild the signed root for every record as the tree grows past full and level-1 tiles', async () => {
    const { verifier } = parseGosumdb(db.gosumdb)
    const failures: string[] = []
    // Grow the log one record at a time; at chosen sizes prove old records too.
    const checkpoints = new Set([1, 2, 3, 5, 8, 17, 255, 256, 257, 300])
    for (let n = 1; n <= VERSIONS.length; n++) {
      const latest = await lookupVerified(
        db.url,
        verifier,
        MODULE,
        VERSIONS[n - 1],
        HTTP
      ).catch((e: Error) => (failures.push(`${n}: ${e.message}`), undefined))
      if (latest && latest.treeSize !== n)
        failures.push(`${n}: tree ${latest.treeSize}`)
      if (!checkpoints.has(n)) continue
      for (const id of [0, 1, Math.floor(n / 2), n - 2, n - 1]) {
        if (id < 0 || id >= n) continue
        const r = await lookupVerified(
          db.url,
          verifier,
          MODULE,
          VERSIONS[id],
          HTTP
        ).catch(
          (e: Error) => (failures.push(`${n}/${id}: ${e.message}`), undefined)
        )
        expect(r?.lines[0]).toMatch(
          new RegExp(`^${MODULE} ${VERSIONS[id]} h1:`)
        )
      }
    }
    expect(failures).toEqual([])
  }, 300_000)

  it('fail with broken tiles, and a note by another key is refused', async () => {
    const bad = await startSumDb({ proxy: origin.url, badProof: true })
    const forged = await startSumDb({ proxy: origin.url, forge: true })
    try {
      const b = parseGosumdb(bad.gosumdb)
      for (const v of VERSIONS.slice(0, 5))
        await fetch(`${bad.url}/lookup/${escapeModulePath(MODULE)}@${v}`)
      await expect(
        lookupVerified(bad.url, b.verifier, MODULE, VERSIONS[2], HTTP)
      ).rejects.toThrow('inclusion proof failed')
      const f = parseGosumdb(forged.gosumdb)
      await expect(
        lookupVerified(forged.url, f.verifier, MODULE, VERSIONS[0], HTTP)
      ).rejects.toThrow(`not signed by ${f.verifier.name}`)
    } finally {
      await bad.close()
      await forged.close()
    }
  }, 120_000)
})

describe('GOSUMDB and notes', () => {
  it('knows sum.golang.org’s key (whose base64 holds `+`), and the cn alias with its URL', () => {
    const s = parseGosumdb('sum.golang.org')
    expect(s.verifier.name).toBe('sum.golang.org')
    expect(s.url).toBeUndefined()
    expect(parseGosumdb('sum.golang.google.cn').url).toBe(
      'https://sum.golang.google.cn'
    )
    expect(() => parseGosumdb('off')).toThrow('never installed unverified')
    expect(() =>
      parseVerifierKey(
        'sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8'
      )
    ).toThrow('hash does not match')
  })

  it('asks the proxies for the database as go does: 200 uses one, 404 moves on, direct ends', async () => {
    const served = await startMirror(buildProxyTree([]), {
      onRequest: ({ path, send }) => {
        if (path === 'sumdb/sum.golang.org/supported') {
          send(200, '')
          return true
        }
        return false
      }
    })
    try {
      const s = parseGosumdb('sum.golang.org')
      expect(
        await sumdbBase(s, `${origin.url},${served.url},direct`, HTTP)
      ).toBe(`${served.url}/sumdb/sum.golang.org`)
      expect(
        await sumdbBase(s, `${origin.url},direct,${served.url}`, HTTP)
      ).toBe('https://sum.golang.org')
      expect(await sumdbBase(parseGosumdb(db.gosumdb), served.url, HTTP)).toBe(
        db.url
      )
    } finally {
      await served.close()
    }
  })

  it('opens a note only with the key that signed it', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12)
    const algKey = Buffer.concat([Buffer.from([1]), raw])
    const name = 'sum.Example_db.test'
    const hash = createHash('sha256')
      .update(Buffer.concat([Buffer.from(name + '\n'), algKey]))
      .digest()
    const vkey = `${name}+${hash.subarray(0, 4).toString('hex')}+${algKey.toString('base64')}`
    const text = Buffer.from('go.sum database tree\n3\nAAAA\n')
    const sig = Buffer.concat([
      hash.subarray(0, 4),
      sign(null, text, privateKey)
    ])
    const note = Buffer.concat([
      text,
      Buffer.from(`\n\u2014 ${name} ${sig.toString('base64')}\n`)
    ])
    const v = parseVerifierKey(vkey)
    expect(openNote(note, v).toString()).toBe(text.toString())
    const changed = Buffer.from(note.toString().replace('\n3\n', '\n4\n'))
    expect(() => openNote(changed, v)).toThrow('invalid signature')
  })
})
