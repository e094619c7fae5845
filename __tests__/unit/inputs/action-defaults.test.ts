// The inputs' defaults live in action.yml only, and inputs/ reads every
// input action.yml declares and none it does not (a misspelt name would
// silently read '').
import { afterAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import {
  actionDefaults,
  actionInputs,
  withActionDefaults
} from '../../../src/inputs/action-defaults.js'
import { readInputs } from '../../../src/inputs/read-inputs.js'
import { readPostInputs } from '../../../src/inputs/post-inputs.js'
import { readActionDefaults } from '../../support/runner-formats.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

const workspace = tempDir('workspace-')

describe("action.yml's inputs, as built into the bundles", () => {
  it('are action.yml’s own: names, descriptions and defaults (npm run build regenerates them)', () => {
    const yml = parse(
      readFileSync(new URL('../../../action.yml', import.meta.url), 'utf8')
    ) as { inputs: Record<string, { description?: string; default?: unknown }> }
    expect(actionInputs()).toEqual(
      Object.fromEntries(
        Object.entries(yml.inputs).map(([name, i]) => [
          name,
          {
            description: i.description ?? '',
            default: i.default === undefined ? '' : String(i.default)
          }
        ])
      )
    )
  })
})

describe("action.yml's defaults", () => {
  it('are read as the runner passes them, input by input', () => {
    const runner = readActionDefaults()
    const ours = actionDefaults()
    for (const [name, value] of Object.entries(runner))
      expect([name, ours[name]]).toEqual([name, value])
    expect(ours.mirrors).toContain('https://proxy.golang.org')
    expect(ours['max-mirrors']).toBe('3')
  })

  it('fill an input that arrives empty, and leave a given one alone', () => {
    const get = withActionDefaults((name) =>
      name === 'max-mirrors' ? '5' : ''
    )
    expect(get('max-mirrors')).toBe('5')
    expect(get('probe-timeout')).toBe('10')
    expect(get('no-such-input')).toBe('')
  })

  it('are what readInputs gets when nothing is given', () => {
    const inputs = readInputs(() => '', workspace, {})
    expect(inputs.selection.maxMirrors).toBe(3)
    expect(inputs.selection.mirrors).toContain('https://proxy.golang.org')
    expect(inputs.download.concurrency).toBe(32)
    expect(inputs.cache.keyPrefix).toBe('setup-goproxy')
  })
})

describe('the inputs main and post read', () => {
  it('are exactly those action.yml declares', () => {
    const asked = new Set<string>()
    const record = (name: string) => {
      asked.add(name)
      return ''
    }
    readInputs(record, workspace, {})
    readPostInputs(record)
    expect([...asked].sort()).toEqual(Object.keys(actionDefaults()).sort())
  })
})
