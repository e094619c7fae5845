import { describe, expect, it } from '@jest/globals'
import { runWithDeadline } from '../../../src/gomod/run-with-deadline.js'

const node = process.execPath

describe('runWithDeadline', () => {
  it('passes output on and returns the exit code', async () => {
    let out = ''
    let err = ''
    const run = await runWithDeadline(
      node,
      [
        '-e',
        "process.stdout.write('to out'); process.stderr.write('to err'); process.exit(3)"
      ],
      {
        env: { PATH: process.env.PATH },
        deadlineMs: 600_000,
        onStdout: (s) => (out += s),
        onStderr: (s) => (err += s)
      }
    )
    expect(run).toEqual({ code: 3, timedOut: false, spawnError: undefined })
    expect(out).toBe('to out')
    expect(err).toBe('to err')
  })

  it('kills the process and what it started at the deadline', async () => {
    // The grandchild holds stdout open, so the run only ends once the whole
    // tree is gone; a grandchild left alive would hang this test.
    const grandchild = `require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' }); setInterval(() => {}, 1000)`
    let out = ''
    const run = await runWithDeadline(node, ['-e', grandchild], {
      env: { PATH: process.env.PATH },
      deadlineMs: 300,
      onStdout: (s) => (out += s)
    })
    expect(run.timedOut).toBe(true)
    expect(run.code).toBeNull()
    expect(out).toBe('')
  })

  it('reports a command that cannot be started', async () => {
    const run = await runWithDeadline('no-such-command-for-this-test', [], {
      env: { PATH: process.env.PATH },
      deadlineMs: 600_000
    })
    expect(run.timedOut).toBe(false)
    expect(run.spawnError).toMatch(/ENOENT/)
  })
})
