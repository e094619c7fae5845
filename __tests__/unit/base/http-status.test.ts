import { describe, expect, it } from '@jest/globals'
import { classifyStatus } from '../../../src/base/http-status.js'

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

describe('classifyStatus over the status range', () => {
  it.each([
    [200, undefined],
    [206, undefined],
    [299, undefined],
    [301, 'bad-response'],
    [304, 'bad-response'],
    [400, 'bad-response'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'missing'],
    [405, 'bad-response'],
    [410, 'missing'],
    [418, 'bad-response'],
    [429, 'rate-limited'],
    [499, 'bad-response'],
    [500, 'server-error'],
    [503, 'server-error'],
    [599, 'server-error']
  ] as const)('reads %i without a body as %s', (status, kind) => {
    expect(classifyStatus(status)).toBe(kind)
  })

  it('reads a body only for 404/410', () => {
    const blame = 'bad upstream: fetch timed out'
    expect(classifyStatus(404, blame)).toBe('upstream')
    expect(classifyStatus(404)).toBe('missing')
    expect(classifyStatus(403, blame)).toBe('auth')
    expect(classifyStatus(502, blame)).toBe('server-error')
    expect(classifyStatus(200, blame)).toBeUndefined()
  })
})
