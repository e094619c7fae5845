// How every entry runs its step: a failure fails the step with one line, and
// the process exits when the step is done, so that a pending keep-alive
// socket or a hung upload that hit its deadline cannot hold the step open.
import * as core from '@actions/core'

export function runStep(step: () => Promise<void>): void {
  step()
    .catch((err: unknown) => {
      core.setFailed(err instanceof Error ? err.message : String(err))
    })
    .finally(() => process.exit())
}
