import { describe, expect, test } from '@jest/globals'
import { classifyFailure } from '../../../src/download/diagnose-failure.js'

describe('classifyFailure', () => {
  test.each([
    ['a@v1.0.0: reading https://m/a/@v/v1.0.0.zip: 404 Not Found', 'missing'],
    ['a@v1.0.0: reading https://m/a/@v/v1.0.0.mod: 410 Gone', 'missing'],
    [
      'a@v1.0.0: reading https://m/a/@v/v1.0.0.mod: 502 Bad Gateway',
      'server-error'
    ],
    [
      'a@v1.0.0: reading https://m/a/@v/v1.0.0.mod: 429 Too Many Requests',
      'rate-limited'
    ],
    ['a@v1.0.0: reading https://m/a/@v/v1.0.0.mod: 403 Forbidden', 'auth'],
    [
      "git.acme.test/x@v1.0.0: git ls-remote -q origin in /c: exit status 128:\n\tfatal: could not read Username for 'https://git.acme.test': terminal prompts disabled",
      'auth'
    ],
    [
      'a@v1.0.0: Get "http://127.0.0.1:9/a": dial tcp 127.0.0.1:9: connect: connection refused',
      'network'
    ],
    [
      'a@v1.0.0: verifying go.mod: a@v1.0.0/go.mod: reading http://m/sumdb/sum.golang.org/supported: 500 Internal Server Error',
      'sumdb'
    ],
    ['verifying a@v1.0.0: checksum mismatch', 'checksum'],
    ['download go1.99.1 for linux/amd64: toolchain not available', 'toolchain'],
    [
      'a@v1.0.0: read "https://m/a/@v/v1.0.0.zip": unexpected EOF',
      'server-error'
    ]
  ])('%s → %s', (message, kind) => {
    expect(classifyFailure(message)).toBe(kind)
  })

  test('an unanswered request makes it a timeout', () => {
    expect(classifyFailure('no answer', [{ inFlight: true }])).toBe('timeout')
  })
})
