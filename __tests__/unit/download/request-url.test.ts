import { describe, expect, test } from '@jest/globals'
import { classifyUrl } from '../../../src/download/request-url.js'
import { parseGoproxy } from '../../../src/gomod/goproxy.js'

describe('parseGoproxy and classifyUrl', () => {
  test('separators, bare hosts and the end of the list', () => {
    expect(
      parseGoproxy('goproxy.cn|https://a.test/p/,direct,https://never.test')
    ).toEqual([
      { url: 'https://goproxy.cn', fallBackOnError: true },
      { url: 'https://a.test/p', fallBackOnError: false },
      { url: 'direct', fallBackOnError: false }
    ])
    expect(parseGoproxy(' , ')).toEqual([])
  })

  test('longest prefix wins and paths are unescaped', () => {
    const bases = ['https://m.test', 'https://m.test/private', 'direct']
    expect(
      classifyUrl(
        'https://m.test/private/example.test/%21gamma/@v/v1.0.0.zip',
        bases
      )
    ).toEqual({
      source: 'https://m.test/private',
      kind: 'zip',
      module: 'example.test/Gamma',
      version: 'v1.0.0'
    })
    expect(
      classifyUrl('https://m.test/privatex/a/@v/list', bases)
    ).toMatchObject({
      source: 'https://m.test',
      kind: 'list',
      module: 'privatex/a'
    })
    expect(
      classifyUrl('https://m.test/sumdb/sum.golang.org/supported', bases)
    ).toMatchObject({
      source: 'https://m.test',
      kind: 'sumdb'
    })
    expect(
      classifyUrl('https://sum.golang.org/lookup/a.test/b@v1.0.0', bases)
    ).toMatchObject({
      source: 'direct',
      kind: 'sumdb'
    })
    expect(
      classifyUrl('https://git.acme.test/team/lib?go-get=1', bases)
    ).toEqual({
      source: 'direct',
      kind: 'go-get',
      module: 'git.acme.test/team/lib'
    })
  })
})
