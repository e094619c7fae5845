import { describe, expect, it } from '@jest/globals'
import { FAILURE_TEXT } from '../../../../src/base/failure-kinds.js'
import {
  ATTEMPT_KIND,
  statusFailure,
  type AttemptFailure
} from '../../../../src/download/proxy/attempt-failure.js'
import { Scheduler } from '../../../../src/download/proxy/scheduler.js'

describe('statusFailure', () => {
  it.each([
    [404, 'not-found'],
    [410, 'not-found'],
    [429, 'rate-limited'],
    [401, 'server-error'],
    [403, 'server-error'],
    [302, 'server-error'],
    [204, 'server-error'],
    [502, 'server-error']
  ] as const)('calls a %i %s', (status, failure) => {
    expect(statusFailure(status, undefined, '').failure).toBe(failure)
  })

  it('takes a 404 naming an upstream error as not found, as go does', () => {
    expect(statusFailure(404, undefined, 'bad upstream')).toEqual({
      failure: 'not-found',
      detail: '404: bad upstream'
    })
  })

  it("keeps a 429's Retry-After in ms", () => {
    expect(statusFailure(429, '7', '')).toEqual({
      failure: 'rate-limited',
      detail: '429',
      retryAfterMs: 7000
    })
  })
})

describe('ATTEMPT_KIND', () => {
  const failures = Object.keys(ATTEMPT_KIND) as AttemptFailure[]

  it('keeps the name of every failure that is already a run kind', () => {
    for (const f of failures.filter((x) => x in FAILURE_TEXT))
      expect(ATTEMPT_KIND[f]).toBe(f)
    expect(ATTEMPT_KIND['not-found']).toBe('missing')
  })

  it.each(failures)(
    'drops a mirror after three %s answers unless that means missing',
    (kind) => {
      const s = new Scheduler([{ url: 'https://m.test' }])
      const m = s.mirrors[0]
      for (let i = 0; i < 3; i++) s.failed(m, kind, i, 'x')
      expect(m.dropped !== undefined).toBe(ATTEMPT_KIND[kind] !== 'missing')
    }
  )
})
