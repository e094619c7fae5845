// Prints, for each URL given on stdin (one per line), the proxy Go's
// net/http would use under this process's environment (ProxyFromEnvironment,
// which reads HTTP_PROXY, HTTPS_PROXY, NO_PROXY and REQUEST_METHOD once):
// the proxy URL, "direct", or "error: ...". One line out per line in.
package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/url"
	"os"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		u, err := url.Parse(in.Text())
		if err != nil {
			fmt.Println("error: bad url")
			continue
		}
		p, err := http.ProxyFromEnvironment(&http.Request{URL: u})
		switch {
		case err != nil:
			fmt.Println("error: " + err.Error())
		case p == nil:
			fmt.Println("direct")
		default:
			fmt.Println(p.String())
		}
	}
}
