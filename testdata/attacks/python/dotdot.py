# Escapes with "..": reading a denyRead file and writing outside allowWrite through relative climbs.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import ROOT, attempt, read, write

depth = ROOT.count("/")
attempt("read w/../secret/key", lambda: read("w/../secret/key"))
attempt("read climb past /", lambda: read("../" * (depth + 5) + ROOT.lstrip("/") + "/secret/key"))
attempt("read absolute with ..", lambda: read(ROOT + "/w/../secret/key"))
attempt("read /secret via ..", lambda: read("/../../" + ROOT + "/secretfile"))
attempt("write w/../escape.txt", lambda: write("w/../escape.txt"))
attempt("write climb", lambda: write("w/../../" + os.path.basename(ROOT) + "/escape2.txt"))
attempt("mkdir w/../newdir", lambda: os.mkdir("w/../newdir"))
attempt("listdir w/../secret", lambda: os.listdir("w/../secret"))
fd = os.open("w", os.O_RDONLY)
attempt("openat dirfd ../secret/key", lambda: os.read(os.open("../secret/key", os.O_RDONLY, dir_fd=fd), 100))
attempt("openat dirfd ../x write", lambda: os.open("../x.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
print("done")
