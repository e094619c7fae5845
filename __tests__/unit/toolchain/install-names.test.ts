// Versions and names of a go-version install: setup-go's spelling of the
// input, the version a mirror's toolchain list resolves it to, and the
// platform names on Linux, macOS and Windows runners.
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/base/values.js'
import {
  goPlatform,
  isExecutable,
  toolCacheVersion
} from '../../../src/toolchain/platform.js'
import {
  parseGoVersionSpec,
  resolveGoVersion,
  toolchainVersionsFor,
  versionFromFile
} from '../../../src/toolchain/version-spec.js'

const LIST = [
  'v0.0.1-go1.24.9.linux-amd64',
  'v0.0.1-go1.24.10.linux-amd64',
  'v0.0.1-go1.25.0.linux-amd64',
  'v0.0.1-go1.25rc2.linux-amd64',
  'v0.0.1-go1.25.4.linux-amd64',
  'v0.0.1-go1.25.4.darwin-arm64',
  'v0.0.1-go1.25.4.windows-amd64',
  'v0.0.1-go1.26rc1.linux-amd64',
  'v0.0.1-go1.21.0.linux-arm',
  'garbage'
].join('\n')

describe('go-version', () => {
  const linux = toolchainVersionsFor(LIST, 'linux', 'amd64')
  it('lists one platform’s versions in Go order', () => {
    expect(linux).toEqual([
      '1.24.9',
      '1.24.10',
      '1.25rc2',
      '1.25.0',
      '1.25.4',
      '1.26rc1'
    ])
    expect(toolchainVersionsFor(LIST, 'darwin', 'arm64')).toEqual(['1.25.4'])
  })

  it.each([
    ['1.25', '1.25.4'],
    ['1.25.x', '1.25.4'],
    ['1.24', '1.24.10'],
    ['1.25.0', '1.25.0'],
    ['go1.25.0', '1.25.0'],
    ['1.25rc2', '1.25rc2'],
    ['1.26rc1', '1.26rc1'],
    ['stable', '1.25.4'],
    ['oldstable', '1.24.10'],
    [' 1.25.4 ', '1.25.4'],
    ['1.25.3', undefined],
    ['1.27', undefined]
  ])('%j resolves to %j', (input, want) => {
    expect(
      resolveGoVersion(parseGoVersionSpec('go-version', input), linux)
    ).toBe(want)
  })

  it.each(['latest', '1.25.4.1', 'go1.x', '>=1.24 <', ''])(
    'refuses %j naming the input and the value',
    (input) => {
      expect(() => parseGoVersionSpec('go-version', input)).toThrow(InputError)
      expect(() => parseGoVersionSpec('go-version', input)).toThrow(
        `Input "go-version": ${JSON.stringify(input)}`
      )
    }
  )
})

describe('go-version-file', () => {
  it('takes the toolchain line of go.mod or go.work over the go line, unless GOTOOLCHAIN=local', () => {
    const mod =
      'module example.test/My-App_x\r\n\r\ngo 1.24\r\n\r\ntoolchain go1.25.4\r\n'
    expect(versionFromFile('go.mod', mod, false)).toBe('1.25.4')
    expect(versionFromFile('sub/go.work', mod, false)).toBe('1.25.4')
    expect(versionFromFile('go.mod', mod, true)).toBe('1.24')
    expect(versionFromFile('go.mod', 'module m\n', false)).toBeUndefined()
  })

  it('takes the leading release of either line, as setup-go does', () => {
    expect(versionFromFile('go.mod', 'go 1.24rc1\n', false)).toBe('1.24')
    expect(
      versionFromFile('go.mod', 'go 1.24\ntoolchain go1.25.4-custom\n', false)
    ).toBe('1.25.4')
    expect(
      versionFromFile('go.mod', 'go 1.24\ntoolchain go1.25rc1\n', false)
    ).toBe('1.25rc1')
    expect(
      versionFromFile('go.mod', 'go 1.24.3\ntoolchain default\n', false)
    ).toBe('1.24.3')
  })

  it('reads .go-version and the golang line of .tool-versions', () => {
    expect(versionFromFile('.go-version', '1.25.4\n', false)).toBe('1.25.4')
    expect(
      versionFromFile('.tool-versions', 'nodejs 24.1.0\ngolang 1.25.4\n', false)
    ).toBe('1.25.4')
    expect(
      versionFromFile('.tool-versions', 'nodejs 24\n', false)
    ).toBeUndefined()
  })
})

describe('platform names', () => {
  it.each([
    ['linux', 'x64', 'linux', 'amd64'],
    ['darwin', 'arm64', 'darwin', 'arm64'],
    ['darwin', 'x64', 'darwin', 'amd64'],
    ['win32', 'x64', 'windows', 'amd64'],
    ['win32', 'arm64', 'windows', 'arm64'],
    ['linux', 'ia32', 'linux', '386'],
    ['linux', 'arm', 'linux', 'arm']
  ])('%s/%s is %s-%s', (platform, arch, goos, goarch) => {
    expect(goPlatform(platform, arch)).toEqual({ goos, goarch })
  })

  it('refuses a platform Go has no toolchain for', () => {
    expect(() => goPlatform('aix', 'x64')).toThrow(
      'no Go toolchain is published for aix/x64'
    )
  })

  it('names tool-cache versions as setup-go does', () => {
    expect(toolCacheVersion('1.25.4')).toBe('1.25.4')
    expect(toolCacheVersion('1.21rc1')).toBe('1.21.0-rc.1')
    expect(toolCacheVersion('1.22beta2')).toBe('1.22.0-beta.2')
    expect(toolCacheVersion('1.20')).toBe('1.20.0')
  })

  it('marks what go marks executable, and nothing on Windows', () => {
    expect(isExecutable('bin/gofmt', 'darwin')).toBe(true)
    expect(isExecutable('pkg/tool/linux_amd64/compile', 'linux')).toBe(true)
    expect(isExecutable('lib/wasm/go_js_wasm_exec', 'linux')).toBe(true)
    expect(isExecutable('lib/time/zoneinfo.zip', 'linux')).toBe(false)
    expect(isExecutable('src/cmd/go/main.go', 'linux')).toBe(false)
    expect(isExecutable('bin/go.exe', 'win32')).toBe(false)
  })
})
