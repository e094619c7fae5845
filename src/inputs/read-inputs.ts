import { statSync } from 'node:fs'
import * as path from 'node:path'
import {
  InputError,
  parseBool,
  parseChoice,
  parseNumber,
  splitLines,
  splitList,
  type InputGetter
} from '../base/values.js'
import { normalizeMirrorUrl } from '../selection/mirror-url.js'
import { withActionDefaults } from './action-defaults.js'
import { readCacheInputs } from './cache-inputs.js'
import type { CacheOptions } from '../cache/options.js'
import { parseModuleVersion } from '../gomod/module-path.js'
import type { SelectionOptions } from '../selection/options.js'
import type { ProjectOptions } from '../env/project.js'
import { readPrivacyInputs } from './privacy-inputs.js'
import type { PrivacyOptions } from '../privacy/options.js'
import { readDownloadInputs } from './download-inputs.js'
import { readGoVersionInputs } from './go-version-inputs.js'
import type { GoRequest } from '../toolchain/install.js'
import type { DownloadOptions } from '../download/options.js'

export interface Inputs {
  selection: SelectionOptions
  project: ProjectOptions
  privacy: PrivacyOptions
  cache: CacheOptions
  download: DownloadOptions
  /** The Go go-version or go-version-file asks for, if any. */
  go?: GoRequest
}

/**
 * Reads and validates every input before the action changes anything.
 * working-directory and go-version-file are resolved against the workspace.
 */
export function readInputs(
  input: InputGetter,
  workspace: string,
  env: Record<string, string | undefined> = process.env,
  /** Masks a secret in the log; credentials are masked as they are read. */
  setSecret?: (secret: string) => void
): Inputs {
  const get = withActionDefaults(input)
  return {
    selection: readSelectionInputs(get),
    project: {
      workingDirectory: readWorkingDirectory(
        workspace,
        get('working-directory')
      ),
      cacheDependencyPath: splitLines(get('cache-dependency-path')),
      summary: parseBool('summary', get('summary'))
    },
    privacy: readPrivacyInputs(get, env, undefined, setSecret),
    cache: readCacheInputs(get),
    download: readDownloadInputs(get),
    go: readGoVersionInputs(get, workspace, env)
  }
}

export function readSelectionInputs(input: InputGetter): SelectionOptions {
  const get = withActionDefaults(input)
  const mirrors = unique(
    splitList(get('mirrors')).map((m) => normalizeMirrorUrl('mirrors', m))
  )
  if (mirrors.length === 0) {
    throw new InputError(
      'mirrors',
      `no mirror given (value "${get('mirrors')}"); list at least one GOPROXY URL`
    )
  }
  const privateProxies = unique(
    splitList(get('private-proxy')).map((m) =>
      normalizeMirrorUrl('private-proxy', m)
    )
  )
  const privateStrict = parseBool('private-strict', get('private-strict'))
  if (privateStrict && privateProxies.length === 0) {
    throw new InputError(
      'private-strict',
      '"true" needs private-proxy: without one, private modules are fetched directly and never reach a public mirror anyway'
    )
  }
  const probeModules = splitList(get('probe-modules')).map((s) => {
    const m = parseModuleVersion(s)
    if (!m) {
      throw new InputError(
        'probe-modules',
        `"${s}" is not of the form module/path@vX.Y.Z`
      )
    }
    return m
  })
  return {
    mirrors,
    privateProxies,
    maxMirrors: parseNumber('max-mirrors', get('max-mirrors'), {
      min: 1,
      max: 20,
      integer: true
    }),
    directFallback: parseBool('direct-fallback', get('direct-fallback')),
    fallbackOn: parseChoice('fallback-on', get('fallback-on'), [
      'any-error',
      'not-found'
    ] as const),
    privateStrict,
    probeTimeoutMs:
      parseNumber('probe-timeout', get('probe-timeout'), {
        min: 0.1,
        max: 600
      }) * 1000,
    probeModules
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)]
}

/**
 * The working directory as an absolute path. It may lie outside the
 * workspace (a checkout under RUNNER_TEMP), but it must be a directory:
 * anything else would silently probe and prefetch nothing of the project.
 */
export function readWorkingDirectory(workspace: string, value: string): string {
  const dir = path.resolve(workspace, value.trim() || '.')
  let isDirectory: boolean
  try {
    isDirectory = statSync(dir).isDirectory()
  } catch {
    throw new InputError(
      'working-directory',
      `"${value}" does not exist (resolved to ${dir})`
    )
  }
  if (!isDirectory)
    throw new InputError(
      'working-directory',
      `"${value}" is not a directory (resolved to ${dir})`
    )
  return dir
}
