# Moving a directory that holds protected paths, or moving a prepared directory onto a protected name:
# per-name checks alone would let these rewrite .git/config and .git/hooks without ever naming them.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import attempt, write

attempt("rename w/.git away", lambda: os.rename("w/.git", "w/g"))
attempt("rename w (holding .git) away", lambda: os.rename("w", "w2"))
# A prepared directory with hooks moved onto .git (after .git is gone, or as a new nested repository).
os.makedirs("w/evil/hooks", exist_ok=True)
write("w/evil/hooks/post-checkout", b"#!/bin/sh\necho pwned\n")
attempt("rename prepared dir onto w/nested/.git", lambda: (os.makedirs("w/nested", exist_ok=True), os.rename("w/evil", "w/nested/.git")))
with open("w/.git/config") as f:
    if f.read() != "[core]\n":
        print("ESCAPED .git/config changed")
print("done")
