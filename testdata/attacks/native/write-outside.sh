# rule: writes outside allowWrite fail with EROFS and leave nothing behind
. "$ATTACKS/lib.sh"
for p in "$OUTSIDE/new" "$OUTSIDE/existing" /etc/srt-attack /usr/bin/srt-attack /tmp/srt-attack-$$ "$HOME/srt-attack" /var/tmp/srt-attack /dev/shm/../srt-attack; do
	must_fail "write $p" sh -c "echo x >> '$p'"
done
out=$(sh -c "echo x > '$OUTSIDE/new'" 2>&1)
case "$out" in *"Read-only file system"*) ;; *) echo "ESCAPED?: not EROFS: $out"; escaped=1 ;; esac
must_fail "denyWrite file" sh -c 'echo x > secrets/key'
must_fail "new file in a denyWrite directory" touch secrets/new
must_fail "remount / read-write" mount -o remount,rw /
must_fail "chmod a file outside" chmod 777 "$OUTSIDE/existing"
must_fail "rename a file outside" mv "$OUTSIDE/existing" "$OUTSIDE/moved"
touch "$TMPDIR/ok" || { echo "ESCAPED?: TMPDIR is not writable"; escaped=1; }
done_
