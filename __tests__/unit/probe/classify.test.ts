import { describeError } from '../../../src/base/errors.js'
import { describe, expect, it } from '@jest/globals'
import { classifyError, errorCodes } from '../../../src/probe/classify.js'

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
