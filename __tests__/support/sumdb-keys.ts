// Checksum database verifier keys of the shape note.GenerateKey writes,
// with the algorithm byte and key length variable to make malformed ones.
import { createHash, generateKeyPairSync } from 'node:crypto'

/** A verifier key as note.GenerateKey writes it, for `name`. */
export function verifierKey(name: string, alg = 1, bytes = 32): string {
  const raw = generateKeyPairSync('ed25519')
    .publicKey.export({ format: 'der', type: 'spki' })
    .subarray(-32)
  const key = Buffer.concat([
    Buffer.from([alg]),
    Buffer.concat([raw, raw]).subarray(0, bytes)
  ])
  const hash = createHash('sha256')
    .update(`${name}\n`)
    .update(key)
    .digest()
    .subarray(0, 4)
    .toString('hex')
  return `${name}+${hash}+${key.toString('base64')}`
}
