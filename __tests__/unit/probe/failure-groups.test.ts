import { describe, expect, it } from '@jest/globals'
import {
  failureGroupsLine,
  groupFailures
} from '../../../src/probe/failure-groups.js'
import type { ProbeFailure } from '../../../src/probe/result.js'

// A mirror behind a broken gateway: every .info and .mod answers 502, then
// the zip read stalls.
const versions = ['v0.20.0', 'v0.21.0', 'v0.22.0', 'v0.23.0']
const failures: ProbeFailure[] = [
  ...versions.flatMap((v) =>
    ['info', 'mod'].map((ext) => ({
      kind: 'server-error' as const,
      request: `/golang.org/x/mod/@v/${v}.${ext}`,
      status: 502,
      detail: `502: bad gateway (${v})`
    }))
  ),
  {
    kind: 'timeout',
    request: '/github.com/!burnt!sushi/toml/@v/v1.4.0.zip',
    detail: 'the zip stalled or trickled'
  },
  {
    kind: 'server-error',
    request: '/sumdb/sum.golang.org/supported',
    status: 503,
    detail: '503'
  }
]

describe('groupFailures', () => {
  it('counts each kind once, in order of first occurrence, with the first as example', () => {
    expect(groupFailures(failures)).toEqual([
      { kind: 'server-error', count: 9, example: failures[0] },
      { kind: 'timeout', count: 1, example: failures[8] }
    ])
  })

  it('is empty for a clean mirror', () => {
    expect(groupFailures([])).toEqual([])
  })
})

describe('failureGroupsLine', () => {
  it('says each kind once with its count and one example path', () => {
    expect(failureGroupsLine(failures)).toBe(
      'server-error ×9 (e.g. /golang.org/x/mod/@v/v0.20.0.info), timeout (/github.com/!burnt!sushi/toml/@v/v1.4.0.zip)'
    )
  })

  it('is empty without failures', () => {
    expect(failureGroupsLine([])).toBe('')
  })
})
