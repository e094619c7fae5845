// Libraries (@actions/cache, @actions/tool-cache) write workflow commands of
// their own: a failed restore as a ::warning:: annotation, hundreds of
// ::debug:: lines. Commands written while one of their calls runs (in that
// call's async context, not the work beside it) are taken off stdout:
// warnings and errors go back to the caller, to be reported once in the
// action's words; debug lines reach the log only when the job asks for
// debug logging.
import * as core from '@actions/core'
import { AsyncLocalStorage } from 'node:async_hooks'

const libraryCall = new AsyncLocalStorage<string[]>()
let stdoutFiltered = false

function filterLibraryCommands(): void {
  if (stdoutFiltered) return
  stdoutFiltered = true
  const stdout = process.stdout
  const write = stdout.write.bind(stdout) as (...a: unknown[]) => boolean
  stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const problems = libraryCall.getStore()
    const m =
      problems && typeof chunk === 'string'
        ? /^::(debug|warning|error)(?: [^:]*)?::(.*?)\r?\n?$/s.exec(chunk)
        : null
    if (!problems || !m || (m[1] === 'debug' && core.isDebug()))
      return write(chunk, ...rest)
    if (m[1] !== 'debug')
      problems.push(
        m[2].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
      )
    // An empty write still calls a callback the caller passed.
    return write('', ...rest)
  }) as typeof stdout.write
}

/**
 * Runs a library call with its workflow commands filtered; `problems`
 * receives the warnings and errors it wrote.
 */
export function quietLibraryCall<T>(call: () => T, problems: string[] = []): T {
  filterLibraryCommands()
  return libraryCall.run(problems, call)
}
