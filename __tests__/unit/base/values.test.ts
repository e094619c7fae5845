import { describe, expect, it } from '@jest/globals'
import {
  InputError,
  parseAutoBool,
  parseBool,
  parseChoice,
  parseNumber,
  splitLines,
  splitList
} from '../../../src/base/values.js'

describe('InputError', () => {
  it('names the input in the message and keeps it as a field', () => {
    const e = new InputError('max-mirrors', 'bad')
    expect(e).toBeInstanceOf(Error)
    expect(e.name).toBe('InputError')
    expect(e.input).toBe('max-mirrors')
    expect(e.message).toBe('Input "max-mirrors": bad')
  })
})

describe('splitList / splitLines', () => {
  it('splits on commas and newlines, trims, drops blanks and comments', () => {
    expect(
      splitList(
        'https://a.test, https://b.test\n\n  # a comment\nhttps://c.test,,\r\n'
      )
    ).toEqual(['https://a.test', 'https://b.test', 'https://c.test'])
    expect(splitList('')).toEqual([])
  })

  it('keeps commas when splitting lines only', () => {
    expect(splitLines('a,b\r\n  c  \n# x\n\n')).toEqual(['a,b', 'c'])
  })
})

describe('parseBool / parseAutoBool', () => {
  it('accepts the usual spellings', () => {
    for (const v of ['true', 'True', ' yes ', 'on', '1'])
      expect(parseBool('x', v)).toBe(true)
    for (const v of ['false', 'FALSE', 'no', 'off', '0'])
      expect(parseBool('x', v)).toBe(false)
  })

  it('names the input and the value when it cannot parse', () => {
    expect(() => parseBool('direct-fallback', 'maybe')).toThrow(
      'Input "direct-fallback": expected true or false, got "maybe"'
    )
    expect(() => parseBool('summary', '')).toThrow(InputError)
  })

  it('reads auto and empty as undefined', () => {
    expect(parseAutoBool('cache', 'auto')).toBeUndefined()
    expect(parseAutoBool('cache', ' AUTO ')).toBeUndefined()
    expect(parseAutoBool('cache', '')).toBeUndefined()
    expect(parseAutoBool('cache', 'true')).toBe(true)
    expect(() => parseAutoBool('cache', 'sometimes')).toThrow(
      /Input "cache".*"sometimes"/
    )
  })
})

describe('parseNumber', () => {
  it('parses numbers within bounds', () => {
    expect(parseNumber('probe-timeout', '2.5')).toBe(2.5)
    expect(parseNumber('probe-timeout', '0.1')).toBe(0.1)
    expect(parseNumber('download-timeout', '600')).toBe(600)
    expect(
      parseNumber('max-mirrors', '3', { min: 1, max: 20, integer: true })
    ).toBe(3)
  })

  it('asks a whole-number input for a whole number, whatever is wrong', () => {
    expect(() =>
      parseNumber('max-mirrors', 'zero', { min: 1, integer: true })
    ).toThrow(
      'Input "max-mirrors": expected a whole number such as 3, got "zero"'
    )
    expect(() =>
      parseNumber('max-mirrors', '2.5', { min: 1, integer: true })
    ).toThrow('Input "max-mirrors": expected a whole number, got "2.5"')
  })

  it.each([
    ['', /expected a decimal number such as 3 or 2.5, got ""/],
    ['abc', /got "abc"/],
    ['10s', /got "10s"/],
    ['Infinity', /got "Infinity"/],
    ['NaN', /got "NaN"/],
    // Number() reads all of these; none is a plain decimal.
    ['0x3', /got "0x3"/],
    ['0b11', /got "0b11"/],
    ['0o7', /got "0o7"/],
    ['1e1', /got "1e1"/],
    [' 3', /got " 3"/],
    ['3 ', /got "3 "/],
    ['3.', /got "3\."/],
    ['.5', /got "\.5"/],
    ['+3', /got "\+3"/],
    ['1_000', /got "1_000"/]
  ])('rejects %p', (value, message) => {
    expect(() => parseNumber('probe-timeout', value)).toThrow(message)
    expect(() => parseNumber('probe-timeout', value)).toThrow(
      /^Input "probe-timeout": /
    )
  })

  it('enforces integer, min and max with the value in the message', () => {
    expect(() => parseNumber('max-mirrors', '2.5', { integer: true })).toThrow(
      'Input "max-mirrors": expected a whole number, got "2.5"'
    )
    expect(() => parseNumber('max-mirrors', '0', { min: 1 })).toThrow(
      'Input "max-mirrors": must be at least 1, got "0"'
    )
    expect(() => parseNumber('max-mirrors', '21', { max: 20 })).toThrow(
      'Input "max-mirrors": must be at most 20, got "21"'
    )
  })
})

describe('parseChoice', () => {
  const choices = ['any-error', 'not-found'] as const

  it('accepts a choice in any case', () => {
    expect(parseChoice('fallback-on', 'not-found', choices)).toBe('not-found')
    expect(parseChoice('fallback-on', ' Any-Error ', choices)).toBe('any-error')
  })

  it('lists the choices and the value when it does not match', () => {
    expect(() => parseChoice('fallback-on', 'never', choices)).toThrow(
      'Input "fallback-on": expected one of any-error, not-found, got "never"'
    )
  })
})
