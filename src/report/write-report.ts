// The `report` output: the whole run report as one JSON file.
import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import type { RunReport } from './report.js'

/** Writes the JSON report under RUNNER_TEMP and sets the `report` output. */
export async function writeReportFile(
  report: RunReport,
  dir = process.env.RUNNER_TEMP || process.cwd()
): Promise<string> {
  await mkdir(dir, { recursive: true })
  const file = path.join(
    dir,
    `setup-goproxy-report-${Date.now().toString(36)}.json`
  )
  await writeFile(file, JSON.stringify(report, null, 2) + '\n')
  core.setOutput('report', file)
  return file
}
