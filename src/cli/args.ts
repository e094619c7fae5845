// The command line: the action's inputs as `--name value` flags, with
// action.yml's names, descriptions and defaults, so both fronts validate the
// same values through readInputs.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { InputError, type InputGetter } from '../base/values.js'
import { actionInputs } from '../inputs/action-defaults.js'
import type { ActionInput } from '../inputs/action-inputs.js'

export const COMMANDS = ['probe', 'env', 'apply', 'download', 'serve'] as const
export type Command = (typeof COMMANDS)[number]

// Inputs that only mean something on an Actions runner (the Actions cache,
// the job summary, a proxy kept for later steps, matrix merges, a Go
// installed into the tool cache), and credentials, which never come on argv.
const NOT_FLAGS = new Set([
  'cache',
  'cache-mode',
  'cache-build',
  'cache-save',
  'cache-lookup-timeout',
  'cache-key-prefix',
  'cache-dependency-path',
  'keep-proxy',
  'keep-proxy-idle-timeout',
  'merge-reports',
  'expected-legs',
  'summary',
  'go-version',
  'go-version-file',
  'credentials',
  // The download command is the prefetch; the others never run it.
  'download'
])

// The command's own flags, and the subcommands that take each.
const OWN_FLAGS = {
  help: { type: 'boolean', short: 'h', for: COMMANDS, text: 'This help.' },
  json: {
    type: 'boolean',
    for: ['probe'],
    text: 'Print the probe, ranking and chain as JSON.'
  },
  format: {
    type: 'string',
    for: ['env'],
    text: 'sh (default), fish, powershell, dotenv or github (for $GITHUB_ENV).'
  },
  force: {
    type: 'boolean',
    for: ['apply'],
    text: 'Overwrite values already set in the go env file.'
  },
  report: {
    type: 'string',
    for: ['download'],
    text: 'Write the JSON report of the run to FILE.'
  },
  port: {
    type: 'string',
    for: ['serve'],
    text: 'Listen on this port of 127.0.0.1 (default 0: any free port).'
  },
  'idle-timeout': {
    type: 'string',
    for: ['serve'],
    text: 'Stop after this many seconds without a request from go (default 0: never).'
  },
  'credentials-file': {
    type: 'string',
    for: COMMANDS,
    text: 'Read credentials (HOST[/PATH]=TOKEN lines) from FILE; or set SETUP_GOPROXY_CREDENTIALS.'
  }
} as const

export interface ParsedArgs {
  command: Command
  help: boolean
  dir?: string
  json: boolean
  format: string
  force: boolean
  report?: string
  port?: string
  idleTimeout?: string
  /** The action's inputs as given on the command line. */
  get: InputGetter
}

// parseArgs's own words suggest `--` and quoting; a script's author needs
// the flag and where the flags are listed. It never echoes a value.
function argumentError(e: NodeJS.ErrnoException, command: string): Error {
  const flag = /'(-[^' ,]+)/.exec(e.message)?.[1]
  if (flag === undefined) return new InputError('arguments', e.message)
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return new InputError(
      flag,
      `not a flag of ${command}; setup-goproxy ${command} --help lists them`
    )
  const long = /'(?:-\w, )?(--[^' ]+)/.exec(e.message)?.[1] ?? flag
  return new InputError(
    long,
    /argument missing/.test(e.message) ? 'needs a value' : 'takes no value'
  )
}

/**
 * How a message names a bad input on the command line: as the flag that
 * carries it (`--max-mirrors`), the directory as `dir` when it was given as
 * one, or as it is when no flag carries it (the command, credentials from
 * the environment or a file).
 */
export function inputLabel(input: string, args?: ParsedArgs): string {
  if (input.startsWith('-')) return input
  if (input === 'working-directory' && args?.dir !== undefined) return 'dir'
  const flag =
    input in OWN_FLAGS || inputFlags().some(([name]) => name === input)
  return flag ? `--${input}` : input
}

/** The input flags: every input of action.yml that makes sense off a runner. */
function inputFlags(): [string, ActionInput][] {
  return Object.entries(actionInputs()).filter(([name]) => !NOT_FLAGS.has(name))
}

export function parseCommandLine(
  argv: string[],
  env: NodeJS.ProcessEnv
): ParsedArgs {
  const [command, ...rest] = argv
  if (!COMMANDS.includes(command as Command)) {
    throw new InputError(
      'command',
      `"${command ?? ''}" is not one of ${COMMANDS.join(', ')}`
    )
  }
  // Refused before parsing, so that the value is never parsed nor echoed.
  if (rest.some((a) => a === '--credentials' || a.startsWith('--credentials=')))
    throw new InputError(
      'credentials',
      'a token on the command line ends up in shell history and process lists; use --credentials-file FILE or SETUP_GOPROXY_CREDENTIALS'
    )
  const flags = inputFlags()
  const options = Object.fromEntries([
    ...flags.map(([name]) => [name, { type: 'string' as const }]),
    ...Object.entries(OWN_FLAGS).map(([name, f]) => [
      name,
      'short' in f ? { type: f.type, short: f.short } : { type: f.type }
    ])
  ])
  let parsed
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true })
  } catch (e) {
    throw argumentError(e as NodeJS.ErrnoException, command)
  }
  const values = parsed.values as Record<string, string | boolean | undefined>
  for (const [name, f] of Object.entries(OWN_FLAGS)) {
    if (
      values[name] !== undefined &&
      !(f.for as readonly string[]).includes(command)
    )
      throw new InputError(name, `not a flag of ${command}`)
  }
  if (parsed.positionals.length > 1)
    throw new InputError(
      'dir',
      `one directory at most, got ${parsed.positionals.join(' ')}`
    )
  const dir = parsed.positionals[0]
  if (dir !== undefined && values['working-directory'] !== undefined)
    throw new InputError(
      'working-directory',
      'give the directory once, as [dir] or --working-directory'
    )
  const credentials = readCredentials(
    values['credentials-file'] as string | undefined,
    env
  )
  const get: InputGetter = (name) => {
    if (name === 'credentials') return credentials
    if (name === 'working-directory' && dir !== undefined) return dir
    // The prefetch is what the download command is for.
    if (name === 'download') return command === 'download' ? 'true' : 'false'
    const v = values[name]
    return typeof v === 'string' ? v : ''
  }
  const format = (values.format as string | undefined) ?? 'sh'
  return {
    command: command as Command,
    help: values.help === true,
    dir,
    json: values.json === true,
    format,
    force: values.force === true,
    report: values.report as string | undefined,
    port: values.port as string | undefined,
    idleTimeout: values['idle-timeout'] as string | undefined,
    get
  }
}

function readCredentials(
  file: string | undefined,
  env: NodeJS.ProcessEnv
): string {
  if (file === undefined) return env.SETUP_GOPROXY_CREDENTIALS ?? ''
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    throw new InputError(
      'credentials-file',
      `cannot read "${file}": ${(e as NodeJS.ErrnoException).code ?? 'error'}`
    )
  }
}

/** A module or workspace must be there: probing nothing would look like success. */
export function requireGoProject(dir: string): void {
  if (!existsSync(join(dir, 'go.mod')) && !existsSync(join(dir, 'go.work')))
    throw new InputError('dir', `"${dir}" has no go.mod or go.work`)
}

/** The help of one subcommand: its purpose, its own flags and the input flags. */
export function helpText(
  command: Command | undefined,
  purpose: string
): string {
  const lines = [purpose, '']
  const own = Object.entries(OWN_FLAGS).filter(
    ([, f]) =>
      command === undefined || (f.for as readonly string[]).includes(command)
  )
  for (const [name, f] of own)
    lines.push(
      `  --${name}${f.type === 'string' ? ' VALUE' : ''}`,
      `      ${f.text}`
    )
  lines.push('', 'Inputs of the action, with its defaults (see action.yml):')
  for (const [name, input] of inputFlags()) {
    const d = input.default
    const shown =
      d === '' ? '' : ` (default: ${d.trim().split('\n').join(', ')})`
    lines.push(`  --${name} VALUE${shown}`, `      ${input.description}`)
  }
  return lines.join('\n')
}
