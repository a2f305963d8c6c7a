# denyRead: the content of secret/ and secretfile must never be disclosed, by any route.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import ROOT, attempt, read

attempt("read secret/key", lambda: read("secret/key"))
attempt("read secretfile", lambda: read("secretfile"))
attempt("read absolute", lambda: read(ROOT + "/secretfile"))
attempt("listdir secret", lambda: os.listdir("secret"))
attempt("scandir secret", lambda: [e.name for e in os.scandir("secret")])
attempt("stat secret/key", lambda: os.stat("secret/key").st_size)
attempt("os.open secret/key", lambda: os.read(os.open("secret/key", os.O_RDONLY), 100))
attempt("rdwr secret/key", lambda: os.read(os.open("secret/key", os.O_RDWR), 100))
attempt("readlink w/link then read", lambda: read(os.path.join("w", os.readlink("w/link"))))
attempt("import from secret", lambda: (sys.path.insert(0, ROOT + "/secret"), __import__("key")))
print("done")
