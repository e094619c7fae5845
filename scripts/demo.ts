// `npm run demo`: the bundled action's main step against a simulated field of
// mirrors on loopback and a sample Go module, as the runner would run it.
// Prints what the step exported and the job summary it wrote.
import { join } from 'node:path'
import { startFakeCacheService } from '../__tests__/support/fake-cache-service.js'
import { startMirror, type Mirror } from '../__tests__/support/mirror-server.js'
import {
  buildProxyTree,
  writeConsumerModule
} from '../__tests__/support/modules.js'
import {
  createRunnerContext,
  runActionJob
} from '../__tests__/support/run-action.js'
import { cleanupTempDirs } from '../__tests__/support/temp.js'

const KiB = 1024

async function main(): Promise<void> {
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
  const field: [string, Parameters<typeof startMirror>[1]][] = [
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
  // Like goproxy.cn, the simulated mirrors proxy the checksum database, so
  // the demo never looks for sum.golang.org.
  for (const [, profile] of field) {
    mirrors.push(await startMirror(tree, { sumdbSupported: 200, ...profile }))
  }
  const cache = await startFakeCacheService()
  try {
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)
    console.log('Simulated mirror field:')
    field.forEach(([name], i) => console.log(`  ${mirrors[i].url}  ${name}`))
    console.log('\nRunning dist/main/index.js as the runner would…\n')
    const job = await runActionJob({
      context: ctx,
      // npm runs scripts from the package root.
      actionYml: join(process.cwd(), 'action.yml'),
      dist: process.env.SETUP_GOPROXY_DIST ?? join(process.cwd(), 'dist'),
      env: { ...cache.env('v2'), GOTOOLCHAIN: 'local' },
      inputs: {
        mirrors: mirrors.map((m) => m.url).join('\n'),
        'probe-timeout': '8'
      }
    })
    const { main } = job
    console.log(`main step exit code: ${main.code}`)
    console.log('\nExported environment:')
    for (const [k, v] of Object.entries(main.env)) console.log(`  ${k}=${v}`)
    console.log('\nOutputs:')
    for (const [k, v] of Object.entries(main.outputs)) {
      console.log(`  ${k}=${v.length > 120 ? v.slice(0, 117) + '…' : v}`)
    }
    const notes = main.commands.filter((c) =>
      ['error', 'warning'].includes(c.command)
    )
    if (notes.length > 0) {
      console.log('\nAnnotations:')
      for (const c of notes) console.log(`  ${c.command}: ${c.message}`)
    }
    console.log('\n──────── job summary (Markdown) ────────\n')
    console.log(main.summary)
    if (job.post) console.log(`post step exit code: ${job.post.code}`)
    process.exitCode = main.code ?? 1
  } finally {
    await Promise.all(mirrors.map((m) => m.close()))
    await cache.close()
    cleanupTempDirs()
  }
}

await main()
