# Mandatory write-protected paths inside allowWrite, existing or not, at any depth and in any case.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import ROOT, attempt, unchanged, write

attempt("create w/.git/hooks/post-checkout", lambda: write("w/.git/hooks/post-checkout", b"#!/bin/sh\necho pwned\n"))
unchanged("chmod w/.git/hooks", "w/.git/hooks", lambda: os.chmod("w/.git/hooks", 0o777))
attempt("rename into hooks", lambda: (write("w/h.sh"), os.rename("w/h.sh", "w/.git/hooks/pre-commit")))
attempt("remove w/.git/hooks", lambda: os.rmdir("w/.git/hooks"))
attempt("rename w/.git/hooks away", lambda: os.rename("w/.git/hooks", "w/hooks-old"))
attempt("write w/.git/config", lambda: write("w/.git/config"))
attempt("create w/.bashrc", lambda: write("w/.bashrc"))
attempt("create w/.gitmodules", lambda: write("w/.gitmodules"))
attempt("mkdir w/.vscode", lambda: os.mkdir("w/.vscode"))
attempt("create w/.vscode/settings.json", lambda: (os.makedirs("w/.vscode", exist_ok=True), write("w/.vscode/settings.json")))
attempt("create w/.claude/commands/x.md", lambda: (os.makedirs("w/.claude", exist_ok=True), os.mkdir("w/.claude/commands")))
attempt("nested w/sub/.git/hooks", lambda: (os.makedirs("w/sub/.git", exist_ok=True), os.mkdir("w/sub/.git/hooks")))
attempt("case w/.GIT/hooks", lambda: (os.makedirs("w/.GIT", exist_ok=True), os.mkdir("w/.GIT/hooks")))
attempt("symlink w/.git/hooks/x", lambda: os.symlink("/bin/sh", "w/.git/hooks/post-merge"))
print("done")
