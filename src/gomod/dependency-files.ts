// The search for go.sum / go.work.sum files (and merge-reports' report
// files). working-directory may be anything, `/` included, so the walk is
// bounded: it never enters a Go installation, a module cache, a pseudo
// filesystem or a directory go itself ignores, and it stops at a cap.
import * as core from '@actions/core'
import { readdir, stat } from 'node:fs/promises'
import * as path from 'node:path'

export interface SearchLimits {
  /** Directory entries read (files and directories): bounds the time. */
  maxEntries: number
  /** Matching files: bounds the cache key and the go runs of the prefetch. */
  maxFiles: number
}

// 200,000 entries read in about two seconds here and are ten times a large
// Go monorepo without vendor/ (kubernetes); 256 go.sum files are more than
// any repository keeps outside SDK monorepos, and each one may cost a
// `go mod download` run.
const SEARCH_LIMITS: SearchLimits = {
  maxEntries: 200_000,
  maxFiles: 256
}

export interface FileSearch {
  /** Absolute paths, sorted. */
  files: string[]
  /** Which cap stopped the walk, if one did. */
  stoppedAt?: 'entries' | 'files'
  /** Go installations and module caches the walk did not enter. */
  skipped: string[]
}

// Kernel state, never a project.
const PSEUDO_FS = new Set(['/proc', '/sys', '/dev'])

/**
 * Directories a wildcard never enters (a pattern must name them): VCS and
 * tool metadata, vendored and JS dependencies, and what the go command
 * itself ignores (testdata, names starting with "." or "_").
 */
function isIgnoredDir(name: string): boolean {
  return (
    name === 'node_modules' ||
    name === 'vendor' ||
    name === 'testdata' ||
    name.startsWith('.') ||
    name.startsWith('_')
  )
}

type Segment = '**' | { literal: boolean; re: RegExp }

interface Glob {
  segs: Segment[]
}

/** Pattern positions after some path parts; `**` may match nothing. */
type States = Set<number>

function compileGlob(pattern: string): Glob {
  const segs: Segment[] = normalize(pattern)
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .map((s) =>
      s === '**'
        ? '**'
        : {
            literal: !/[*?[]/.test(s),
            re: globRe(s.replace(/\*\*+/g, '*'))
          }
    )
  return { segs }
}

function normalize(pattern: string): string {
  return pattern.trim().replace(/\\/g, '/').replace(/^\.\//, '')
}

function closure(g: Glob, states: States): States {
  for (const i of states) if (g.segs[i] === '**') states.add(i + 1)
  return states
}

const start = (g: Glob): States => closure(g, new Set([0]))

/** The states after one more path element. Wildcards skip ignored dirs. */
function step(g: Glob, states: States, name: string, dir: boolean): States {
  const next = new Set<number>()
  const ignored = dir && isIgnoredDir(name)
  for (const i of states) {
    const s = g.segs[i]
    if (s === undefined) continue
    if (s === '**') {
      if (!ignored) next.add(i)
    } else if (s.re.test(name) && (s.literal || !ignored)) next.add(i + 1)
  }
  return closure(g, next)
}

const canGoDeeper = (g: Glob, states: States) =>
  [...states].some((i) => i < g.segs.length)
const isMatch = (g: Glob, states: States) => states.has(g.segs.length)

/** One glob segment (`*`, `?`, `[…]`; `**` spans segments) as a RegExp. */
export function globRe(pattern: string): RegExp {
  const p = normalize(pattern)
  let re = ''
  for (let i = 0; i < p.length; i++) {
    const c = p[i]
    if (c === '*' && p[i + 1] === '*') {
      const slash = p[i + 2] === '/'
      re += slash ? '(?:[^/]*/)*' : '.*'
      i += slash ? 2 : 1
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = p.indexOf(']', i + 1)
      if (end < 0) re += '\\['
      else {
        re +=
          '[' +
          p
            .slice(i + 1, end)
            .replace(/^!/, '^')
            .replace(/\\/g, '\\\\') +
          ']'
        i = end
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&')
  }
  return new RegExp('^' + re + '$')
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false
}

/**
 * A Go installation (what cmd/go's isGOROOT checks: `pkg/tool`) or a module
 * cache (`cache/download`), recognised by content so that every toolchain
 * and cache on a runner is skipped, not only the active one.
 */
async function isGoTree(dir: string, names: Set<string>): Promise<boolean> {
  if (names.has('pkg') && names.has('src'))
    if (await isDir(path.join(dir, 'pkg', 'tool'))) return true
  return names.has('cache') && isDir(path.join(dir, 'cache', 'download'))
}

/**
 * Files under `root` matching any include pattern (relative, `/`-separated
 * globs; a leading `!` excludes) within the limits. Directories are read in
 * name order, so a capped search is the same on every run.
 */
export async function searchFiles(
  root: string,
  patterns: readonly string[],
  limits: SearchLimits = SEARCH_LIMITS
): Promise<FileSearch> {
  const include = patterns.filter((p) => !p.startsWith('!')).map(compileGlob)
  const exclude = patterns
    .filter((p) => p.startsWith('!'))
    .map((p) => compileGlob(p.slice(1)))
  const out: FileSearch = { files: [], skipped: [] }
  let entries = 0
  const visit = async (
    dir: string,
    inc: States[],
    exc: States[]
  ): Promise<void> => {
    if (PSEUDO_FS.has(dir)) return
    let list
    try {
      list = await readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    entries += list.length
    if (entries > limits.maxEntries) {
      out.stoppedAt = 'entries'
      return
    }
    if (await isGoTree(dir, new Set(list.map((e) => e.name)))) {
      out.skipped.push(dir)
      return
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of list) {
      if (out.stoppedAt) return
      const isDirectory = e.isDirectory()
      if (!isDirectory && !e.isFile()) continue
      const nextInc = include.map((g, i) =>
        step(g, inc[i], e.name, isDirectory)
      )
      const nextExc = exclude.map((g, i) => step(g, exc[i], e.name, false))
      if (isDirectory) {
        if (include.some((g, i) => canGoDeeper(g, nextInc[i])))
          await visit(path.join(dir, e.name), nextInc, nextExc)
      } else if (
        include.some((g, i) => isMatch(g, nextInc[i])) &&
        !exclude.some((g, i) => isMatch(g, nextExc[i]))
      ) {
        if (out.files.length === limits.maxFiles) {
          out.stoppedAt = 'files'
          return
        }
        out.files.push(path.join(dir, e.name))
      }
    }
  }
  await visit(path.resolve(root), include.map(start), exclude.map(start))
  out.files.sort()
  return out
}

// What to narrow, with an example, per input that selects files.
const NARROW = {
  'cache-dependency-path':
    'Set `cache-dependency-path` to the go.sum files that matter (for example `go.sum` or `tools/go.sum`), or point `working-directory` at the module.',
  'merge-reports':
    'Narrow `merge-reports` to the downloaded report files (for example `reports/*/*.json`).'
}

/** The warning for a capped search, saying how to narrow `input`. */
export function searchLimitWarning(
  search: FileSearch,
  root: string,
  input: keyof typeof NARROW,
  limits: SearchLimits = SEARCH_LIMITS
): string | undefined {
  if (!search.stoppedAt) return undefined
  const what =
    search.stoppedAt === 'files'
      ? `${limits.maxFiles} matching files`
      : `${limits.maxEntries} directory entries`
  return (
    `The search for files under ${root} stopped after ${what}; only the ${search.files.length} file(s) found so far are used. ` +
    NARROW[input]
  )
}

// One search per run: the cache key and the prefetch use the same files,
// and a capped search warns once.
const searches = new Map<string, Promise<string[]>>()

/**
 * The go.sum / go.work.sum files that key the module cache, as absolute
 * paths, sorted. Without patterns: every such file under workingDirectory.
 * Patterns are globs relative to the workspace (`*`, `?`, `[…]`, `**` for any
 * number of directories, a leading `!` excludes).
 */
export function findDependencyFiles(
  workspace: string,
  workingDirectory: string,
  patterns: readonly string[]
): Promise<string[]> {
  const root =
    patterns.length === 0
      ? path.resolve(workspace, workingDirectory)
      : path.resolve(workspace)
  const globs =
    patterns.length === 0 ? ['**/go.sum', '**/go.work.sum'] : patterns
  const key = JSON.stringify([root, globs])
  let search = searches.get(key)
  if (!search) {
    search = searchFiles(root, globs).then((s) => {
      const w = searchLimitWarning(s, root, 'cache-dependency-path')
      if (w) core.warning(w)
      return s.files
    })
    searches.set(key, search)
  }
  return search
}
