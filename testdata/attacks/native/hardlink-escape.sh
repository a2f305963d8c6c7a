# rule: a hard link cannot carry a file outside allowWrite, a denyRead file or a protected file into reach
. "$ATTACKS/lib.sh"
must_fail "hard link to a file outside allowWrite" ln "$OUTSIDE/existing" hl-out
must_fail "hard link to a denyRead file" ln "$HIDDEN/token" hl-hidden
must_fail "hard link to .bashrc" ln .bashrc hl-rc
must_fail "hard link to a denyWrite file" ln secrets/key hl-secret
must_fail "hard link to an existing hook" ln .git/hooks/pre-x hl-hook
[ -e hl-rc ] && must_fail "write .bashrc through its hard link" sh -c 'echo pwned >> hl-rc'
done_
