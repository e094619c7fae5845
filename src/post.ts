import * as core from '@actions/core'
import { saveCaches } from './cache-save.js'
import { restoreCredentials } from './privacy-setup.js'

async function run(): Promise<void> {
  // Credentials are put back first and whatever the cache does.
  let restoreError: unknown
  await restoreCredentials().catch((err: unknown) => {
    restoreError = err
  })
  await saveCaches()
  if (restoreError !== undefined) throw restoreError
}

run()
  .catch((err: unknown) => {
    core.setFailed(err instanceof Error ? err.message : String(err))
  })
  // A hung cache upload that hit its deadline must not hold the step open.
  .finally(() => process.exit())
