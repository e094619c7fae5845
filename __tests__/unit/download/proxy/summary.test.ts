import { describe, expect, it } from '@jest/globals'
import type { DownloadsReport } from '../../../../src/download/downloads-report.js'
import { renderProxySection } from '../../../../src/download/proxy/summary.js'

const BAD = 'https://goproxy.example'
const GOOD = 'https://mirror-b.example/go'

function downloads(proxy?: DownloadsReport['proxy']): DownloadsReport {
  return {
    goproxy: 'http://127.0.0.1:4100',
    roots: [],
    durationMs: 1,
    timeoutSec: 600,
    modules: [],
    sources: [],
    failures: [],
    warnings: [],
    toolchains: [],
    requests: [],
    proxy
  }
}

describe('prefetch summary', () => {
  it('names the mirror that served wrong bits, the module, and where the file came from instead', () => {
    const text = renderProxySection(
      downloads({
        goproxy: 'http://127.0.0.1:4100',
        planned: 3,
        concurrency: 32,
        files: [
          {
            path: 'github.com/!burnt!sushi/toml/@v/v1.3.2.zip',
            module: 'github.com/BurntSushi/toml',
            version: 'v1.3.2',
            kind: 'zip',
            status: 'served',
            mirror: GOOD,
            bytes: 100,
            attempts: 2,
            hedges: 1,
            failures: [
              {
                mirror: BAD,
                kind: 'checksum',
                detail: 'h1:x, go.sum has h1:y',
                atMs: 40
              }
            ],
            verified: true,
            planned: true,
            askedByGo: true
          }
        ],
        mirrors: [
          {
            url: BAD,
            files: 0,
            bytes: 0,
            hedgesWon: 0,
            failures: { checksum: 1, timeout: 2 },
            badFiles: ['github.com/!burnt!sushi/toml/@v/v1.3.2.zip'],
            dropped: {
              atMs: 2500,
              why: '3 failures in a row, the last: timeout: no first byte'
            }
          },
          {
            url: GOOD,
            files: 1,
            bytes: 100,
            hedgesWon: 1,
            failures: {},
            badFiles: []
          }
        ]
      })
    ).join('\n')
    expect(text).toContain(
      `${BAD} served wrong bits (hash differs from go.sum) for \`github.com/BurntSushi/toml@v1.3.2\` (.zip): h1:x, go.sum has h1:y; served from ${GOOD} instead.`
    )
    // Per mirror figures and the drop are the sources table's, said once.
    expect(text).not.toContain('was dropped')
    expect(text).not.toMatch(/^\| /m)
    expect(text).toContain(
      '1 fetched (1 verified against go.sum), 32 at once, 1 hedged'
    )
  })

  it('is empty without the proxy', () => {
    expect(renderProxySection(downloads())).toEqual([])
  })
})
