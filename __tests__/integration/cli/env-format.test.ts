// The sh format read back by bash: every value byte for byte.
import { collect } from '../../support/collect.js'
import { formatEnv } from '../../../src/cli/env-format.js'

const VALUES = [
  'https://proxy.golang.org|direct',
  "it's",
  '$HOME `id` $(id) \\ "q"',
  'two\nlines',
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
