// Gathers what the toolchain switch depends on from the machine: the go on
// PATH (asked with GOTOOLCHAIN=local, which never switches), the files that
// hold GOTOOLCHAIN, and the go.work or go.mod go reads in the directory.
import { getExecOutput } from '@actions/exec'
import { readFile } from 'node:fs/promises'
import { devNull } from 'node:os'
import * as path from 'node:path'
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
  let out
  try {
    out = await getExecOutput(
      'go',
      [
        'env',
        '-json',
        'GOVERSION',
        'GOROOT',
        'GOENV',
        'GOMOD',
        'GOWORK',
        'GO111MODULE',
        'GOHOSTOS',
        'GOHOSTARCH'
      ],
      {
        cwd: dir,
        env: { ...definedOnly(env), GOTOOLCHAIN: 'local' },
        silent: true,
        ignoreReturnCode: true
      }
    )
  } catch (e) {
    return { error: (e as Error).message }
  }
  if (out.exitCode !== 0)
    return { error: out.stderr.trim() || `go env: exit ${out.exitCode}` }
  const v = JSON.parse(out.stdout) as Record<string, string>
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

function definedOnly(env: Env): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(env))
    if (val !== undefined) out[k] = val
  return out
}
