import { describe, expect, it } from '@jest/globals'
import { parseProxyPath } from '../../../../src/download/proxy/proxy-path.js'

describe('GOPROXY request paths', () => {
  it('accepts dots inside a path element, as go does', () => {
    expect(parseProxyPath('example.test/a..b/@v/v1.0.0.zip')).toEqual({
      type: 'module',
      module: 'example.test/a..b',
      version: 'v1.0.0',
      kind: 'zip'
    })
    expect(parseProxyPath('example.test/x/@v/v1.0.0-a..b.mod')).toMatchObject({
      version: 'v1.0.0-a..b',
      kind: 'mod'
    })
  })

  it.each([
    '../x/@v/v1.0.0.zip',
    'example.test/../x/@v/v1.0.0.zip',
    'example.test/./x/@v/list',
    'example.test/.../@latest',
    'example.test/x/@v/../../y/@v/v1.0.0.mod',
    'sumdb/../x/lookup/example.test/x@v1.0.0'
  ])('refuses %s: an element of dots only would leave the path', (p) => {
    expect(parseProxyPath(p)).toBeUndefined()
  })
})
