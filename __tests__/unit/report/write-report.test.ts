import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { writeReportFile } from '../../../src/report/write-report.js'
import type { RunReport } from '../../../src/report/report.js'
import { tempDir, cleanupTempDirs } from '../../support/temp.js'

afterEach(() => {
  cleanupTempDirs()
  jest.restoreAllMocks()
})

const report = { version: 1 } as unknown as RunReport

describe('the JSON report file', () => {
  it('lands under RUNNER_TEMP', async () => {
    const dir = tempDir('runner-temp-')
    const file = await writeReportFile(report, dir)
    expect(file?.startsWith(dir)).toBe(true)
    expect(JSON.parse(readFileSync(file!, 'utf8'))).toEqual({ version: 1 })
  })

  it('falls back to the system temporary directory when RUNNER_TEMP cannot be written', async () => {
    // A path under a file: not even root can create it.
    const file = await writeReportFile(report, '/dev/null/runner-temp')
    expect(file?.startsWith(tmpdir())).toBe(true)
    expect(JSON.parse(readFileSync(file!, 'utf8'))).toEqual({ version: 1 })
    rmSync(file!)
  })

  it('costs a warning, not the step, when nothing can be written', async () => {
    const out: string[] = []
    const write = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((s: string | Uint8Array) => {
        out.push(String(s))
        return true
      })
    try {
      await expect(
        writeReportFile(report, '/dev/null/runner-temp', '/dev/null/tmp')
      ).resolves.toBeUndefined()
    } finally {
      write.mockRestore()
    }
    expect(out.join('')).toMatch(
      /::warning::The JSON report could not be written/
    )
  })
})
