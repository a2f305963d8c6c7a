# rule: a symlink inside allowWrite does not make a path outside it writable or a denyRead path readable
. "$ATTACKS/lib.sh"
ln -s "$OUTSIDE/existing" out-link
must_fail "write through a symlink to a file outside allowWrite" sh -c 'echo pwned > out-link'
ln -s "$OUTSIDE" out-dir
must_fail "create a file through a symlinked directory" sh -c 'echo pwned > out-dir/new'
ln -s /etc/passwd etc-link
must_fail "write /etc/passwd through a symlink" sh -c 'echo pwned >> etc-link'
ln -s "$HIDDEN/token" hidden-link
must_fail "read a denyRead file through a symlink" grep -q SECRET hidden-link
ln -s .bashrc rc-link 2>/dev/null
must_fail "write .bashrc through a symlink" sh -c 'echo pwned >> rc-link; grep -q pwned .bashrc'
done_
