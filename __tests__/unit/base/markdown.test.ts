import { describe, expect, it } from '@jest/globals'
import { cell, formatBytes, formatMs } from '../../../src/base/markdown.js'

const MiB = 1024 * 1024

describe('cell', () => {
  it('escapes pipes and folds newlines', () => {
    expect(cell('a|b\r\nc\nd')).toBe('a\\|b c d')
  })
})

describe('formatBytes', () => {
  it('picks a unit, with one decimal below 10', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(2048)).toBe('2.0 KiB')
    expect(formatBytes(40 * 1024)).toBe('40 KiB')
    expect(formatBytes(3 * MiB)).toBe('3.0 MiB')
    expect(formatBytes(23.4 * MiB)).toBe('23 MiB')
    expect(formatBytes(5 * 1024 * MiB)).toBe('5.0 GiB')
  })
})

describe('formatMs', () => {
  it('picks a unit for the size', () => {
    expect(formatMs(0)).toBe('0 ms')
    expect(formatMs(999.4)).toBe('999 ms')
    expect(formatMs(1000)).toBe('1.0 s')
    expect(formatMs(9_949)).toBe('9.9 s')
    expect(formatMs(10_000)).toBe('10 s')
    expect(formatMs(123_456)).toBe('123 s')
  })
})
