// GOFLAGS as the real go command reads it: -insecure (go get refuses it)
// and -modcacherw (extracted module directories stay writable).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { statSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { withModCacheRw } from '../../../src/cache/key.js'
import { goBoolFlag, goFlagValue } from '../../../src/env/goflags.js'
import { goTempDir, runGo } from '../../support/go.js'
import {
  buildProxyTree,
  writeConsumerModule,
  writeProxyTree,
  type ProxyTree
} from '../../support/modules.js'
import { cleanupTempDirs } from '../../support/temp.js'

afterAll(cleanupTempDirs)

const SHAPES = [
  '-insecure',
  '--insecure',
  '-insecure=false',
  '-insecure=F -v',
  '-insecure=0 -insecure',
  '-insecure -insecure=FALSE',
  '-insecure=T',
  '-mod=mod'
]

describe('goBoolFlag', () => {
  it.each(SHAPES)('GOFLAGS=%p: -insecure as go get reads it', async (flags) => {
    const dir = goTempDir('mod-')
    await writeFile(join(dir, 'go.mod'), 'module example.test/my-org/x_y\n')
    const r = await runGo(['get'], {
      cwd: dir,
      env: {
        GOPROXY: 'off',
        GOMODCACHE: goTempDir('modcache-'),
        GOFLAGS: flags
      }
    })
    const refused = /-insecure flag is no longer supported/.test(r.stderr)
    expect(goBoolFlag(flags, 'insecure') === true).toBe(refused)
  })

  it('reads the last value, with one or two dashes', () => {
    expect(goFlagValue('-mod=vendor --mod=mod', 'mod')).toBe('mod')
    expect(goFlagValue('-modcacherw', 'modcacherw')).toBe('true')
    expect(goFlagValue('-modcacherwx', 'modcacherw')).toBeUndefined()
    expect(goFlagValue('---mod=vendor', 'mod')).toBeUndefined()
    expect(goBoolFlag('-x=maybe', 'x')).toBeUndefined()
  })
})

describe('withModCacheRw with the real go command', () => {
  let tree: ProxyTree
  let proxy: string
  beforeAll(async () => {
    tree = buildProxyTree([
      { path: 'example.test/my-org/Tool_X', versions: ['v1.0.0'] }
    ])
    proxy = goTempDir('proxy-')
    await writeProxyTree(tree, proxy)
  })

  it.each(['', '-modcacherw=false', '-modcacherw --modcacherw=0', '-mod=mod'])(
    "GOFLAGS=%p plus the action's change leaves module directories writable",
    async (flags) => {
      const dir = goTempDir('consumer-')
      await writeConsumerModule(dir, tree)
      const modcache = goTempDir('modcache-')
      const r = await runGo(['mod', 'download'], {
        cwd: dir,
        env: {
          GOPROXY: `file://${proxy}`,
          GOMODCACHE: modcache,
          GOFLAGS: withModCacheRw(flags) ?? flags,
          GOSUMDB: 'off'
        }
      })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const extracted = join(
        modcache,
        'example.test',
        'my-org',
        '!tool_!x@v1.0.0'
      )
      expect(statSync(extracted).mode & 0o200).toBe(0o200)
    }
  )
})
