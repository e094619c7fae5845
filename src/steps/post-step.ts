// The post step: credentials put back first, whatever else happens; then the
// kept proxy stopped, the cache save, and their sections of the job summary.
import * as core from '@actions/core'
import { renderSaveSection } from '../cache/save-section.js'
import { saveCaches } from '../cache/save.js'
import { renderKeptProxySection } from '../download/proxy/kept-summary.js'
import { stopKeptProxy } from './keep-alive.js'
import type { KeptProxyState } from '../download/proxy/kept-config.js'
import { loadState } from '../env/state.js'
import { readPostInputs } from '../inputs/post-inputs.js'
import { writeJobSummary } from '../report/job-summary.js'
import { restoreCredentials } from '../privacy/setup.js'

export async function runPostStep(): Promise<void> {
  // Credentials are put back first and whatever the cache does.
  let restoreError: unknown
  await restoreCredentials().catch((err: unknown) => {
    restoreError = err
  })
  const proxy = await stopProxy().catch((err: unknown) => {
    core.warning(
      `keep-proxy: ${err instanceof Error ? err.message : String(err)}`
    )
    return ''
  })
  const section = proxy + renderSaveSection(await saveCaches())
  // Main already rejected a malformed summary input, so there is no state to save then.
  if (section !== '' && readPostInputs((name) => core.getInput(name)).summary)
    await writeJobSummary(
      section,
      'the local proxy and Go cache save results are above'
    )
  if (restoreError !== undefined) throw restoreError
}

/** Stops the proxy main kept for the job; its summary section, or ''. */
async function stopProxy(): Promise<string> {
  const saved = loadState('keptProxy')
  if (!saved) return ''
  const record = await stopKeptProxy(JSON.parse(saved) as KeptProxyState)
  if (!record) return ''
  const section = renderKeptProxySection(record)
  core.info(section)
  return section
}
