// Reads what the prefetch plans from in every module root: the go.work and
// the go.mod of each main module (what go walks the module graph from), and
// the go.sum hashes (go.work.sum included) the fetched files are checked
// against.
import { readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { MainModuleFiles } from '../../gomod/download-plan.js'
import { parseGoWorkUses } from '../../gomod/go-mod-files.js'
import { readProjectSums } from '../../probe/plan.js'
import { mergeGoSums } from '../../gomod/gosum.js'
import { sumIndex, type SumIndex } from './work-plan.js'

export interface RootWork {
  /** Absolute module root. */
  dir: string
  goWork?: string
  mains: MainModuleFiles[]
}

export async function readPrefetchWork(
  roots: readonly string[]
): Promise<{ roots: RootWork[]; sums: SumIndex }> {
  const sums = []
  const work: RootWork[] = []
  for (const dir of roots) {
    sums.push(await readProjectSums(dir))
    const goWork = await readText(join(dir, 'go.work'))
    const mains: MainModuleFiles[] = []
    for (const d of goWork !== undefined ? parseGoWorkUses(goWork) : ['.']) {
      const goMod = await readText(join(dir, d, 'go.mod'))
      if (goMod !== undefined) mains.push({ dir: d, goMod })
    }
    work.push({ dir, goWork, mains })
  }
  return { roots: work, sums: sumIndex(mergeGoSums(sums)) }
}

function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined)
}

/** The go.mod of a local-directory replacement, relative to the root or absolute. */
export function readLocalGoMod(
  root: string,
  dir: string
): Promise<string | undefined> {
  return readText(join(isAbsolute(dir) ? dir : join(root, dir), 'go.mod'))
}
