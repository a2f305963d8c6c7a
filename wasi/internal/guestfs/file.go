package guestfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"time"

	experimentalsys "github.com/tetratelabs/wazero/experimental/sys"
	"github.com/tetratelabs/wazero/experimental/sysfs"
)

// openedFS is an fs.FS holding one file that srt has opened already (through an os.Root, after the
// policy allowed it). Its first Open returns that file; later ones (wazero re-opens directories to rewind
// them) open the same name again through the same root.
type openedFS struct {
	f      *os.File
	reopen func() (*os.File, error)
}

func (o *openedFS) Open(string) (fs.File, error) {
	if f := o.f; f != nil {
		o.f = nil
		return f, nil
	}
	return o.reopen()
}

// wrap turns f into an experimentalsys.File. Reading, seeking, stat and directory listing are wazero's
// own fs.File adapter; writes, which that adapter refuses, go to f directly.
func wrap(f *os.File, reopen func() (*os.File, error), flag experimentalsys.Oflag, write bool) (experimentalsys.File, experimentalsys.Errno) {
	base, e := (&sysfs.AdaptFS{FS: &openedFS{f: f, reopen: reopen}}).OpenFile("f", experimentalsys.O_RDONLY, 0)
	if e != 0 {
		f.Close()
		return nil, e
	}
	if !write {
		return base, 0
	}
	return &osFile{File: base, f: f, append: flag&experimentalsys.O_APPEND != 0}, 0
}

// osFile is a file opened for writing.
type osFile struct {
	experimentalsys.File
	f      *os.File
	append bool
}

func errno(err error) experimentalsys.Errno {
	if err == nil || errors.Is(err, io.EOF) {
		return 0
	}
	if e := experimentalsys.UnwrapOSError(err); e != 0 {
		return e
	}
	return experimentalsys.EIO
}

func (o *osFile) IsAppend() bool { return o.append }

func (o *osFile) SetAppend(enable bool) experimentalsys.Errno {
	if enable == o.append {
		return 0
	}
	return experimentalsys.ENOSYS
}

func (o *osFile) Write(buf []byte) (int, experimentalsys.Errno) {
	if len(buf) == 0 {
		return 0, 0
	}
	n, err := o.f.Write(buf)
	return n, errno(err)
}

func (o *osFile) Pwrite(buf []byte, off int64) (int, experimentalsys.Errno) {
	n, err := o.f.WriteAt(buf, off)
	return n, errno(err)
}

func (o *osFile) Truncate(size int64) experimentalsys.Errno { return errno(o.f.Truncate(size)) }
func (o *osFile) Sync() experimentalsys.Errno               { return errno(o.f.Sync()) }
func (o *osFile) Datasync() experimentalsys.Errno           { return errno(o.f.Sync()) }

func (o *osFile) Utimens(atim, mtim int64) experimentalsys.Errno {
	return errno(os.Chtimes(o.f.Name(), toTime(atim), toTime(mtim)))
}

func toTime(ns int64) time.Time {
	if ns == experimentalsys.UTIME_OMIT {
		return time.Time{}
	}
	return time.Unix(0, ns)
}
