// What `go mod download -x -json golang.org/toolchain@…` said (captured
// shapes of go 1.26 output), and how the summary tells it.
import { describe, expect, it } from '@jest/globals'
import { readToolchainFetch } from '../../../src/toolchain/fetch-result.js'
import {
  renderToolchainSection,
  toolchainHeadline
} from '../../../src/toolchain/report.js'

const V = 'v0.0.1-go1.25.4.linux-amd64'
const ZIP = `/home/runner/go/pkg/mod/cache/download/golang.org/toolchain/@v/${V}.zip`

describe('readToolchainFetch', () => {
  it('names the mirror whose zip answered 200, after a fallback', () => {
    const stderr = [
      `# get https://goproxy.example-cn.test/golang.org/toolchain/@v/${V}.info`,
      `# get https://goproxy.example-cn.test/golang.org/toolchain/@v/${V}.info: 404 Not Found (0.021s)`,
      `# get https://mirrors.Example-2.test/go/golang.org/toolchain/@v/${V}.info: 200 OK (0.030s)`,
      `# get https://mirrors.Example-2.test/go/golang.org/toolchain/@v/${V}.zip`,
      `# get https://mirrors.Example-2.test/go/golang.org/toolchain/@v/${V}.zip: 200 OK (1.204s)`,
      `# get http://127.0.0.1:9/lookup/golang.org/toolchain@${V}: 200 OK (0.002s)`
    ].join('\n')
    const stdout = JSON.stringify({
      Path: 'golang.org/toolchain',
      Version: V,
      Zip: ZIP
    })
    expect(readToolchainFetch(V, stdout, stderr)).toEqual({
      mirror: 'https://mirrors.Example-2.test/go',
      zip: ZIP
    })
  })

  it('has no mirror when the zip was already in the module cache', () => {
    const stdout = JSON.stringify({
      Path: 'golang.org/toolchain',
      Version: V,
      Zip: ZIP
    })
    expect(readToolchainFetch(V, stdout, '')).toEqual({ zip: ZIP })
  })

  it('reports go’s error: from the JSON, or from stderr when go stopped first', () => {
    const err = `golang.org/toolchain@${V}: reading https://m.test/golang.org/toolchain/@v/${V}.info: 404 Not Found`
    expect(
      readToolchainFetch(
        V,
        JSON.stringify({
          Path: 'golang.org/toolchain',
          Version: V,
          Error: err
        }),
        ''
      ).error
    ).toBe(err)
    expect(
      readToolchainFetch(V, '', 'go: GOSUMDB=off: checksum database disabled\n')
        .error
    ).toBe('go: GOSUMDB=off: checksum database disabled')
  })
})

describe('renderToolchainSection', () => {
  it('names the toolchain, what asked for it, the mirror, size and time', () => {
    const md = renderToolchainSection({
      local: 'go1.24.2',
      selected: 'go1.25.4',
      cause: { source: 'toolchain line', file: 'svc/Api_v2/go.mod', line: 5 },
      fetch: {
        module: `golang.org/toolchain@${V}`,
        outcome: 'downloaded',
        mirror: 'https://goproxy.example-cn.test',
        bytes: 73 << 20,
        durationMs: 4200
      }
    })
    expect(md).toContain(
      '**go1.25.4** (toolchain line of svc/Api_v2/go.mod:5); PATH has go1.24.2'
    )
    expect(md).toContain(
      `Fetched \`golang.org/toolchain@${V}\` from https://goproxy.example-cn.test: 73 MiB in 4.2 s`
    )
  })

  it('leaves the go on PATH to the headline, with nothing more to say', () => {
    expect(
      renderToolchainSection({ local: 'go1.26.8', selected: 'go1.26.8' })
    ).toBe('')
    expect(renderToolchainSection(undefined)).toBe('')
  })
})

describe('toolchainHeadline', () => {
  it('names the Go in use and where it came from', () => {
    expect(
      toolchainHeadline({
        local: 'go1.99.0',
        selected: 'go1.99.0',
        install: {
          input: 'go-version',
          requested: '1.99',
          version: '1.99.0',
          source: 'mirror',
          mirror: 'https://goproxy.example-cn.test'
        }
      })
    ).toBe('**Go** 1.99.0, installed from https://goproxy.example-cn.test')
    expect(
      toolchainHeadline({
        local: 'go1.24.2',
        selected: 'go1.25.4',
        cause: { source: 'go line', file: 'go.mod', line: 3 },
        fetch: {
          module: `golang.org/toolchain@${V}`,
          outcome: 'downloaded',
          mirror: 'https://m.example.test',
          durationMs: 1
        }
      })
    ).toBe('**Go** go1.25.4 (go line of go.mod:3), from https://m.example.test')
    expect(toolchainHeadline({ local: 'go1.26.8', selected: 'go1.26.8' })).toBe(
      '**Go** go1.26.8 from PATH'
    )
    expect(toolchainHeadline({ note: 'x', noGo: true })).toBe(
      '**Go**: none on PATH'
    )
    expect(toolchainHeadline({ note: 'go env failed: …' })).toBe(
      '**Go**: unknown (go env failed)'
    )
  })
})
