// Pruning a real module cache filled by the go command.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { runGo } from '../../support/go.js'
import {
  buildProxyTree,
  writeConsumerModule,
  writeProxyTree
} from '../../support/modules.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'
import { mergeGoSums, parseGoSum } from '../../../src/gomod/gosum.js'
import {
  isPopulated,
  keepAlso,
  keepDownloadFile,
  keepFromGoSum,
  makeDirsWritable,
  moduleCacheStats,
  pruneModuleCache
} from '../../../src/cache/module-cache-files.js'

const tree = buildProxyTree()
let proxyDir: string

beforeAll(async () => {
  proxyDir = tempDir('proxy-')
  await writeProxyTree(tree, proxyDir)
})
afterAll(cleanupTempDirs)

function goEnv(modcache: string, goflags = ''): Record<string, string> {
  return {
    GOPROXY: 'file://' + proxyDir,
    GOMODCACHE: modcache,
    GOFLAGS: goflags,
    GOSUMDB: 'off'
  }
}

describe('keepDownloadFile', () => {
  const keep = keepFromGoSum(
    parseGoSum(
      'm.test/a v1.0.0 h1:x=\nm.test/a v1.0.0/go.mod h1:y=\nm.test/b v1.0.0/go.mod h1:z=\n'
    )
  )
  it.each([
    ['v1.0.0.zip', 'm.test/a', true],
    ['v1.0.0.ziphash', 'm.test/a', true],
    ['v1.0.0.partial', 'm.test/a', false],
    ['v1.0.0.mod', 'm.test/b', true],
    ['v1.0.0.info', 'm.test/b', true],
    ['v1.0.0.zip', 'm.test/b', false],
    ['v1.1.0.mod', 'm.test/a', false],
    ['v1.0.0.zip123.tmp', 'm.test/a', false]
  ])('%s of %s kept: %s', (name, mod, expected) => {
    expect(keepDownloadFile(name, mod, keep)).toBe(expected)
  })
})

describe('keepAlso', () => {
  const keep = keepAlso(
    keepFromGoSum(parseGoSum('m.test/b v1.0.0/go.mod h1:z=\n')),
    [{ path: 'golang.org/toolchain', version: 'v0.0.1-go1.25.4.linux-amd64' }]
  )
  it.each([
    ['v0.0.1-go1.25.4.linux-amd64.zip', 'golang.org/toolchain', true],
    ['v0.0.1-go1.25.4.linux-amd64.ziphash', 'golang.org/toolchain', true],
    ['v0.0.1-go1.25.4.linux-amd64.info', 'golang.org/toolchain', true],
    ['v0.0.1-go1.25.3.linux-amd64.zip', 'golang.org/toolchain', false],
    ['v0.0.1-go1.25.4.darwin-arm64.zip', 'golang.org/toolchain', false],
    ['v1.0.0.mod', 'm.test/b', true],
    ['v1.0.0.zip', 'm.test/b', false]
  ])('%s of %s kept: %s', (name, mod, expected) => {
    expect(keepDownloadFile(name, mod, keep)).toBe(expected)
  })
})

describe('pruneModuleCache', () => {
  it('drops what go.sum no longer references and the build still works offline', async () => {
    const modcache = join(tempDir('prune-'), 'mod')
    // Every version, as a cache restored from an older key would hold.
    const all = tree.modules.map((m) => `${m.path}@${m.version}`)
    const dl = await runGo(['mod', 'download', ...all], {
      cwd: tempDir('empty-'),
      env: goEnv(modcache)
    })
    expect(dl.stderr).toBe('')
    const consumer = tempDir('consumer-')
    await writeConsumerModule(consumer, tree)
    const b1 = await runGo(['build', './...'], {
      cwd: consumer,
      env: goEnv(modcache)
    })
    expect(b1.code).toBe(0)
    const before = await moduleCacheStats(modcache, 'full')
    expect(before.versions).toBe(tree.modules.length)

    const keep = keepFromGoSum(
      mergeGoSums([parseGoSum(readFileSync(join(consumer, 'go.sum'), 'utf8'))])
    )
    const res = await pruneModuleCache(modcache, keep)
    expect(res.removedFiles).toBeGreaterThan(0)

    const after = await moduleCacheStats(modcache, 'full')
    expect(after.versions).toBe(tree.paths().length)
    const alphaV = join(
      modcache,
      'cache',
      'download',
      'example.test',
      'alpha',
      '@v'
    )
    expect(existsSync(join(alphaV, 'v1.0.0.zip'))).toBe(false)
    expect(existsSync(join(alphaV, 'v1.0.0.mod'))).toBe(false)
    expect(existsSync(join(alphaV, 'v1.2.0.zip'))).toBe(true)
    expect(readFileSync(join(alphaV, 'list'), 'utf8')).toBe('v1.2.0\n')
    // Case-escaped module path and its extracted tree.
    expect(existsSync(join(modcache, 'example.test', '!gamma@v0.1.0'))).toBe(
      false
    )
    expect(existsSync(join(modcache, 'example.test', '!gamma@v1.0.0'))).toBe(
      true
    )

    const b2 = await runGo(['build', './...'], {
      cwd: consumer,
      env: { ...goEnv(modcache), GOPROXY: 'off' }
    })
    expect(b2.stderr).toBe('')
    expect(b2.code).toBe(0)
    const verify = await runGo(['mod', 'verify'], {
      cwd: consumer,
      env: { ...goEnv(modcache), GOPROXY: 'off' }
    })
    expect(verify.stdout).toContain('all modules verified')
  })

  it('removes everything when go.sum references nothing, leaving an empty cache', async () => {
    const modcache = join(tempDir('prune-'), 'mod')
    const dl = await runGo(['mod', 'download', 'example.test/alpha@v1.0.0'], {
      cwd: tempDir('empty-'),
      env: goEnv(modcache)
    })
    expect(dl.code).toBe(0)
    await pruneModuleCache(modcache, keepFromGoSum([]))
    expect((await moduleCacheStats(modcache, 'download')).versions).toBe(0)
    expect(
      await isPopulated(join(modcache, 'cache', 'download', 'example.test'))
    ).toBe(false)
  })
})

describe('makeDirsWritable', () => {
  it('makes the read-only directories go leaves writable', async () => {
    const modcache = join(tempDir('rw-'), 'mod')
    const consumer = tempDir('consumer-')
    await writeConsumerModule(consumer, tree)
    expect(
      (await runGo(['build', './...'], { cwd: consumer, env: goEnv(modcache) }))
        .code
    ).toBe(0)
    const dir = join(modcache, 'example.test', 'alpha@v1.2.0')
    expect(statSync(dir).mode & 0o200).toBe(0)
    expect(await makeDirsWritable(modcache)).toBeGreaterThan(0)
    expect(statSync(dir).mode & 0o200).toBe(0o200)
  })
})
