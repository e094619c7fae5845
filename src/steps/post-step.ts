// The post step: credentials put back first, whatever else happens; then the
// kept proxy stopped, the cache save, and their sections of the job summary.
import * as core from '@actions/core'
import { saveCaches } from '../cache/save.js'
import { renderKeptProxySection } from '../download/proxy/kept-summary.js'
import { stopKeptProxy } from './keep-alive.js'
import type {
  KeptProxyFile,
  KeptProxyState
} from '../download/proxy/kept-config.js'
import { loadState } from '../env/state.js'
import { readPostInputs } from '../inputs/post-inputs.js'
import { writeJobSummary } from '../report/job-summary.js'
import { renderPostSummary } from '../report/summary.js'
import { restoreCredentials } from '../privacy/setup.js'

export async function runPostStep(): Promise<void> {
  // Credentials are put back first and whatever the cache does.
  let restoreError: unknown
  await restoreCredentials().catch((err: unknown) => {
    restoreError = err
  })
  const kept = await stopProxy().catch((err: unknown) => {
    core.warning(
      `keep-proxy: ${err instanceof Error ? err.message : String(err)}`
    )
    return undefined
  })
  const summary = renderPostSummary({
    kept,
    saves: await saveCaches()
  })
  // Main already rejected a malformed summary input, so there is no state to save then.
  if (summary !== '' && readPostInputs((name) => core.getInput(name)).summary)
    await writeJobSummary(
      summary,
      'the local proxy and Go cache save results are above'
    )
  if (restoreError !== undefined) throw restoreError
}

/** Stops the proxy main kept for the job; what it recorded, if anything. */
async function stopProxy(): Promise<KeptProxyFile | undefined> {
  const saved = loadState('keptProxy')
  if (!saved) return undefined
  const record = await stopKeptProxy(JSON.parse(saved) as KeptProxyState)
  if (record) core.info(renderKeptProxySection(record))
  return record ?? undefined
}
