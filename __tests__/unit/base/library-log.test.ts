import { afterEach, describe, expect, it } from '@jest/globals'
import { quietLibraryCall } from '../../../src/base/library-log.js'

// What reaches stdout below the filter, which wraps the write in place the
// first time a call runs: this capture is installed before that.
const seen: string[] = []
const realWrite = process.stdout.write.bind(process.stdout) as (
  ...a: unknown[]
) => boolean
let capturing = false
process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
  if (!capturing) return realWrite(chunk, ...rest)
  if (chunk !== '') seen.push(String(chunk))
  return true
}) as typeof process.stdout.write

function written(fn: () => void): string[] {
  seen.length = 0
  capturing = true
  try {
    fn()
  } finally {
    capturing = false
  }
  return [...seen]
}

afterEach(() => {
  delete process.env.RUNNER_DEBUG
})

describe('quietLibraryCall', () => {
  it("takes a library's debug lines off stdout and hands its warnings back", () => {
    const problems: string[] = []
    const out = written(() => {
      quietLibraryCall(() => {
        process.stdout.write('::debug::looking in the tool cache\n')
        process.stdout.write('::warning::cache service 50%25 down%0Aretry\n')
        process.stdout.write('plain line\n')
      }, problems)
      process.stdout.write('::debug::the action itself\n')
    })
    expect(out).toEqual(['plain line\n', '::debug::the action itself\n'])
    expect(problems).toEqual(['cache service 50% down\nretry'])
  })

  it('lets debug lines through when the job asks for debug logging', () => {
    process.env.RUNNER_DEBUG = '1'
    const out = written(() =>
      quietLibraryCall(() => process.stdout.write('::debug::found go\n'))
    )
    expect(out).toEqual(['::debug::found go\n'])
  })
})
