# srt: per-run set-up of the WASM Python sandbox (see srt's wasi/pyshim package).
import sys


def _srt_setup():
    import os
    try:
        fd = os.open("/.srt/cwd", os.O_RDONLY)
    except OSError:
        return False  # pre-initialisation: site.main() imports this module again for each run
    try:
        cwd = os.read(fd, 65536).decode("utf-8", "surrogateescape")
    finally:
        os.close(fd)
    if cwd:
        try:
            os.chdir(cwd)
        except OSError:
            pass
    # srt passes a relative script path to the interpreter as an absolute one (it is resolved before this
    # module changes directory); sys.argv[0] shows it as typed, as CPython does.
    try:
        fd = os.open("/.srt/argv0", os.O_RDONLY)
    except OSError:
        pass
    else:
        try:
            argv0 = os.read(fd, 65536).decode("utf-8", "surrogateescape")
        finally:
            os.close(fd)
        if sys.argv and argv0:
            sys.argv[0] = argv0
    _srt_stdio(os)
    return True


def _srt_unbuffered(os):
    # sys.flags has no -u: read it from the command line (or PYTHONUNBUFFERED unless -E/-I).
    args = list(getattr(sys, "orig_argv", [])[1:])
    while args:
        a = args.pop(0)
        if a == "--" or not a.startswith("-") or a == "-" or a.startswith("--"):
            break
        letters = a[1:]
        for i, c in enumerate(letters):
            if c == "u":
                return True
            if c in "cm":
                return False
            if c in "WX":
                if i == len(letters) - 1 and args:
                    args.pop(0)
                break
    if not sys.flags.ignore_environment and os.environ.get("PYTHONUNBUFFERED"):
        return True
    return False


def _srt_stdio(os):
    # The standard streams may come from the memory snapshot, made when stdout was no terminal and without
    # -u: give them the buffering this run's command line and terminal ask for, as CPython would.
    import io
    for name, fd in (("stdout", 1), ("stderr", 2)):
        old = getattr(sys, name, None)
        if old is None or getattr(old, "fileno", None) is None:
            continue
        try:
            if old.fileno() != fd:
                continue
        except (OSError, ValueError):
            continue
        if _srt_unbuffered(os):
            old.flush()
            new = io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding=old.encoding,
                                   errors=old.errors, line_buffering=False, write_through=True)
            if getattr(sys, "__" + name + "__", None) is old:
                setattr(sys, "__" + name + "__", new)
            setattr(sys, name, new)
        elif name == "stdout" and not old.line_buffering and os.isatty(fd):
            old.reconfigure(line_buffering=True)


def _srt_warm():
    # The standard library zip is embedded and never changes: re-reading its directory when a run calls
    # importlib.invalidate_caches() (srt_run does) costs tens of milliseconds in WASM.
    import zipimport
    orig = zipimport.zipimporter.invalidate_caches

    def invalidate_caches(self, _orig=orig):
        if not self.archive.startswith("/.srt/python/"):
            _orig(self)

    zipimport.zipimporter.invalidate_caches = invalidate_caches
    # Pre-initialisation only: modules imported here are part of the memory snapshot, so runs that use
    # them do not pay for importing them. Keep to modules without per-run state at import time.
    for name in ("urllib.request", "http.client", "ssl", "email.parser", "base64", "hashlib", "datetime",
                 "selectors", "socket", "select", "argparse", "textwrap", "dataclasses", "typing", "pathlib"):
        try:
            __import__(name)
        except Exception:
            pass


import _srt_net

_srt_net.install()
if not _srt_setup():
    _srt_warm()
    del sys.modules["sitecustomize"]
del _srt_setup, _srt_warm
