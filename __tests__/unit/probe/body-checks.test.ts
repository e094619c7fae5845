// The bytes of a 200 answer against what the module proxy protocol promises.
import { describe, expect, it } from '@jest/globals'
import { zipSync, strToU8 } from 'fflate'
import { randomBytes } from 'node:crypto'
import { checkBody, zipProblem } from '../../../src/probe/body-checks.js'

describe('checkBody', () => {
  const html = Buffer.from(
    '\n  <!DOCTYPE html><html><head><title>Log in to Wi-Fi</title></head><body>…</body></html>'
  )

  it('rejects an HTML captive page for every file kind', () => {
    expect(checkBody('info', html, 'v1.0.0')).toMatch(/HTML page/)
    expect(checkBody('mod', html)).toMatch(/HTML page/)
    expect(
      checkBody('list', Buffer.from('<html><body>hi</body></html>'))
    ).toMatch(/HTML page/)
    expect(checkBody('zip', html)).toMatch(/HTML page instead of a zip/)
  })

  it('checks .info JSON and its Version', () => {
    const info = (v: unknown) =>
      Buffer.from(JSON.stringify({ Version: v, Time: '2024-08-01T00:00:00Z' }))
    expect(checkBody('info', info('v1.0.0'), 'v1.0.0')).toBeUndefined()
    expect(checkBody('info', info('v1.0.0'))).toBeUndefined()
    expect(checkBody('info', info('v1.0.1'), 'v1.0.0')).toBe(
      '.info for v1.0.1 instead of v1.0.0'
    )
    expect(checkBody('info', info(7), 'v1.0.0')).toBe('.info without a Version')
    expect(checkBody('info', Buffer.from('{"Time":"x"}'))).toBe(
      '.info without a Version'
    )
    expect(checkBody('info', Buffer.from('{"Version": "v1'))).toBe(
      '.info is not JSON'
    )
  })

  it('requires a module line in a .mod', () => {
    expect(
      checkBody('mod', Buffer.from('module golang.org/x/text\n\ngo 1.18\n'))
    ).toBeUndefined()
    expect(
      checkBody(
        'mod',
        Buffer.from('// Deprecated: use v2\n\nmodule example.com/m\n')
      )
    ).toBeUndefined()
    expect(checkBody('mod', Buffer.from('go 1.22\nrequire x v1.0.0\n'))).toBe(
      '.mod without a module line'
    )
    expect(checkBody('mod', Buffer.from(''))).toBe('.mod without a module line')
    expect(checkBody('mod', Buffer.from('modules are fun'))).toBe(
      '.mod without a module line'
    )
  })

  it('requires the zip local-file-header magic', () => {
    const zip = Buffer.from(
      zipSync({ 'm@v1.0.0/go.mod': strToU8('module m\n') })
    )
    expect(checkBody('zip', zip)).toBeUndefined()
    expect(checkBody('zip', Buffer.from('PK'))).toBe('not a zip file')
    expect(checkBody('zip', Buffer.from('{"error":"x"}'))).toBe(
      'not a zip file'
    )
    expect(checkBody('zip', Buffer.alloc(0))).toBe('not a zip file')
  })

  it('leaves a plain list alone', () => {
    expect(checkBody('list', Buffer.from('v1.0.0\nv1.1.0\n'))).toBeUndefined()
  })
})

describe('zipProblem: the end-of-central-directory record of a zip kept whole', () => {
  const zip = Buffer.from(
    zipSync(
      {
        'example.com/m@v1.0.0/go.mod': strToU8('module example.com/m\n'),
        'example.com/m@v1.0.0/big.bin': randomBytes(100_000),
        'example.com/m@v1.0.0/m.go': strToU8('package m\n'.repeat(500))
      },
      { level: 6 }
    )
  )
  // Read to its end, without a Content-Length: only the end record tells.
  const readWhole = (head: Buffer) =>
    zipProblem({ head, bytes: head.length, contentLength: NaN, complete: true })

  it('accepts a whole zip', () => {
    expect(readWhole(zip)).toBeUndefined()
  })

  it('rejects a zip cut anywhere', () => {
    for (const cut of [1, 10, 22, 100, 1000, zip.length >> 1, zip.length - 4]) {
      expect([cut, readWhole(zip.subarray(0, zip.length - cut))]).toEqual([
        cut,
        'truncated zip'
      ])
    }
  })

  it('rejects a local header with no end record', () => {
    expect(readWhole(Buffer.from('PK\x03\x04'))).toBe('truncated zip')
  })

  it('does not take an entry-less zip (only the end record) for a module zip', () => {
    expect(readWhole(Buffer.from(zipSync({})))).toBe('not a zip file')
  })
})

describe('zipProblem', () => {
  const small = Buffer.from(
    zipSync({
      'example.com/m@v1.0.0/go.mod': strToU8('module example.com/m\n')
    })
  )

  it('accepts a small zip read whole, with or without Content-Length', () => {
    const whole = { head: small, bytes: small.length, complete: true }
    expect(
      zipProblem({ ...whole, contentLength: small.length })
    ).toBeUndefined()
    expect(zipProblem({ ...whole, contentLength: NaN })).toBeUndefined()
  })

  it('calls a body shorter than its Content-Length truncated', () => {
    const head = small.subarray(0, small.length - 10)
    expect(
      zipProblem({
        head,
        bytes: head.length,
        contentLength: small.length,
        complete: true
      })
    ).toBe('truncated zip')
  })

  it('calls a small zip without its end record truncated when no length was sent', () => {
    const head = small.subarray(0, small.length - 10)
    expect(
      zipProblem({
        head,
        bytes: head.length,
        contentLength: NaN,
        complete: true
      })
    ).toBe('truncated zip')
  })

  it('does not ask a zip only partly kept, or cut on purpose, for its end record', () => {
    const head = small.subarray(0, 100)
    // Kept only the head of a larger zip that arrived whole.
    expect(
      zipProblem({ head, bytes: 1 << 20, contentLength: NaN, complete: true })
    ).toBeUndefined()
    // Cut by the time box or the byte limit.
    expect(
      zipProblem({
        head,
        bytes: head.length,
        contentLength: 1 << 20,
        complete: false
      })
    ).toBeUndefined()
  })

  it('names what came instead of a zip before any truncation', () => {
    const html = Buffer.from('<html><body>Log in</body></html>')
    expect(
      zipProblem({
        head: html,
        bytes: html.length,
        contentLength: 1000,
        complete: true
      })
    ).toBe('an HTML page instead of a zip')
    expect(
      zipProblem({
        head: Buffer.alloc(0),
        bytes: 0,
        contentLength: 0,
        complete: true
      })
    ).toBe('empty body')
  })
})
