/** Reads one action input by name ('' when unset). */
export type InputGetter = (name: string) => string

// Parsing of single input values. Every error names the input and the value
// so that a user can find the line in their workflow; callers that handle
// secrets pass `secret: true` and the value is never echoed.

export class InputError extends Error {
  constructor(
    readonly input: string,
    /** What is wrong with the value, without the input's name. */
    readonly detail: string
  ) {
    super(`Input "${input}": ${detail}`)
    this.name = 'InputError'
  }
}

/** Splits a comma- or newline-separated list, trimming entries and dropping empty ones and `#` comments. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'))
}

/** Splits a newline-separated list only (for values that may contain commas). */
export function splitLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'))
}

export function parseBool(input: string, value: string): boolean {
  const v = value.trim().toLowerCase()
  if (['true', 'yes', 'on', '1'].includes(v)) return true
  if (['false', 'no', 'off', '0'].includes(v)) return false
  throw new InputError(input, `expected true or false, got "${value}"`)
}

/** A boolean that may also be "auto" (returned as undefined). */
export function parseAutoBool(
  input: string,
  value: string
): boolean | undefined {
  if (value.trim() === '' || value.trim().toLowerCase() === 'auto')
    return undefined
  return parseBool(input, value)
}

// Plain decimals only: Number() also reads "0x3", "0b11", "1e1", " 3",
// "3.", "+3" and "Infinity", which no one means as a timeout.
const DECIMAL = /^-?\d+(?:\.\d+)?$/

export function parseNumber(
  input: string,
  value: string,
  opts: { min?: number; max?: number; integer?: boolean } = {}
): number {
  if (!DECIMAL.test(value)) {
    throw new InputError(
      input,
      opts.integer
        ? `expected a whole number such as 3, got "${value}"`
        : `expected a decimal number such as 3 or 2.5, got "${value}"`
    )
  }
  const n = Number(value)
  if (opts.integer && !Number.isInteger(n)) {
    throw new InputError(input, `expected a whole number, got "${value}"`)
  }
  if (opts.min !== undefined && n < opts.min) {
    throw new InputError(input, `must be at least ${opts.min}, got "${value}"`)
  }
  if (opts.max !== undefined && n > opts.max) {
    throw new InputError(input, `must be at most ${opts.max}, got "${value}"`)
  }
  return n
}

export function parseChoice<T extends string>(
  input: string,
  value: string,
  choices: readonly T[]
): T {
  const v = value.trim().toLowerCase()
  const hit = choices.find((c) => c === v)
  if (hit === undefined) {
    throw new InputError(
      input,
      `expected one of ${choices.join(', ')}, got "${value}"`
    )
  }
  return hit
}
