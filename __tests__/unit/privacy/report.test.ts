import { describe, expect, it } from '@jest/globals'
import { renderPrivacySection } from '../../../src/privacy/report.js'
import { toolchainOffWarning } from '../../../src/sumdb/choose-sumdb.js'

const empty = {
  routes: [],
  credentialHosts: [],
  netrcFiles: [],
  gitRewrites: [],
  preflight: [],
  warnings: []
}

describe('renderPrivacySection', () => {
  it('keeps the code spans of a warning, so the input names show as code', () => {
    const warning = toolchainOffWarning('auto')!
    const text = renderPrivacySection({
      privacy: { ...empty, warnings: [warning] }
    })
    expect(text).toContain('list private modules in `private` or `no-sumdb`')
    expect(text).not.toContain('\\`')
  })

  it('escapes pipes and flattens line breaks in table cells', () => {
    const text = renderPrivacySection({
      privacy: {
        ...empty,
        preflight: [
          {
            machine: 'git.example.test',
            line: 1,
            kind: 'git',
            outcome: 'error',
            message: 'exit 128|denied\nfatal'
          }
        ]
      }
    })
    expect(text).toContain('❌ exit 128\\|denied fatal |')
  })
})
