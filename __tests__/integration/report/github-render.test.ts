// The summary harness itself: each check must catch what it is for, on
// Markdown made to have (or lack) that fault.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  GitHubRenderer,
  markdownToHtml,
  type RenderedSummary
} from '../../support/github-render.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

let renderer: GitHubRenderer
beforeAll(async () => {
  renderer = await GitHubRenderer.launch()
}, 60_000)
afterAll(async () => {
  await renderer.close()
  cleanupTempDirs()
})

async function rendered<T>(
  markdown: string,
  fn: (r: RenderedSummary) => Promise<T>
): Promise<T> {
  const r = await renderer.render(markdown)
  try {
    return await fn(r)
  } finally {
    await r.close()
  }
}

const table = (cols: number, cell: (i: number) => string) =>
  [
    '| ' + Array.from({ length: cols }, (_, i) => `h${i}`).join(' | ') + ' |',
    '|' + '---|'.repeat(cols),
    '| ' + Array.from({ length: cols }, (_, i) => cell(i)).join(' | ') + ' |'
  ].join('\n')

describe('cmark-gfm with GitHub extensions', () => {
  it('renders tables, strikethrough, task lists and autolinks; filters <script>', async () => {
    const html = await markdownToHtml(
      [
        table(2, (i) => `c${i}`),
        '',
        '~~gone~~',
        '',
        '- [x] done',
        '',
        'see https://example.test/x',
        '',
        '<script>alert(1)</script>'
      ].join('\n')
    )
    expect(html).toContain('<table>')
    expect(html).toContain('<del>gone</del>')
    expect(html).toMatch(/<input type="checkbox" checked="" disabled="" \/>/)
    expect(html).toContain('<a href="https://example.test/x">')
    expect(html).toContain('&lt;script>')
  })
})

describe('the rendered page', () => {
  it('reads back the first paragraph as the verdict line', async () => {
    const verdict = await rendered(
      '## setup-goproxy\n\n**GOPROXY** is `https://a.test`,\nchosen from 3 mirrors.\n\nmore text',
      (r) => r.firstParagraph()
    )
    expect(verdict).toBe('GOPROXY is https://a.test, chosen from 3 mirrors.')
  })

  it('has no first paragraph when the summary opens with a table', async () => {
    expect(
      await rendered(
        table(2, (i) => `v${i}`),
        (r) => r.firstParagraph()
      )
    ).toBeUndefined()
  })

  it('renders a table as a table, cells read back row by row', async () => {
    const rows = await rendered(
      table(3, (i) => (i === 1 ? '`a\\|b`' : `**v${i}**`)),
      (r) => r.tables()
    )
    expect(rows).toEqual([
      [
        ['h0', 'h1', 'h2'],
        ['v0', 'a|b', 'v2']
      ]
    ])
  })

  it('finds a backtick and escapes shown as text, and nothing in clean Markdown', async () => {
    // Escaping meant for one context used in another: backticks escaped
    // outside a code span, a doubled backslash, an entity escaped twice.
    const leaks = await rendered(
      'run \\`go mod download\\` now\n\nGOPROXY=a\\\\|b and &amp;lt;none&amp;gt;',
      (r) => r.markupLeaks()
    )
    expect(leaks.map((l) => l.found)).toEqual(['`', '`', '\\|', '&lt;', '&gt;'])
    expect(
      await rendered(
        'run `go mod download` now, a|b, <none> & `x\\|y`\n\n```\nverbatim `output` \\| kept\n```\n\n' +
          table(2, (i) => (i ? '`a\\|b`' : 'x_y')),
        (r) => r.markupLeaks()
      )
    ).toEqual([{ found: '\\|', text: 'x\\|y' }])
  })

  it('flags a table wider than the 1000 px page, also inside closed <details>', async () => {
    const long = (i: number) => `value-number-${i}-` + 'x'.repeat(40)
    const wide = await rendered(table(12, long), (r) => r.tablesWiderThanPage())
    expect(wide).toEqual([
      {
        index: 0,
        width: expect.any(Number),
        available: expect.any(Number)
      }
    ])
    expect(wide[0].width).toBeGreaterThan(wide[0].available)
    expect(wide[0].available).toBeLessThan(1000)

    const hidden = await rendered(
      `<details><summary>more</summary>\n\n${table(12, long)}\n\n</details>`,
      (r) => r.tablesWiderThanPage()
    )
    expect(hidden).toHaveLength(1)

    expect(
      await rendered(
        table(4, (i) => `v${i}`),
        (r) => r.tablesWiderThanPage()
      )
    ).toEqual([])
  })

  it('turns a [!WARNING] blockquote into an alert and measures the page', async () => {
    const tall = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`)
    const [short, long] = await Promise.all(
      [5, 60].map((n) => rendered(tall(n).join('\n\n'), (r) => r.height()))
    )
    expect(long).toBeGreaterThan(short)

    const out = join(tempDir('shot-'), 'summary.png')
    const alert = await rendered(
      'verdict\n\n> [!WARNING]\n> the cache was not saved',
      async (r) => {
        await r.screenshot(out)
        return r.page.evaluate(() => {
          const a = document.querySelector('.markdown-alert-warning')
          return (
            a && [
              a.querySelector('.markdown-alert-title')?.textContent,
              a.textContent
            ]
          )
        })
      }
    )
    expect(alert?.[0]).toBe('Warning')
    expect(alert?.[1]).not.toContain('[!WARNING]')
    expect(alert?.[1]).toContain('the cache was not saved')
    // A PNG signature, then the IHDR width: the 1000 px window.
    const png = readFileSync(out)
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.readUInt32BE(16)).toBe(1000)
  })
})
