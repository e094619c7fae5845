// Long: each case is a module graph served by a loopback mirror, on which the real `go mod download -x` and planModDownload must agree file for file.
// planModDownload against the real go: every file `go mod download` (no
// arguments) asks the mirror for must be planned, and nothing else.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  planModDownload,
  type MainModuleFiles
} from '../../../src/gomod/download-plan.js'
import {
  formatModuleVersion,
  parseModuleVersion,
  unescapeModulePath
} from '../../../src/gomod/module-path.js'
import { closedAfterEach } from '../../support/closers.js'
import { parseGetLines, runGo } from '../../support/go.js'
import { startMirror } from '../../support/mirror-server.js'
import {
  buildProxyTree,
  type ModuleSpec,
  type ProxyTree
} from '../../support/modules.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(cleanupTempDirs)
const closers = closedAfterEach()

interface ModDecl {
  /** go line; undefined leaves it out (an unpruned go.mod). */
  go?: string
  /** `path@version` requirements. */
  require?: string[]
  /** More go.mod lines (exclude, replace, retract). */
  extra?: string
}

function goModText(path: string, d: ModDecl): string {
  const go = d.go === undefined ? '' : `go ${d.go}\n`
  const req = (d.require ?? [])
    .map((r) => `require ${r.replace('@', ' ')}\n`)
    .join('')
  return `module ${path}\n\n${go}${req}${d.extra ?? ''}`
}

/** A proxy tree of `path@version` → go.mod declarations. */
function graphTree(graph: Record<string, ModDecl>): ProxyTree {
  const byPath = new Map<string, Map<string, ModDecl>>()
  for (const [mv, decl] of Object.entries(graph)) {
    const m = parseModuleVersion(mv)
    if (!m) throw new Error(`bad module version ${mv}`)
    const versions = byPath.get(m.path) ?? new Map<string, ModDecl>()
    versions.set(m.version, decl)
    byPath.set(m.path, versions)
  }
  const specs: ModuleSpec[] = [...byPath].map(([path, versions]) => ({
    path,
    versions: [...versions.keys()],
    goMod: (v) => goModText(path, versions.get(v)!)
  }))
  return buildProxyTree(specs)
}

interface Workspace {
  goWork?: string
  /** dir → go.mod declarations of a main module (or a local replacement). */
  modules: Record<string, { path: string } & ModDecl>
  /** Main module dirs; default: the one module at '.'. */
  mains?: string[]
}

/** `path@version.ext` of every module file go asked the mirror for. */
async function filesGoFetched(
  tree: ProxyTree,
  ws: Workspace
): Promise<string[]> {
  const mirror = closers.add(await startMirror(tree))
  const root = tempDir('plan-root-')
  for (const [dir, m] of Object.entries(ws.modules)) {
    await mkdir(join(root, dir), { recursive: true })
    await writeFile(join(root, dir, 'go.mod'), goModText(m.path, m))
  }
  if (ws.goWork !== undefined) await writeFile(join(root, 'go.work'), ws.goWork)
  const res = await runGo(['mod', 'download', '-x'], {
    cwd: join(root, (ws.mains ?? ['.'])[0]),
    env: {
      GOPROXY: mirror.url,
      GOMODCACHE: tempDir('plan-modcache-'),
      GOFLAGS: '-modcacherw',
      GOSUMDB: 'off'
    },
    timeoutMs: 60_000
  })
  expect({ code: res.code, stderr: res.stderr }).toMatchObject({ code: 0 })
  const base = new URL(mirror.url).pathname.replace(/\/$/, '')
  const files = parseGetLines(res.stderr).map((g) => {
    const rel = decodeURIComponent(new URL(g.url).pathname).slice(
      base.length + 1
    )
    const m = /^(.+)\/@v\/(.+)\.(info|mod|zip)$/.exec(rel)
    return m
      ? `${unescapeModulePath(m[1])}@${unescapeModulePath(m[2])}.${m[3]}`
      : rel
  })
  return [...new Set(files)].sort()
}

async function filesPlanned(
  tree: ProxyTree,
  ws: Workspace
): Promise<{ files: string[]; incomplete: boolean }> {
  const mains: MainModuleFiles[] = (ws.mains ?? ['.']).map((dir) => ({
    dir,
    goMod: goModText(ws.modules[dir].path, ws.modules[dir])
  }))
  const plan = await planModDownload(
    { goWork: ws.goWork, mains },
    (m) => Promise.resolve(tree.find(m.path, m.version)?.mod.toString()),
    (dir) => {
      const m = ws.modules[dir]
      return Promise.resolve(m && goModText(m.path, m))
    }
  )
  const files = [
    ...plan.mods.map((m) => `${formatModuleVersion(m)}.mod`),
    ...plan.zips.flatMap((m) =>
      ['info', 'zip'].map((ext) => `${formatModuleVersion(m)}.${ext}`)
    )
  ]
  return { files: [...new Set(files)].sort(), incomplete: plan.incomplete }
}

async function expectSamePlan(
  graph: Record<string, ModDecl>,
  ws: Workspace
): Promise<string[]> {
  const tree = graphTree(graph)
  const fetched = await filesGoFetched(tree, ws)
  const planned = await filesPlanned(tree, ws)
  expect(planned).toEqual({ files: fetched, incomplete: false })
  return fetched
}

const main = (d: ModDecl) => ({ '.': { path: 'x.test/main', ...d } })

describe('planModDownload agrees with go mod download', () => {
  it('at go >= 1.17: the requirements, with unpruned dependencies read all the way down', async () => {
    const fetched = await expectSamePlan(
      {
        'x.test/a@v1.0.0': {
          go: '1.21',
          require: ['x.test/hidden@v1.0.0', 'x.test/testonly@v1.0.0']
        },
        'x.test/hidden@v1.0.0': { go: '1.21' },
        'x.test/testonly@v1.0.0': { go: '1.21' },
        'x.test/old@v1.0.0': { require: ['x.test/d@v1.0.0'] },
        'x.test/d@v1.0.0': { go: '1.21', require: ['x.test/e@v1.0.0'] },
        'x.test/e@v1.0.0': { go: '1.16', require: ['x.test/f@v1.0.0'] },
        'x.test/f@v1.0.0': { go: '1.21' }
      },
      {
        modules: main({
          go: '1.21',
          require: ['x.test/a@v1.0.0', 'x.test/old@v1.0.0']
        })
      }
    )
    expect(fetched).toContain('x.test/f@v1.0.0.mod')
    expect(fetched.join(' ')).not.toMatch(/hidden|testonly/)
  })

  it('at go >= 1.17: a root the graph selects higher is downloaded there', async () => {
    await expectSamePlan(
      {
        'x.test/a@v1.0.0': { go: '1.21', require: ['x.test/b@v1.1.0'] },
        'x.test/b@v1.0.0': { go: '1.21' },
        'x.test/b@v1.1.0': { go: '1.21', require: ['x.test/c@v1.0.0'] },
        'x.test/c@v1.0.0': { go: '1.21' }
      },
      {
        modules: main({
          go: '1.21',
          require: ['x.test/a@v1.0.0', 'x.test/b@v1.0.0']
        })
      }
    )
  })

  it('at go 1.16: the whole build list, test-only dependencies included', async () => {
    const fetched = await expectSamePlan(
      {
        'x.test/a@v1.0.0': {
          go: '1.16',
          require: ['x.test/b@v1.0.0', 'x.test/testonly@v1.0.0']
        },
        'x.test/b@v1.0.0': { go: '1.21', require: ['x.test/c@v1.0.0'] },
        'x.test/c@v1.0.0': { go: '1.21' },
        'x.test/c@v1.2.0': { go: '1.21' },
        'x.test/testonly@v1.0.0': { go: '1.21' }
      },
      {
        modules: main({
          go: '1.16',
          require: ['x.test/a@v1.0.0', 'x.test/c@v1.2.0']
        })
      }
    )
    expect(fetched).toContain('x.test/testonly@v1.0.0.zip')
    expect(fetched).not.toContain('x.test/c@v1.0.0.zip')
  })

  it('in a workspace of two modules: all, with one level below pruned dependencies', async () => {
    await expectSamePlan(
      {
        'x.test/x@v1.0.0': { go: '1.21', require: ['x.test/y@v1.0.0'] },
        'x.test/x@v1.1.0': { go: '1.21', require: ['x.test/z@v1.0.0'] },
        'x.test/y@v1.0.0': { go: '1.21', require: ['x.test/never@v1.0.0'] },
        'x.test/z@v1.0.0': { go: '1.21', require: ['x.test/deep@v1.0.0'] },
        'x.test/deep@v1.0.0': { go: '1.21' },
        'x.test/never@v1.0.0': { go: '1.21' },
        'x.test/b@v0.1.0': { go: '1.21', require: ['x.test/w@v1.0.0'] },
        'x.test/w@v1.0.0': { go: '1.21' }
      },
      {
        goWork: 'go 1.22\n\nuse (\n\t./a\n\t./b\n)\n',
        mains: ['a', 'b'],
        modules: {
          a: {
            path: 'x.test/a',
            go: '1.22',
            require: ['x.test/x@v1.0.0', 'x.test/b@v0.1.0']
          },
          b: { path: 'x.test/b', go: '1.22', require: ['x.test/x@v1.1.0'] }
        }
      }
    )
  })

  it('in a workspace with an unpruned module and replacements in go.work and go.mod', async () => {
    await expectSamePlan(
      {
        'x.test/q@v1.0.0': { go: '1.21', require: ['x.test/q2@v1.0.0'] },
        'x.test/q2@v1.0.0': { go: '1.21', require: ['x.test/q3@v1.0.0'] },
        'x.test/q3@v1.0.0': { go: '1.21' },
        'x.test/s@v1.0.0': { go: '1.21' },
        'x.test/t2@v1.0.0': { go: '1.21', require: ['x.test/u@v1.0.0'] },
        'x.test/u@v1.0.0': { go: '1.21' }
      },
      {
        goWork:
          'go 1.22\n\nuse ./a\nuse ./c\n\nreplace x.test/p v1.0.0 => ./p-local\n',
        mains: ['a', 'c'],
        modules: {
          a: { path: 'x.test/a', go: '1.16', require: ['x.test/q@v1.0.0'] },
          c: {
            path: 'x.test/c',
            go: '1.22',
            require: ['x.test/p@v1.0.0', 'x.test/t@v1.0.0'],
            extra: 'replace x.test/t => x.test/t2 v1.0.0\n'
          },
          'p-local': {
            path: 'x.test/p',
            go: '1.21',
            require: ['x.test/s@v1.0.0']
          }
        }
      }
    )
  })

  it('with replace to another module and to a local directory', async () => {
    await expectSamePlan(
      {
        'x.test/fork@v1.5.0': { go: '1.16', require: ['x.test/f@v1.0.0'] },
        'x.test/f@v1.0.0': { go: '1.21' },
        'x.test/l@v1.0.0': { go: '1.21' },
        'x.test/a@v1.0.0': { go: '1.21' }
      },
      {
        modules: {
          '.': {
            path: 'x.test/main',
            go: '1.21',
            require: ['x.test/a@v1.0.0', 'x.test/local@v1.0.0'],
            extra:
              'replace x.test/a v1.0.0 => x.test/fork v1.5.0\n' +
              'replace x.test/local => ./local\n'
          },
          local: {
            path: 'x.test/local',
            go: '1.16',
            require: ['x.test/l@v1.0.0']
          }
        }
      }
    )
  })

  it.each(['1.16', '1.21'])(
    'with exclude dropping a requirement (main at go %s)',
    async (go) => {
      const fetched = await expectSamePlan(
        {
          'x.test/a@v1.0.0': { go: '1.16', require: ['x.test/b@v1.1.0'] },
          'x.test/b@v1.0.0': { go: '1.21' },
          'x.test/b@v1.1.0': { go: '1.21' }
        },
        {
          modules: main({
            go,
            require: ['x.test/a@v1.0.0', 'x.test/b@v1.0.0'],
            extra: 'exclude x.test/b v1.1.0\n'
          })
        }
      )
      expect(fetched.join(' ')).not.toContain('b@v1.1.0')
    }
  )

  it('with a retracted version required', async () => {
    await expectSamePlan(
      {
        'x.test/r@v1.0.0': { go: '1.21' },
        'x.test/r@v1.1.0': { go: '1.21', extra: 'retract v1.0.0\n' }
      },
      { modules: main({ go: '1.21', require: ['x.test/r@v1.0.0'] }) }
    )
  })
})
