// Starting and stopping the kept proxy from main's and post's side: what
// happens when there is nothing to keep, and that post signals only a
// process that is the kept proxy (never a pid the system gave to another).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startKeptProxy, stopKeptProxy } from '../../../src/steps/keep-alive.js'
import { newRunReport } from '../../../src/report/report.js'
import { runnerContext } from '../../../src/env/runner-context.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

describe('the kept proxy from main and post', () => {
  it('is not started when the chain has no public mirror, and leaves nothing', async () => {
    const dir = tempDir('kept-')
    const report = newRunReport(runnerContext())
    const kept = await startKeptProxy({
      report,
      privatePatterns: { private: [], noProxy: [], noSumdb: [] },
      concurrency: 32,
      tempDir: dir,
      idleMs: 60_000,
      maxMs: 60_000,
      env: {}
    })
    expect(kept).toEqual({ ok: false, why: 'the chain has no public mirror' })
  })

  it('leaves a process whose marker names another config alone, and still removes the spool the proxy left', async () => {
    const dir = tempDir('kept-')
    const spoolDir = join(dir, 'spool')
    mkdirSync(spoolDir)
    writeFileSync(join(spoolDir, '1.part'), 'x')
    const other = spawn('sleep', ['30'], {
      stdio: 'ignore',
      env: { ...process.env, SETUP_GOPROXY_KEPT_PROXY: join(dir, 'other.json') }
    })
    const exited = new Promise((r) => other.once('exit', r))
    try {
      await stopKeptProxy(
        {
          pid: other.pid!,
          url: 'http://127.0.0.1:1',
          recordFile: join(dir, 'record.json'),
          configFile: join(dir, 'config.json'),
          spoolDir
        },
        200
      )
      expect(other.exitCode).toBeNull()
      expect(other.signalCode).toBeNull()
      expect(existsSync(spoolDir)).toBe(false)
    } finally {
      other.kill('SIGKILL')
      await exited
    }
  })

  it('leaves a pid that is not the kept proxy alone, and still reads the record', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' })
    const exited = new Promise((r) => other.once('exit', r))
    const dir = tempDir('kept-')
    const recordFile = join(dir, 'record.json')
    writeFileSync(
      recordFile,
      JSON.stringify({
        url: 'http://127.0.0.1:1',
        record: { concurrency: 1, files: [], mirrors: [] },
        stopped: 'idle for 2 s'
      })
    )
    try {
      const file = await stopKeptProxy(
        {
          pid: other.pid!,
          url: 'http://127.0.0.1:1',
          recordFile,
          configFile: join(dir, 'config.json'),
          spoolDir: join(dir, 'spool')
        },
        200
      )
      expect(file?.stopped).toBe('idle for 2 s')
      expect(other.exitCode).toBeNull()
      expect(other.signalCode).toBeNull()
      expect(
        await stopKeptProxy(
          {
            pid: other.pid!,
            url: '',
            recordFile,
            configFile: join(dir, 'config.json'),
            spoolDir: join(dir, 'spool')
          },
          200
        )
      ).toBeUndefined()
    } finally {
      other.kill('SIGKILL')
      await exited
    }
  })
})
