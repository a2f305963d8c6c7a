// Command srt runs untrusted code so that it touches only the files and network hosts a policy allows.
//
//	srt proxy                     # the filtering HTTP and SOCKS5 proxies as a service
//	srt --settings s.json proxy   # with a settings file other than ~/.srt-settings.json
//
// See README.md for the settings format.
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
