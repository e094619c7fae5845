// A go on PATH whose `go env -json` prints something that is not JSON (a
// wrapper script that talks, a broken install) is a problem with that go,
// named with its path and what it printed, not a crash of the step.
import { afterAll, describe, expect, it } from '@jest/globals'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { closedAfterEach } from '../support/closers.js'
import { mirrorStarter } from '../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import { createRunnerContext, runActionStep } from '../support/run-action.js'
import { cleanupTempDirs, tempDir } from '../support/temp.js'

const tree = buildProxyTree()
const closers = closedAfterEach()
const mirror = mirrorStarter(tree, closers)

afterAll(() => cleanupTempDirs())

describe('a go whose go env -json is not JSON', () => {
  it('is reported as a problem with that go, and the step completes', async () => {
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)
    const bin = tempDir('broken-go-')
    const go = join(bin, 'go')
    const garbage = 'Welcome to the go wrapper! ' + 'x'.repeat(1000)
    writeFileSync(go, `#!/bin/sh\necho '${garbage}'\n`)
    chmodSync(go, 0o755)
    const m = await mirror()
    const res = await runActionStep({
      context: ctx,
      inputs: { mirrors: m.url, 'direct-fallback': 'false', download: 'false' },
      env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` }
    })
    expect(res.stderr).not.toContain('SyntaxError')
    expect(res.code).toBe(0)
    const warnings = res.commands
      .filter((c) => c.command === 'warning')
      .map((c) => c.message)
    const problem = warnings.find((w) => w.includes('not a JSON object'))
    expect(problem).toContain(
      `${go} env -json printed something that is not a JSON object of strings: "Welcome to the go wrapper! xxx`
    )
    // Truncated: the answer is named, not pasted whole.
    expect(problem?.length).toBeLessThan(500)
    expect(res.outputs.goproxy).toBe(m.url)
  }, 120_000)
})
