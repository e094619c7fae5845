// Finds the line of a go.mod (or go.work) that an annotation should point
// at: the `require` of a module, or the go/toolchain line.

/** 1-based line of `require path version` (single or in a block), or undefined. */
export function findRequireLine(
  goMod: string,
  modulePath: string
): number | undefined {
  const lines = goMod.split(/\r?\n/)
  let inBlock = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\/\/.*$/, '').trim()
    if (inBlock) {
      if (line.startsWith(')')) {
        inBlock = false
        continue
      }
      if (firstField(line) === modulePath) return i + 1
      continue
    }
    if (/^require\s*\($/.test(line)) {
      inBlock = true
      continue
    }
    const m = /^require\s+(\S+)/.exec(line)
    if (m && unquote(m[1]) === modulePath) return i + 1
  }
  return undefined
}

/** 1-based line of the `toolchain` directive, else the `go` directive. */
export function findToolchainLine(goMod: string): number | undefined {
  const lines = goMod.split(/\r?\n/)
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l.trim()))
  const t = at(/^toolchain\s/)
  if (t >= 0) return t + 1
  const g = at(/^go\s/)
  return g >= 0 ? g + 1 : undefined
}

function firstField(line: string): string | undefined {
  const f = line.split(/\s+/)[0]
  return f ? unquote(f) : undefined
}

function unquote(s: string): string {
  return s.replace(/^"(.*)"$/, '$1').replace(/^`(.*)`$/, '$1')
}
