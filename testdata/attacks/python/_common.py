# Shared helpers for srt's WASM Python attack scripts (run by cmd/srt/wasm_test.go).
# Layout prepared by the test, in the working directory:
#   secret/key, secretfile        denyRead (content: the canary; must never be printed)
#   w/                            allowWrite; w/.git/hooks/ and w/.git/config exist
#   w/link -> ../secret/key       a pre-existing symlink into denyRead
#   ro.txt                        readable, not writable
import os
import sys

ROOT = os.getcwd()


def attempt(name, fn):
    """Runs fn; an OSError means the sandbox blocked it. Anything else returned is an escape."""
    try:
        r = fn()
    except (OSError, ImportError) as e:
        print("BLOCKED", name, type(e).__name__, getattr(e, "errno", ""))
        return
    print("ESCAPED", name, repr(r)[:200])


def allowed(name, fn):
    """Runs fn, which the sandbox may allow (e.g. creating a symlink inside allowWrite)."""
    try:
        fn()
        print("ALLOWED", name)
    except OSError as e:
        print("BLOCKED", name, type(e).__name__, e.errno)


def unchanged(name, path, fn):
    """Runs fn, which may succeed as a no-op (WASI has no chmod); the file's mode must not change."""
    before = os.stat(path).st_mode
    try:
        fn()
    except OSError as e:
        print("BLOCKED", name, type(e).__name__, e.errno)
        return
    after = os.stat(path).st_mode
    print("BLOCKED" if before == after else "ESCAPED", name, "(no-op)" if before == after else oct(after))


def read(p):
    with open(p, "rb") as f:
        return f.read()


def write(p, data=b"pwned"):
    with open(p, "wb") as f:
        return f.write(data)
