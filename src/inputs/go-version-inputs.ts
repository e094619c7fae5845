// Reads `go-version` and `go-version-file` into one request, as setup-go
// does: go-version wins when both are set, a missing file is an error, a
// file that names no version installs nothing.
import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { InputError } from '../base/values.js'
import type { GoRequest } from '../toolchain/install.js'
import {
  parseGoVersionSpec,
  versionFromFile
} from '../toolchain/version-spec.js'

export function readGoVersionInputs(
  get: (name: string) => string,
  workspace: string,
  env: Record<string, string | undefined>
): GoRequest | undefined {
  const version = get('go-version').trim()
  const file = get('go-version-file').trim()
  if (version !== '') {
    if (file !== '')
      core.warning(
        'Both go-version and go-version-file are set; go-version is used.'
      )
    return {
      input: 'go-version',
      value: version,
      spec: parseGoVersionSpec('go-version', version)
    }
  }
  if (file === '') return undefined
  let text: string
  try {
    text = readFileSync(path.resolve(workspace, file), 'utf8')
  } catch {
    throw new InputError(
      'go-version-file',
      `${JSON.stringify(file)} cannot be read`
    )
  }
  const value = versionFromFile(file, text, env.GOTOOLCHAIN === 'local')
  if (value === undefined) {
    // setup-go installs nothing then, and goes on with the go on PATH.
    core.info(
      `go-version-file: ${JSON.stringify(file)} names no Go version; using the go on PATH, if any`
    )
    return undefined
  }
  return {
    input: 'go-version-file',
    value,
    spec: parseGoVersionSpec('go-version-file', value)
  }
}
