// The post step's summary section about the cache save.
import { describe, expect, it } from '@jest/globals'
import { renderSaveSection } from '../../../src/cache/save-section.js'
import type { SaveResult } from '../../../src/cache/save.js'

const row = (md: string, kind: string) =>
  md.split('\n').find((l) => l.startsWith(`| ${kind} |`))

describe('renderSaveSection', () => {
  it('is empty when no cache was considered', () => {
    expect(renderSaveSection([])).toBe('')
  })

  it('has one row per cache with result, size and time', () => {
    const md = renderSaveSection([
      {
        kind: 'modules',
        outcome: 'saved',
        key: 'p-gomod-download-abc',
        sizeBytes: 3 * 1024 * 1024,
        durationMs: 1234
      },
      {
        kind: 'build',
        outcome: 'exact-hit',
        key: 'p-gobuild-linux-amd64-go1.26.0-test-20250101',
        durationMs: 4
      }
    ])
    expect(md.startsWith('### Go cache save\n')).toBe(true)
    expect(row(md, 'modules')).toBe(
      '| modules | 💾 saved | 3.0\u00a0MiB | 1.2\u00a0s | `p-gomod-download-abc` |'
    )
    expect(row(md, 'build')).toBe(
      '| build | ⏭️ skipped: exact hit, the key is already stored |  | 0.0\u00a0s | `p-gobuild-linux-amd64-go1.26.0-test-20250101` |'
    )
    expect(md.split('\n').filter((l) => l.startsWith('| ')).length).toBe(3)
  })

  it('shows a long key short in the table and whole, folded, below it', () => {
    const key = `setup-goproxy-gomod-download-${'0123456789abcdef'.repeat(4)}`
    const md = renderSaveSection([
      { kind: 'modules', outcome: 'saved', key, durationMs: 100 }
    ])
    expect(row(md, 'modules')).toBe(
      '| modules | 💾 saved |  | 0.1\u00a0s | `setup-goproxy-gomod-download-0123456789ab…` |'
    )
    const details = md.slice(md.indexOf('<details>'))
    expect(details).toContain('<summary>Full cache keys</summary>')
    expect(details).toContain(`- \`${key}\``)
  })

  it('says why a save was skipped or failed, and keeps the table intact', () => {
    const results: SaveResult[] = [
      {
        kind: 'modules',
        outcome: 'unchanged',
        key: 'k1',
        sizeBytes: 10,
        durationMs: 0,
        detail: 'same content as k0'
      },
      {
        kind: 'modules',
        outcome: 'empty',
        key: 'k2',
        durationMs: 0,
        detail: 'no module in the cache'
      },
      {
        kind: 'modules',
        outcome: 'not-attempted',
        key: 'k3',
        durationMs: 0,
        detail: 'cache-save is never'
      },
      {
        kind: 'build',
        outcome: 'failed',
        key: 'k4',
        durationMs: 60_000,
        detail: 'The cache upload did not finish within 60 s | retry\nlater'
      },
      { kind: 'build', outcome: 'declined', key: 'k5', durationMs: 10 }
    ]
    const rows = renderSaveSection(results)
      .split('\n')
      .filter((l) => /^\| (modules|build) \|/.test(l))
    expect(rows).toEqual([
      '| modules | ⏭️ skipped: unchanged since the restore: same content as k0 | 10\u00a0B | 0.0\u00a0s | `k1` |',
      '| modules | ⏭️ skipped: nothing to save: no module in the cache |  | 0.0\u00a0s | `k2` |',
      '| modules | ⏭️ skipped: cache-save is never |  | 0.0\u00a0s | `k3` |',
      '| build | ⚠️ failed: The cache upload did not finish within 60 s \\| retry later |  | 60.0\u00a0s | `k4` |',
      expect.stringMatching(/^\| build \| ⚠️ not saved: .*refused/)
    ])
  })
})
