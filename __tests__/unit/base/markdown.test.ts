import { describe, expect, it } from '@jest/globals'
import {
  cell,
  formatBytes,
  formatMs,
  scaleBar
} from '../../../src/base/markdown.js'

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

describe('scaleBar', () => {
  it('draws the largest value across the whole width', () => {
    expect(scaleBar(5000, 5000)).toBe('█'.repeat(12))
    expect(scaleBar(100, 100, 3)).toBe('███')
  })

  it('draws eighths of a cell', () => {
    expect(scaleBar(50, 100, 1)).toBe('▌')
    expect(scaleBar(875, 1_000, 1)).toBe('▉')
    expect(scaleBar(1_500, 8_000, 8)).toBe('█▌')
  })

  it('never draws a positive value empty, nor an unknown one at all', () => {
    expect(scaleBar(1, 1_000_000)).toBe('▏')
    expect(scaleBar(0, 100)).toBe('')
    expect(scaleBar(Number.NaN, 100)).toBe('')
    expect(scaleBar(10, 0)).toBe('')
  })

  it('caps a value above the maximum at the full width', () => {
    expect(scaleBar(300, 100, 4)).toBe('████')
  })
})
