# Writes outside allowWrite: new files, existing files, metadata, renames, deletes.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import ROOT, attempt, read, unchanged, write

attempt("create ROOT/new.txt", lambda: write("new.txt"))
attempt("overwrite ro.txt", lambda: write("ro.txt"))
attempt("append ro.txt", lambda: open("ro.txt", "ab").write(b"x"))
attempt("r+ ro.txt", lambda: open("ro.txt", "r+b").write(b"x"))
attempt("truncate ro.txt", lambda: os.truncate("ro.txt", 0))
unchanged("chmod ro.txt", "ro.txt", lambda: os.chmod("ro.txt", 0o777))
attempt("utime ro.txt", lambda: os.utime("ro.txt", (0, 0)))
attempt("unlink ro.txt", lambda: os.unlink("ro.txt"))
attempt("rename ro.txt into w", lambda: os.rename("ro.txt", "w/stolen.txt"))
attempt("rename w file out", lambda: (write("w/out.txt"), os.rename("w/out.txt", "moved-out.txt")))
attempt("mkdir ROOT/d", lambda: os.mkdir("d"))
attempt("rmdir secret", lambda: os.rmdir("secret"))
attempt("write /etc", lambda: write("/etc/srt-escape"))
attempt("write /.srt/python", lambda: write("/.srt/python/lib/x.py"))
attempt("hardlink secretfile into w", lambda: os.link("secretfile", "w/hl"))
attempt("hardlink ro.txt into w", lambda: os.link("ro.txt", "w/hl2"))
# Inside allowWrite works:
write("w/ok.txt", b"fine")
print("allowed write", read("w/ok.txt"))
print("done")
