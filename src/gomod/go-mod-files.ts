// Reading go.mod and go.work directives. Both files share one grammar for
// what the action needs: `keyword args` on one line, or `keyword (` opening a
// block of one entry per line; `//` starts a comment.
import { goModLookup } from './gomod-lines.js'

export interface Directive {
  args: string[]
  /** 1-based line number. */
  line: number
}

/** Every `keyword` directive of a go.mod or go.work, single-line or in blocks. */
export function goModDirectives(text: string, keyword: string): Directive[] {
  const out: Directive[] = []
  let inBlock = false
  // Built once: a go.mod of thousands of requires is read line by line.
  const opensBlock = new RegExp(`^${keyword}\\s*\\($`)
  const single = new RegExp(`^${keyword}\\s+\\S`)
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\/\/.*$/, '').trim()
    if (inBlock) {
      if (line.startsWith(')')) inBlock = false
      else if (line) out.push({ args: fields(line), line: i + 1 })
      return
    }
    if (opensBlock.test(line)) inBlock = true
    else if (single.test(line)) {
      out.push({ args: fields(line).slice(1), line: i + 1 })
    }
  })
  return out
}

// Splits on spaces outside quotes, so that `use "./my module"` stays one
// argument, and removes the quotes.
function fields(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|`([^`]*)`|(\S+)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]
  )
}

/** The directories of a go.work's `use` directives. */
export function parseGoWorkUses(goWork: string): string[] {
  return goModDirectives(goWork, 'use').map((d) => d.args[0])
}

/** Module paths of a go.mod's `require` directives, without duplicates. */
export function parseGoModRequires(goMod: string): string[] {
  return [...new Set(goModDirectives(goMod, 'require').map((d) => d.args[0]))]
}

/** `require` directives as module path and version, without duplicates. */
export function parseGoModRequireVersions(
  goMod: string
): { path: string; version: string }[] {
  const seen = new Set<string>()
  return goModDirectives(goMod, 'require')
    .filter((d) => d.args.length >= 2)
    .map((d) => ({ path: d.args[0], version: d.args[1] }))
    .filter((m) => {
      const k = `${m.path}@${m.version}`
      return !seen.has(k) && Boolean(seen.add(k))
    })
}

/** 1-based line of `require path version` (single or in a block), or undefined. */
export function findRequireLine(
  goMod: string,
  modulePath: string
): number | undefined {
  return goModDirectives(goMod, 'require').find((d) => d.args[0] === modulePath)
    ?.line
}

/** 1-based line of the `toolchain` line, else the `go` line, as the switch finds them. */
export function findToolchainLine(goMod: string): number | undefined {
  return (goModLookup(goMod, 'toolchain') ?? goModLookup(goMod, 'go'))?.line
}
