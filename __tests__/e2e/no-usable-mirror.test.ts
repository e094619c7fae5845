// A leg where no mirror is usable fails, but leaves its report, the outputs
// that are known and a summary with the verdict; a merge of the matrix shows
// that leg as failed and names the legs whose report never came.
import { afterAll, describe, expect, it } from '@jest/globals'
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { closedAfterEach } from '../support/closers.js'
import { mirrorStarter } from '../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import { createRunnerContext, runActionStep } from '../support/run-action.js'
import { cleanupTempDirs } from '../support/temp.js'

const tree = buildProxyTree()
const closers = closedAfterEach()
const mirror = mirrorStarter(tree, closers)

afterAll(() => cleanupTempDirs())

describe('no usable mirror', () => {
  it('fails with a report, the probe results and a verdict; the merge shows the failed leg and the missing one', async () => {
    const leg = createRunnerContext()
    await writeConsumerModule(leg.workspace, tree)
    const broken = await mirror({ status: 500 })
    const main = await runActionStep({
      context: leg,
      inputs: {
        mirrors: broken.url,
        'direct-fallback': 'false',
        'probe-timeout': '5',
        cache: 'false'
      }
    })
    expect(main.code).not.toBe(0)
    const file = main.outputs.report
    expect(file).toBeTruthy()
    expect(existsSync(file)).toBe(true)
    const report = JSON.parse(readFileSync(file, 'utf8')) as {
      failure?: string
      probe?: { mirrors: { url: string }[] }
    }
    expect(report.failure).toMatch(/No candidate mirror passed its probe/)
    expect(report.probe?.mirrors.map((m) => m.url)).toEqual([broken.url])
    expect(
      JSON.parse(main.outputs['probe-results']).probe.mirrors
    ).toHaveLength(1)
    expect(main.summary).toContain(
      '**the step failed:** No candidate mirror passed its probe'
    )

    // The matrix's merge job: this leg's report downloaded as an artifact,
    // the other leg's never uploaded.
    const merge = createRunnerContext()
    mkdirSync(join(merge.workspace, 'reports', 'leg-linux'), {
      recursive: true
    })
    copyFileSync(file, join(merge.workspace, 'reports', 'leg-linux', 'r.json'))
    const merged = await runActionStep({
      context: merge,
      inputs: {
        'merge-reports': 'reports/*/*.json',
        'expected-legs': 'leg-linux\nleg-windows'
      }
    })
    expect(merged.code).toBe(0)
    // Legs are named without the artifact prefix they share (`leg-`).
    expect(merged.summary).toContain(
      '❌ **0 of 2 legs fine**; **1 report missing**: `windows`; linux: step failed: No candidate mirror passed its probe'
    )
    expect(merged.summary).toContain(
      '1 leg report found (artifacts `leg-*`), 2 expected: **1 missing**.'
    )
    expect(
      merged.summary.split('\n').find((l) => l.startsWith('| linux'))
    ).toContain('❌ step failed: No candidate mirror passed its probe')
    expect(merged.summary).toContain(
      '| windows | – | – | – | – | – | – | ❌ wrote no report |'
    )
    expect(
      merged.commands
        .filter((c) => c.command === 'warning')
        .map((c) => c.message)
    ).toEqual(['merge-reports: 1 expected leg report(s) missing: leg-windows'])
  }, 120_000)
})
