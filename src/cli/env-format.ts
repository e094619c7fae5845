// The variables to export, quoted for each shell so that any value reads
// back byte for byte.
import { randomUUID } from 'node:crypto'
import { InputError } from '../base/values.js'
import type { EnvEntry } from '../env/env-plan.js'

const FORMATS = ['sh', 'fish', 'powershell', 'dotenv', 'github'] as const
type Format = (typeof FORMATS)[number]

const BARE = /^[A-Za-z0-9_./:,|@%+=-]*$/u

const LINE: Record<Format, (name: string, value: string) => string> = {
  // Inside '…' nothing is special but ' itself.
  sh: (n, v) => `export ${n}='${v.replace(/'/gu, `'\\''`)}'`,
  fish: (n, v) => `set -gx ${n} '${v.replace(/[\\']/gu, '\\$&')}'`,
  // PowerShell also closes a '…' string on the typographic single quotes;
  // each quote is doubled to stand for itself. $ and ` are inert inside.
  powershell: (n, v) =>
    `$env:${n} = '${v.replace(/['\u2018\u2019\u201A\u201B]/gu, '$&$&')}'`,
  dotenv: (n, v) =>
    BARE.test(v)
      ? `${n}=${v}`
      : `${n}="${v.replace(/[\\"$`]/gu, '\\$&').replace(/\n/gu, '\\n')}"`,
  // $GITHUB_ENV's own syntax: a heredoc whenever a newline could end the value.
  github: (n, v) => {
    if (!/[\r\n]/u.test(v)) return `${n}=${v}`
    const delimiter = `ghadelimiter_${randomUUID()}`
    return `${n}<<${delimiter}\n${v}\n${delimiter}`
  }
}

export function parseFormat(value: string): Format {
  if ((FORMATS as readonly string[]).includes(value)) return value as Format
  throw new InputError(
    'format',
    `"${value}" is not one of ${FORMATS.join(', ')}`
  )
}

export function formatEnv(
  entries: readonly EnvEntry[],
  format: Format
): string {
  return entries.map((e) => LINE[format](e.name, e.value)).join('\n')
}
