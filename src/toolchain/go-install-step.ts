// The two moments of a go-version install in main: before anything else,
// the tool cache (no network needed); after the mirrors are ranked and the
// checksum database chosen, the mirrors.
import { arch as nodeArch, platform as nodePlatform, tmpdir } from 'node:os'
import type { ChainResult } from '../selection/chain.js'
import { activateGo } from './activate.js'
import {
  findInToolCache,
  installFromMirrors,
  type GoInstallReport,
  type GoRequest
} from './install.js'

export interface GoInstallStep {
  request: GoRequest
  report: GoInstallReport
  /** True until the mirrors have been asked. */
  pending: boolean
}

export async function startGoInstall(
  request: GoRequest
): Promise<GoInstallStep> {
  const report: GoInstallReport = {
    input: request.input,
    requested: request.value
  }
  const found = await findInToolCache(request.spec, nodeArch())
  if (!found) return { request, report, pending: true }
  report.version = found.version
  report.source = 'tool-cache'
  await activateGo(found.dir, found.version)
  return { request, report, pending: false }
}

export async function finishGoInstall(
  step: GoInstallStep,
  o: { chain: ChainResult; gosumdb: string; timeoutMs: number }
): Promise<void> {
  if (!step.pending) return
  const dir = await installFromMirrors(
    step.request,
    {
      mirrors: o.chain.entries
        .filter((e) => e.role === 'mirror')
        .map((e) => e.url),
      goproxy: o.chain.goproxy,
      gosumdb: o.gosumdb,
      arch: nodeArch(),
      platform: nodePlatform(),
      http: { timeoutMs: o.timeoutMs },
      tempDir: process.env.RUNNER_TEMP || tmpdir()
    },
    step.report
  )
  step.pending = false
  await activateGo(dir, step.report.version!)
}
