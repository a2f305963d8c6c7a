# Escapes through symlinks: pre-existing ones, ones the guest creates, and directory links.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import ROOT, allowed, attempt, read, write

attempt("read pre-existing w/link", lambda: read("w/link"))
allowed("symlink w/s1 -> secret/key", lambda: os.symlink(ROOT + "/secret/key", "w/s1"))
if os.path.lexists("w/s1"):
    attempt("read w/s1", lambda: read("w/s1"))
allowed("symlink w/s2 -> ../secret (relative dir)", lambda: os.symlink("../secret", "w/s2"))
if os.path.lexists("w/s2"):
    attempt("read w/s2/key", lambda: read("w/s2/key"))
    attempt("listdir w/s2", lambda: os.listdir("w/s2"))
allowed("symlink w/up -> ROOT", lambda: os.symlink(ROOT, "w/up"))
if os.path.lexists("w/up"):
    attempt("write through w/up", lambda: write("w/up/escape3.txt"))
    attempt("read through w/up", lambda: read("w/up/secretfile"))
allowed("symlink w/etc -> /etc", lambda: os.symlink("/etc", "w/etc"))
if os.path.lexists("w/etc"):
    attempt("write through w/etc", lambda: write("w/etc/srt-escape"))
allowed("symlink w/ro -> ro.txt", lambda: os.symlink(ROOT + "/ro.txt", "w/ro"))
if os.path.lexists("w/ro"):
    attempt("write through w/ro", lambda: write("w/ro"))
allowed("dangling w/dang -> ROOT/new.txt", lambda: os.symlink(ROOT + "/new.txt", "w/dang"))
if os.path.lexists("w/dang"):
    attempt("create through dangling link", lambda: write("w/dang"))
attempt("symlink outside allowWrite", lambda: os.symlink("/etc/passwd", ROOT + "/lnk"))
print("done")
