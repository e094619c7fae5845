// The job summary is best-effort: some runners have none (GitHub Enterprise
// Server before 3.6, some Actions-compatible runners), and a summary that
// cannot be written must not fail a step whose work is done.
import * as core from '@actions/core'

/**
 * Appends `markdown` to the job summary. Without one, or when writing
 * fails, logs `headline` instead and goes on; true when it was written.
 */
export async function writeJobSummary(
  markdown: string,
  headline: string
): Promise<boolean> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info(
      `This runner has no job summary (GITHUB_STEP_SUMMARY is not set): ${headline}`
    )
    return false
  }
  try {
    await core.summary.addRaw(markdown).write()
    return true
  } catch (e) {
    core.summary.emptyBuffer()
    core.warning(
      `The job summary could not be written (${e instanceof Error ? e.message : String(e)}): ${headline}`
    )
    return false
  }
}
