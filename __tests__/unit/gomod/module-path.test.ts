import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import {
  compareVersions,
  escapeModulePath,
  formatModuleVersion,
  hash1,
  hashGoMod,
  parseModuleVersion,
  unescapeModulePath
} from '../../../src/gomod/module-path.js'
import { moduleFileUrl } from '../../../src/gomod/proxy-url.js'

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'gomod')

describe('escapeModulePath / unescapeModulePath', () => {
  it('encodes upper-case letters as "!" plus lower case', () => {
    expect(escapeModulePath('github.com/Azure/azure-sdk-for-go')).toBe(
      'github.com/!azure/azure-sdk-for-go'
    )
    expect(escapeModulePath('github.com/BurntSushi/TOML')).toBe(
      'github.com/!burnt!sushi/!t!o!m!l'
    )
    expect(escapeModulePath('golang.org/x/text')).toBe('golang.org/x/text')
  })

  it('decodes back to the original path', () => {
    expect(unescapeModulePath('github.com/!azure/azure-sdk-for-go')).toBe(
      'github.com/Azure/azure-sdk-for-go'
    )
    for (const p of [
      'github.com/Azure/go-autorest',
      'github.com/BurntSushi/toml',
      'example.com/ALLCAPS/Mixed.Case-v2',
      'gopkg.in/yaml.v3'
    ]) {
      expect(unescapeModulePath(escapeModulePath(p))).toBe(p)
    }
  })

  it('escapes versions too (upper case in pre-release tags)', () => {
    expect(escapeModulePath('v1.0.0-RC1')).toBe('v1.0.0-!r!c1')
  })
})

describe('parseModuleVersion', () => {
  it('accepts release, pre-release, pseudo and +incompatible versions', () => {
    expect(parseModuleVersion('golang.org/x/text@v0.17.0')).toEqual({
      path: 'golang.org/x/text',
      version: 'v0.17.0'
    })
    expect(parseModuleVersion('example.com/m@v1.2.3-rc.1')?.version).toBe(
      'v1.2.3-rc.1'
    )
    expect(
      parseModuleVersion('golang.org/x/exp@v0.0.0-20240719175910-8a7402abbf56')
        ?.version
    ).toBe('v0.0.0-20240719175910-8a7402abbf56')
    expect(
      parseModuleVersion('github.com/docker/docker@v24.0.9+incompatible')
    ).toEqual({
      path: 'github.com/docker/docker',
      version: 'v24.0.9+incompatible'
    })
  })

  it('accepts dots inside a path element, as go does', () => {
    expect(parseModuleVersion('example.test/a..b@v1.0.0')?.path).toBe(
      'example.test/a..b'
    )
  })

  it('round-trips with formatModuleVersion', () => {
    const m = { path: 'github.com/Azure/go-autorest', version: 'v14.2.0' }
    expect(parseModuleVersion(formatModuleVersion(m))).toEqual(m)
  })

  it.each([
    'golang.org/x/text',
    'golang.org/x/text@',
    '@v1.0.0',
    'golang.org/x/text@latest',
    'golang.org/x/text@1.0.0',
    'golang.org/x/text@v1.0',
    'golang.org/x/text@master',
    'golang.org/x/text@v1.0.0 ',
    'golang.org/x text@v1.0.0',
    '/abs/path@v1.0.0',
    'example.com/../etc@v1.0.0',
    'example.com/./etc@v1.0.0',
    'example.com/!escaped@v1.0.0',
    'a@b@v1.0.0'
  ])('rejects %p', (s) => {
    expect(parseModuleVersion(s)).toBeUndefined()
  })
})

describe('moduleFileUrl', () => {
  it('escapes path and version under the base', () => {
    const m = { path: 'github.com/Azure/go-autorest', version: 'v14.2.0-RC' }
    expect(moduleFileUrl('https://proxy.example', m, 'info')).toBe(
      'https://proxy.example/github.com/!azure/go-autorest/@v/v14.2.0-!r!c.info'
    )
    expect(
      moduleFileUrl(
        'https://mirrors.aliyun.com/goproxy',
        { path: 'golang.org/x/mod', version: 'v0.20.0' },
        'zip'
      )
    ).toBe('https://mirrors.aliyun.com/goproxy/golang.org/x/mod/@v/v0.20.0.zip')
    expect(
      moduleFileUrl(
        'http://127.0.0.1:8080',
        { path: 'example.com/m', version: 'v1.0.0' },
        'mod'
      )
    ).toBe('http://127.0.0.1:8080/example.com/m/@v/v1.0.0.mod')
  })
})

describe('hashGoMod / hash1', () => {
  it('matches the go.sum hashes the go command computed', () => {
    const text = readFileSync(join(fixtures, 'golang.org-x-text-v0.17.0.mod'))
    const mod = readFileSync(join(fixtures, 'golang.org-x-mod-v0.20.0.mod'))
    expect(hashGoMod(text)).toBe(
      'h1:BuEKDfySbSR4drPmRPG/7iBdf8hvFMuRexcpahXilzY='
    )
    expect(hashGoMod(mod)).toBe(
      'h1:hTbmBsO62+eylJbnUtE2MGJUyE7QWk4xUqPFrRgJ+7c='
    )
    expect(hashGoMod(text.toString('utf8'))).toBe(hashGoMod(text))
  })

  it('changes when one byte of the file changes', () => {
    const text = readFileSync(join(fixtures, 'golang.org-x-text-v0.17.0.mod'))
    const tampered = Buffer.from(text)
    tampered[tampered.length - 2] ^= 1
    expect(hashGoMod(tampered)).not.toBe(hashGoMod(text))
  })

  it('hashes the sorted "<sha256>  <name>" summary lines', () => {
    const files = [
      { name: 'm@v1.0.0/z.go', data: 'package z\n' },
      { name: 'm@v1.0.0/go.mod', data: 'module m\n' }
    ]
    const sha = (s: string) => createHash('sha256').update(s).digest('hex')
    const summary =
      `${sha('module m\n')}  m@v1.0.0/go.mod\n` +
      `${sha('package z\n')}  m@v1.0.0/z.go\n`
    const expected =
      'h1:' + createHash('sha256').update(summary).digest('base64')
    expect(hash1(files)).toBe(expected)
    expect(hash1([...files].reverse())).toBe(expected)
  })
})

describe('compareVersions', () => {
  const sign = (a: string, b: string) => Math.sign(compareVersions(a, b))

  it('orders by major, minor, patch numerically', () => {
    expect(sign('v1.2.3', 'v1.2.3')).toBe(0)
    expect(sign('v1.2.10', 'v1.2.9')).toBe(1)
    expect(sign('v1.10.0', 'v1.9.9')).toBe(1)
    expect(sign('v2.0.0', 'v10.0.0')).toBe(-1)
    expect(sign('v0.0.1', 'v0.1.0')).toBe(-1)
  })

  it('puts pre-releases and pseudo-versions before the release', () => {
    expect(sign('v1.0.0-rc.1', 'v1.0.0')).toBe(-1)
    expect(sign('v1.0.0', 'v1.0.0-rc.1')).toBe(1)
    expect(sign('v1.0.0-alpha', 'v1.0.0-beta')).toBe(-1)
    expect(sign('v1.2.4-0.20240101000000-abcdefabcdef', 'v1.2.3')).toBe(1)
    expect(sign('v1.2.4-0.20240101000000-abcdefabcdef', 'v1.2.4')).toBe(-1)
  })

  it('orders pseudo-versions of one base by their timestamp', () => {
    expect(
      sign(
        'v0.0.0-20240719175910-8a7402abbf56',
        'v0.0.0-20231110203233-9a3e6036ecaa'
      )
    ).toBe(1)
  })

  it('ignores +incompatible build metadata in the order', () => {
    expect(sign('v24.0.9+incompatible', 'v24.0.10+incompatible')).toBe(-1)
    expect(sign('v24.0.9+incompatible', 'v24.0.9+incompatible')).toBe(0)
  })

  it('sorts a shuffled list into semver order', () => {
    const want = [
      'v0.9.0',
      'v1.0.0-alpha',
      'v1.0.0-beta',
      'v1.0.0',
      'v1.0.1',
      'v1.2.0',
      'v1.10.0',
      'v2.0.0'
    ]
    const shuffled = [want[5], want[0], want[7], want[3], want[1], want[6]]
    shuffled.push(want[4], want[2])
    expect(shuffled.sort(compareVersions)).toEqual(want)
  })

  // Semver compares numeric pre-release identifiers numerically
  // (rc.2 < rc.10); the lexical comparison orders them the other way.
  it('compares numeric pre-release identifiers numerically', () => {
    expect(sign('v1.0.0-rc.2', 'v1.0.0-rc.10')).toBe(-1)
  })
})
