import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/base/values.js'
import {
  mirrorHost,
  normalizeMirrorUrl,
  redact
} from '../../../src/selection/mirror-url.js'
import { thrownBy } from '../../support/thrown.js'

const norm = (s: string) => normalizeMirrorUrl('mirrors', s)

const errorOf = (fn: () => unknown) => thrownBy(fn, InputError)

describe('normalizeMirrorUrl', () => {
  it('prefixes a bare host with https:// as go does', () => {
    expect(norm('goproxy.cn')).toBe('https://goproxy.cn')
    expect(norm('goproxy.cn:8443')).toBe('https://goproxy.cn:8443')
    expect(norm('127.0.0.1:3000')).toBe('https://127.0.0.1:3000')
    expect(norm('mirrors.aliyun.com/goproxy/')).toBe(
      'https://mirrors.aliyun.com/goproxy'
    )
  })

  it('drops trailing slashes and keeps a base path', () => {
    expect(norm('https://proxy.golang.org/')).toBe('https://proxy.golang.org')
    expect(norm('https://mirrors.aliyun.com/goproxy/')).toBe(
      'https://mirrors.aliyun.com/goproxy'
    )
    expect(norm('https://mirrors.aliyun.com/goproxy')).toBe(
      'https://mirrors.aliyun.com/goproxy'
    )
    expect(norm('http://127.0.0.1:8080/a/b//')).toBe(
      'http://127.0.0.1:8080/a/b'
    )
  })

  it('trims, and lower-cases scheme and host', () => {
    expect(norm('  HTTPS://GoProxy.CN/  ')).toBe('https://goproxy.cn')
    expect(norm('https://goproxy.io/Path')).toBe('https://goproxy.io/Path')
  })

  it.each([
    ['ftp://mirror.test/go', /unsupported URL scheme "ftp"/],
    ['file:///srv/goproxy', /unsupported URL scheme "file"/],
    ['gopher://x.test', /unsupported URL scheme "gopher"/],
    ['direct', /"direct" is not a mirror/],
    ['off', /"off" is not a mirror/],
    ['proxy', /"proxy" is not a valid URL/],
    ['/srv/goproxy', /"\/srv\/goproxy" is not a valid URL/],
    ['https://goproxy.test/?x=1', /must not have a query or fragment/],
    ['https://goproxy.test/#frag', /must not have a query or fragment/]
  ])('rejects %p naming the input and the value', (value, message) => {
    const err = errorOf(() => normalizeMirrorUrl('private-proxy', value))
    expect(err.input).toBe('private-proxy')
    expect(err.message).toMatch(/^Input "private-proxy": /)
    expect(err.message).toMatch(message)
  })

  describe('credentials in the URL', () => {
    it.each([
      'https://user:s3cr3t-pw@goproxy.test',
      'https://s3cr3t-pw@goproxy.test/base',
      'http://user:s3cr3t-pw@127.0.0.1:8080/',
      'user:s3cr3t-pw@goproxy.test',
      'https://user:p@s3cr3t-pw@goproxy.test',
      'https://user:pa/s3cr3t-pw@goproxy.test',
      'ftp://user:s3cr3t-pw@goproxy.test'
    ])('rejects %p without echoing the secret', (value) => {
      const err = errorOf(() => norm(value))
      expect(err.input).toBe('mirrors')
      expect(err.message).not.toContain('s3cr3t-pw')
      expect(err.message).not.toContain('s3cr3t')
    })

    it('points the user to the credentials input', () => {
      expect(errorOf(() => norm('https://u:pw@goproxy.test')).message).toBe(
        'Input "mirrors": "https://***@goproxy.test" contains credentials; pass them in the credentials input instead'
      )
    })
  })

  // A "|" or "," inside one mirror would split it into several GOPROXY
  // entries, and could smuggle "off" or "direct" into the chain.
  it.each([
    'https://goproxy.test/|off',
    'https://goproxy.test/|https://other.test',
    'https://goproxy.test/,direct'
  ])('rejects a GOPROXY separator inside %p', (value) => {
    expect(() => norm(value)).toThrow(InputError)
  })
})

describe('redact', () => {
  it('hides userinfo and leaves other text alone', () => {
    expect(redact('https://u:p@h.test/x')).toBe('https://***@h.test/x')
    expect(redact('https://h.test/x')).toBe('https://h.test/x')
    expect(redact('no url here')).toBe('no url here')
  })
})

describe('mirrorHost', () => {
  it('returns host and port of a normalized URL', () => {
    expect(mirrorHost('https://goproxy.cn')).toBe('goproxy.cn')
    expect(mirrorHost('http://127.0.0.1:8080/base')).toBe('127.0.0.1:8080')
    expect(mirrorHost('https://mirror.test:443/x')).toBe('mirror.test')
  })
})
