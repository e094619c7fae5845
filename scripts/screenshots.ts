// `npm run screenshots`: the demo's main and post job summaries rendered as
// GitHub shows them (see __tests__/support/github-render.ts), written to
// docs/summary-main.png and docs/summary-post.png.
import { join } from 'node:path'
import { GitHubRenderer } from '../__tests__/support/github-render.js'
import { runDemo } from './demo-scenario.js'

const { main, post } = await runDemo()
if (main.code !== 0 || post?.code !== 0)
  throw new Error(
    `the demo's steps failed (main ${main.code}, post ${post?.code}):\n${main.stderr}${post?.stderr ?? ''}`
  )
const renderer = await GitHubRenderer.launch()
try {
  for (const [name, markdown] of [
    ['main', main.summary],
    ['post', post.summary]
  ] as const) {
    const page = await renderer.render(markdown)
    const file = join('docs', `summary-${name}.png`)
    await page.screenshot(file)
    console.log(`${file}: ${await page.height()} px high`)
    await page.close()
  }
} finally {
  await renderer.close()
}
