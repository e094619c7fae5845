import { describe, expect, it } from '@jest/globals'
import { parseProxyPath } from '../../../../src/download/proxy/proxy-path.js'
import { planPrefetch } from '../../../../src/download/proxy/work-plan.js'
import { parseGoSum } from '../../../../src/gomod/gosum.js'

const GO_SUM = `github.com/BurntSushi/toml v1.3.2 h1:o7IhLm0Msx3BaB+n3Ag7L8EVlByGnpq14C4YWiu/gL8=
github.com/BurntSushi/toml v1.3.2/go.mod h1:CxXYINrC8qIiEnFrOxCa7Jy5BFHlXnUU2pbicEuybxQ=
github.com/go-git/go-git/v5 v5.11.0/go.mod h1:6GFcX2P3NM7FPBfpePbpLd21XxsgdAt+lKqXmCUiUCY=
corp.example.com/secret v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
golang.org/toolchain v0.0.1-go1.22.0.linux-amd64 h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=
`

describe('prefetch plan', () => {
  const isPrivate = (p: string) => p.startsWith('corp.example.com/')

  it('plans .mod for every go.mod line and .info/.zip where the zip is listed, small files first', () => {
    const plan = planPrefetch(parseGoSum(GO_SUM), [], isPrivate)
    expect(plan.map((f) => f.urlPath)).toEqual([
      'github.com/!burnt!sushi/toml/@v/v1.3.2.mod',
      'github.com/go-git/go-git/v5/@v/v5.11.0.mod',
      'github.com/!burnt!sushi/toml/@v/v1.3.2.info',
      'github.com/!burnt!sushi/toml/@v/v1.3.2.zip'
    ])
    expect(plan[0].hash).toBe('h1:CxXYINrC8qIiEnFrOxCa7Jy5BFHlXnUU2pbicEuybxQ=')
    expect(plan[3].hash).toBe('h1:o7IhLm0Msx3BaB+n3Ag7L8EVlByGnpq14C4YWiu/gL8=')
    expect(plan[2].hash).toBeUndefined()
  })

  it("uses go.mod's require lines, unverified, only when there is no go.sum", () => {
    const req = [
      { path: 'github.com/Masterminds/semver/v3', version: 'v3.2.1' }
    ]
    expect(planPrefetch([], req, isPrivate).map((f) => f.urlPath)).toEqual([
      'github.com/!masterminds/semver/v3/@v/v3.2.1.mod',
      'github.com/!masterminds/semver/v3/@v/v3.2.1.info',
      'github.com/!masterminds/semver/v3/@v/v3.2.1.zip'
    ])
    expect(planPrefetch(parseGoSum(GO_SUM), req, isPrivate)).toHaveLength(4)
  })
})

describe('proxy paths', () => {
  it('decodes module files, lists, @latest and sumdb lookups', () => {
    expect(
      parseProxyPath('github.com/!burnt!sushi/toml/@v/v1.3.2.zip')
    ).toEqual({
      type: 'module',
      module: 'github.com/BurntSushi/toml',
      version: 'v1.3.2',
      kind: 'zip'
    })
    expect(parseProxyPath('golang.org/x/mod/@v/list')).toMatchObject({
      kind: 'list',
      module: 'golang.org/x/mod'
    })
    expect(
      parseProxyPath('github.com/!azure/go-autorest/@latest')
    ).toMatchObject({
      kind: 'latest',
      module: 'github.com/Azure/go-autorest'
    })
    expect(
      parseProxyPath('sumdb/sum.golang.org/lookup/github.com/!azure/x@v1.0.0')
    ).toEqual({ type: 'sumdb', module: 'github.com/Azure/x' })
    expect(parseProxyPath('sumdb/sum.golang.org/tile/8/0/x001/234')).toEqual({
      type: 'sumdb',
      module: undefined
    })
  })

  it('rejects what is not a GOPROXY path', () => {
    for (const p of [
      '',
      'a/../b/@v/list',
      'x/@v/v1.0.0.exe',
      'a b/@v/list',
      'foo'
    ])
      expect(parseProxyPath(p)).toBeUndefined()
  })
})
