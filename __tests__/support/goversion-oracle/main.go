// Command goversion-oracle answers Go version questions with go/version, the
// standard library's copy of cmd/go's version rules: for each input line
// "x<TAB>y" it prints "Compare(gox, goy)<TAB>IsValid(gox)<TAB>Lang(gox)".
package main

import (
	"bufio"
	"fmt"
	"go/version"
	"os"
	"strings"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		x, y, _ := strings.Cut(in.Text(), "\t")
		fmt.Fprintf(out, "%d\t%v\t%s\n", version.Compare("go"+x, "go"+y), version.IsValid("go"+x), version.Lang("go"+x))
	}
}
