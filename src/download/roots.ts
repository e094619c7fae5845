import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parseGoWorkUses } from '../gomod/go-mod-files.js'

/**
 * The directories to run `go mod download` in: the working directory when
 * it holds a go.mod or go.work, and the directory of every selected go.sum /
 * go.work.sum that holds the matching go.mod / go.work. Modules a go.work
 * `use`s are covered by the workspace run and skipped.
 */
export function findModuleRoots(
  workingDirectory: string,
  dependencyFiles: readonly string[]
): string[] {
  const candidates = [path.resolve(workingDirectory)]
  for (const f of dependencyFiles)
    candidates.push(path.dirname(path.resolve(f)))
  const roots: string[] = []
  const covered = new Set<string>()
  for (const dir of candidates) {
    if (roots.includes(dir)) continue
    const work = path.join(dir, 'go.work')
    if (existsSync(work)) {
      roots.push(dir)
      for (const u of parseGoWorkUses(readFileSync(work, 'utf8')))
        covered.add(path.resolve(dir, u))
    } else if (existsSync(path.join(dir, 'go.mod'))) roots.push(dir)
  }
  return roots.filter(
    (d) => !covered.has(d) || existsSync(path.join(d, 'go.work'))
  )
}
