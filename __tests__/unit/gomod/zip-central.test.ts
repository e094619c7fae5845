import { describe, expect, it } from '@jest/globals'
import { zipSync } from 'fflate'
import { findEndRecord } from '../../../src/gomod/zip-central.js'

// An end record: signature, counts and offsets zero, then the comment.
function endRecord(comment: string): Buffer {
  const r = Buffer.alloc(22)
  r.writeUInt32LE(0x06054b50, 0)
  r.writeUInt16LE(Buffer.byteLength(comment), 20)
  return Buffer.concat([r, Buffer.from(comment)])
}

describe('findEndRecord', () => {
  it('finds the record of a real zip, 22 bytes from its end', () => {
    const zip = Buffer.from(zipSync({ 'a.txt': Buffer.from('hello') }))
    expect(findEndRecord(zip)).toBe(zip.length - 22)
  })

  it('steps over a signature inside the comment to the record that ends the file', () => {
    // This one claims a comment longer than what follows it.
    const stray = endRecord('')
    stray.writeUInt16LE(9, 20)
    const inner = stray.toString('latin1')
    const file = Buffer.concat([Buffer.alloc(5), endRecord(inner)])
    expect(findEndRecord(file)).toBe(5)
  })

  it('finds nothing when the comment does not reach the end or is cut short', () => {
    expect(
      findEndRecord(Buffer.concat([endRecord('c'), Buffer.from('x')]))
    ).toBeUndefined()
    expect(findEndRecord(endRecord('comment').subarray(0, 25))).toBeUndefined()
    expect(findEndRecord(Buffer.alloc(21))).toBeUndefined()
  })
})
