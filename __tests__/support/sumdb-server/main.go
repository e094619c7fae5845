// A checksum database for tests: golang.org/x/mod's test server, signing
// the go.sum lines of a file under a fresh key for the given name. Prints
// "ADDR VERIFIER-KEY" and serves /lookup, /tile and /latest on loopback.
package main

import (
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sumdb-server NAME GO.SUM")
		os.Exit(2)
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, os.Args[1])
	check(err)
	data, err := os.ReadFile(os.Args[2])
	check(err)
	sums := map[string][]byte{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		k := f[0] + "@" + strings.TrimSuffix(f[1], "/go.mod")
		sums[k] = append(sums[k], line+"\n"...)
	}
	db := sumdb.NewTestServer(skey, func(path, vers string) ([]byte, error) {
		if b, ok := sums[path+"@"+vers]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("%s@%s: not found", path, vers)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	fmt.Printf("%s %s\n", ln.Addr(), vkey)
	check(http.Serve(ln, sumdb.NewServer(db)))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
