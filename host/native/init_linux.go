package native

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// controlFD is the inherited control socket of the inner side (the first of exec.Cmd.ExtraFiles).
const controlFD = 3

// initState is the inner side's state while it sets the sandbox up.
type initState struct {
	cfg       Config
	listeners []*os.File
	notes     []string
	tty       bool
	path      string // the command, looked up in cfg.Env's PATH
	lookErr   error
}

type step struct {
	name string
	run  func() error
}

// Init is the sandbox's PID 1 (srt __sandbox-init). It reads the Config from fd 3 and sets the sandbox up
// in one linear sequence of named steps, stopping at the first failure, which it reports to the outer side:
//
//  1. make PID 1 undumpable, read the configuration
//  2. bring up loopback, listen on 127.0.0.1 and ::1 at the proxy ports
//  3. mounts: private propagation, root read-only, allowWrite read-write, denyWrite and protected paths
//     read-only, denyRead hidden, fresh /proc, minimal /dev, a private tmpfs at TMPDIR
//  4. hostname, working directory, look up the command
//  5. on the thread that will start the command: no_new_privs, landlock, drop every capability, seccomp,
//     the protected-name guard (a seccomp user-notification filter answered by PID 1's other threads)
//  6. report ready (handing over the listeners), start the command (through ExecCommand when resource
//     limits are set)
//
// Then it forwards signals to the command, reaps every process, and when the command exits it kills
// whatever is left and reports the command's status. It returns only on failure, with the exit code.
func Init() int {
	// Steps 5 and 6 apply to this OS thread only; the command is forked from it.
	runtime.LockOSThread()
	s := &initState{}
	steps := []step{
		// Not dumpable: the command (same uid) must not read or write PID 1's memory through /proc, as PID 1
		// keeps capabilities in the sandbox's user namespace.
		{"making PID 1 undumpable", func() error { return unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0) }},
		{"reading the configuration", s.readConfig},
		{"bringing up the loopback interface", loopbackUp},
		{"listening on the proxy ports", s.listen},
		{"making mounts private", makePrivate},
		{"mounting the filesystem", s.mount},
		{"setting the hostname", func() error { return unix.Sethostname([]byte("srt-sandbox")) }},
		{"entering the working directory", func() error { return os.Chdir(s.cfg.Dir) }},
		{"looking up the command", s.lookup},
		{"setting no_new_privs", func() error { return unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) }},
		{"applying landlock", s.landlock},
		{"dropping capabilities", dropCapabilities},
		{"applying seccomp", func() error { return loadSeccomp(s.cfg.AllowUnixSockets) }},
		{"guarding protected paths that do not exist yet", s.protect},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			sendJSON(controlFD, message{Kind: "error", Step: st.name, Error: err.Error()}, nil)
			return 1
		}
	}
	// Subscribe before the command exists, so that neither its SIGCHLD nor a forwarded signal is lost.
	sigs := make(chan os.Signal, 64)
	signal.Notify(sigs, syscall.SIGCHLD, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGCONT)
	// Job-control signals must not stop PID 1; they are caught (not ignored: an ignored disposition would be
	// inherited by the command) and dropped.
	drop := make(chan os.Signal, 8)
	signal.Notify(drop, syscall.SIGTTOU, syscall.SIGTTIN, syscall.SIGTSTP)
	go func() {
		for range drop {
		}
	}()

	fds := make([]int, len(s.listeners))
	for i, f := range s.listeners {
		fds[i] = int(f.Fd())
	}
	if err := sendJSON(controlFD, message{Kind: "ready", Notes: s.notes}, fds); err != nil {
		return 1
	}
	for _, f := range s.listeners {
		f.Close()
	}
	if s.lookErr != nil {
		fmt.Fprintf(os.Stderr, "srt: %v\n", s.lookErr)
		code := 127
		if !os.IsNotExist(s.lookErr) && !strings.Contains(s.lookErr.Error(), "not found") {
			code = 126
		}
		sendJSON(controlFD, message{Kind: "exit", Status: Status{ExitCode: code}}, nil)
		return 0
	}
	argv := s.cfg.Args
	path := s.path
	if s.cfg.Memory > 0 || s.cfg.Pids > 0 {
		// Resource limits apply to the command, not to PID 1 (whose runtime must always be able to start a
		// thread): a small stage of srt sets them and executes the command.
		self, err := os.Executable()
		if err != nil {
			fmt.Fprintf(os.Stderr, "srt: applying resource limits: %v\n", err)
			sendJSON(controlFD, message{Kind: "exit", Status: Status{ExitCode: 126}}, nil)
			return 0
		}
		pids := 0
		if s.cfg.Pids > 0 {
			// RLIMIT_NPROC counts the tasks of the sandbox's user, PID 1's threads included.
			pids = s.cfg.Pids + threads()
		}
		argv = append([]string{"srt", ExecCommand, strconv.FormatInt(s.cfg.Memory, 10), strconv.Itoa(pids), path}, argv...)
		path = self
	}
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{
		Env:   s.cfg.Env,
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Setpgid: true, Foreground: s.tty, Ctty: 0},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "srt: %s: %v\n", s.cfg.Args[0], err)
		sendJSON(controlFD, message{Kind: "exit", Status: Status{ExitCode: 126}}, nil)
		return 0
	}
	st := reap(pid, sigs)
	// Nothing the command started survives it.
	unix.Kill(-1, unix.SIGKILL)
	sendJSON(controlFD, message{Kind: "exit", Status: st}, nil)
	return 0
}

// reap forwards signals to the command and reaps every child until the command has exited.
func reap(pid int, sigs chan os.Signal) Status {
	for sig := range sigs {
		if sig == syscall.SIGCONT {
			unix.Kill(-pid, unix.SIGCONT) // after Ctrl-Z the whole job was stopped
			continue
		}
		if sig != syscall.SIGCHLD {
			unix.Kill(pid, sig.(syscall.Signal))
			continue
		}
		for {
			var ws unix.WaitStatus
			got, err := unix.Wait4(-1, &ws, unix.WNOHANG|unix.WUNTRACED, nil)
			if err == unix.EINTR {
				continue
			}
			if err != nil || got <= 0 {
				break
			}
			if got != pid {
				continue
			}
			if ws.Stopped() {
				// Ctrl-Z: the outer srt stops too, so that the user's shell gets the terminal back.
				sendJSON(controlFD, message{Kind: "stopped", Status: Status{Signal: int(ws.StopSignal())}}, nil)
				continue
			}
			if ws.Signaled() {
				return Status{ExitCode: 128 + int(ws.Signal()), Signal: int(ws.Signal()), SigName: SignalName(ws.Signal())}
			}
			if ws.Exited() {
				return Status{ExitCode: ws.ExitStatus()}
			}
		}
	}
	return Status{ExitCode: 1}
}

func (s *initState) protect() error {
	if len(s.cfg.Protected) == 0 || len(s.cfg.Writable) == 0 {
		return nil
	}
	p, err := loadProtectFilter(s.cfg.Protected, s.cfg.Writable)
	if err != nil {
		return err
	}
	go p.serve() // not on this (locked, filtered) thread
	return nil
}

func (s *initState) readConfig() error {
	if _, err := recvJSON(controlFD, &s.cfg); err != nil {
		return err
	}
	if len(s.cfg.Args) == 0 {
		return fmt.Errorf("no command")
	}
	_, err := unix.IoctlGetTermios(0, unix.TCGETS)
	s.tty = err == nil
	return nil
}

func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("reading lo's flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("setting lo up: %w", err)
	}
	return nil
}

func (s *initState) listen() error {
	for _, port := range s.cfg.ProxyPorts {
		for _, addr := range []string{"127.0.0.1", "::1"} {
			l, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
			if err != nil {
				if addr == "::1" {
					continue // no IPv6 in this kernel: localhost resolves to 127.0.0.1 then
				}
				return fmt.Errorf("listening on %s:%d: %w", addr, port, err)
			}
			f, err := l.(*net.TCPListener).File()
			l.Close()
			if err != nil {
				return err
			}
			s.listeners = append(s.listeners, f)
		}
	}
	return nil
}

func (s *initState) lookup() error {
	name := s.cfg.Args[0]
	pathEnv := ""
	for _, kv := range s.cfg.Env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathEnv = v
		}
	}
	if pathEnv == "" {
		pathEnv = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	s.path, s.lookErr = lookPath(name, pathEnv)
	return nil // a missing command is the command's failure (127), not the sandbox's
}

func lookPath(name, pathEnv string) (string, error) {
	if strings.Contains(name, "/") {
		if err := unix.Access(name, unix.X_OK); err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
		return name, nil
	}
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && unix.Access(p, unix.X_OK) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: command not found", name)
}

// threads is the number of threads of this process.
func threads() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 8
}

// dropCapabilities empties this thread's bounding, ambient, inheritable, permitted and effective sets, so
// that nothing executed from it has a capability, even as uid 0.
func dropCapabilities() error {
	for c := 0; c <= 63; c++ {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
			if err == unix.EINVAL {
				break // past the last capability
			}
			return fmt.Errorf("dropping capability %d from the bounding set: %w", c, err)
		}
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return fmt.Errorf("clearing ambient capabilities: %w", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("clearing capabilities: %w", err)
	}
	return nil
}

// ExecMain is the hidden ExecCommand: srt __sandbox-exec AS_BYTES NPROC PATH ARGV0 ARGS… sets RLIMIT_AS and
// RLIMIT_NPROC (0: unchanged) and executes PATH. It returns only on failure.
func ExecMain(args []string) int {
	if len(args) < 4 {
		fmt.Fprintln(os.Stderr, "srt: "+ExecCommand+": bad arguments")
		return 126
	}
	for i, res := range []int{unix.RLIMIT_AS, unix.RLIMIT_NPROC} {
		n, err := strconv.ParseUint(args[i], 10, 64)
		if err != nil {
			fmt.Fprintf(os.Stderr, "srt: %s: bad limit %q\n", ExecCommand, args[i])
			return 126
		}
		if n == 0 {
			continue
		}
		if err := unix.Setrlimit(res, &unix.Rlimit{Cur: n, Max: n}); err != nil {
			fmt.Fprintf(os.Stderr, "srt: setting resource limit %d: %v\n", res, err)
			return 126
		}
	}
	err := syscall.Exec(args[2], args[3:], os.Environ())
	fmt.Fprintf(os.Stderr, "srt: %s: %v\n", args[3], err)
	return 126
}
