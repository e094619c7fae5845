// The inputs' defaults live in action.yml only. The runner passes them to
// main itself; this reads the same file for an input that arrives empty (a
// caller passing '', a composite action) and for the command line, so the
// code never carries a default of its own.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import type { InputGetter } from '../base/values.js'

interface ActionInput {
  description?: string
  default?: string | number | boolean
}

export interface ActionYml {
  inputs: Record<string, ActionInput>
}

// Both src/inputs/ and a bundle in dist/<entry>/ sit two levels below the
// repository root, where action.yml is.
const ACTION_YML = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'action.yml'
)

let cached: ActionYml | undefined

export function readActionYml(path = ACTION_YML): ActionYml {
  if (path === ACTION_YML && cached) return cached
  const doc = parse(readFileSync(path, 'utf8')) as Partial<ActionYml>
  const yml = { inputs: doc.inputs ?? {} }
  if (path === ACTION_YML) cached = yml
  return yml
}

/** Every input's default as the runner would pass it ('' when it has none). */
export function actionDefaults(yml = readActionYml()): Record<string, string> {
  return Object.fromEntries(
    Object.entries(yml.inputs).map(([name, input]) => [
      name,
      input.default === undefined ? '' : String(input.default)
    ])
  )
}

/** Reads an input, falling back on action.yml's default when it is empty. */
export function withActionDefaults(get: InputGetter): InputGetter {
  const defaults = actionDefaults()
  return (name) => {
    const value = get(name)
    return value.trim() === '' ? (defaults[name] ?? '') : value
  }
}
