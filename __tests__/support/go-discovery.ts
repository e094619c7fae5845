// The go command's own go-import parser, for differential tests: the
// installed Go's cmd/go/internal/vcs/discovery.go, compiled unchanged into a
// small program (the package is internal, so it is copied, not imported).
// The program reads a JSON array of base64 pages on stdin and prints, per
// page, the tags parseMetaGoImports returns in module mode.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { goTempDir, runGo } from './go.js'

export interface GoMetaImport {
  prefix: string
  vcs: string
  repoRoot: string
  subDir?: string
}

const TYPES = `package vcs

import "io"

// metaImport as declared in cmd/go/internal/vcs/vcs.go.
type metaImport struct {
	Prefix, VCS, RepoRoot, SubDir string
}

func Parse(r io.Reader) []metaImport {
	imports, _ := parseMetaGoImports(r, PreferMod)
	return imports
}
`

const MODULE_MODE = `
type ModuleMode int

const (
	IgnoreMod ModuleMode = iota
	PreferMod
)
`

const MAIN = `package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"

	"discovery/vcs"
)

type out struct {
	Prefix   string \`json:"prefix"\`
	VCS      string \`json:"vcs"\`
	RepoRoot string \`json:"repoRoot"\`
	SubDir   string \`json:"subDir,omitempty"\`
}

func main() {
	var pages []string
	if err := json.NewDecoder(os.Stdin).Decode(&pages); err != nil {
		panic(err)
	}
	res := [][]out{}
	for _, p := range pages {
		b, err := base64.StdEncoding.DecodeString(p)
		if err != nil {
			panic(err)
		}
		list := []out{}
		for _, m := range vcs.Parse(bytes.NewReader(b)) {
			list = append(list, out{m.Prefix, m.VCS, m.RepoRoot, m.SubDir})
		}
		res = append(res, list)
	}
	json.NewEncoder(os.Stdout).Encode(res)
}
`

/** Builds the program; returns a function that parses pages with it. */
export async function buildGoDiscovery(): Promise<
  (pages: Buffer[]) => GoMetaImport[][]
> {
  const dir = goTempDir('go-discovery-')
  const goroot = execFileSync('go', ['env', 'GOROOT'], {
    env: { ...process.env, GOTOOLCHAIN: 'local', GOENV: 'off' }
  })
    .toString()
    .trim()
  mkdirSync(join(dir, 'vcs'))
  const discovery = readFileSync(
    join(goroot, 'src/cmd/go/internal/vcs/discovery.go'),
    'utf8'
  )
  writeFileSync(join(dir, 'vcs/discovery.go'), discovery)
  // Some Go versions declare ModuleMode in vcs.go, beside metaImport.
  writeFileSync(
    join(dir, 'vcs/types.go'),
    TYPES + (/type ModuleMode\b/.test(discovery) ? '' : MODULE_MODE)
  )
  writeFileSync(join(dir, 'main.go'), MAIN)
  writeFileSync(join(dir, 'go.mod'), 'module discovery\n\ngo 1.21\n')
  const bin = join(dir, 'discovery')
  const r = await runGo(['build', '-o', bin, '.'], {
    cwd: dir,
    env: {
      GOPROXY: 'off',
      GOMODCACHE: goTempDir('modcache-'),
      GOFLAGS: '-mod=mod'
    }
  })
  if (r.code !== 0)
    throw new Error(`building the go-import parser: ${r.stderr}`)
  return (pages) =>
    JSON.parse(
      execFileSync(bin, [], {
        input: JSON.stringify(pages.map((p) => p.toString('base64'))),
        maxBuffer: 64 << 20
      }).toString()
    ) as GoMetaImport[][]
}
