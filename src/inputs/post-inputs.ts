// The one input post reads again: main already rejected a malformed value,
// so post only ever sees one main accepted.
import { parseBool, type InputGetter } from '../base/values.js'
import { withActionDefaults } from './action-defaults.js'

export function readPostInputs(input: InputGetter): { summary: boolean } {
  const get = withActionDefaults(input)
  return { summary: parseBool('summary', get('summary')) }
}
