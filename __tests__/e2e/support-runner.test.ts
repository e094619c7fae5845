// Proves the runner harness against the real @actions/core: the bundled
// action's view of inputs, file commands, workflow commands, state and PATH
// is the one the GitHub runner gives it.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { goTempDir } from '../support/go.js'
import {
  createRunnerContext,
  runActionJob,
  runActionStep
} from '../support/run-action.js'
import {
  parseFileCommand,
  parseWorkflowCommands,
  readActionDefaults
} from '../support/runner-formats.js'
import { cleanupTempDirs } from '../support/temp.js'

afterAll(() => cleanupTempDirs())

// A stand-in action using the real @actions/core, to check the harness
// against the toolkit's own file-command and workflow-command formats.
function writeFixtureAction(): string {
  const dist = goTempDir('fixture-dist-')
  const core = pathToFileURL(
    resolve('node_modules/@actions/core/lib/core.js')
  ).href
  const main = `
import * as core from ${JSON.stringify(core)}
const nodeOptions = process.env.NODE_OPTIONS ?? null
core.setSecret('s3cr3t')
core.exportVariable('MULTI', 'line1\\nline2')
core.exportVariable('NODE_OPTIONS', '--require=/nonexistent.js')
core.exportVariable('MAIN_OUTPUT', process.env.GITHUB_OUTPUT)
core.addPath('/opt/fixture/bin')
core.saveState('token-file', process.cwd() + '/token')
core.setOutput('seen', JSON.stringify({
  mirrors: core.getInput('mirrors'),
  maxMirrors: core.getInput('max-mirrors'),
  fallbackOn: core.getInput('fallback-on'),
  nodeOptions,
  cwd: process.cwd(),
  home: process.env.HOME,
  extra: process.env.EXTRA ?? null
}))
core.warning('odd: 50%, a,b', { file: 'go.sum', startLine: 3, title: 'T:1' })
core.debug('dbg')
await core.summary.addHeading('Mirrors').addRaw('hello').write()
core.setFailed(process.env.FAIL_MAIN ?? 'unused')
if (!process.env.FAIL_MAIN) process.exitCode = 0
`
  const post = `
import * as core from ${JSON.stringify(core)}
core.setOutput('post', JSON.stringify({
  state: core.getState('token-file'),
  multi: process.env.MULTI ?? null,
  nodeOptions: process.env.NODE_OPTIONS ?? null,
  pathHead: process.env.PATH.split(':')[0],
  maxMirrors: core.getInput('max-mirrors'),
  fileCommandsFresh: process.env.GITHUB_OUTPUT !== process.env.MAIN_OUTPUT
}))
`
  for (const [entry, code] of Object.entries({ main, post })) {
    mkdirSync(join(dist, entry), { recursive: true })
    writeFileSync(join(dist, entry, 'index.js'), code)
  }
  writeFileSync(join(dist, 'package.json'), '{"type":"module"}')
  return dist
}

describe('run-action harness', () => {
  it('reads action.yml defaults, including | blocks', () => {
    const d = readActionDefaults()
    expect(d['max-mirrors']).toBe('3')
    expect(d['private-proxy']).toBe('')
    expect(d.mirrors.split('\n')[0]).toBe('https://proxy.golang.org')
    expect(d.mirrors.endsWith('/goproxy/\n')).toBe(true)
  })

  it('parses file commands and workflow commands', () => {
    expect(
      parseFileCommand(
        'A=1\nB<<ghadelimiter_x\nl1\nl2\nghadelimiter_x\nC=x=y\n'
      )
    ).toEqual({ A: '1', B: 'l1\nl2', C: 'x=y' })
    expect(() => parseFileCommand('B<<EOF\nno end\n')).toThrow(/EOF/)
    expect(
      parseWorkflowCommands(
        'plain\n::error file=a.go,line=2,title=x%3Ay%2Cz::bad%0Athing 100%25\n::endgroup::\n'
      )
    ).toEqual([
      {
        command: 'error',
        properties: { file: 'a.go', line: '2', title: 'x:y,z' },
        message: 'bad\nthing 100%'
      },
      { command: 'endgroup', properties: {}, message: '' }
    ])
  })

  it('runs main then post like the runner', async () => {
    const dist = writeFixtureAction()
    const context = createRunnerContext()
    let between: Record<string, string> = {}
    const job = await runActionJob({
      dist,
      context,
      inputs: { 'max-mirrors': '5' },
      env: { EXTRA: 'x' },
      between: async (_main, after) => {
        between = { ...after.env, PATH: after.PATH }
      }
    })
    const { main, post } = job
    expect(main.stderr).toBe('')
    expect(main.code).toBe(0)
    const seen = JSON.parse(main.outputs.seen)
    expect(seen).toMatchObject({
      maxMirrors: '5',
      fallbackOn: 'any-error',
      nodeOptions: null,
      cwd: context.workspace,
      home: context.home,
      extra: 'x'
    })
    expect(seen.mirrors.split('\n')).toContain('https://goproxy.cn')
    expect(main.env.MULTI).toBe('line1\nline2')
    expect(main.path).toEqual(['/opt/fixture/bin'])
    expect(main.state['token-file']).toBe(join(context.workspace, 'token'))
    expect(main.summary).toBe('<h1>Mirrors</h1>\nhello')
    expect(main.commands).toContainEqual({
      command: 'add-mask',
      properties: {},
      message: 's3cr3t'
    })
    expect(main.commands).toContainEqual({
      command: 'warning',
      properties: { file: 'go.sum', line: '3', title: 'T:1' },
      message: 'odd: 50%, a,b'
    })
    expect(main.commands.map((c) => c.command)).toContain('debug')
    expect(between.MULTI).toBe('line1\nline2')
    expect(between.PATH.split(':')[0]).toBe('/opt/fixture/bin')

    expect(post?.code).toBe(0)
    expect(JSON.parse(post!.outputs.post)).toEqual({
      state: join(context.workspace, 'token'),
      multi: 'line1\nline2',
      nodeOptions: null,
      pathHead: '/opt/fixture/bin',
      maxMirrors: '5',
      fileCommandsFresh: true
    })
  })

  it('reports failure, and a second job can reuse the machine', async () => {
    const dist = writeFixtureAction()
    const first = await runActionStep({ dist, env: { FAIL_MAIN: 'boom' } })
    expect(first.code).toBe(1)
    expect(first.commands).toContainEqual({
      command: 'error',
      properties: {},
      message: 'boom'
    })
    const second = await runActionStep({ dist, context: first.context })
    expect(second.code).toBe(0)
    expect(second.runnerTemp).not.toBe(first.runnerTemp)
    expect(JSON.parse(second.outputs.seen).cwd).toBe(first.context.workspace)
  })
})
