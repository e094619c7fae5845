// Writes src/inputs/action-inputs.ts from action.yml's inputs (names,
// descriptions, defaults as the runner passes them), so that the bundles
// carry them without parsing YAML at every step's start. `npm run build`
// runs it first; a unit test checks the file against action.yml.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'

const root = new URL('..', import.meta.url)
const out = new URL('src/inputs/action-inputs.ts', root)
const { inputs = {} } = parse(readFileSync(new URL('action.yml', root), 'utf8'))
const table = Object.fromEntries(
  Object.entries(inputs).map(([name, input]) => [
    name,
    {
      description: input.description ?? '',
      default: input.default === undefined ? '' : String(input.default)
    }
  ])
)
const source = `// Generated from action.yml by scripts/action-inputs.mjs (npm run build).
// Edit action.yml, never this file.

export interface ActionInput {
  description: string
  /** As the runner passes it: '' when action.yml gives none. */
  default: string
}

export const ACTION_INPUTS: Record<string, ActionInput> = ${JSON.stringify(table, null, 2)}
`
const path = fileURLToPath(out)
writeFileSync(
  path,
  await format(source, { ...(await resolveConfig(path)), filepath: path })
)
