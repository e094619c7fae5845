// The inputs' defaults live in action.yml only (src/inputs/action-inputs.ts
// is generated from it at build time). The runner passes them to main
// itself; these fill an input that arrives empty (a caller passing '', a
// composite action) and serve the command line, so the code never carries
// a default of its own.
import type { InputGetter } from '../base/values.js'
import { ACTION_INPUTS, type ActionInput } from './action-inputs.js'

/** Every input action.yml declares, with its description and default. */
export function actionInputs(): Readonly<Record<string, ActionInput>> {
  return ACTION_INPUTS
}

/** Every input's default as the runner would pass it ('' when it has none). */
export function actionDefaults(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(ACTION_INPUTS).map(([name, input]) => [name, input.default])
  )
}

/** Reads an input, falling back on action.yml's default when it is empty. */
export function withActionDefaults(get: InputGetter): InputGetter {
  return (name) => {
    const value = get(name)
    return value.trim() === '' ? (ACTION_INPUTS[name]?.default ?? '') : value
  }
}
