// `go env -w` of the choice: only go's own variables, never over a value the
// user wrote to the go env file unless forced, with the command that undoes it.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { InputError } from '../base/values.js'
import type { EnvEntry } from '../env/env-plan.js'
import { readJobGoEnvFile } from '../env/go-env-file.js'
import { log, print } from './terminal-log.js'

// What `go env -w` accepts of the plan; git's variables live in the shell.
const GO_VARIABLES = new Set([
  'GOPROXY',
  'GOPRIVATE',
  'GONOPROXY',
  'GONOSUMDB',
  'GOSUMDB',
  'GOINSECURE',
  'GOAUTH'
])

export async function applyDecision(
  entries: readonly EnvEntry[],
  force: boolean,
  env: NodeJS.ProcessEnv
): Promise<number> {
  const file = readJobGoEnvFile(env)
  if (file.path === undefined)
    throw new InputError(
      'GOENV',
      'go has no env file here (GOENV=off or no config directory); use `setup-goproxy env` instead'
    )
  const goEntries = entries.filter((e) => GO_VARIABLES.has(e.name))
  const changes = goEntries.filter((e) => file.values[e.name] !== e.value)
  const theirs = changes.filter((e) => file.values[e.name] !== undefined)
  if (theirs.length > 0 && !force) {
    const list = theirs
      .map((e) => `${e.name}=${file.values[e.name]}`)
      .join(', ')
    throw new InputError(
      'force',
      `${file.path} already sets ${list}; pass --force to replace it`
    )
  }
  if (changes.length === 0) {
    print(`Nothing to change: ${file.path} already holds the choice.`)
    return 0
  }
  const run = promisify(execFile)
  await run(
    'go',
    ['env', '-w', ...changes.map((e) => `${e.name}=${e.value}`)],
    {
      env: { ...env, GOTOOLCHAIN: 'local' }
    }
  )
  print(`Wrote to ${file.path}:`)
  for (const e of changes) print(`  ${e.name}=${e.value}    # ${e.reason}`)
  const unset = changes.filter((e) => file.values[e.name] === undefined)
  const restore = changes.filter((e) => file.values[e.name] !== undefined)
  print('Undo with:')
  if (unset.length > 0)
    print(`  go env -u ${unset.map((e) => e.name).join(' ')}`)
  if (restore.length > 0)
    print(
      `  go env -w ${restore.map((e) => shellWord(`${e.name}=${file.values[e.name]}`)).join(' ')}`
    )
  // The environment wins over the file: say which values go will not see.
  const shadowed = changes.filter((e) => (env[e.name] ?? '') !== '')
  for (const e of shadowed)
    log(
      `warning: ${e.name} is set in this shell's environment, which go reads before ${file.path}`
    )
  return 0
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:,|@%+=-]*$/u.test(s)
    ? s
    : `'${s.replace(/'/gu, `'\\''`)}'`
}
