// Gathers what the toolchain switch depends on from the machine: the go on
// PATH (asked with GOTOOLCHAIN=local, which never switches), the files that
// hold GOTOOLCHAIN, and the go.work or go.mod go reads in the directory.
import { readFile } from 'node:fs/promises'
import { devNull } from 'node:os'
import * as path from 'node:path'
import { goEnvJson } from '../env/go-env-json.js'
import { goConfigValue } from './go-config.js'
import { goModLookup } from './gomod-lines.js'
import type { SelectInput } from './select.js'

type Env = Record<string, string | undefined>

export interface LocalGo {
  /** runtime.GOOS / GOARCH of the go command: the platform of the toolchain it downloads. */
  goos: string
  goarch: string
  select: SelectInput
}

const readText = (file: string) => readFile(file, 'utf8').catch(() => undefined)

/** What go reports, or why it could not be asked. */
export async function inspectLocalGo(
  env: Env,
  dir: string
): Promise<LocalGo | { error: string }> {
  const res = await goEnvJson(
    [
      'GOVERSION',
      'GOROOT',
      'GOENV',
      'GOMOD',
      'GOWORK',
      'GO111MODULE',
      'GOHOSTOS',
      'GOHOSTARCH'
    ],
    { env, cwd: dir }
  )
  if ('error' in res) return res
  const v = res.values
  const gotoolchain = goConfigValue('GOTOOLCHAIN', {
    env,
    userFile: v.GOENV ? await readText(v.GOENV) : undefined,
    gorootFile: v.GOROOT
      ? await readText(path.join(v.GOROOT, 'go.env'))
      : undefined
  })
  const gomod = v.GOMOD && v.GOMOD !== devNull ? v.GOMOD : ''
  // GO111MODULE=auto enables modules only inside a module (WillBeEnabled).
  const mode = v.GO111MODULE ?? ''
  const modulesEnabled =
    mode === 'on' || mode === '' || (mode === 'auto' && gomod !== '')
  // A go.work that does not exist (GOWORK set for `go work init`) is skipped.
  let file: SelectInput['file']
  for (const candidate of [v.GOWORK, gomod]) {
    if (!candidate) continue
    const text = await readText(candidate)
    if (text === undefined) continue
    file = {
      path: candidate,
      go: goModLookup(text, 'go'),
      toolchain: goModLookup(text, 'toolchain')
    }
    break
  }
  return {
    goos: v.GOHOSTOS,
    goarch: v.GOHOSTARCH,
    select: {
      gotoolchain,
      localToolchain: v.GOVERSION,
      modulesEnabled,
      file
    }
  }
}
