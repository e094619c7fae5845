import { describe, expect, test } from '@jest/globals'
import { readDownloadInputs } from '../../../src/inputs/download-inputs.js'

describe('download inputs', () => {
  test('defaults and errors that name the input', () => {
    const get = (v: Record<string, string>) => (n: string) => v[n] ?? ''
    expect(readDownloadInputs(get({}))).toEqual({
      download: undefined,
      timeoutMs: 600_000,
      concurrency: 32,
      failOnError: true,
      keepProxy: false,
      keepProxyIdleMs: 1_800_000,
      mergeReports: []
    })
    expect(
      readDownloadInputs(
        get({ download: 'false', 'merge-reports': 'legs/*/r.json\n' })
      )
    ).toMatchObject({
      download: false,
      mergeReports: ['legs/*/r.json']
    })
    expect(() =>
      readDownloadInputs(get({ 'download-timeout': 'soon' }))
    ).toThrow(/download-timeout.*"soon"/)
    expect(() => readDownloadInputs(get({ 'fail-on-error': 'maybe' }))).toThrow(
      /fail-on-error/
    )
    expect(
      readDownloadInputs(get({ 'download-concurrency': '0' })).concurrency
    ).toBe(0)
    for (const bad of ['-1', 'many', '1000', '2.5'])
      expect(() =>
        readDownloadInputs(get({ 'download-concurrency': bad }))
      ).toThrow(new RegExp(`download-concurrency.*"${bad}"`))
  })

  test('keep-proxy needs the local proxy, and a bounded idle limit', () => {
    const get = (v: Record<string, string>) => (n: string) => v[n] ?? ''
    expect(
      readDownloadInputs(
        get({ 'keep-proxy': 'true', 'keep-proxy-idle-timeout': '90' })
      )
    ).toMatchObject({ keepProxy: true, keepProxyIdleMs: 90_000 })
    expect(() =>
      readDownloadInputs(
        get({ 'keep-proxy': 'true', 'download-concurrency': '0' })
      )
    ).toThrow(/keep-proxy.*download-concurrency "0"/)
    expect(
      readDownloadInputs(
        get({ 'keep-proxy': 'false', 'download-concurrency': '0' })
      ).keepProxy
    ).toBe(false)
    expect(() =>
      readDownloadInputs(get({ 'keep-proxy': 'yes please' }))
    ).toThrow(/keep-proxy.*"yes please"/)
    for (const bad of ['0', 'never', '100000'])
      expect(() =>
        readDownloadInputs(get({ 'keep-proxy-idle-timeout': bad }))
      ).toThrow(new RegExp(`keep-proxy-idle-timeout.*"${bad}"`))
  })

  test('expected-legs: a count or leg names, only with merge-reports', () => {
    const get = (v: Record<string, string>) => (n: string) => v[n] ?? ''
    const merge = { 'merge-reports': 'legs/*/r.json' }
    expect(
      readDownloadInputs(get({ ...merge, 'expected-legs': '3' })).expectedLegs
    ).toEqual({ count: 3, names: [] })
    expect(
      readDownloadInputs(
        get({ ...merge, 'expected-legs': 'linux\nmacos\nlinux' })
      ).expectedLegs
    ).toEqual({ count: 2, names: ['linux', 'macos'] })
    expect(() =>
      readDownloadInputs(get({ ...merge, 'expected-legs': '0' }))
    ).toThrow(/expected-legs.*at least 1/)
    expect(() => readDownloadInputs(get({ 'expected-legs': '2' }))).toThrow(
      /expected-legs.*merge-reports/
    )
  })
})
