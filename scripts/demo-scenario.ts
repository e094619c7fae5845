// The demo's scenario: the bundled action's main and post steps, as the
// runner runs them, against a simulated field of mirrors on loopback, a
// sample Go module and the fake cache service. Used by `npm run demo` and
// `npm run screenshots`.
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeCacheService } from '../__tests__/support/fake-cache-service.js'
import { startMirror, type Mirror } from '../__tests__/support/mirror-server.js'
import {
  buildProxyTree,
  writeConsumerModule
} from '../__tests__/support/modules.js'
import {
  createRunnerContext,
  runActionJob,
  type StepResult
} from '../__tests__/support/run-action.js'
import { cleanupTempDirs } from '../__tests__/support/temp.js'

const KiB = 1024

export interface DemoResult {
  /** Each simulated mirror's URL and what is wrong with it. */
  field: { url: string; name: string }[]
  main: StepResult
  post?: StepResult
  /** The JSON report, copied out of the job's temporary directory. */
  reportPath?: string
}

/**
 * Runs the scenario; every server and temporary directory is gone when it
 * returns. `reportDir` keeps a copy of the JSON report (relative to the
 * current directory, which npm sets to the package root).
 */
export async function runDemo(
  opts: { reportDir?: string; onField?: (f: DemoResult['field']) => void } = {}
): Promise<DemoResult> {
  const tree = buildProxyTree([
    {
      path: 'example.test/alpha',
      versions: ['v1.0.0', 'v1.2.0'],
      zipSize: 400 * KiB
    },
    { path: 'example.test/beta/v2', versions: ['v2.1.0'], zipSize: 900 * KiB },
    { path: 'example.test/Gamma', versions: ['v1.0.0'], zipSize: 250 * KiB },
    { path: 'example.test/delta', versions: ['v0.3.0'], zipSize: 1200 * KiB }
  ])
  const alpha = tree.latest('example.test/alpha')
  const profiles: [string, Parameters<typeof startMirror>[1]][] = [
    ['near but thin', { latencyMs: 3, bandwidth: 300 * KiB }],
    ['far but wide', { latencyMs: 40, bandwidth: 40 * 1024 * KiB }],
    ['hanging', { hang: true }],
    [
      'flaky (502 on zips)',
      { latencyMs: 10, status: [{ path: /\.zip$/, status: 502 }] }
    ],
    ['stale', { latencyMs: 5, stale: [`${alpha.path}@${alpha.version}`] }],
    ['rate limited', { latencyMs: 5, rateLimit: { retryAfter: 60, after: 2 } }],
    ['captive portal', { html: true }]
  ]
  const mirrors: Mirror[] = []
  const cache = await startFakeCacheService()
  try {
    // Like goproxy.cn, the simulated mirrors proxy the checksum database, so
    // the demo never looks for sum.golang.org.
    for (const [, profile] of profiles) {
      mirrors.push(await startMirror(tree, { sumdbSupported: 200, ...profile }))
    }
    const field = profiles.map(([name], i) => ({ url: mirrors[i].url, name }))
    opts.onField?.(field)
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)
    // main, then post with the state main saved, as the runner would.
    const job = await runActionJob({
      context: ctx,
      actionYml: join(process.cwd(), 'action.yml'),
      dist: process.env.SETUP_GOPROXY_DIST ?? join(process.cwd(), 'dist'),
      env: { ...cache.env('v2'), GOTOOLCHAIN: 'local' },
      inputs: {
        mirrors: mirrors.map((m) => m.url).join('\n'),
        'probe-timeout': '8'
      }
    })
    let reportPath: string | undefined
    const report = job.main.outputs.report
    if (opts.reportDir && report) {
      mkdirSync(opts.reportDir, { recursive: true })
      reportPath = join(opts.reportDir, 'report.json')
      copyFileSync(report, reportPath)
    }
    return { field, main: job.main, post: job.post, reportPath }
  } finally {
    await Promise.all(mirrors.map((m) => m.close()))
    await cache.close()
    cleanupTempDirs()
  }
}
