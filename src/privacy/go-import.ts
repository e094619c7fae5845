// The `<meta name="go-import" content="PREFIX VCS URL [SUBDIR]">` tags of a
// `?go-get=1` page, read the way cmd/go reads them (vcs/discovery.go
// parseMetaGoImports): encoding/xml's RawToken in non-strict mode, stopping
// at `</head>` or `<body>`, keeping the tags found before a syntax error.
// Whoever serves the module path writes the page, so nothing in it is
// trusted: the parser only collects strings, and repoUrlProblem decides
// whether a URL may be handed to git or fetched. The tokenizer is
// xml-tokens.ts.
import { goFields } from '../gomod/go-fields.js'
import { Tokenizer, XmlSyntaxError } from './xml-tokens.js'

export interface GoImport {
  prefix: string
  vcs: string
  repoRoot: string
  subDir?: string
}

/**
 * The go-import tags of a page in go's module-mode order: `mod` entries
 * first, then the others whose prefix has no `mod` entry.
 */
export function parseGoImports(page: Buffer): GoImport[] {
  const found: GoImport[] = []
  const t = new Tokenizer(page)
  try {
    for (let tok = t.next(); tok; tok = t.next()) {
      if (tok.kind === 'start' && tok.local.toLowerCase() === 'body') break
      if (tok.kind === 'end' && tok.local.toLowerCase() === 'head') break
      if (tok.kind !== 'start' || tok.local.toLowerCase() !== 'meta') continue
      const attr = (n: string) =>
        tok.attrs.find(([k]) => k.toLowerCase() === n)?.[1] ?? ''
      if (attr('name') !== 'go-import') continue
      const f = goFields(attr('content'))
      if (f.length !== 3 && f.length !== 4) continue
      found.push({
        prefix: f[0],
        vcs: f[1],
        repoRoot: f[2],
        ...(f.length === 4 ? { subDir: f[3] } : {})
      })
    }
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) throw e
  }
  const modPrefixes = new Set(
    found.filter((m) => m.vcs === 'mod').map((m) => m.prefix)
  )
  return [
    ...found.filter((m) => m.vcs === 'mod'),
    ...found.filter((m) => m.vcs !== 'mod' && !modPrefixes.has(m.prefix))
  ]
}

/**
 * The tag whose prefix is a path prefix of `module` (go's matchGoImport), or
 * why there is none: no tag matches, or several do (a `mod` entry wins).
 */
export function matchGoImport(
  imports: readonly GoImport[],
  module: string
): GoImport | string {
  let match: GoImport | undefined
  for (const im of imports) {
    if (!hasPathPrefix(module, im.prefix)) continue
    if (match) {
      if (match.vcs === 'mod' && im.vcs !== 'mod') break
      return `several go-import tags match ${module}`
    }
    match = im
  }
  return match ?? `no go-import tag matches ${module}`
}

function hasPathPrefix(s: string, prefix: string): boolean {
  if (s.length === prefix.length) return s === prefix
  if (s.length < prefix.length || !s.startsWith(prefix)) return false
  return prefix.endsWith('/') || s[prefix.length] === '/'
}

const MAX_REPO_URL_LENGTH = 2048

/**
 * Why a URL taken from a go-import page must not be given to git or fetched
 * with credentials, or undefined when it is a plain https URL. A leading `-`
 * cannot survive the `https://` check, which is what keeps it from being
 * read as a git option.
 */
export function repoUrlProblem(url: string): string | undefined {
  if (url.length > MAX_REPO_URL_LENGTH) {
    return `longer than ${MAX_REPO_URL_LENGTH} characters`
  }
  if (!/^https:\/\//i.test(url)) return 'not an https:// URL'
  if (/[\s\p{Cc}\\]/u.test(url)) {
    return 'contains whitespace, a backslash or a control character'
  }
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'not a valid URL'
  }
  if (u.hostname === '') return 'has no host'
  if (u.username !== '' || u.password !== '') return 'carries a user name'
  return undefined
}
