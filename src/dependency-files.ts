import { readdir } from 'node:fs/promises'
import * as path from 'node:path'

// Directories that never hold a go.sum that matters to the build: VCS
// metadata, vendored or JS dependencies, and what the go command itself
// ignores (testdata, names starting with "." or "_").
const SKIP_DEFAULT = (name: string) =>
  name === 'node_modules' ||
  name === 'vendor' ||
  name === 'testdata' ||
  name.startsWith('.') ||
  name.startsWith('_')
const SKIP_PATTERN = (name: string) =>
  name === '.git' || name === 'node_modules'

/**
 * The go.sum / go.work.sum files that key the module cache, as absolute
 * paths, sorted. Without patterns: every such file under workingDirectory.
 * Patterns are globs relative to the workspace (`*`, `?`, `[…]`, `**` for any
 * number of directories, a leading `!` excludes).
 */
export async function findDependencyFiles(
  workspace: string,
  workingDirectory: string,
  patterns: readonly string[]
): Promise<string[]> {
  if (patterns.length === 0) {
    const root = path.resolve(workspace, workingDirectory)
    return (await walk(root, SKIP_DEFAULT)).filter((f) =>
      ['go.sum', 'go.work.sum'].includes(path.basename(f))
    )
  }
  const include = patterns.filter((p) => !p.startsWith('!')).map(globRe)
  const exclude = patterns
    .filter((p) => p.startsWith('!'))
    .map((p) => globRe(p.slice(1)))
  const ws = path.resolve(workspace)
  return (await walk(ws, SKIP_PATTERN)).filter((f) => {
    const rel = path.relative(ws, f).split(path.sep).join('/')
    return (
      include.some((re) => re.test(rel)) && !exclude.some((re) => re.test(rel))
    )
  })
}

/** A workspace-relative glob as a RegExp over `/`-separated relative paths. */
export function globRe(pattern: string): RegExp {
  const p = pattern.trim().replace(/\\/g, '/').replace(/^\.\//, '')
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

async function walk(
  root: string,
  skip: (name: string) => boolean
): Promise<string[]> {
  const out: string[] = []
  const visit = async (dir: string): Promise<void> => {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const full = path.join(dir, e.name)
      if (e.isDirectory()) {
        if (!skip(e.name)) await visit(full)
      } else if (e.isFile()) out.push(full)
    }
  }
  await visit(root)
  return out.sort()
}
