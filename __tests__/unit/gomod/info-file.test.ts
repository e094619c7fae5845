import { describe, expect, it } from '@jest/globals'
import { goInfoFile } from '../../../src/gomod/info-file.js'

describe('the .info go writes into the module cache', () => {
  it('is what proxy.golang.org serves when that is already how go marshals it', () => {
    // Both as the Go module proxy served them and as go 1.26 cached them.
    for (const text of [
      '{"Version":"v1.8.1","Time":"2024-06-01T10:31:11Z"}',
      '{"Version":"v1.1.1","Time":"2024-10-09T11:24:07Z","Origin":{"VCS":"git","URL":"https://github.com/cli/oauth","Hash":"96b35bb7d2073ffc8f838f074aad43c2a586d6a8","Ref":"refs/tags/v1.1.1"}}',
      '{"Version":"v0.10.1-0.20240413172830-d0be07ea6b9c","Time":"2024-04-13T17:28:30Z","Origin":{"VCS":"git","URL":"https://github.com/charmbracelet/lipgloss","Hash":"d0be07ea6b9c058cce9b951351b97948b2e3851e"}}'
    ])
      expect(goInfoFile(text)).toBe(text)
  })

  it('prints the time as Go does: no trailing zeros, Z for a zero offset, other offsets kept', () => {
    const at = (t: string) =>
      JSON.parse(goInfoFile(`{"Version":"v1.0.0","Time":"${t}"}`)!) as {
        Time: string
      }
    expect(at('2024-01-01T00:00:00.000Z').Time).toBe('2024-01-01T00:00:00Z')
    expect(at('2024-01-01T00:00:00.120Z').Time).toBe('2024-01-01T00:00:00.12Z')
    expect(at('2024-01-01T08:00:00+00:00').Time).toBe('2024-01-01T08:00:00Z')
    expect(at('2024-01-01T08:00:00+08:00').Time).toBe(
      '2024-01-01T08:00:00+08:00'
    )
  })

  it('keeps Version, Time and Origin in that order, dropping fields go does not keep', () => {
    expect(
      goInfoFile(
        '{"Origin":{"RepoSum":"r1:x","TagSum":"t1:y","TagPrefix":"v","Ref":"refs/tags/v1.2.0","Hash":"abc","URL":"https://x.test/r","VCS":"git"},"Time":"2024-01-01T00:00:00Z","Name":"abc","Short":"abc","Version":"v1.2.0"}'
      )
    ).toBe(
      '{"Version":"v1.2.0","Time":"2024-01-01T00:00:00Z","Origin":{"VCS":"git","URL":"https://x.test/r","Hash":"abc","Ref":"refs/tags/v1.2.0"}}'
    )
  })

  it('drops the ref of a pseudo-version, and escapes as encoding/json does', () => {
    expect(
      goInfoFile(
        '{"Version":"v0.0.0-20240101000000-abcdefabcdef","Time":"2024-01-01T00:00:00Z","Origin":{"VCS":"git","URL":"https://x.test/a?b=1&c=<2>","Ref":"refs/heads/main"}}'
      )
    ).toBe(
      '{"Version":"v0.0.0-20240101000000-abcdefabcdef","Time":"2024-01-01T00:00:00Z","Origin":{"VCS":"git","URL":"https://x.test/a?b=1\\u0026c=\\u003c2\\u003e"}}'
    )
  })

  it('refuses what go would not read back', () => {
    expect(goInfoFile('<html>')).toBeUndefined()
    expect(goInfoFile('{"Time":"2024-01-01T00:00:00Z"}')).toBeUndefined()
    expect(
      goInfoFile('{"Version":"v1.0.0","Time":"yesterday"}')
    ).toBeUndefined()
  })
})
