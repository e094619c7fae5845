import { describe, expect, it } from '@jest/globals'
import {
  FAILURE_HINT,
  FAILURE_KINDS,
  FAILURE_SEVERITY,
  FAILURE_TEXT,
  kindCount
} from '../../../src/base/failure-kinds.js'

describe('failure kinds', () => {
  it('gives every kind a severity, a text and a hint', () => {
    const kinds = [...FAILURE_KINDS].sort()
    expect(kinds).toEqual(Object.keys(FAILURE_TEXT).sort())
    expect(kinds).toEqual(Object.keys(FAILURE_HINT).sort())
    expect(new Set(FAILURE_KINDS.map((k) => FAILURE_SEVERITY[k]))).toEqual(
      new Set(['fatal', 'degrading', 'neutral'])
    )
  })

  it('leaves a mirror usable on a missing version: that is staleness', () => {
    expect(FAILURE_SEVERITY.missing).toBe('neutral')
    expect(FAILURE_SEVERITY.checksum).toBe('fatal')
  })

  it('counts a kind only when it occurred more than once', () => {
    expect(kindCount('timeout', 1)).toBe('timeout')
    expect(kindCount('server-error', 16)).toBe('server-error ×16')
  })
})
