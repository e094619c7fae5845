// `setup-goproxy download` on a terminal (a pseudo-terminal from script(1))
// draws a progress line on stderr and erases it before the summary; through
// a pipe it draws nothing. Loopback mirrors and the real go only.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { closedAfterEach } from '../support/closers.js'
import { collect } from '../support/collect.js'
import { mirrorStarter } from '../support/mirror-server.js'
import { buildProxyTree, writeConsumerModule } from '../support/modules.js'
import { createRunnerContext, loopbackGoEnv } from '../support/run-action.js'
import { CLI, runCli } from '../support/run-cli.js'
import { cleanupTempDirs } from '../support/temp.js'

const tree = buildProxyTree()
const closers = closedAfterEach()
const mirror = mirrorStarter(tree, closers)
const ERASE = '\r\x1b[K'

afterAll(() => cleanupTempDirs())

const quote = (s: string) => `'${s.replace(/'/gu, `'\\''`)}'`

describe('setup-goproxy download progress', () => {
  it('draws the line on a terminal, erased before the summary; nothing through a pipe', async () => {
    const ctx = createRunnerContext()
    await writeConsumerModule(ctx.workspace, tree)
    // Slow zips keep the download open long enough for a line to be drawn.
    const live = await mirror({
      latencyMs: (p) => (p.endsWith('.zip') ? 400 : 0)
    })
    const env = (cache: string) => {
      mkdirSync(cache)
      return {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: ctx.home,
        ...loopbackGoEnv(ctx),
        GOMODCACHE: cache
      }
    }
    const args = ['download', '--mirrors', live.url]
    const tty = await collect(
      'script',
      [
        '-qfec',
        [process.execPath, CLI, ...args].map(quote).join(' '),
        '/dev/null'
      ],
      { cwd: ctx.workspace, env: env(join(ctx.root, 'tty')), timeoutMs: 60_000 }
    )
    expect(tty.code).toBe(0)
    const host = live.url.replace(/^http:\/\//u, '')
    expect(tty.stdout).toMatch(
      new RegExp(`\\r\\x1b\\[K(go alone: )?files \\d+[^\\r\\n]* ${host} \\d+`)
    )
    // The last write to the terminal's line erases it; the summary follows.
    const after = tty.stdout.slice(tty.stdout.lastIndexOf(ERASE) + ERASE.length)
    expect(after).toMatch(/^GOPROXY=\S+\r?\n\d+ module versions:/u)

    const piped = await runCli(args, {
      cwd: ctx.workspace,
      env: env(join(ctx.root, 'pipe'))
    })
    expect(piped.code).toBe(0)
    expect(piped.stderr).not.toContain('\x1b[K')
    expect(piped.stdout).toMatch(/module versions:/)
  })
})
