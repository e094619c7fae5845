// The powershell format, read back by PowerShell's grammar of a verbatim
// ('…') string: PowerShell is not installed where the tests run.
import { formatEnv } from '../../../src/cli/env-format.js'

// The spec's single-quote-character: ' and the typographic single quotes.
const QUOTE = /['\u2018\u2019\u201A\u201B]/u

/** The value `$env:X = '…'` assigns, or an error where the string ends early. */
function readPowershell(line: string): string {
  const prefix = "$env:X = '"
  if (!line.startsWith(prefix)) throw new Error(`not an assignment: ${line}`)
  let value = ''
  let i = prefix.length
  for (;;) {
    if (i >= line.length) throw new Error(`unterminated: ${line}`)
    const c = line[i]
    if (QUOTE.test(c)) {
      // A quote followed by a quote is one literal quote; a lone one ends it.
      if (i + 1 < line.length && QUOTE.test(line[i + 1])) {
        value += line[i + 1]
        i += 2
        continue
      }
      if (i !== line.length - 1)
        throw new Error(`text after the string ends: ${line}`)
      return value
    }
    value += c
    i++
  }
}

const VALUES = [
  'https://proxy.golang.org|direct',
  "it's",
  "''",
  'it\u2019s \u2018quoted\u2019 \u201Alow\u201B',
  '$HOME $env:PATH $(Get-Process) ${x}',
  '`n `$ back`tick`',
  'C:\\Users\\me\\',
  '"double"',
  'two\nlines',
  ''
]

describe('env --format powershell', () => {
  it.each(VALUES)('reads back %j unchanged', (value) => {
    const line = formatEnv([{ name: 'X', value, reason: '' }], 'powershell')
    expect(readPowershell(line)).toBe(value)
  })

  it('leaves $ and backticks as they are: nothing expands in single quotes', () => {
    expect(
      formatEnv([{ name: 'X', value: '$a `b', reason: '' }], 'powershell')
    ).toBe("$env:X = '$a `b'")
  })
})
