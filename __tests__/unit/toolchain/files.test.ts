// The pieces of toolchain selection go's own files feed: go env files
// (cmd/go/internal/cfg.readEnvFile) and go.mod/go.work lines
// (cmd/go/internal/gover.GoModLookup). The real go settles the common
// shapes in __tests__/integration/toolchain-select.test.ts; these are the
// shapes it cannot reach there ($GOROOT/go.env belongs to the machine).
import { describe, expect, it } from '@jest/globals'
import { goConfigValue } from '../../../src/toolchain/go-config.js'
import { goModLookup } from '../../../src/gomod/gomod-lines.js'

describe('go env files', () => {
  it('reads KEY=VALUE lines as go does: later wins, nothing trimmed, comments and lower-case keys skipped', () => {
    const value = (userFile: string, key = 'GOTOOLCHAIN') =>
      goConfigValue(key, { env: {}, userFile, gorootFile: `${key}=fallback\n` })
    expect(
      value('# GOTOOLCHAIN=path\nGOTOOLCHAIN=auto\nGOTOOLCHAIN=local\r\n')
    ).toBe('local\r')
    expect(value('GOSUMDB= off \n', 'GOSUMDB')).toBe(' off ')
    expect(
      value(' GOTOOLCHAIN=path\ngotoolchain=path\n# GOTOOLCHAIN=path\n')
    ).toBe('fallback')
  })

  it('takes the environment, then the GOENV file, then $GOROOT/go.env', () => {
    const gorootFile = 'GOTOOLCHAIN=auto\n'
    expect(goConfigValue('GOTOOLCHAIN', { env: {}, gorootFile })).toBe('auto')
    expect(
      goConfigValue('GOTOOLCHAIN', {
        env: {},
        userFile: 'GOTOOLCHAIN=go1.25.4+auto\n',
        gorootFile
      })
    ).toBe('go1.25.4+auto')
    // An empty value in the user file still hides go.env's.
    expect(
      goConfigValue('GOTOOLCHAIN', {
        env: {},
        userFile: 'GOTOOLCHAIN=\n',
        gorootFile
      })
    ).toBe('')
    // An empty environment value counts as unset.
    expect(
      goConfigValue('GOTOOLCHAIN', { env: { GOTOOLCHAIN: '' }, gorootFile })
    ).toBe('auto')
    expect(
      goConfigValue('GOTOOLCHAIN', {
        env: { GOTOOLCHAIN: 'local' },
        userFile: 'GOTOOLCHAIN=auto\n',
        gorootFile
      })
    ).toBe('local')
    expect(goConfigValue('GOTOOLCHAIN', { env: {} })).toBe('')
  })
})

describe('go.mod lines', () => {
  it('finds the first line with the key and a blank, strips comments, and trims as Go does', () => {
    const text =
      'module example.test/My-Mod\n\ngodebug default=go1.21\ngo\t1.22 // pinned\ntoolchain go1.22.3\ntoolchain go1.23.0\n'
    expect(goModLookup(text, 'go')).toEqual({ value: '1.22', line: 4 })
    expect(goModLookup(text, 'toolchain')).toEqual({
      value: 'go1.22.3',
      line: 5
    })
    expect(goModLookup('gotoolchain x\n', 'go')).toBeUndefined()
    expect(goModLookup('go\n', 'go')).toBeUndefined()
    // U+0085 is space to Go (not to JavaScript's trim), U+FEFF is not.
    expect(goModLookup('\u0085go 1.22\u0085\n', 'go')?.value).toBe('1.22')
    expect(goModLookup('\ufeffgo 1.22\n', 'go')).toBeUndefined()
    expect(goModLookup('go 1.22\r\n', 'go')?.value).toBe('1.22')
  })
})
