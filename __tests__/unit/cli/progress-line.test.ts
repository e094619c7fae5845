// The download's progress line: what it says, when it is drawn (a fake
// clock), and that nothing is drawn off a terminal.
import { describe, expect, it } from '@jest/globals'
import type { PrefetchProgress } from '../../../src/download/progress.js'
import {
  progressLine,
  progressText,
  REDRAW_MS
} from '../../../src/cli/progress-line.js'

const MiB = 1024 * 1024

const engine = (files: number, bytes: number): PrefetchProgress => ({
  by: 'engine',
  files,
  planned: 40,
  bytes,
  mirrors: [
    { url: 'https://proxy.golang.org', files: Math.floor(files / 3) },
    { url: 'https://goproxy.cn', files: files - Math.floor(files / 3) },
    { url: 'https://goproxy.io', files: 0 }
  ]
})

function setup(stream: { isTTY?: boolean; columns?: number }) {
  let clock = 1_000
  const drawn: string[] = []
  const line = progressLine(
    stream,
    (t) => drawn.push(t),
    () => clock
  )
  return { line, drawn, advance: (ms: number) => (clock += ms) }
}

describe('progressText', () => {
  it('gives files of the plan, bytes, the rate and the mirrors by files served', () => {
    expect(progressText(engine(12, 3.4 * MiB), 2_000)).toBe(
      'files 12/40 · 3.4 MiB · 1.7 MiB/s · goproxy.cn 8, proxy.golang.org 4'
    )
  })

  it('leaves the rate out before any time has passed', () => {
    expect(progressText(engine(0, 0), 0)).toBe('files 0/40 · 0 B')
  })

  it('says go runs alone, with its requests by source and no bytes', () => {
    const p: PrefetchProgress = {
      by: 'go',
      files: 5,
      mirrors: [
        { url: 'http://127.0.0.1:8080', files: 2 },
        { url: 'direct', files: 3 }
      ]
    }
    expect(progressText(p, 1_000)).toBe(
      'go alone: files 5 · direct 3, 127.0.0.1:8080 2'
    )
  })
})

describe('progressLine', () => {
  it('is not drawn off a terminal', () => {
    expect(setup({ isTTY: false }).line).toBeUndefined()
    expect(setup({}).line).toBeUndefined()
  })

  it('draws at most once per REDRAW_MS, the newest snapshot when due', () => {
    const { line, drawn, advance } = setup({ isTTY: true })
    line!.update(engine(1, MiB))
    advance(REDRAW_MS - 1)
    line!.update(engine(2, 2 * MiB))
    expect(drawn).toHaveLength(1)
    advance(1)
    line!.update(engine(3, 3 * MiB))
    expect(drawn).toEqual([
      'files 1/40 · 1.0 MiB · goproxy.cn 1',
      'files 3/40 · 3.0 MiB · 15 MiB/s · goproxy.cn 2, proxy.golang.org 1'
    ])
  })

  it('erases the line when it was drawn, and only then', () => {
    const never = setup({ isTTY: true })
    never.line!.clear()
    expect(never.drawn).toEqual([])
    const shown = setup({ isTTY: true })
    shown.line!.update(engine(1, 0))
    shown.line!.clear()
    expect(shown.drawn.at(-1)).toBe('')
  })

  it('cuts a line wider than the terminal, so that it does not wrap', () => {
    const { line, drawn } = setup({ isTTY: true, columns: 20 })
    line!.update(engine(12, 3.4 * MiB))
    expect(drawn[0]).toBe('files 12/40 · 3.4 …')
    expect(drawn[0].length).toBe(19)
  })
})
