import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  matchGoImport,
  parseGoImports,
  repoUrlProblem,
  type GoImport
} from '../../../src/privacy/go-import.js'
import {
  buildGoDiscovery,
  type GoMetaImport
} from '../../support/go-discovery.js'
import { cleanupTempDirs } from '../../support/temp.js'

const MOD = 'corp.example.test/Team-A/private_mod'
const tag = (content: string) => `<meta name="go-import" content="${content}">`

describe('parseGoImports', () => {
  it('reads the head only: a tag after </head> or <body> does not count', () => {
    const page = (between: string) =>
      Buffer.from(
        `<html><head>${tag(`${MOD} git https://a.example.test/r`)}${between}${tag(`${MOD} mod https://b.example.test/go`)}</head></html>`
      )
    // In the head the mod entry wins and drops the git entry of its prefix.
    expect(parseGoImports(page('')).map((m) => m.vcs)).toEqual(['mod'])
    expect(parseGoImports(page('</HEAD>')).map((m) => m.vcs)).toEqual(['git'])
    expect(parseGoImports(page('<body class="x">'))).toEqual([
      { prefix: MOD, vcs: 'git', repoRoot: 'https://a.example.test/r' }
    ])
  })

  it('puts mod entries first and drops other entries for the same prefix', () => {
    const page = Buffer.from(
      tag('corp.example.test/x git https://x.example.test/x') +
        tag(`${MOD} git https://a.example.test/r`) +
        tag(`${MOD} mod https://proxy.example.test/go`)
    )
    expect(parseGoImports(page).map((m) => [m.prefix, m.vcs])).toEqual([
      [MOD, 'mod'],
      ['corp.example.test/x', 'git']
    ])
  })

  it('keeps the tags found before a syntax error', () => {
    const ok = tag(`${MOD} git https://a.example.test/r`)
    expect(
      parseGoImports(Buffer.from(`${ok}<1bad>${tag('x git https://x')}`))
    ).toHaveLength(1)
    expect(parseGoImports(Buffer.from(`\u0001${ok}`))).toEqual([])
  })

  it('matches what the installed go command parses, over random hostile pages', async () => {
    const goParse = await built
    const pages = [...FIXED, ...randomPages(3000, 20261129)]
    const want = goParse(pages)
    const got = pages.map((p) => parseGoImports(p).map(plain))
    const diffs = pages
      .map((p, i) => ({ page: p.toString('latin1'), go: want[i], ts: got[i] }))
      .filter((d) => JSON.stringify(d.go) !== JSON.stringify(d.ts))
    expect(diffs.slice(0, 5)).toEqual([])
    // The fuzz is only worth something if many pages yield tags.
    expect(want.filter((w) => w.length > 0).length).toBeGreaterThan(500)
  }, 120_000)
})

describe('matchGoImport', () => {
  const im = (prefix: string, vcs = 'git'): GoImport => ({
    prefix,
    vcs,
    repoRoot: 'https://r.example.test/' + prefix.length
  })
  it('matches on whole path elements', () => {
    expect(matchGoImport([im('corp.example.test/Team')], MOD)).toMatch(
      /no go-import tag matches/
    )
    expect(matchGoImport([im('corp.example.test/Team-A')], MOD)).toEqual(
      im('corp.example.test/Team-A')
    )
  })
  it('refuses several matches unless a mod entry comes first', () => {
    const a = im('corp.example.test')
    const b = im('corp.example.test/Team-A')
    expect(matchGoImport([a, b], MOD)).toMatch(/several go-import tags/)
    const m = im('corp.example.test', 'mod')
    expect(matchGoImport([m, b], MOD)).toEqual(m)
  })
})

describe('repoUrlProblem', () => {
  it.each([
    ['https://git.corp.example.test/Team-A/private_mod.git', undefined],
    ['HTTPS://git.corp.example.test:8443/r', undefined],
    ['--upload-pack=touch /tmp/x', /not an https/],
    ['-uhttps://x', /not an https/],
    ['http://127.0.0.2:8080/go', /not an https/],
    ['ext::sh -c touch% /tmp/x', /not an https/],
    ['file:///etc', /not an https/],
    ['https://', /not a valid URL|no host/],
    ['https://user:pw@git.corp.example.test/r', /user name/],
    ['https://git.corp.example.test/r --upload-pack=x', /whitespace/],
    ['https://git.corp.example.test/r\n', /control/],
    ['https://git.corp.example.test/aaaa…', /longer than/]
  ])('%#: %s', (url, want) => {
    const problem = repoUrlProblem(url.replace('…', 'a'.repeat(2100)))
    expect(problem ?? 'accepted').toMatch(want ?? /^accepted$/)
  })
})

function plain(m: GoImport): GoMetaImport {
  return m.subDir === undefined
    ? { prefix: m.prefix, vcs: m.vcs, repoRoot: m.repoRoot }
    : { ...m }
}

let built: ReturnType<typeof buildGoDiscovery>
beforeAll(() => {
  built = buildGoDiscovery()
})
afterAll(() => cleanupTempDirs())

// Shapes real pages and hostile servers use: head/body in any case, quoting
// variants, entities, comments, directives, CDATA, scripts with `<`, bad
// bytes, charsets, fields that are too few or too many.
const FRAGMENTS: string[] = [
  '<html>',
  '<head>',
  '</head>',
  '</HEAD >',
  '<head/>',
  '<body>',
  '<BODY class=x>',
  '<Body/>',
  '<title>Team-A &amp; co</title>',
  tag(`${MOD} git https://git.corp.example.test/Team-A/private_mod.git`),
  tag(`${MOD} mod https://proxy.corp.example.test/go`),
  tag(`${MOD} mod http://127.0.0.2:8080`),
  tag(`corp.example.test git https://git.corp.example.test/r sub/dir`),
  tag(`${MOD} git --upload-pack=touch`),
  tag(`${MOD} hg https://hg.example.test/r`),
  tag(`${MOD} git`),
  tag(`${MOD} git https://a b c`),
  tag(`${MOD}&#x20;git&#9;https://e.example.test/r`),
  tag(`${MOD}\u00a0git\u00a0https://nbsp.example.test/r`),
  tag(`${MOD}\u0085git\u0085https://nel.example.test/r`),
  tag(`${MOD}\ufeffgit https://bom.example.test/r`),
  tag(`${MOD}\r\ngit\rhttps://crlf.example.test/r`),
  tag(`a &amp;&lt;&gt;&quot;&apos; https://ent.example.test`),
  tag(`a &bogus; &#0;`),
  tag(`a &#xD800; https://s.example.test`),
  tag(`a & https://amp.example.test`),
  tag('x git https://<lt.example.test'),
  `<meta name='go-import' content='${MOD} git https://single.example.test/r'>`,
  `<meta name=go-import content="${MOD} git https://unq.example.test/r">`,
  `<META NAME="go-import" CONTENT="${MOD} git https://upper.example.test/r"/>`,
  `<meta name="Go-Import" content="${MOD} git https://case.example.test/r">`,
  `<meta content="${MOD} git https://order.example.test/r" name="go-import">`,
  `<meta async name="go-import" content="${MOD} git https://noval.example.test/r">`,
  `<x:meta name="go-import" content="${MOD} git https://ns.example.test/r">`,
  `<meta x:name="go-import" x:content="${MOD} git https://nsattr.example.test/r">`,
  `<meta name = "go-import"\ncontent = "${MOD} git https://sp.example.test/r" >`,
  `<meta name="go-import" content="${MOD} git https://noend.example.test/r" /`,
  `<meta name=go-import content=${MOD}>`,
  '<!-- comment -->',
  '<!-- a -- b -->',
  '<!---->',
  `<!-- ${tag('c git https://comment.example.test')} -->`,
  '<!DOCTYPE html>',
  '<!DOCTYPE x [<!ENTITY a "b>"> <!-- > -->]>',
  `<![CDATA[ ${tag('d git https://cdata.example.test')} ]]>`,
  '<![CDATX[',
  '<?xml version="1.0" encoding="UTF-8"?>',
  "<?xml version='1.0' encoding='latin1'?>",
  '<?xml version="1.1"?>',
  '<?php echo 1 ?>',
  '<script>if (a<b) { x() }</script>',
  `<script>x = "${tag('s git https://script.example.test')}"</script>`,
  '<a:b:c>',
  '<1abc>',
  '< meta>',
  '<méta name="go-import" content="u git https://u.example.test">',
  ']]>',
  'text & more',
  '\u0001',
  '\t\n ',
  '</>',
  '<',
  '&#1234567890;'
]
const BAD_BYTES = [Buffer.from([0xff]), Buffer.from([0xc3])]

function randomPages(n: number, seed: number): Buffer[] {
  let s = seed >>> 0
  const rnd = (k: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s % k
  }
  const pages: Buffer[] = []
  for (let i = 0; i < n; i++) {
    const parts: Buffer[] = []
    const count = 1 + rnd(8)
    for (let j = 0; j < count; j++) {
      parts.push(
        rnd(40) === 0
          ? BAD_BYTES[rnd(BAD_BYTES.length)]
          : Buffer.from(FRAGMENTS[rnd(FRAGMENTS.length)])
      )
    }
    pages.push(Buffer.concat(parts))
  }
  return pages
}

const FIXED = FRAGMENTS.map((f) =>
  Buffer.from(`<html><head>${f}${tag('z git https://z.example.test')}`)
)
