// gomatch answers pattern questions with Go's own code, for differential
// tests of src/patterns.ts. Each stdin line is a JSON object
// {"globs": "a,b", "target": "x/y"}; each stdout line answers it with
// module.MatchPrefixPatterns(globs, target), whether each comma-separated
// glob is well-formed for path.Match, and path.Match(globs, target) itself.
package main

import (
	"bufio"
	"encoding/json"
	"log"
	"os"
	"path"
	"strings"

	"golang.org/x/mod/module"
)

type question struct {
	Globs  string `json:"globs"`
	Target string `json:"target"`
}

type answer struct {
	Match bool `json:"match"`
	// Valid[i] is false where path.Match reports ErrBadPattern for the
	// i-th glob of strings.Split(globs, ",") (one trailing "/" removed).
	Valid []bool `json:"valid"`
	// PathMatch is path.Match(globs, target): [matched, malformed].
	PathMatch [2]bool `json:"pathMatch"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for in.Scan() {
		var q question
		if err := json.Unmarshal(in.Bytes(), &q); err != nil {
			log.Fatalf("gomatch: %v: %q", err, in.Text())
		}
		a := answer{Match: module.MatchPrefixPatterns(q.Globs, q.Target)}
		for _, g := range strings.Split(q.Globs, ",") {
			_, err := path.Match(strings.TrimSuffix(g, "/"), "")
			a.Valid = append(a.Valid, err == nil)
		}
		m, err := path.Match(q.Globs, q.Target)
		a.PathMatch = [2]bool{m, err != nil}
		if err := enc.Encode(a); err != nil {
			log.Fatal(err)
		}
	}
	if err := in.Err(); err != nil {
		log.Fatal(err)
	}
	if err := out.Flush(); err != nil {
		log.Fatal(err)
	}
}
