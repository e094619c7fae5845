// Orders the Go-related work of the main step. The Go that will run decides
// which toolchain go switches to and the build cache key, so the toolchain
// plan and the cache restore start once that Go is in place: at once when
// there is nothing to install or the tool cache has it, after the install
// from the mirrors otherwise (which needs the ranked chain and GOSUMDB).
import * as core from '@actions/core'
import type { ChainResult } from '../selection/chain.js'
import type { CacheProject } from '../cache/restore.js'
import { restoreCaches } from '../cache/restore.js'
import type { CacheOptions } from '../cache/options.js'
import {
  finishGoInstall,
  startGoInstall
} from '../toolchain/go-install-step.js'
import { planToolchain, type ToolchainPlan } from '../toolchain/prepare.js'
import type { GoRequest } from '../toolchain/install.js'

export interface GoAndCaches {
  toolchain: ToolchainPlan
  restore: ReturnType<typeof restoreCaches>
}

export interface GoSetup {
  /** Installs from the mirrors when the tool cache could not serve go-version. */
  finishInstall(o: {
    chain: ChainResult
    gosumdb: string
    timeoutMs: number
  }): Promise<void>
  /** The toolchain plan and the running cache restore (started once). */
  caches(): Promise<GoAndCaches>
}

export async function startGoSetup(
  request: GoRequest | undefined,
  cache: CacheOptions,
  project: Omit<CacheProject, 'toolchainVersion'>,
  workspace: string
): Promise<GoSetup> {
  const install = request && (await startGoInstall(request))
  let started: Promise<GoAndCaches> | undefined
  const caches = () =>
    (started ??= (async () => {
      const toolchain = await planToolchain(
        { ...process.env },
        workspace,
        project.workingDirectory
      )
      toolchain.report.install = install?.report
      setGoVersionOutput(toolchain, install?.report.version)
      const restore = restoreCaches(cache, {
        ...project,
        toolchainVersion: toolchain.moduleVersion
      })
      return { toolchain, restore }
    })())
  // Started now, awaited by main after the probe: the toolchain plan (a go
  // command that writes nothing) and then the restore run beside the probe,
  // and before any go command can write to GOMODCACHE. A failure surfaces
  // where main awaits it.
  if (!install?.pending) caches().catch(() => undefined)
  return {
    finishInstall: async (o) => {
      if (install) await finishGoInstall(install, o)
    },
    caches
  }
}

/**
 * As setup-go sets it: the Go in use, whether or not this step installed
 * it (`go1.25.4 X:boringcrypto` from go env is `1.25.4`, as in `go version`).
 */
function setGoVersionOutput(
  toolchain: ToolchainPlan,
  installed: string | undefined
): void {
  const inUse = toolchain.report.local?.split(' ')[0].replace(/^go/, '')
  const version = inUse ?? installed
  if (version !== undefined) core.setOutput('go-version', version)
}
