import { describe, expect, test } from '@jest/globals'
import {
  JsonStreamParser,
  type GoModDownloadJson
} from '../../../src/gomod/json-stream.js'

describe('JsonStreamParser', () => {
  test('JSON objects split anywhere, braces inside strings', () => {
    const got: GoModDownloadJson[] = []
    const p = new JsonStreamParser((o) => got.push(o))
    const text =
      '{\n\t"Path": "a.test/x",\n\t"Error": "a.test/x@v1.0.0: bad } { \\"q\\""\n}\n{\n\t"Path": "b.test/y", "Version": "v2.0.0"\n}\n'
    for (const c of text) p.push(c)
    p.end()
    expect(got).toEqual([
      { Path: 'a.test/x', Error: 'a.test/x@v1.0.0: bad } { "q"' },
      { Path: 'b.test/y', Version: 'v2.0.0' }
    ])
    expect(p.garbage).toEqual([])
  })
})
