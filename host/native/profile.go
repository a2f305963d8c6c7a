package native

import (
	"fmt"
	"regexp"
	"strings"
)

// DarwinProfile is the sandbox-exec (Seatbelt) profile for cfg: deny by default; reads allowed except
// denyRead; writes only in the allowWrite trees and TMPDIR, never to denyWrite or protected names (matched
// case-insensitively, as APFS is), and no rename or removal of .git and .claude, which would swap in
// unprotected copies; network only to srt's proxies on localhost (and local binding if allowed).
// Seatbelt applies the last matching rule, so the denials come after the allowances.
func DarwinProfile(cfg *Config) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w(";; srt native sandbox profile (generated; deny by default)")
	w("(version 1)")
	w("(deny default)")
	w("")
	w(";; processes")
	w("(allow process-exec)")
	w("(allow process-fork)")
	w("(allow signal (target same-sandbox))")
	w("(allow sysctl-read)")
	w("(allow mach-lookup)")
	w("(allow ipc-posix-shm)")
	w("(allow ipc-posix-sem)")
	w("(allow pseudo-tty)")
	w("")
	w(";; files: read everything but denyRead")
	w("(allow file-read*)")
	w("(allow file-ioctl (literal \"/dev/tty\") (regex #\"^/dev/ttys[0-9]+$\"))")
	w("(allow file-write-data (literal \"/dev/null\") (literal \"/dev/zero\") (literal \"/dev/tty\") (literal \"/dev/dtracehelper\") (regex #\"^/dev/ttys[0-9]+$\"))")
	writable := append([]string(nil), cfg.Writable...)
	if cfg.TmpDir != "" {
		writable = append(writable, cfg.TmpDir)
	}
	if len(writable) > 0 {
		w(";; allowWrite and TMPDIR")
		w("(allow file-write*")
		for _, p := range writable {
			w("  (subpath %s)", quote(p))
		}
		w(")")
	}
	if len(cfg.HideDirs)+len(cfg.HideFiles) > 0 {
		w(";; denyRead")
		w("(deny file-read*")
		for _, p := range cfg.HideDirs {
			w("  (subpath %s)", quote(p))
		}
		for _, p := range cfg.HideFiles {
			w("  (literal %s)", quote(p))
		}
		w(")")
	}
	if len(cfg.ReadOnly) > 0 {
		w(";; denyWrite")
		w("(deny file-write*")
		for _, p := range cfg.ReadOnly {
			w("  (subpath %s)", quote(p))
		}
		w(")")
	}
	if len(cfg.Protected) > 0 && len(cfg.Writable) > 0 {
		w(";; mandatory protected paths, at any depth of the writable trees")
		w("(deny file-write*")
		for _, root := range cfg.Writable {
			for _, n := range cfg.Protected {
				w("  (regex #\"%s\")", protectedRegex(root, n))
			}
		}
		w(")")
		w(";; renaming or removing .git or .claude would replace their protected contents")
		w("(deny file-write-unlink")
		for _, root := range cfg.Writable {
			for _, n := range []string{".git", ".claude"} {
				w("  (regex #\"%s$\")", rootPrefix(root)+caseless(regexQuote(n)))
			}
		}
		w(")")
	}
	w("")
	w(";; network: only srt's proxies on localhost")
	w("(deny network*)")
	w("(allow network-outbound (remote ip \"localhost:%d\"))", cfg.HostHTTPPort)
	w("(allow network-outbound (remote ip \"localhost:%d\"))", cfg.HostSOCKSPort)
	if cfg.AllowLocalBinding {
		w("(allow network-bind (local ip \"localhost:*\"))")
		w("(allow network-inbound (local ip \"localhost:*\"))")
		w("(allow network-outbound (remote ip \"localhost:*\"))")
	}
	if cfg.AllowUnixSockets {
		w("(allow network* (remote unix-socket))")
		w("(allow network* (local unix-socket))")
	} else {
		for _, p := range cfg.AllowUnixSocketPaths {
			w("(allow network-outbound (remote unix-socket (path-literal %s)))", quote(p))
		}
	}
	return b.String()
}

// quote is an SBPL string literal.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func rootPrefix(root string) string {
	if root == "/" {
		return "^/(.*/)?"
	}
	return "^" + regexQuote(root) + "/(.*/)?"
}

// regexQuote quotes s for a #"…" regex literal; a '"' (which the literal cannot hold) becomes '.', which
// only widens the denials these regexes are used for.
func regexQuote(s string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(s), `"`, ".")
}

// protectedRegex matches name (e.g. ".git/hooks") and everything below it, anywhere under root.
func protectedRegex(root, name string) string {
	return rootPrefix(root) + caseless(regexQuote(name)) + "(/.*)?$"
}

// caseless turns letters into [xX] classes: Seatbelt regexes have no case-insensitive flag.
func caseless(re string) string {
	var b strings.Builder
	for _, r := range re {
		if lo, up := strings.ToLower(string(r)), strings.ToUpper(string(r)); lo != up {
			b.WriteString("[" + lo + up + "]")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
