// The bounded search for go.sum files: temp trees with everything a walk of
// a runner's disk meets (vendored and JS dependencies, VCS metadata, a Go
// installation and a module cache) and caps small enough to reach.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import {
  findDependencyFiles,
  searchFiles,
  searchLimitWarning
} from '../../../src/gomod/dependency-files.js'
import { findModuleRoots } from '../../../src/download/roots.js'
import { cleanupTempDirs, tempDir } from '../../support/temp.js'

afterAll(() => cleanupTempDirs())

function tree(files: string[]): string {
  const root = tempDir('search-')
  for (const f of files) {
    mkdirSync(dirname(join(root, f)), { recursive: true })
    writeFileSync(join(root, f), f.endsWith('go.mod') ? 'module x\n' : '')
  }
  return root
}

const SUMS = ['**/go.sum', '**/go.work.sum']

// What a walk of a runner's disk meets besides the project.
const NOISE = [
  'vendor/github.com/Foo-Bar/baz/go.sum',
  'svc/vendor/go.sum',
  'testdata/mod/go.sum',
  'svc/testdata/go.sum',
  'web/node_modules/some-pkg/go.sum',
  '.git/go.sum',
  '.cache/go-build/go.sum',
  '_scratch/go.sum',
  // A Go installation, recognised as cmd/go does (pkg/tool).
  'opt/hostedtoolcache/go/1.26.8/x64/src/go.sum',
  'opt/hostedtoolcache/go/1.26.8/x64/src/cmd/go.sum',
  'opt/hostedtoolcache/go/1.26.8/x64/pkg/tool/linux_amd64/compile',
  'opt/hostedtoolcache/go/1.26.8/x64/VERSION',
  // A module cache: extracted modules and cache/download.
  'home/runner/go/pkg/mod/github.com/!azure/azure-sdk-for-go@v1.0.0/go.mod',
  'home/runner/go/pkg/mod/github.com/!azure/azure-sdk-for-go@v1.0.0/go.sum',
  'home/runner/go/pkg/mod/cache/download/github.com/!azure/azure-sdk-for-go/@v/list'
]

const PROJECT = [
  'go.mod',
  'go.sum',
  'go.work.sum',
  'svc-A_1/go.mod',
  'svc-A_1/go.sum',
  'tools/lint/go.sum'
]

describe('searchFiles', () => {
  it('finds the project files and enters none of the skipped directories', async () => {
    const root = tree([...PROJECT, ...NOISE])
    const s = await searchFiles(root, SUMS)
    expect(s.files.map((f) => relative(root, f))).toEqual(
      ['go.sum', 'go.work.sum', 'svc-A_1/go.sum', 'tools/lint/go.sum'].sort()
    )
    expect(s.stoppedAt).toBeUndefined()
    expect(s.skipped.map((d) => relative(root, d))).toEqual([
      'home/runner/go/pkg/mod',
      'opt/hostedtoolcache/go/1.26.8/x64'
    ])
    expect(findModuleRoots(root, s.files)).toEqual([
      root,
      join(root, 'svc-A_1')
    ])
  })

  it('enters an ignored directory only when a pattern names it', async () => {
    const root = tree(['.tools/go.sum', 'vendor/go.sum', 'a/vendor/go.sum'])
    const names = async (patterns: string[]) =>
      (await searchFiles(root, patterns)).files.map((f) => relative(root, f))
    expect(await names(['**/go.sum'])).toEqual([])
    expect(await names(['*/go.sum'])).toEqual([])
    expect(await names(['.tools/go.sum', '**/vendor/go.sum'])).toEqual([
      '.tools/go.sum',
      'a/vendor/go.sum',
      'vendor/go.sum'
    ])
    expect(await names(['**/vendor/go.sum', '!a/**'])).toEqual([
      'vendor/go.sum'
    ])
  })

  it('reads no directory a pattern cannot reach', async () => {
    // 50 entries would stop a walk of everything; `go.sum` needs the root only.
    const root = tree([
      'go.sum',
      ...Array.from({ length: 50 }, (_, i) => `deep/d${i}/go.sum`)
    ])
    const s = await searchFiles(root, ['go.sum'], {
      maxEntries: 10,
      maxFiles: 10
    })
    expect(s.files).toEqual([join(root, 'go.sum')])
    expect(s.stoppedAt).toBeUndefined()
  })

  it('stops at the file cap, the same files on every run', async () => {
    const root = tree(
      Array.from(
        { length: 12 },
        (_, i) => `m${String(i).padStart(2, '0')}/go.sum`
      )
    )
    const limits = { maxEntries: 1000, maxFiles: 5 }
    const s = await searchFiles(root, SUMS, limits)
    expect(s.stoppedAt).toBe('files')
    expect(s.files.map((f) => relative(root, f))).toEqual([
      'm00/go.sum',
      'm01/go.sum',
      'm02/go.sum',
      'm03/go.sum',
      'm04/go.sum'
    ])
    const w = searchLimitWarning(s, root, 'cache-dependency-path', limits)
    expect(w).toContain(`under ${root} stopped after 5 matching files`)
    expect(w).toContain(
      'only the 5 file(s) found so far are used. Set `cache-dependency-path` to the go.sum files that matter'
    )
  })

  it('stops at the entry cap', async () => {
    const root = tree(
      Array.from({ length: 30 }, (_, i) => `d${i}/x/readme.txt`)
    )
    const limits = { maxEntries: 20, maxFiles: 100 }
    const s = await searchFiles(root, SUMS, limits)
    expect(s.stoppedAt).toBe('entries')
    expect(searchLimitWarning(s, root, 'merge-reports', limits)).toContain(
      'stopped after 20 directory entries'
    )
    expect(
      searchLimitWarning(await searchFiles(root, SUMS), root, 'merge-reports')
    ).toBeUndefined()
  })
})

describe('findDependencyFiles', () => {
  it('searches the working directory, or the workspace with patterns', async () => {
    const ws = tree([...PROJECT, ...NOISE])
    expect(
      (await findDependencyFiles(ws, 'svc-A_1', [])).map((f) => relative(ws, f))
    ).toEqual(['svc-A_1/go.sum'])
    expect(
      (await findDependencyFiles(ws, 'svc-A_1', ['tools/**/go.sum'])).map((f) =>
        relative(ws, f)
      )
    ).toEqual(['tools/lint/go.sum'])
  })
})
