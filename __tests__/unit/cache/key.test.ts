import { describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { readCacheInputs } from '../../../src/inputs/cache-inputs.js'
import {
  buildCacheKeys,
  cachePathSpec,
  goSumDigest,
  moduleCacheKeys,
  withModCacheRw,
  shortKey
} from '../../../src/cache/key.js'
import { globRe } from '../../../src/gomod/dependency-files.js'
import { InputError } from '../../../src/base/values.js'

const SUM_A = [
  'example.test/a v1.0.0 h1:aaaa=',
  'example.test/a v1.0.0/go.mod h1:bbbb=',
  'example.test/b v2.0.0/go.mod h1:cccc='
].join('\n')

describe('module cache key', () => {
  it('depends only on the set of go.sum hash lines', () => {
    const shuffled = SUM_A.split('\n').reverse().join('\r\n') + '\n\n'
    expect(goSumDigest([SUM_A])).toBe(goSumDigest([shuffled]))
    // Split across files and duplicated: the same module set.
    const [l1, l2, l3] = SUM_A.split('\n')
    expect(goSumDigest([`${l1}\n${l2}`, `${l2}\n${l3}`])).toBe(
      goSumDigest([SUM_A])
    )
    expect(goSumDigest([SUM_A + '\nexample.test/c v1.0.0 h1:dddd='])).not.toBe(
      goSumDigest([SUM_A])
    )
  })

  it('ignores lines that are not go.sum hashes', () => {
    expect(goSumDigest([SUM_A + '\n# comment\ngarbage line here x'])).toBe(
      goSumDigest([SUM_A])
    )
  })

  it('has no OS, architecture or Go version, and a mode-wide restore key', () => {
    const k = moduleCacheKeys('pfx', 'download', [SUM_A])
    expect(k.key).toBe(`pfx-gomod-download-${goSumDigest([SUM_A])}`)
    expect(k.key).not.toMatch(/linux|amd64|x64|go1\./i)
    expect(k.restoreKeys).toEqual(['pfx-gomod-download-'])
    expect(moduleCacheKeys('pfx', 'full', [SUM_A]).key).not.toBe(k.key)
  })

  it('names the toolchain go will download, and prefers entries that hold it', () => {
    const plain = moduleCacheKeys('pfx', 'download', [SUM_A])
    const k = moduleCacheKeys(
      'pfx',
      'download',
      [SUM_A],
      'v0.0.1-go1.25.4.linux-amd64'
    )
    expect(k.key).toBe(
      `pfx-gomod-download-v0.0.1-go1.25.4.linux-amd64-${goSumDigest([SUM_A])}`
    )
    expect(k.restoreKeys).toEqual([
      'pfx-gomod-download-v0.0.1-go1.25.4.linux-amd64-',
      'pfx-gomod-download-'
    ])
    // A changed toolchain is a new entry, not an exact hit on one without it.
    expect(
      moduleCacheKeys('pfx', 'download', [SUM_A], 'v0.0.1-go1.25.5.linux-amd64')
        .key
    ).not.toBe(k.key)
    expect(plain.key).not.toBe(k.key)
  })
})

describe('build cache key', () => {
  it('is keyed by OS, arch, Go version, job and day, with falling-back restore keys', () => {
    const k = buildCacheKeys({
      prefix: 'p',
      goos: 'linux',
      goarch: 'amd64',
      goVersion: 'go1.26.0 X:nodwarf5',
      job: 'test',
      now: new Date('2026-03-04T23:59:00Z')
    })
    expect(k.key).toBe(
      'p-gobuild-linux-amd64-go1.26.0_X_nodwarf5-test-20260304'
    )
    expect(k.restoreKeys).toEqual([
      'p-gobuild-linux-amd64-go1.26.0_X_nodwarf5-test-',
      'p-gobuild-linux-amd64-go1.26.0_X_nodwarf5-'
    ])
    expect(k.key.includes(',')).toBe(false)
  })
})

describe('GOFLAGS', () => {
  it('adds -modcacherw to what the job has', () => {
    expect(withModCacheRw('')).toBe('-modcacherw')
    expect(withModCacheRw('  -mod=mod   -trimpath ')).toBe(
      '-mod=mod -trimpath -modcacherw'
    )
  })
  it('never duplicates it', () => {
    expect(withModCacheRw('-modcacherw')).toBeUndefined()
    expect(withModCacheRw('-trimpath --modcacherw=true')).toBeUndefined()
    expect(withModCacheRw('-modcacherw=T -modcacherw=1')).toBeUndefined()
  })
  it('replaces a -modcacherw that go reads as false (the last one wins)', () => {
    expect(withModCacheRw('-modcacherw=false')).toBe('-modcacherw')
    expect(withModCacheRw('-modcacherw -mod=mod --modcacherw=0')).toBe(
      '-mod=mod -modcacherw'
    )
    expect(withModCacheRw('-modcacherw=yes\t-trimpath')).toBe(
      '-trimpath -modcacherw'
    )
    expect(withModCacheRw('-modcacherwx')).toBe('-modcacherwx -modcacherw')
  })
})

describe('cachePathSpec', () => {
  it('names a directory under the home as ~/… archived relative to the home', () => {
    expect(
      cachePathSpec(
        '/home/runner/go/pkg/mod/cache/download',
        '/home/runner',
        path.posix
      )
    ).toEqual({ pattern: '~/go/pkg/mod/cache/download', root: '/home/runner' })
    expect(
      cachePathSpec(
        '/Users/runner/go/pkg/mod/cache/download',
        '/Users/runner',
        path.posix
      ).pattern
    ).toBe('~/go/pkg/mod/cache/download')
    expect(
      cachePathSpec(
        'C:\\Users\\runneradmin\\go\\pkg\\mod\\cache\\download',
        'C:\\Users\\runneradmin',
        path.win32
      ).pattern
    ).toBe('~/go/pkg/mod/cache/download')
  })
  it('uses the absolute path relative to the filesystem root elsewhere', () => {
    expect(cachePathSpec('/data/gomod', '/home/u', path.posix)).toEqual({
      pattern: '/data/gomod',
      root: '/'
    })
    expect(
      cachePathSpec('/home/user2/mod', '/home/user', path.posix).root
    ).toBe('/')
    expect(cachePathSpec('D:\\cache\\mod', 'C:\\Users\\a', path.win32)).toEqual(
      {
        pattern: 'D:/cache/mod',
        root: 'D:\\'
      }
    )
  })
})

describe('readCacheInputs', () => {
  const inputs = (over: Record<string, string>) => (name: string) =>
    over[name] ?? ''
  it('has the documented defaults', () => {
    expect(readCacheInputs(inputs({}))).toEqual({
      enabled: true,
      mode: 'download',
      build: false,
      save: 'auto',
      keyPrefix: 'setup-goproxy',
      lookupTimeoutMs: 15_000
    })
  })
  it('parses every value', () => {
    expect(
      readCacheInputs(
        inputs({
          cache: 'false',
          'cache-mode': 'FULL',
          'cache-build': 'true',
          'cache-save': 'never',
          'cache-key-prefix': 'lint',
          'cache-lookup-timeout': '2.5'
        })
      )
    ).toEqual({
      enabled: false,
      mode: 'full',
      build: true,
      save: 'never',
      keyPrefix: 'lint',
      lookupTimeoutMs: 2500
    })
  })
  it.each([
    ['cache-mode', 'tree'],
    ['cache-save', 'sometimes'],
    ['cache-build', 'maybe'],
    ['cache', 'enabled'],
    ['cache-key-prefix', 'a,b'],
    ['cache-key-prefix', 'a b'],
    ['cache-lookup-timeout', '0'],
    ['cache-lookup-timeout', 'soon'],
    ['cache-lookup-timeout', '601']
  ])('rejects %s=%s naming the input and value', (name, value) => {
    const read = () => readCacheInputs(inputs({ [name]: value }))
    expect(read).toThrow(InputError)
    expect(read).toThrow(new RegExp(`"${name}".*${value}`))
  })
})

describe('cache-dependency-path globs', () => {
  it.each([
    ['**/go.sum', 'go.sum', true],
    ['**/go.sum', 'a/b/go.sum', true],
    ['**/go.sum', 'a/go.work.sum', false],
    ['sub/*.sum', 'sub/go.work.sum', true],
    ['sub/*.sum', 'sub/x/go.sum', false],
    ['./tools/go.sum', 'tools/go.sum', true],
    ['mod[12]/go.sum', 'mod2/go.sum', true],
    ['mod?/go.sum', 'mod10/go.sum', false],
    ['a.b/go.sum', 'axb/go.sum', false]
  ])('%s matches %s: %s', (glob, rel, expected) => {
    expect(globRe(glob).test(rel)).toBe(expected)
  })
})

describe('shortKey', () => {
  const hash =
    '17dded0a5a5f25b1dcfaa0731177b1ab8c9e23e956896494247e8c9e135b703a'

  it('cuts the hash to twelve digits and keeps what follows it', () => {
    expect(shortKey(`setup-goproxy-gomod-download-${hash}`)).toBe(
      'setup-goproxy-gomod-download-17dded0a5a5f…'
    )
    expect(shortKey(`setup-goproxy-gomod-download-${hash}-mxd8mjco`)).toBe(
      'setup-goproxy-gomod-download-17dded0a5a5f…-mxd8mjco'
    )
  })

  it('leaves a key without a long hash as it is', () => {
    expect(shortKey('p-gobuild-linux-amd64-go1.26.0-test-20250101')).toBe(
      'p-gobuild-linux-amd64-go1.26.0-test-20250101'
    )
  })
})
