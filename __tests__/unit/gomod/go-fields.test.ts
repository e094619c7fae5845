// Go's whitespace, not JavaScript's: U+0085 separates and is trimmed,
// U+FEFF does neither (strings.Fields, strings.TrimSpace).
import { describe, expect, it } from '@jest/globals'
import { goFields, goTrimSpace } from '../../../src/gomod/go-fields.js'
import { findToolchainLine } from '../../../src/gomod/go-mod-files.js'

describe("Go's whitespace", () => {
  it('splits fields on U+0085 and not on U+FEFF', () => {
    expect(goFields(' a\u0085b\ufeffc \t d ')).toEqual(['a', 'b\ufeffc', 'd'])
  })

  it('trims U+0085 and keeps U+FEFF', () => {
    expect(goTrimSpace('\u0085 go 1.22\u00a0')).toBe('go 1.22')
    expect(goTrimSpace('\ufeffgo 1.22')).toBe('\ufeffgo 1.22')
  })
})

describe('the toolchain line of a go.mod', () => {
  it('is the toolchain line when there is one, else the go line', () => {
    expect(
      findToolchainLine('module m\n\ngo 1.22\n\ntoolchain go1.23.1\n')
    ).toBe(5)
    expect(findToolchainLine('module m\n\ngo 1.22 // comment\n')).toBe(3)
    expect(findToolchainLine('module m\n')).toBeUndefined()
  })

  it('is found as the switch finds it: a key and a blank, not a longer word', () => {
    expect(findToolchainLine('gopher 1\ngo\t1.21\n')).toBe(2)
  })
})
