/// <reference lib="dom" />
// A job summary as a person sees it on GitHub: the Markdown turned into HTML
// by Debian's cmark-gfm with the extensions github.com enables, laid out with
// GitHub's Markdown CSS (the github-markdown-css package) in headless
// Chromium at a 1000 px wide window, then measured and read back.
//
// Differences from github.com, on purpose or by necessity:
// - Raw HTML is rendered (--unsafe) because GitHub renders the summary's
//   <details> and <br>; the tagfilter extension still neuters <script>,
//   <style>, <iframe> and the like, and the page runs no script of its own.
// - Alerts (`> [!WARNING]`) are a GitHub post-process; here a blockquote that
//   opens with such a marker becomes the same markdown-alert markup, without
//   the icon.
// - Fonts are the machine's (emoji from fonts-noto-color-emoji), so heights
//   and widths are close, not exact.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Page
} from 'playwright-core'

export const VIEWPORT_WIDTH = 1000

const CHROMIUM = '/usr/bin/chromium'
// Without the networking switches Chromium waits on name lookups that this
// closed network never answers.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]
const EXTENSIONS = [
  'table',
  'strikethrough',
  'autolink',
  'tagfilter',
  'tasklist'
]

/** HTML of `markdown` as cmark-gfm renders it with GitHub's extensions. */
export function markdownToHtml(markdown: string): Promise<string> {
  const args = EXTENSIONS.flatMap((e) => ['-e', e])
  args.push('--unsafe', '--github-pre-lang')
  return new Promise((resolve, reject) => {
    const child = spawn('cmark-gfm', args, {
      stdio: ['pipe', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString())
      else
        reject(
          new Error(
            `cmark-gfm exited ${code}: ${Buffer.concat(err).toString()}`
          )
        )
    })
    child.stdin.end(markdown)
  })
}

let css: string | undefined
function githubCss(): string {
  css ??= readFileSync(
    createRequire(import.meta.url).resolve(
      'github-markdown-css/github-markdown-light.css'
    ),
    'utf8'
  )
  return css
}

/** A whole page: the body HTML in GitHub's markdown-body, as on a summary. */
export function githubPage(bodyHtml: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<style>${githubCss()}
body { margin: 0; background: #fff; }
.markdown-body { box-sizing: border-box; padding: 16px 32px; }
</style></head>
<body><article class="markdown-body">
${bodyHtml}
</article></body></html>`
}

export interface MarkupLeak {
  /** What was found: a backtick or an escape such as `\|` or `&lt;`. */
  found: string
  /** The text node it is in. */
  text: string
}

export interface WideTable {
  /** Position among the page's tables, from 0. */
  index: number
  /** Width the table needs, px. */
  width: number
  /** Width the summary has for it, px. */
  available: number
}

/** One rendered summary, open in its own browser page. */
export interface RenderedSummary {
  /** The Playwright page, for queries the helpers below do not cover. */
  page: Page
  /** The HTML given to the page (the Markdown body, alerts not yet applied). */
  html: string
  /** Text of the summary's first top-level paragraph (the verdict line). */
  firstParagraph(): Promise<string | undefined>
  /**
   * Markdown syntax visible as text: backticks, backslash escapes (`\|`,
   * `\_`, `` \` ``, `\*`) and entities shown literally (`&lt;`, `&gt;`,
   * `&amp;`). Text inside <pre> (verbatim program output) is not checked.
   */
  markupLeaks(): Promise<MarkupLeak[]>
  /** Tables (closed <details> opened first) that need more width than the summary has. */
  tablesWiderThanPage(): Promise<WideTable[]>
  /** Table cells holding a figure with its unit ("400 KiB", "1.2 s") drawn on more than one line. */
  brokenFigures(): Promise<string[]>
  /** Each table's cells as text, row by row, header row first. */
  tables(): Promise<string[][][]>
  /** Height of the whole page, px. */
  height(): Promise<number>
  /** A PNG of the summary, the page's full width and no taller than it. */
  screenshot(path: string): Promise<void>
  close(): Promise<void>
}

/** One Chromium for many renders; start it once per test file. */
export class GitHubRenderer {
  private constructor(private readonly browser: Browser) {}

  static async launch(): Promise<GitHubRenderer> {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS
    })
    return new GitHubRenderer(browser)
  }

  async render(markdown: string): Promise<RenderedSummary> {
    const html = await markdownToHtml(markdown)
    const context = await this.browser.newContext({
      viewport: { width: VIEWPORT_WIDTH, height: 800 },
      javaScriptEnabled: false
    })
    try {
      return await openSummary(context, html)
    } catch (e) {
      await context.close()
      throw e
    }
  }

  close(): Promise<void> {
    return this.browser.close()
  }
}

async function openSummary(
  context: BrowserContext,
  html: string
): Promise<RenderedSummary> {
  // The page is self-contained; any request it makes would leave loopback.
  await context.route('**/*', (route) => route.abort())
  const page = await context.newPage()
  await page.setContent(githubPage(html), { waitUntil: 'load' })
  await page.evaluate(applyAlerts)
  return {
    page,
    html,
    firstParagraph: () =>
      page.evaluate(
        () =>
          document
            .querySelector('.markdown-body > p')
            ?.textContent?.replace(/\s+/g, ' ')
            .trim() ?? undefined
      ),
    markupLeaks: () => page.evaluate(findMarkupLeaks),
    tablesWiderThanPage: () => page.evaluate(findWideTables),
    brokenFigures: () => page.evaluate(findBrokenFigures),
    tables: () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll('.markdown-body table')).map((t) =>
          Array.from(t.querySelectorAll('tr')).map((tr) =>
            Array.from(tr.querySelectorAll('th, td')).map((c) =>
              (c.textContent ?? '').trim()
            )
          )
        )
      ),
    height: () =>
      page.evaluate(
        () => document.documentElement.getBoundingClientRect().height
      ),
    screenshot: async (path) => {
      await page.locator('.markdown-body').screenshot({ path })
    },
    close: () => context.close()
  }
}

// The functions below run in the page (Playwright serialises them), so they
// use nothing from this module.

function applyAlerts(): void {
  const kinds = ['NOTE', 'TIP', 'IMPORTANT', 'WARNING', 'CAUTION']
  for (const quote of Array.from(document.querySelectorAll('blockquote'))) {
    const first = quote.firstElementChild
    const lead = first?.firstChild
    if (first?.tagName !== 'P' || lead?.nodeType !== Node.TEXT_NODE) continue
    const m = /^\[!([A-Z]+)\][ \t]*(\n|$)/.exec(lead.textContent ?? '')
    if (!m || !kinds.includes(m[1])) continue
    lead.textContent = (lead.textContent ?? '').slice(m[0].length)
    if (first.textContent?.trim() === '') first.remove()
    const alert = document.createElement('div')
    alert.className = `markdown-alert markdown-alert-${m[1].toLowerCase()}`
    const title = document.createElement('p')
    title.className = 'markdown-alert-title'
    title.textContent = m[1][0] + m[1].slice(1).toLowerCase()
    alert.append(title, ...Array.from(quote.childNodes))
    quote.replaceWith(alert)
  }
}

function findMarkupLeaks(): { found: string; text: string }[] {
  const pattern = /`|\\[|_*`\\[\]<>#]|&(?:lt|gt|amp|quot|#\d+);/g
  const leaks: { found: string; text: string }[] = []
  const walker = document.createTreeWalker(
    document.querySelector('.markdown-body')!,
    NodeFilter.SHOW_TEXT
  )
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement?.closest('pre')) continue
    const text = n.textContent ?? ''
    for (const m of text.matchAll(pattern)) leaks.push({ found: m[0], text })
  }
  return leaks
}

// A figure and its unit on two lines reads as two values. A cell's line
// boxes tell: one line has one distinct top.
function findBrokenFigures(): string[] {
  for (const d of Array.from(document.querySelectorAll('details')))
    d.open = true
  const figure = /^[~≈]?\d[\d.,]*\s?(?:B|KiB|MiB|GiB|ms|s|min)(?:\/s)?$/
  const broken: string[] = []
  document.querySelectorAll('.markdown-body td').forEach((td) => {
    const text = (td.textContent ?? '').trim()
    if (!figure.test(text)) return
    const range = document.createRange()
    range.selectNodeContents(td)
    const tops = new Set(
      Array.from(range.getClientRects()).map((r) => Math.round(r.top))
    )
    if (tops.size > 1) broken.push(text)
  })
  return broken
}

function findWideTables(): {
  index: number
  width: number
  available: number
}[] {
  for (const d of Array.from(document.querySelectorAll('details')))
    d.open = true
  const body = document.querySelector('.markdown-body')!
  const style = getComputedStyle(body)
  const available =
    body.clientWidth -
    parseFloat(style.paddingLeft) -
    parseFloat(style.paddingRight)
  const wide: { index: number; width: number; available: number }[] = []
  document.querySelectorAll('.markdown-body table').forEach((t, index) => {
    // GitHub's CSS gives a table max-width 100% and a scroll bar: the width
    // it needs is its scroll width, whatever box it is drawn in.
    const width = Math.max(t.scrollWidth, t.getBoundingClientRect().width)
    if (width > available + 0.5) wide.push({ index, width, available })
  })
  return wide
}
