// The post step: credentials put back first, whatever else happens; then the
// cache save, and its section of the job summary.
import * as core from '@actions/core'
import { renderSaveSection } from './cache/save-section.js'
import { saveCaches } from './cache/save.js'
import { parseBool } from './inputs/values.js'
import { writeJobSummary } from './report/job-summary.js'
import { restoreCredentials } from './privacy/setup.js'

async function run(): Promise<void> {
  // Credentials are put back first and whatever the cache does.
  let restoreError: unknown
  await restoreCredentials().catch((err: unknown) => {
    restoreError = err
  })
  const section = renderSaveSection(await saveCaches())
  // Main already rejected a malformed summary input, so there is no state to save then.
  if (
    section !== '' &&
    parseBool('summary', core.getInput('summary') || 'true')
  )
    await writeJobSummary(section, 'the Go cache save results are above')
  if (restoreError !== undefined) throw restoreError
}

run()
  .catch((err: unknown) => {
    core.setFailed(err instanceof Error ? err.message : String(err))
  })
  // A hung cache upload that hit its deadline must not hold the step open.
  .finally(() => process.exit())
