package native

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

func makePrivate() error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making / private: %w", err)
	}
	return nil
}

// devNodes are bind-mounted from the host into the sandbox's /dev.
var devNodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

// mount builds the sandbox's view of the filesystem in this mount namespace, in order:
//
//	clone the allowWrite trees and /dev nodes (detached, still writable)
//	make the whole tree read-only and nosuid
//	attach the writable clones at their paths
//	denyWrite and protected paths: read-only binds of themselves
//	denyRead: an empty read-only tmpfs on directories, an empty read-only file on files
//	/proc, /dev, TMPDIR
func (s *initState) mount() error {
	c := &s.cfg
	rootWritable := false
	writable := make([]int, len(c.Writable))
	for i, p := range c.Writable {
		if p == "/" {
			// allowWrite "/": the tree stays as it is (a mount on top of "/" would not even be seen: the
			// process's root is the mount below it). Everything below is writable already.
			rootWritable = true
			writable[i] = -1
			continue
		}
		fd, err := unix.OpenTree(unix.AT_FDCWD, p, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_RECURSIVE)
		if err != nil {
			return fmt.Errorf("cloning %q to mount it writable: %w", p, err)
		}
		defer unix.Close(fd)
		writable[i] = fd
	}
	devs := map[string]int{}
	for _, n := range devNodes {
		fd, err := unix.OpenTree(unix.AT_FDCWD, "/dev/"+n, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
		if err != nil {
			if n == "tty" {
				continue
			}
			return fmt.Errorf("cloning /dev/%s: %w", n, err)
		}
		defer unix.Close(fd)
		devs[n] = fd
	}
	rootAttr := uint64(unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID)
	if rootWritable {
		rootAttr = unix.MOUNT_ATTR_NOSUID
	}
	if err := setattr(unix.AT_FDCWD, "/", unix.AT_RECURSIVE, rootAttr, 0); err != nil {
		return fmt.Errorf("mounting / read-only: %w", err)
	}
	for i, p := range c.Writable {
		if writable[i] < 0 {
			continue
		}
		if err := setattr(writable[i], "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV, 0); err != nil {
			return fmt.Errorf("setting nosuid on %q: %w", p, err)
		}
		if err := unix.MoveMount(writable[i], "", unix.AT_FDCWD, p, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
			return fmt.Errorf("mounting %q writable: %w", p, err)
		}
	}
	for _, p := range c.ReadOnly {
		if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink != 0 {
			continue // gone, or a symlink (a mount would land on its target)
		}
		if err := unix.Mount(p, p, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("binding %q: %w", p, err)
		}
		if err := setattr(unix.AT_FDCWD, p, unix.AT_RECURSIVE|unix.AT_SYMLINK_NOFOLLOW, unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV, 0); err != nil {
			return fmt.Errorf("mounting %q read-only: %w", p, err)
		}
	}
	for _, p := range c.HideDirs {
		if err := unix.Mount("srt-denyread", p, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=4k,mode=0555"); err != nil {
			return fmt.Errorf("hiding directory %q: %w", p, err)
		}
	}
	if len(c.HideFiles) > 0 {
		if err := hideFiles(c.HideFiles); err != nil {
			return err
		}
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("mounting a fresh /proc: %w", err)
	}
	if err := mountDev(devs); err != nil {
		return err
	}
	if c.TmpDir != "" {
		if err := unix.Mount("srt-tmp", c.TmpDir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0700"); err != nil {
			return fmt.Errorf("mounting a tmpfs on TMPDIR %q: %w", c.TmpDir, err)
		}
	}
	return nil
}

func setattr(dirfd int, path string, flags int, set, clr uint64) error {
	return unix.MountSetattr(dirfd, path, uint(flags), &unix.MountAttr{Attr_set: set, Attr_clr: clr})
}

// hideFiles mounts an empty read-only file over each of files.
func hideFiles(files []string) error {
	fsfd, err := unix.Fsopen("tmpfs", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return fmt.Errorf("creating a tmpfs for denyRead files: %w", err)
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigSetString(fsfd, "size", "4k"); err != nil {
		return fmt.Errorf("configuring the tmpfs for denyRead files: %w", err)
	}
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return fmt.Errorf("creating the tmpfs for denyRead files: %w", err)
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC)
	if err != nil {
		return fmt.Errorf("mounting the tmpfs for denyRead files: %w", err)
	}
	defer unix.Close(mfd)
	f, err := unix.Openat(mfd, "empty", unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o444)
	if err != nil {
		return fmt.Errorf("creating the empty file for denyRead files: %w", err)
	}
	unix.Close(f)
	for _, p := range files {
		fd, err := unix.OpenTree(mfd, "empty", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
		if err != nil {
			return fmt.Errorf("cloning the empty file: %w", err)
		}
		err = setattr(fd, "", unix.AT_EMPTY_PATH, unix.MOUNT_ATTR_RDONLY, 0)
		if err == nil {
			err = unix.MoveMount(fd, "", unix.AT_FDCWD, p, unix.MOVE_MOUNT_F_EMPTY_PATH)
		}
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("hiding file %q: %w", p, err)
		}
	}
	return nil
}

// mountDev puts a minimal /dev in place: the device nodes cloned from the host, a private devpts, /dev/shm
// and the usual symlinks; /dev itself is then read-only.
func mountDev(devs map[string]int) error {
	if err := unix.Mount("srt-dev", "/dev", "tmpfs", unix.MS_NOSUID|unix.MS_NOEXEC, "mode=0755,size=64k"); err != nil {
		return fmt.Errorf("mounting a tmpfs on /dev: %w", err)
	}
	for _, n := range devNodes {
		fd, ok := devs[n]
		if !ok {
			continue
		}
		p := "/dev/" + n
		f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o666)
		if err != nil {
			return fmt.Errorf("creating %s: %w", p, err)
		}
		f.Close()
		if err := unix.MoveMount(fd, "", unix.AT_FDCWD, p, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
			return fmt.Errorf("mounting %s: %w", p, err)
		}
	}
	for _, d := range []string{"/dev/pts", "/dev/shm"} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", d, err)
		}
	}
	if err := unix.Mount("devpts", "/dev/pts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return fmt.Errorf("mounting /dev/pts: %w", err)
	}
	if err := unix.Mount("srt-shm", "/dev/shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777"); err != nil {
		return fmt.Errorf("mounting /dev/shm: %w", err)
	}
	links := [][2]string{{"pts/ptmx", "ptmx"}, {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
		{"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"}}
	for _, l := range links {
		if err := os.Symlink(l[0], filepath.Join("/dev", l[1])); err != nil {
			return fmt.Errorf("creating /dev/%s: %w", l[1], err)
		}
	}
	if err := setattr(unix.AT_FDCWD, "/dev", 0, unix.MOUNT_ATTR_RDONLY, 0); err != nil {
		return fmt.Errorf("mounting /dev read-only: %w", err)
	}
	return nil
}
