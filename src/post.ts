import * as core from '@actions/core'
import { saveCaches } from './cache-save.js'

async function run(): Promise<void> {
  await saveCaches()
}

run()
  .catch((err: unknown) => {
    core.setFailed(err instanceof Error ? err.message : String(err))
  })
  // A hung cache upload that hit its deadline must not hold the step open.
  .finally(() => process.exit())
