import { describeError } from '../../../src/base/errors.js'
import { describe, expect, it } from '@jest/globals'
import {
  classifyError,
  classifyStatus,
  errorCodes
} from '../../../src/probe/classify.js'

describe('classifyStatus', () => {
  it('treats 2xx as success', () => {
    expect(classifyStatus(200, '')).toBeUndefined()
    expect(classifyStatus(204, '')).toBeUndefined()
  })

  it('classifies auth, rate limiting, server errors and other statuses', () => {
    expect(classifyStatus(401, 'Unauthorized')).toBe('auth')
    expect(classifyStatus(403, 'forbidden')).toBe('auth')
    expect(classifyStatus(429, 'slow down')).toBe('rate-limited')
    expect(classifyStatus(500, '')).toBe('server-error')
    expect(classifyStatus(502, 'bad gateway')).toBe('server-error')
    expect(classifyStatus(503, '')).toBe('server-error')
    expect(classifyStatus(504, '')).toBe('server-error')
    expect(classifyStatus(400, 'bad request')).toBe('bad-response')
    expect(classifyStatus(302, '')).toBe('bad-response')
  })

  it('reads a plain 404/410 as a missing version', () => {
    expect(classifyStatus(404, '')).toBe('missing')
    expect(classifyStatus(410, 'Gone')).toBe('missing')
    expect(
      classifyStatus(
        404,
        'not found: github.com/x/y@v9.9.9: invalid version: unknown revision v9.9.9'
      )
    ).toBe('missing')
    expect(classifyStatus(410, 'not found: example.com/m@v1.0.0')).toBe(
      'missing'
    )
  })

  it('reads a 404/410 whose body blames the upstream as unhealthy', () => {
    expect(classifyStatus(404, 'not found: fetch timed out')).toBe('upstream')
    expect(classifyStatus(404, 'bad upstream')).toBe('upstream')
    expect(classifyStatus(410, 'not found: Bad Upstream')).toBe('upstream')
    expect(
      classifyStatus(
        404,
        'not found: github.com/x/y@v1.0.0: dial tcp 1.2.3.4:443: i/o timeout'
      )
    ).toBe('upstream')
    expect(classifyStatus(404, 'connection reset by peer')).toBe('upstream')
  })
})

function withCode(message: string, code: string, cause?: unknown): Error {
  const e = new Error(message, { cause }) as Error & { code: string }
  e.code = code
  return e
}

describe('classifyError', () => {
  it('finds the code along the cause chain, as undici wraps it', () => {
    const dns = new TypeError('fetch failed', {
      cause: withCode('getaddrinfo ENOTFOUND mirror.invalid', 'ENOTFOUND')
    })
    expect(classifyError(dns)).toBe('dns')
    expect(classifyError(withCode('again', 'EAI_AGAIN'))).toBe('dns')

    const refused = new TypeError('fetch failed', {
      cause: withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')
    })
    expect(classifyError(refused)).toBe('refused')
  })

  it('classifies timeouts', () => {
    expect(
      classifyError(
        new TypeError('fetch failed', {
          cause: withCode('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT')
        })
      )
    ).toBe('timeout')
    expect(
      classifyError(withCode('Connect Timeout', 'UND_ERR_CONNECT_TIMEOUT'))
    ).toBe('timeout')
    expect(
      classifyError(withCode('Body Timeout', 'UND_ERR_BODY_TIMEOUT'))
    ).toBe('timeout')
    expect(classifyError(withCode('timed out', 'ETIMEDOUT'))).toBe('timeout')
  })

  it('classifies an abort or a timeout signal as a timeout', () => {
    const abort = new Error('This operation was aborted')
    abort.name = 'AbortError'
    expect(classifyError(abort)).toBe('timeout')
    // AbortSignal.timeout() rejects with a TimeoutError
    const timeout = new Error('The operation was aborted due to timeout')
    timeout.name = 'TimeoutError'
    expect(classifyError(timeout)).toBe('timeout')
  })

  it('classifies certificate and TLS errors', () => {
    for (const code of [
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'EPROTO'
    ]) {
      const err = new TypeError('fetch failed', {
        cause: withCode(`tls: ${code}`, code)
      })
      expect([code, classifyError(err)]).toEqual([code, 'tls'])
    }
  })

  it('falls back to network for resets and unknown errors', () => {
    expect(
      classifyError(
        new TypeError('fetch failed', {
          cause: withCode('other side closed', 'UND_ERR_SOCKET', {
            code: 'ECONNRESET'
          })
        })
      )
    ).toBe('network')
    expect(classifyError(withCode('read ECONNRESET', 'ECONNRESET'))).toBe(
      'network'
    )
    expect(classifyError(new Error('something else'))).toBe('network')
    expect(classifyError('a string')).toBe('network')
    expect(classifyError(undefined)).toBe('network')
  })

  it('lets the most specific cause decide', () => {
    // undici wraps the socket error in its own; the socket code says refused
    const err = withCode(
      'socket',
      'UND_ERR_SOCKET',
      withCode('connect ECONNREFUSED', 'ECONNREFUSED')
    )
    expect(classifyError(err)).toBe('refused')
  })
})

describe('errorCodes / describeError', () => {
  it('lists codes outermost first and stops at a cycle', () => {
    const inner = withCode('inner', 'ECONNRESET')
    const outer = withCode('outer', 'UND_ERR_SOCKET', inner)
    expect(errorCodes(outer)).toEqual(['UND_ERR_SOCKET', 'ECONNRESET'])
    const loop = withCode('loop', 'X') as Error & { cause?: unknown }
    loop.cause = loop
    expect(errorCodes(loop).length).toBeLessThanOrEqual(5)
  })

  it('joins distinct messages along the chain', () => {
    const err = new TypeError('fetch failed', {
      cause: withCode('getaddrinfo ENOTFOUND x.invalid', 'ENOTFOUND')
    })
    expect(describeError(err)).toBe(
      'fetch failed: getaddrinfo ENOTFOUND x.invalid'
    )
    expect(describeError(new Error('same', { cause: new Error('same') }))).toBe(
      'same'
    )
    expect(describeError(undefined)).toBe('unknown error')
  })
})
