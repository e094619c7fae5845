// The `report` output: the whole run report as one JSON file.
import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { RunReport } from './report.js'

/**
 * Writes the JSON report under RUNNER_TEMP (else the system's temporary
 * directory, when RUNNER_TEMP cannot be written) and sets the `report`
 * output. A report nowhere to be written costs a warning, not the step.
 */
export async function writeReportFile(
  report: RunReport,
  dir = process.env.RUNNER_TEMP || process.cwd(),
  fallback = tmpdir()
): Promise<string | undefined> {
  const name = `setup-goproxy-report-${Date.now().toString(36)}.json`
  const text = JSON.stringify(report, null, 2) + '\n'
  const failures: string[] = []
  for (const d of [dir, fallback]) {
    const file = path.join(d, name)
    try {
      await mkdir(d, { recursive: true })
      await writeFile(file, text)
      core.setOutput('report', file)
      return file
    } catch (err) {
      failures.push(`${d}: ${(err as Error).message}`)
    }
  }
  core.warning(`The JSON report could not be written (${failures.join('; ')}).`)
  return undefined
}
