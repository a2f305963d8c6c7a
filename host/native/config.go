package native

import (
	"errors"
	"strconv"
	"strings"

	"github.com/srt-sandbox/srt/host/policy"
)

// InitCommand is the hidden srt subcommand that runs the inner side (Init) as the sandbox's PID 1.
const InitCommand = "__sandbox-init"

// ExecCommand is the hidden srt subcommand that applies a memory rlimit and then executes the command; the
// inner side uses it only when a memory limit cannot be enforced with a cgroup.
const ExecCommand = "__sandbox-exec"

// Ports the proxies listen on inside the sandbox, as sandbox-runtime has them.
const (
	HTTPProxyPort  = 3128
	SOCKSProxyPort = 1080
)

// ErrUnsupported is returned by Start where this platform has no native sandbox.
var ErrUnsupported = errors.New("the native sandbox is not available on this platform")

// Config is everything the inner side needs. It is sent as JSON to the sandbox's PID 1.
type Config struct {
	Args []string // Args[0] is looked up in the PATH of Env
	Env  []string
	Dir  string // working directory inside

	Writable  []string // existing paths mounted read-write (allowWrite)
	ReadOnly  []string // existing paths inside Writable mounted read-only (denyWrite, protected names)
	Protected []string // protected names (policy.ProtectedNames) that may not be created inside Writable
	HideDirs  []string // denyRead directories: an empty read-only tmpfs on top
	HideFiles []string // denyRead files: an empty read-only file on top
	TmpDir    string   // an empty directory on the host; a private tmpfs is mounted on it (TMPDIR)

	AllowUnixSockets bool  // do not deny socket(AF_UNIX)
	Landlock         bool  // add landlock as a second layer where the kernel has it
	Memory           int64 // RLIMIT_AS bytes, 0: none (set when no cgroup enforces the limit)
	Pids             int   // RLIMIT_NPROC, 0: none (set when no cgroup enforces the limit)

	ProxyPorts []int // ports to listen on inside (127.0.0.1 and ::1)

	// HostHTTPPort and HostSOCKSPort are the real proxies' ports on the host's loopback (outer side only;
	// macOS points the command at them, Linux bridges them to ProxyPorts).
	HostHTTPPort  int `json:"-"`
	HostSOCKSPort int `json:"-"`
	// AllowLocalBinding and AllowUnixSocketPaths mirror the network settings for macOS profiles.
	AllowLocalBinding    bool     `json:"-"`
	AllowUnixSocketPaths []string `json:"-"`

	// Recorder receives the denials the sandbox reports (protected paths the command tried to create).
	Recorder policy.Recorder `json:"-"`

	// CgroupFD, if not 0, is an open cgroup v2 directory that PID 1 is created in (outer side only).
	CgroupFD int `json:"-"`
}

// Status is how the command ended.
type Status struct {
	ExitCode int    // the exit code, or 128+n when killed by signal n
	Signal   int    // the signal that killed it, 0 if it exited
	SigName  string // e.g. "SIGKILL"
}

// Environ returns base with the sandbox's variables set, as sandbox-runtime sets them: the proxies at
// localhost:3128 (HTTP) and localhost:1080 (SOCKS5), NO_PROXY for local addresses, SANDBOX_RUNTIME=1 and
// TMPDIR. Variables in base with the same names are replaced.
func Environ(base []string, tmpDir string) []string {
	return EnvironPorts(base, tmpDir, HTTPProxyPort, SOCKSProxyPort)
}

// EnvironPorts is Environ with the proxies at other localhost ports (macOS, where the command reaches srt's
// proxies directly).
func EnvironPorts(base []string, tmpDir string, httpPort, socksPort int) []string {
	const noProxy = "localhost,127.0.0.1,::1,*.local,.local,169.254.0.0/16,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"
	httpProxy := "http://localhost:" + strconv.Itoa(httpPort)
	socksProxy := "socks5h://localhost:" + strconv.Itoa(socksPort)
	set := [][2]string{
		{"SANDBOX_RUNTIME", "1"},
		{"HTTP_PROXY", httpProxy}, {"HTTPS_PROXY", httpProxy}, {"http_proxy", httpProxy}, {"https_proxy", httpProxy},
		{"ALL_PROXY", socksProxy}, {"all_proxy", socksProxy},
		{"NO_PROXY", noProxy}, {"no_proxy", noProxy},
		{"FTP_PROXY", socksProxy}, {"ftp_proxy", socksProxy},
		{"GRPC_PROXY", socksProxy}, {"grpc_proxy", socksProxy},
		{"RSYNC_PROXY", "localhost:" + strconv.Itoa(socksPort)},
	}
	if tmpDir != "" {
		set = append(set, [2]string{"TMPDIR", tmpDir})
	}
	out := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		replaced := false
		for _, s := range set {
			if s[0] == name {
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	for _, s := range set {
		out = append(out, s[0]+"="+s[1])
	}
	return out
}
