import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { InputError } from '../../../src/base/values.js'
import {
  readSelectionInputs,
  readWorkingDirectory
} from '../../../src/inputs/read-inputs.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'
import { thrownBy } from '../../support/thrown.js'

function getter(values: Record<string, string>) {
  return (name: string) => values[name] ?? ''
}

const defaults = { mirrors: 'https://proxy.golang.org' }

const errorOf = (values: Record<string, string>) =>
  thrownBy(() => readSelectionInputs(getter(values)), InputError)

describe('readSelectionInputs', () => {
  it('applies defaults for everything but the mirrors', () => {
    expect(readSelectionInputs(getter(defaults))).toEqual({
      mirrors: ['https://proxy.golang.org'],
      privateProxies: [],
      maxMirrors: 3,
      directFallback: true,
      fallbackOn: 'any-error',
      privateStrict: false,
      probeTimeoutMs: 10_000,
      probeModules: []
    })
  })

  it('private-strict needs a private proxy', () => {
    const e = errorOf({ ...defaults, 'private-strict': 'true' })
    expect(e.message).toMatch(/Input "private-strict".*needs private-proxy/)
    expect(
      readSelectionInputs(
        getter({
          ...defaults,
          'private-proxy': 'https://athens.my-corp.test',
          'private-strict': 'true'
        })
      ).privateStrict
    ).toBe(true)
  })

  it('normalizes and de-duplicates mirrors and private proxies', () => {
    const s = readSelectionInputs(
      getter({
        mirrors:
          'goproxy.cn\nhttps://goproxy.cn/, https://mirrors.aliyun.com/goproxy/\n# disabled: goproxy.io\n',
        'private-proxy': 'athens.corp.test/, https://athens.corp.test',
        'max-mirrors': '2',
        'direct-fallback': 'false',
        'fallback-on': 'not-found',
        'probe-timeout': '2.5',
        'probe-modules':
          'golang.org/x/text@v0.17.0\ngithub.com/Azure/go-autorest@v14.2.0+incompatible'
      })
    )
    expect(s).toEqual({
      mirrors: ['https://goproxy.cn', 'https://mirrors.aliyun.com/goproxy'],
      privateProxies: ['https://athens.corp.test'],
      privateStrict: false,
      maxMirrors: 2,
      directFallback: false,
      fallbackOn: 'not-found',
      probeTimeoutMs: 2500,
      probeModules: [
        { path: 'golang.org/x/text', version: 'v0.17.0' },
        {
          path: 'github.com/Azure/go-autorest',
          version: 'v14.2.0+incompatible'
        }
      ]
    })
  })

  it.each([
    [{ mirrors: ' , ' }, 'mirrors', '" , "'],
    [{ mirrors: ' , \n# only a comment' }, 'mirrors', '# only a comment'],
    [{ mirrors: 'ftp://m.test' }, 'mirrors', 'ftp://m.test'],
    [{ mirrors: 'goproxy.cn,direct' }, 'mirrors', '"direct"'],
    [{ 'private-proxy': 'file:///srv/p' }, 'private-proxy', 'file:///srv/p'],
    [{ 'max-mirrors': 'three' }, 'max-mirrors', '"three"'],
    [{ 'max-mirrors': '0' }, 'max-mirrors', '"0"'],
    [{ 'max-mirrors': '1.5' }, 'max-mirrors', '"1.5"'],
    [{ 'direct-fallback': 'sometimes' }, 'direct-fallback', '"sometimes"'],
    [{ 'fallback-on': 'timeout' }, 'fallback-on', '"timeout"'],
    [{ 'probe-timeout': '10s' }, 'probe-timeout', '"10s"'],
    [{ 'probe-timeout': '0' }, 'probe-timeout', '"0"'],
    [{ 'probe-timeout': '601' }, 'probe-timeout', '"601"'],
    [
      { 'probe-modules': 'golang.org/x/text' },
      'probe-modules',
      'golang.org/x/text'
    ],
    [
      { 'probe-modules': 'golang.org/x/text@latest' },
      'probe-modules',
      '@latest'
    ]
  ])('rejects %p naming the input and the value', (values, input, shown) => {
    const err = errorOf({ ...defaults, ...values })
    expect(err.input).toBe(input)
    expect(err.message).toContain(`Input "${input}"`)
    expect(err.message).toContain(shown)
  })

  it('never echoes a password from a mirror or private-proxy URL', () => {
    const cases: Record<string, string>[] = [
      { mirrors: 'https://bot:hunter2-secret@goproxy.test' },
      { 'private-proxy': 'https://bot:hunter2-secret@athens.corp.test' },
      { 'private-proxy': 'bot:hunter2-secret@athens.corp.test' }
    ]
    for (const values of cases) {
      const err = errorOf({ ...defaults, ...values })
      expect(err.message).not.toContain('hunter2')
      expect(err.message).toMatch(/credentials/)
    }
  })
})

describe('readWorkingDirectory', () => {
  const workspace = tempDir('ws-')
  mkdirSync(join(workspace, 'svc-A_1'))
  writeFileSync(join(workspace, 'go.mod'), 'module example.com/x\n')

  afterAll(() => cleanupTempDirs())

  it('resolves against the workspace, also outside it', () => {
    expect(readWorkingDirectory(workspace, '')).toBe(workspace)
    expect(readWorkingDirectory(workspace, ' svc-A_1 ')).toBe(
      join(workspace, 'svc-A_1')
    )
    expect(readWorkingDirectory(workspace, '..')).toBe(dirname(workspace))
    expect(readWorkingDirectory(workspace, '/')).toBe('/')
  })

  it.each([
    ['missing', 'does not exist'],
    ['svc-a_1', 'does not exist'],
    ['go.mod', 'is not a directory']
  ])('refuses %p naming the input and the value', (value, why) => {
    const read = () => readWorkingDirectory(workspace, value)
    expect(read).toThrow(InputError)
    expect(read).toThrow(
      `Input "working-directory": "${value}" ${why} (resolved to ${join(workspace, value)})`
    )
  })
})
