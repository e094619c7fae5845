import { describe, expect, it } from '@jest/globals'
import { parseModFile } from '../../../src/gomod/mod-file.js'

describe('parseModFile', () => {
  it('reads module, go, require, exclude and replace in both forms', () => {
    const f = parseModFile(`// leading comment
module "example.test/main" // quoted

go 1.16

require example.test/a v1.0.0 // indirect
require (
	example.test/b v1.2.0
	// a comment line
	"example.test/c" v0.1.0
)

exclude example.test/a v0.9.0
exclude (
	example.test/b v1.1.0
)

replace example.test/a => example.test/fork v1.0.1
replace (
	example.test/b v1.2.0 => ../b
	example.test/c v0.1.0 => example.test/c v0.2.0 // pinned
	example.test/broken v1.0.0 =>
)
`)
    expect(f).toEqual({
      module: 'example.test/main',
      go: '1.16',
      require: [
        { path: 'example.test/a', version: 'v1.0.0' },
        { path: 'example.test/b', version: 'v1.2.0' },
        { path: 'example.test/c', version: 'v0.1.0' }
      ],
      exclude: [
        { path: 'example.test/a', version: 'v0.9.0' },
        { path: 'example.test/b', version: 'v1.1.0' }
      ],
      replace: [
        {
          old: { path: 'example.test/a', version: undefined },
          new: { path: 'example.test/fork', version: 'v1.0.1' }
        },
        {
          old: { path: 'example.test/b', version: 'v1.2.0' },
          new: { path: '../b', version: undefined }
        },
        {
          old: { path: 'example.test/c', version: 'v0.1.0' },
          new: { path: 'example.test/c', version: 'v0.2.0' }
        }
      ]
    })
  })

  it('leaves go undefined without a go line', () => {
    expect(parseModFile('module m\n').go).toBeUndefined()
  })

  it('reads the replace directives of a go.work', () => {
    const f = parseModFile(
      'go 1.22\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.test/x v1.0.0 => ./x\n'
    )
    expect(f.replace).toEqual([
      {
        old: { path: 'example.test/x', version: 'v1.0.0' },
        new: { path: './x', version: undefined }
      }
    ])
  })
})
