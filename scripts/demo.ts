// `npm run demo`: the bundled action's main and post steps against a
// simulated field of mirrors on loopback and a sample Go module, as the
// runner would run them. Prints what main exported and both job summaries.
import { runDemo } from './demo-scenario.js'

console.log('Simulated mirror field:')
const { main, post, reportPath } = await runDemo({
  reportDir: '.tmp/demo',
  onField: (field) => {
    for (const m of field) console.log(`  ${m.url}  ${m.name}`)
    console.log(
      '\nRunning dist/main/index.js, then dist/post/index.js, as the runner would…\n'
    )
  }
})
console.log(`main step exit code: ${main.code}`)
console.log('\nExported environment:')
for (const [k, v] of Object.entries(main.env)) console.log(`  ${k}=${v}`)
console.log('\nOutputs:')
for (const [k, v] of Object.entries(main.outputs)) {
  // The report's own path is gone once the demo exits; its copy is kept.
  const shown = k === 'report' && reportPath ? reportPath : v
  console.log(
    `  ${k}=${shown.length > 120 ? shown.slice(0, 117) + '…' : shown}`
  )
}
for (const [name, step] of [
  ['main', main],
  ['post', post]
] as const) {
  const notes = (step?.commands ?? []).filter((c) =>
    ['error', 'warning'].includes(c.command)
  )
  if (notes.length === 0) continue
  console.log(`\nAnnotations of ${name}:`)
  for (const c of notes) console.log(`  ${c.command}: ${c.message}`)
}
console.log("\n──────── main's job summary (Markdown) ────────\n")
console.log(main.summary)
if (post) {
  console.log(`post step exit code: ${post.code}`)
  console.log("\n──────── post's job summary (Markdown) ────────\n")
  console.log(post.summary)
}
if (reportPath) console.log(`JSON report: ${reportPath}`)
process.exitCode = main.code === 0 && (post?.code ?? 0) === 0 ? 0 : 1
