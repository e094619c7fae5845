// Gathers what the toolchain switch depends on from the machine: the go on
// PATH (asked with GOTOOLCHAIN=local, which never switches), the files that
// hold GOTOOLCHAIN, and the go.work or go.mod go reads in the directory.
import { readFile, stat } from 'node:fs/promises'
import { devNull } from 'node:os'
import * as path from 'node:path'
import { goEnvJson } from '../gomod/go-env-json.js'
import { goConfigValue } from './go-config.js'
import { goModLookup } from '../gomod/gomod-lines.js'
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
  return {
    goos: v.GOHOSTOS,
    goarch: v.GOHOSTARCH,
    select: {
      gotoolchain,
      localToolchain: v.GOVERSION,
      modulesEnabled,
      file: await switchFile([v.GOWORK, gomod])
    }
  }
}

/**
 * The go.work or go.mod go reads for the switch (modGoToolchain): a go.work
 * that does not exist (GOWORK set for `go work init`) is skipped, one that
 * exists but cannot be read (a directory) stops go.
 */
async function switchFile(
  candidates: (string | undefined)[]
): Promise<SelectInput['file']> {
  for (const candidate of candidates) {
    if (!candidate || !(await stat(candidate).catch(() => undefined))) continue
    const text = await readFile(candidate, 'utf8').catch((e: unknown) => ({
      error: goReadError(candidate, e as NodeJS.ErrnoException)
    }))
    if (typeof text !== 'string') return { path: candidate, ...text }
    return {
      path: candidate,
      go: goModLookup(text, 'go'),
      toolchain: goModLookup(text, 'toolchain')
    }
  }
  return undefined
}

/** os.ReadFile's error as go prints it: `read /x: is a directory`. */
function goReadError(file: string, e: NodeJS.ErrnoException): string {
  if (e.code === 'EISDIR') return `read ${file}: is a directory`
  if (e.code === 'EACCES') return `open ${file}: permission denied`
  return `open ${file}: ${e.message}`
}
