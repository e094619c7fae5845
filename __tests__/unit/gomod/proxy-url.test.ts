import { describe, expect, it } from '@jest/globals'
import {
  moduleFilePath,
  moduleFileUrl,
  versionListUrl
} from '../../../src/gomod/proxy-url.js'

const m = { path: 'github.com/BurntSushi/toml', version: 'v1.4.0-RC1' }

describe('moduleFilePath', () => {
  it('is the escaped path, @v and the escaped version with its extension', () => {
    expect(moduleFilePath(m, 'zip')).toBe(
      'github.com/!burnt!sushi/toml/@v/v1.4.0-!r!c1.zip'
    )
  })
})

describe('moduleFileUrl', () => {
  it('joins a base with trailing slashes without doubling them', () => {
    expect(moduleFileUrl('https://proxy.test/go//', m, 'mod')).toBe(
      'https://proxy.test/go/github.com/!burnt!sushi/toml/@v/v1.4.0-!r!c1.mod'
    )
  })

  it('gives a path under a mirror when the base is its path prefix', () => {
    expect(moduleFileUrl('', m, 'info')).toBe(
      '/github.com/!burnt!sushi/toml/@v/v1.4.0-!r!c1.info'
    )
  })
})

describe('versionListUrl', () => {
  it('is @v/list under the escaped module path', () => {
    expect(versionListUrl('http://127.0.0.1:9/', 'example.test/Big')).toBe(
      'http://127.0.0.1:9/example.test/!big/@v/list'
    )
  })
})
