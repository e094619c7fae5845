// The rules of docs/architecture.md, checked against the imports: the layer
// list is read from the document itself, so the two cannot drift apart.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const SRC = join(ROOT, 'src')
const ENTRIES = '(entries)'

/** Folders of src/ from the bottom layer up, as the document lists them. */
function documentedLayers(): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8')
  const section = doc.split(/^## Layers$/m)[1]?.split(/^## /m)[0] ?? ''
  return [...section.matchAll(/^\d+\. `([a-z-]+)\/`/gm)].map((m) => m[1])
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : []
  )
}

function layerOf(file: string): string {
  const parts = relative(SRC, file).split(sep)
  return parts.length > 1 ? parts[0] : ENTRIES
}

interface Import {
  from: string
  to: string
}

// Static, type-only and dynamic imports and re-exports alike.
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm

function imports(files: string[]): Import[] {
  return files.flatMap((from) =>
    [...readFileSync(from, 'utf8').matchAll(SPECIFIER)].map((m) => ({
      from,
      to: normalize(join(dirname(from), m[1].replace(/\.js$/, '.ts')))
    }))
  )
}

const files = sourceFiles(SRC)
const edges = imports(files)
const layers = documentedLayers()

describe('the layers of src/', () => {
  it('are listed in docs/architecture.md, every folder of src/ once', () => {
    const folders = [
      ...new Set(files.map(layerOf).filter((l) => l !== ENTRIES))
    ].sort()
    expect([...layers].sort()).toEqual(folders)
  })

  it('import only layers below them (type imports included)', () => {
    const rank = (l: string) => (l === ENTRIES ? Infinity : layers.indexOf(l))
    const upward = edges
      .filter(
        (e) =>
          layerOf(e.from) !== layerOf(e.to) &&
          rank(layerOf(e.to)) >= rank(layerOf(e.from))
      )
      .map((e) => `${relative(SRC, e.from)} → ${relative(SRC, e.to)}`)
    expect(upward).toEqual([])
  })

  it('have no import cycle between files', () => {
    const next = new Map<string, string[]>()
    for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to])
    const state = new Map<string, 'open' | 'done'>()
    const cycles: string[] = []
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return
      if (state.get(f) === 'open') {
        cycles.push(
          [...path.slice(path.indexOf(f)), f]
            .map((p) => relative(SRC, p))
            .join(' → ')
        )
        return
      }
      state.set(f, 'open')
      for (const t of next.get(f) ?? []) visit(t, [...path, f])
      state.set(f, 'done')
    }
    for (const f of files) visit(f, [])
    expect(cycles).toEqual([])
  })

  it('keep files under 400 lines unless the header says why', () => {
    const long = files.filter((f) => {
      const text = readFileSync(f, 'utf8')
      const lines = text.split('\n')
      return (
        lines.length > 400 &&
        !lines.slice(0, 3).some((l) => l.startsWith('// Long: '))
      )
    })
    expect(long.map((f) => relative(SRC, f))).toEqual([])
  })
})
