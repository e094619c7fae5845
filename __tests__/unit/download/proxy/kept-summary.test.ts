import { describe, expect, it } from '@jest/globals'
import type { KeptProxyFile } from '../../../../src/download/proxy/kept-config.js'
import { keptGoproxy } from '../../../../src/download/proxy/kept-config.js'
import { renderKeptProxySection } from '../../../../src/download/proxy/kept-summary.js'
import type { FileRecord } from '../../../../src/download/proxy/record.js'

const A = 'https://goproxy.example-a.test'
const B = 'https://mirror_b.example.test/go|proxy'

function file(over: Partial<FileRecord>): FileRecord {
  return {
    path: 'example.test/!gamma_x/@v/v1.0.0.zip',
    kind: 'zip',
    status: 'served',
    attempts: 1,
    hedges: 0,
    failures: [],
    verified: false,
    planned: false,
    askedByGo: true,
    ...over
  }
}

describe('the kept proxy section of the post summary', () => {
  it('counts files, bytes, hedges and failures, per mirror', () => {
    const f: KeptProxyFile = {
      url: 'http://127.0.0.1:4000',
      stopped: 'stopped by the post step',
      record: {
        concurrency: 32,
        files: [
          file({ mirror: B, bytes: 2048, hedges: 1 }),
          file({
            path: 'example.test/a/@v/v1.0.0.mod',
            mirror: A,
            bytes: 1024
          }),
          file({ path: 'example.test/a/@v/list', status: 'not-found' }),
          file({ path: 'example.test/b/@v/v1.0.0.zip', status: 'failed' })
        ],
        mirrors: [
          {
            url: A,
            files: 1,
            bytes: 1024,
            hedgesWon: 0,
            failures: { timeout: 3, 'server-error': 1 },
            badFiles: [],
            dropped: { atMs: 1500, why: '3 failures in a row' }
          },
          {
            url: B,
            files: 1,
            bytes: 2048,
            hedgesWon: 1,
            failures: {},
            badFiles: []
          }
        ]
      }
    }
    const md = renderKeptProxySection(f)
    expect(md).toContain(
      '4 file(s) asked by later go commands through http://127.0.0.1:4000: 2 served (3.0 KiB), 1 not found, 1 failed, 1 hedged. Stopped: stopped by the post step.'
    )
    expect(md).toContain(
      `| ${A} | 1 | 1.0\u00a0KiB | 0 | timeout ×3, server-error ×1 | at 1.5 s: 3 failures in a row |`
    )
    expect(md).toContain(
      '| https://mirror_b.example.test/go\\|proxy | 1 | 2.0\u00a0KiB | 1 |  |  |'
    )
    expect(md).toContain(
      'Not served (go fell through to the chain): `example.test/b/@v/v1.0.0.zip`.'
    )
  })

  it('says when nothing was asked, and when no stop was recorded', () => {
    const md = renderKeptProxySection({
      url: 'http://127.0.0.1:4000',
      record: { concurrency: 32, files: [], mirrors: [] }
    })
    expect(md).toContain('0 file(s) asked')
    expect(md).toContain('It had not recorded its stop.')
    expect(md).not.toContain('| Mirror |')
  })
})

describe('the GOPROXY kept for later steps', () => {
  const mirror = (url: string) => ({ url, role: 'mirror' as const, reason: '' })
  it('puts the local proxy ahead of the public mirrors, falling through to them on any error', () => {
    expect(
      keptGoproxy('http://127.0.0.1:4000', {
        goproxy: 'https://a.test,https://b.test|direct',
        entries: [mirror('https://a.test'), mirror('https://b.test')]
      })
    ).toBe('http://127.0.0.1:4000|https://a.test,https://b.test|direct')
  })

  it('keeps the private proxies first, so private paths never reach the local URL first', () => {
    const priv = (url: string) => ({
      url,
      role: 'private' as const,
      reason: ''
    })
    expect(
      keptGoproxy('http://127.0.0.1:4000', {
        goproxy: 'https://p1.test,https://p2.test,https://a.test|direct',
        entries: [
          priv('https://p1.test'),
          priv('https://p2.test'),
          mirror('https://a.test')
        ]
      })
    ).toBe(
      'https://p1.test,https://p2.test,http://127.0.0.1:4000|https://a.test|direct'
    )
  })
})
