"""Write the bytecode-only standard library zip for python.wasm, reproducibly.

Run with the build Python (/usr/bin/python3.11, same bytecode magic as the
guest). Every module is compiled with invalidation mode UNCHECKED_HASH (no
source mtime in the .pyc), entries are sorted, and every entry gets the same
timestamp and permissions, so the same inputs always give the same bytes.
"""
import argparse
import importlib.util
import marshal
import os
import pprint
import sys
import time
import zipfile

# Top-level modules/packages that are left out: unusable on WASI (no threads,
# processes, terminals, Tk, ctypes, dbm back-ends), build/packaging tools, and
# tests. Anything named test/tests/idle_test at any depth is dropped too.
EXCLUDE_TOP = {
    "idlelib", "tkinter", "turtledemo", "turtle.py", "ensurepip", "lib2to3",
    "distutils", "venv", "multiprocessing", "curses", "ctypes", "msilib",
    "pydoc_data", "__phello__", "site-packages", "test", "_bootsubprocess.py",
    "_aix_support.py", "_osx_support.py", "_pyio.py", "pty.py", "tty.py",
}
EXCLUDE_REL = {"dbm/gnu.py", "dbm/ndbm.py", "concurrent/futures/process.py"}
EXCLUDE_DIRS = {"test", "tests", "idle_test", "__pycache__"}


def wanted(rel):
    parts = rel.split("/")
    if parts[0] in EXCLUDE_TOP or rel in EXCLUDE_REL:
        return False
    if any(p in EXCLUDE_DIRS for p in parts[:-1]):
        return False
    return rel.endswith(".py")


def clean_sysconfigdata(path, scratch):
    """Re-render build_time_vars with the scratch directory replaced.

    Done on the dict, not the text: pprint wraps lines by length, so a
    textual substitution would still depend on the scratch path's length."""
    ns = {}
    with open(path, encoding="utf-8") as f:
        exec(f.read(), ns)
    v = {k: (s.replace(scratch, "/srt-build") if isinstance(s, str) else s)
         for k, s in ns["build_time_vars"].items()}
    return ("# system configuration generated and used by the sysconfig module\n"
            "build_time_vars = " + pprint.pformat(v, sort_dicts=True) + "\n").encode()


def pyc_bytes(source_path, display_name, source=None):
    if source is None:
        with open(source_path, "rb") as f:
            source = f.read()
    code = compile(source, display_name, "exec", dont_inherit=True, optimize=0)
    data = bytearray(importlib.util.MAGIC_NUMBER)
    # flags: bit0 = hash-based, bit1 = check_source (0: unchecked)
    data.extend((0b01).to_bytes(4, "little"))
    data.extend(importlib.util.source_hash(source))
    data.extend(marshal.dumps(code))
    return bytes(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True, help="CPython Lib/ directory")
    ap.add_argument("--sysconfigdata", required=True, help="generated _sysconfigdata_*.py")
    ap.add_argument("--scratch", required=True, help="build directory to hide in sysconfigdata")
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--epoch", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    files = {}
    for root, dirs, names in os.walk(a.lib):
        dirs.sort()
        for n in names:
            full = os.path.join(root, n)
            rel = os.path.relpath(full, a.lib).replace(os.sep, "/")
            if wanted(rel):
                files[rel] = full
    sysconf_name = os.path.basename(a.sysconfigdata)
    files[sysconf_name] = a.sysconfigdata

    date_time = time.gmtime(max(a.epoch, 315532800))[:6]  # zip can't go before 1980
    zip_name = f"{a.prefix}/lib/python{sys.version_info[0]}{sys.version_info[1]}.zip"
    tmp = a.out + ".tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for rel in sorted(files):
            pyc_rel = rel[:-3] + ".pyc"
            info = zipfile.ZipInfo(pyc_rel, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            src = clean_sysconfigdata(files[rel], a.scratch) if rel == sysconf_name else None
            z.writestr(info, pyc_bytes(files[rel], f"{zip_name}/{rel}", src), compresslevel=9)
    os.replace(tmp, a.out)
    print(f"{a.out}: {len(files)} modules, {os.path.getsize(a.out)} bytes")


if __name__ == "__main__":
    main()
