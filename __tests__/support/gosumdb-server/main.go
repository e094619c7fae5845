// Command gosumdb-server is a checksum database for tests: it signs with a
// key it generates at start, computes the go.sum lines of each module version
// it is asked about from the module files of a GOPROXY base (as
// sum.golang.org does from proxy.golang.org), and serves the checksum
// database protocol on loopback. It prints the verifier key and its URL,
// one per line, so that a test can set GOSUMDB="<vkey> <url>".
//
// Fault modes for tests of clients that verify:
//
//	-forge      sign tree heads with another key of the same name
//	-bad-proof  serve hash tiles with one hash changed
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	name := flag.String("name", "sumdb.example.test", "checksum database name")
	proxy := flag.String("proxy", "", "GOPROXY base the hashes are computed from")
	forge := flag.Bool("forge", false, "sign tree heads with a key other than the one printed")
	badProof := flag.Bool("bad-proof", false, "serve hash tiles with one hash changed")
	flag.Parse()
	if *proxy == "" {
		log.Fatal("-proxy is required")
	}

	skey, vkey, err := note.GenerateKey(rand.Reader, *name)
	if err != nil {
		log.Fatal(err)
	}
	if *forge {
		if skey, _, err = note.GenerateKey(rand.Reader, *name); err != nil {
			log.Fatal(err)
		}
	}
	var ops sumdb.ServerOps = sumdb.NewTestServer(skey, func(path, vers string) ([]byte, error) {
		return goSumLines(strings.TrimSuffix(*proxy, "/"), path, vers)
	})
	if *badProof {
		ops = badTiles{ops}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\nhttp://%s\n", vkey, ln.Addr())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, sumdb.NewServer(ops)))
}

// goSumLines are the two go.sum lines of path@vers: the zip's and the go.mod's hash.
func goSumLines(base, path, vers string) ([]byte, error) {
	epath, err := module.EscapePath(path)
	if err != nil {
		return nil, err
	}
	evers, err := module.EscapeVersion(vers)
	if err != nil {
		return nil, err
	}
	prefix := base + "/" + epath + "/@v/" + evers
	mod, err := get(prefix + ".mod")
	if err != nil {
		return nil, err
	}
	zipData, err := get(prefix + ".zip")
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp("", "gosumdb-*.zip")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(zipData); err != nil {
		return nil, err
	}
	tmp.Close()
	zipHash, err := dirhash.HashZip(tmp.Name(), dirhash.Hash1)
	if err != nil {
		return nil, err
	}
	modHash, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(string(mod))), nil
	})
	if err != nil {
		return nil, err
	}
	return []byte(fmt.Sprintf("%s %s %s\n%s %s/go.mod %s\n", path, vers, zipHash, path, vers, modHash)), nil
}

func get(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
		return nil, fmt.Errorf("%s: %w", url, fs.ErrNotExist)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(url + ": " + resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// badTiles changes every hash of every hash tile, so that no inclusion or
// consistency proof built from them checks out (in a tree of one record the
// proof needs no tile and stays valid).
type badTiles struct{ sumdb.ServerOps }

func (b badTiles) ReadTileData(ctx context.Context, t tlog.Tile) ([]byte, error) {
	data, err := b.ServerOps.ReadTileData(ctx, t)
	if err != nil {
		return data, err
	}
	out := append([]byte(nil), data...)
	for i := 0; i < len(out); i += tlog.HashSize {
		out[i] ^= 0xff
	}
	return out, nil
}
