// Signed notes of a checksum database (golang.org/x/mod/sumdb/note): the
// verifier key `<name>+<hash>+<base64(alg, key)>` and a text followed by a
// blank line and `— <name> <base64(key hash, signature)>` lines. Only Ed25519
// (algorithm 1) exists; the key hash binds the key to its name.
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { verifierKeyError } from './gosumdb-value.js'

export interface Verifier {
  name: string
  hash: number
  key: KeyObject
}

// SubjectPublicKeyInfo prefix of a raw 32-byte Ed25519 key.
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

export function parseVerifierKey(vkey: string): Verifier {
  const problem = verifierKeyError(vkey)
  if (problem)
    throw new Error(`verifier key ${JSON.stringify(vkey)} ${problem}`)
  // The key's base64 may itself hold `+`: only the first two separate.
  const a = vkey.indexOf('+')
  const b = vkey.indexOf('+', a + 1)
  return {
    name: vkey.slice(0, a),
    hash: parseInt(vkey.slice(a + 1, b), 16),
    key: createPublicKey({
      key: Buffer.concat([
        SPKI_ED25519,
        Buffer.from(vkey.slice(b + 1), 'base64').subarray(1)
      ]),
      format: 'der',
      type: 'spki'
    })
  }
}

/** The text of a note signed by `v`; throws when no signature of v's key verifies. */
export function openNote(msg: Buffer, v: Verifier): Buffer {
  const split = msg.lastIndexOf('\n\n')
  if (split < 0) throw new Error('malformed note: no signatures')
  const text = msg.subarray(0, split + 1)
  const sigs = msg.subarray(split + 2).toString('utf8')
  if (!sigs.endsWith('\n'))
    throw new Error('malformed note: unterminated signature')
  for (const line of sigs.slice(0, -1).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line)
    if (!m) throw new Error('malformed note: bad signature line')
    const sig = Buffer.from(m[2], 'base64')
    if (sig.length < 5 || m[1] !== v.name || sig.readUInt32BE(0) !== v.hash)
      continue
    if (!verify(null, text, v.key, sig.subarray(4)))
      throw new Error(`note has an invalid signature by ${v.name}`)
    return text
  }
  throw new Error(
    `note is not signed by ${v.name}+${v.hash.toString(16).padStart(8, '0')}`
  )
}
