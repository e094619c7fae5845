// The sh and fish formats read back by their shells: every value byte for
// byte (fish is installed by .ci/run).
import { collect } from '../../support/collect.js'
import { formatEnv } from '../../../src/cli/env-format.js'

const VALUES = [
  'https://proxy.golang.org|direct',
  "it's",
  '$HOME `id` $(id) \\ "q"',
  'two\nlines',
  'back\\slash\\',
  ''
]

describe('env --format sh', () => {
  it.each(VALUES)('reads back %j unchanged in bash', async (value) => {
    const line = formatEnv([{ name: 'X', value, reason: '' }], 'sh')
    const res = await collect('bash', ['-c', `${line}\nprintf %s "$X"`], {
      env: { PATH: process.env.PATH ?? '' }
    })
    expect(res.code).toBe(0)
    expect(res.stdout).toBe(value)
  })
})

describe('env --format fish', () => {
  it.each(VALUES)('reads back %j unchanged in fish', async (value) => {
    const line = formatEnv([{ name: 'X', value, reason: '' }], 'fish')
    const res = await collect(
      'fish',
      ['--no-config', '-c', `${line}\nprintf %s "$X"`],
      { env: { PATH: process.env.PATH ?? '' } }
    )
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toBe(value)
  })
})
