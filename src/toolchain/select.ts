// Which toolchain a go command will run, decided as cmd/go's toolchain.Select
// decides it, from the effective GOTOOLCHAIN, the local toolchain and the
// `go`/`toolchain` lines of the go.work or go.mod that applies.
import type { GoModLine } from '../gomod/gomod-lines.js'
import {
  compareGoVersions,
  isLangVersion,
  versionOfToolchain
} from '../gomod/gover.js'

export interface SelectInput {
  /** GOTOOLCHAIN from the environment, else the GOENV file, else $GOROOT/go.env. */
  gotoolchain: string
  /** runtime.Version() of the go on PATH, e.g. `go1.26.8`. */
  localToolchain: string
  /** Whether the go command will run in module mode (GO111MODULE). */
  modulesEnabled: boolean
  /** The go.work (when one applies) or go.mod go reads. */
  file?: {
    path: string
    go?: GoModLine
    toolchain?: GoModLine
    /** go cannot read the file it found, and stops with this error. */
    error?: string
  }
}

/** What asked for the toolchain: GOTOOLCHAIN itself or a line of the file. */
export interface SwitchCause {
  source: 'GOTOOLCHAIN' | 'toolchain line' | 'go line'
  file?: string
  line?: number
}

export type ToolchainDecision =
  | { kind: 'local'; toolchain: string }
  | {
      kind: 'switch'
      /** Toolchain name, e.g. `go1.25.4`. */
      toolchain: string
      /** GOTOOLCHAIN=path or <name>+path: only PATH is searched, nothing is downloaded. */
      pathOnly: boolean
      cause: SwitchCause
    }
  | { kind: 'invalid'; message: string; cause?: SwitchCause }

export function selectToolchain(input: SelectInput): ToolchainDecision {
  const local: ToolchainDecision = {
    kind: 'local',
    toolchain: input.localToolchain
  }
  const setting = input.gotoolchain
  if (!input.modulesEnabled || setting === '') return local

  let minToolchain = input.localToolchain
  let minVers = versionOfToolchain(input.localToolchain)
  let mode: string
  let cause: SwitchCause = { source: 'GOTOOLCHAIN' }
  if (setting === 'auto' || setting === 'path') mode = setting
  else {
    const plus = setting.indexOf('+')
    const min = plus < 0 ? setting : setting.slice(0, plus)
    const suffix = plus < 0 ? '' : setting.slice(plus + 1)
    if (min !== 'local') {
      const v = versionOfToolchain(min)
      if (v === '')
        return {
          kind: 'invalid',
          message:
            plus < 0
              ? `invalid GOTOOLCHAIN ${JSON.stringify(setting)}`
              : `invalid GOTOOLCHAIN ${JSON.stringify(setting)}: invalid minimum toolchain ${JSON.stringify(min)}`
        }
      minToolchain = min
      minVers = v
    }
    if (plus >= 0 && suffix !== 'auto' && suffix !== 'path')
      return {
        kind: 'invalid',
        message: `invalid GOTOOLCHAIN ${JSON.stringify(setting)}: only version suffixes are +auto and +path`
      }
    mode = suffix
  }

  let chosen = minToolchain
  const file = input.file
  if ((mode === 'auto' || mode === 'path') && file?.error !== undefined)
    return { kind: 'invalid', message: file.error }
  if ((mode === 'auto' || mode === 'path') && file) {
    const toolchain = file.toolchain?.value ?? ''
    const goVers = file.go?.value ?? ''
    // `toolchain default`: only the user's own setting counts.
    if (toolchain !== 'default') {
      if (toolchain !== '') {
        const toolVers = versionOfToolchain(toolchain)
        const lineCause: SwitchCause = {
          source: 'toolchain line',
          file: file.path,
          line: file.toolchain?.line
        }
        if (toolVers === '')
          return {
            kind: 'invalid',
            message: `invalid toolchain ${JSON.stringify(toolchain)} in ${file.path}`,
            cause: lineCause
          }
        if (compareGoVersions(toolVers, minVers) > 0) {
          chosen = toolchain
          minVers = toolVers
          cause = lineCause
        }
      }
      if (compareGoVersions(goVers, minVers) > 0) {
        // Since Go 1.21 the first release of a language version is X.Y.0.
        chosen =
          'go' +
          goVers +
          (isLangVersion(goVers) && compareGoVersions(goVers, '1.21') >= 0
            ? '.0'
            : '')
        cause = { source: 'go line', file: file.path, line: file.go?.line }
      }
    }
  }

  if (chosen === 'local' || chosen === input.localToolchain) return local
  if (!chosen.startsWith('go1') && !chosen.includes('-go1'))
    return {
      kind: 'invalid',
      message: `invalid GOTOOLCHAIN ${JSON.stringify(chosen)}`,
      cause
    }
  return {
    kind: 'switch',
    toolchain: chosen,
    pathOnly: mode === 'path',
    cause
  }
}

/** The module go downloads a toolchain as (select.go gotoolchainModule). */
export const TOOLCHAIN_MODULE = 'golang.org/toolchain'

/** `v0.0.1-go1.25.4.linux-amd64`: the module version of a toolchain for a platform. */
export function toolchainModuleVersion(
  toolchain: string,
  goos: string,
  goarch: string
): string {
  return `v0.0.1-${toolchain}.${goos}-${goarch}`
}
