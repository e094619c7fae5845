// The runner passes action.yml's defaults, but the code falls back on its own
// when an input is empty (a caller passing `''`, a composite action, a test):
// both must mean the same, input by input.
import { afterAll, describe, expect, it } from '@jest/globals'
import { readInputs } from '../../../src/inputs/read-inputs.js'
import type { InputGetter } from '../../../src/base/values.js'
import { readActionDefaults } from '../../support/runner-formats.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

const defaults = readActionDefaults()
const workspace = tempDir('workspace-')
const withDefaults: InputGetter = (name) => defaults[name] ?? ''

describe("action.yml's defaults and the code's", () => {
  it('are read from action.yml for the inputs that have them', () => {
    expect(Object.keys(defaults)).toEqual(
      expect.arrayContaining(['mirrors', 'max-mirrors', 'sumdb', 'summary'])
    )
    expect(defaults.mirrors).toContain('https://proxy.golang.org')
  })

  it.each(Object.keys(defaults))('agree for %s', (input) => {
    const empty: InputGetter = (name) =>
      name === input ? '' : withDefaults(name)
    expect(readInputs(empty, workspace)).toEqual(
      readInputs(withDefaults, workspace)
    )
  })
})
