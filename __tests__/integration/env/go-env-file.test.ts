// The GOENV file, checked against what the real go command reports.
import { afterAll, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  goEnvFilePath,
  goGetenv,
  parseGoEnvFile,
  readGoEnvFile,
  readJobGoEnvFile
} from '../../../src/env/go-env-file.js'
import { goTempDir, runGo } from '../../support/go.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(cleanupTempDirs)

const GO_ENV = {
  GOPROXY: 'off',
  GOMODCACHE: '/nonexistent/modcache',
  GOFLAGS: ''
}

describe('goEnvFilePath', () => {
  it.each([
    [{ GOENV: '/etc/my-corp/go.env' }],
    [{ GOENV: 'off', HOME: '/home/runner' }],
    [{ XDG_CONFIG_HOME: '/srv/My_Config', HOME: '/home/runner' }],
    [{ XDG_CONFIG_HOME: 'relative/cfg', HOME: '/home/runner' }],
    [{ HOME: '/home/runner-1' }],
    [{ HOME: '' }]
  ])('%p: where go looks on Linux', async (vars) => {
    const env: Record<string, string> = { HOME: '', ...vars }
    const goenv = env.GOENV ?? ''
    delete env.GOENV
    const r = await runGo(['env', 'GOENV'], {
      env: {
        ...GO_ENV,
        GOCACHE: goTempDir('gocache-'),
        GOPATH: goTempDir('gopath-'),
        ...env
      },
      goenv
    })
    expect(r.code).toBe(0)
    expect(goEnvFilePath({ ...env, GOENV: goenv }, 'linux') ?? '').toBe(
      r.stdout.trim()
    )
  })

  it('follows os.UserConfigDir on macOS and Windows', () => {
    expect(goEnvFilePath({ HOME: '/Users/me' }, 'darwin')).toBe(
      '/Users/me/Library/Application Support/go/env'
    )
    expect(
      goEnvFilePath({ AppData: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')
    ).toBe('C:\\Users\\me\\AppData\\Roaming\\go\\env')
    expect(goEnvFilePath({}, 'win32')).toBeUndefined()
  })
})

describe('parseGoEnvFile', () => {
  it('reads KEY=VALUE lines as go does: nothing trimmed, last one wins', () => {
    expect(
      parseGoEnvFile(
        'GOPROXY=https://goproxy.cn,direct\r\nGOPRIVATE=*.my-corp.test\n\n# comment\n  GOFLAGS=-mod=mod\nbad line\nlower=x\nGONOSUMDB=\nGOPRIVATE=git.my-corp.test/My_Team\n'
      )
    ).toEqual({
      GOPROXY: 'https://goproxy.cn,direct\r',
      GOPRIVATE: 'git.my-corp.test/My_Team',
      GONOSUMDB: ''
    })
  })

  it('keeps "=" inside a value', () => {
    expect(parseGoEnvFile('GOFLAGS=-ldflags=-s=1\n')).toEqual({
      GOFLAGS: '-ldflags=-s=1'
    })
  })

  it('agrees with go env on a file with odd lines, under the job environment', async () => {
    const file = join(tempDir('goenv-'), 'env')
    writeFileSync(
      file,
      [
        'GOPRIVATE=github.com/my-org,git.my-corp.test/Team_A',
        ' GOINSECURE=ignored.test',
        'GOINSECURE=first.test',
        'GOINSECURE=*.lan-x.test',
        'GONOSUMDB=sum-skip.test\r',
        'GOVCS=private:all',
        '#GONOPROXY=commented.test',
        ''
      ].join('\n')
    )
    const jobEnv = { GOVCS: 'public:git', GOINSECURE: '' }
    const r = await runGo(
      [
        'env',
        '-json',
        'GOPRIVATE',
        'GONOPROXY',
        'GONOSUMDB',
        'GOINSECURE',
        'GOVCS'
      ],
      {
        env: { ...GO_ENV, GOCACHE: goTempDir('gocache-'), ...jobEnv },
        goenv: file
      }
    )
    expect(r.code).toBe(0)
    const go = JSON.parse(r.stdout) as Record<string, string>
    const parsed = {
      path: file,
      values: parseGoEnvFile(readFileSync(file, 'utf8'))
    }
    const get = (n: string) => goGetenv(n, jobEnv, parsed).value
    expect({
      GOPRIVATE: get('GOPRIVATE'),
      // go derives these from GOPRIVATE when unset.
      GONOPROXY: get('GONOPROXY') || get('GOPRIVATE'),
      GONOSUMDB: get('GONOSUMDB') || get('GOPRIVATE'),
      GOINSECURE: get('GOINSECURE'),
      GOVCS: get('GOVCS')
    }).toEqual(go)
    expect(goGetenv('GOINSECURE', jobEnv, parsed)).toEqual({
      value: '*.lan-x.test',
      from: 'file'
    })
    expect(goGetenv('GOVCS', jobEnv, parsed).from).toBe('env')
  })
})

describe('reading the file', () => {
  it('reads a file, and nothing for off, unset or missing', async () => {
    const f = join(tempDir('goenv-'), 'env')
    writeFileSync(f, 'GOPROXY=https://m.test\n')
    expect(await readGoEnvFile(f)).toEqual({ GOPROXY: 'https://m.test' })
    expect(await readGoEnvFile('off')).toEqual({})
    expect(await readGoEnvFile(undefined)).toEqual({})
    expect(await readGoEnvFile(join(f, 'missing'))).toEqual({})
  })

  it('finds the job file from the environment', () => {
    const home = tempDir('home-')
    const f = join(home, '.config', 'go', 'env')
    expect(readJobGoEnvFile({ HOME: home }, 'linux')).toEqual({
      path: f,
      values: {}
    })
    expect(readJobGoEnvFile({ GOENV: 'off', HOME: home }, 'linux')).toEqual({
      values: {}
    })
  })
})
