// Reads what the prefetch will fetch in every module root: the go.sum files
// (and go.work's), else go.mod's require lines; files already in the module
// cache are left out, since go will not ask for them.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { mergeGoSums, type GoSumEntry } from '../../gomod/gosum.js'
import {
  parseGoModRequireVersions,
  parseGoWorkUses
} from '../../gomod/go-mod-files.js'
import type { ModuleVersion } from '../../gomod/module-path.js'
import { readProjectSums } from '../../probe/plan.js'
import { planPrefetch, type PlannedFile } from './work-plan.js'

export async function readPrefetchWork(
  roots: readonly string[],
  isPrivate: (path: string) => boolean,
  gomodcache: string
): Promise<PlannedFile[]> {
  const sums: GoSumEntry[][] = []
  const requires: ModuleVersion[] = []
  for (const root of roots) {
    sums.push(await readProjectSums(root))
    const work = await readFile(join(root, 'go.work'), 'utf8').catch(() => '')
    const modDirs = work ? parseGoWorkUses(work) : ['.']
    for (const d of modDirs) {
      const mod = await readFile(join(root, d, 'go.mod'), 'utf8').catch(
        () => ''
      )
      requires.push(...parseGoModRequireVersions(mod))
    }
  }
  return planPrefetch(mergeGoSums(sums), requires, isPrivate).filter(
    (f) => !existsSync(join(gomodcache, 'cache', 'download', f.urlPath))
  )
}
