# srt's own state and reserved paths: the compilation cache (argv[1]) is invisible, /.srt is read-only,
# and raw network files still go through the policy.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import ROOT, attempt, read, write

cache = sys.argv[1]
attempt("listdir cache", lambda: os.listdir(cache))
attempt("write cache", lambda: write(os.path.join(cache, "evil")))
attempt("write /.srt/python/lib/python3.11/sitecustomize.py",
        lambda: write("/.srt/python/lib/python3.11/sitecustomize.py"))
attempt("mkdir /.srt/x", lambda: os.mkdir("/.srt/x"))
attempt("raw net file to denied host", lambda: os.open("/.srt/net/tcp/example.com:80", os.O_RDWR))
attempt("raw net file, bad address", lambda: os.open("/.srt/net/tcp/nonsense", os.O_RDWR))
attempt("starttls on unknown id", lambda: os.open("/.srt/net/starttls/999/example.com", os.O_RDONLY))
print("done")
