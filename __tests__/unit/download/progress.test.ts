// go alone's progress: its answered requests counted by source as go's -x
// lines arrive through the same parsers that build the report.
import { describe, expect, it } from '@jest/globals'
import type { PrefetchProgress } from '../../../src/download/progress.js'
import { goRequestTally } from '../../../src/download/progress.js'
import { runParsers } from '../../../src/download/run-collector.js'

describe('goRequestTally', () => {
  it('reports each answered file, by the GOPROXY entry that answered', () => {
    const seen: PrefetchProgress[] = []
    const parsers = runParsers(
      '.',
      'https://a.test,https://b.test/sub,direct',
      goRequestTally((p) => seen.push(p))
    )
    parsers.stderr.push(
      [
        '# get https://a.test/x.org/m/@v/v1.0.0.mod',
        '# get https://a.test/x.org/m/@v/v1.0.0.mod: 200 OK (0.010s)',
        '# get https://a.test/x.org/n/@v/v1.0.0.mod',
        '# get https://a.test/x.org/n/@v/v1.0.0.mod: 404 Not Found (0.010s)',
        '# get https://b.test/sub/x.org/n/@v/v1.0.0.mod',
        // Split across chunks, as a pipe delivers it.
        '# get https://b.test/sub/x.org/n/@v/v1.0.0.mod: 200 O'
      ].join('\n')
    )
    expect(seen).toHaveLength(1)
    parsers.stderr.push('K (0.020s)\n')
    parsers.finish({ exitCode: 0, timedOut: false, durationMs: 1 })
    expect(seen).toEqual([
      { by: 'go', files: 1, mirrors: [{ url: 'https://a.test', files: 1 }] },
      {
        by: 'go',
        files: 2,
        mirrors: [
          { url: 'https://a.test', files: 1 },
          { url: 'https://b.test/sub', files: 1 }
        ]
      }
    ])
  })
})
