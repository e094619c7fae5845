// Puts an installed Go in use for this and later steps, with what
// actions/setup-go exports for it, so that a job mixing both actions sees
// one consistent Go.
import * as core from '@actions/core'
import { mkdir } from 'node:fs/promises'
import * as path from 'node:path'
import { goEnvJson } from '../gomod/go-env-json.js'
import { compareGoVersions } from '../gomod/gover.js'

export async function activateGo(dir: string, version: string): Promise<void> {
  core.addPath(path.join(dir, 'bin'))
  // Since Go 1.9 go finds its GOROOT from its own path. An exported GOROOT
  // outlives this Go: a later setup-go step then runs its go against our
  // standard library, and every build fails on the version mismatch.
  if (compareGoVersions(version, '1.9') < 0) core.exportVariable('GOROOT', dir)
  // Later steps keep this Go instead of switching on a go.mod line.
  core.exportVariable('GOTOOLCHAIN', 'local')
  await addGopathBin(process.env)
}

/** Where `go install` puts commands by default: on PATH, as setup-go does. */
async function addGopathBin(
  env: Record<string, string | undefined>
): Promise<void> {
  const res = await goEnvJson(['GOPATH'], { env, cwd: process.cwd() })
  if ('error' in res)
    throw new Error(`go env GOPATH failed with the installed Go: ${res.error}`)
  // go install writes to the first GOPATH entry.
  const first = res.values.GOPATH.split(path.delimiter)[0]
  if (!first) return
  const bin = path.join(first, 'bin')
  await mkdir(bin, { recursive: true })
  core.addPath(bin)
}
