# rule: denyRead content is never disclosed, by any path
. "$ATTACKS/lib.sh"
for p in "$HIDDEN/token" "private.pem" "/proc/1/root$HIDDEN/token" "/proc/self/root$PWD/private.pem" "/proc/1/cwd/private.pem"; do
	if cat "$p" 2>/dev/null | grep -q SECRET; then echo "ESCAPED: read $p"; escaped=1; fi
done
if grep -rqs SECRET "$HIDDEN" . 2>/dev/null; then echo "ESCAPED: grep -r found denyRead content"; escaped=1; fi
must_fail "list the denyRead directory" sh -c "ls -A '$HIDDEN' | grep -q ."
must_fail "write into the hidden directory's tmpfs" touch "$HIDDEN/x"
must_fail "overwrite the empty stand-in for the denyRead file" sh -c 'echo x > private.pem'
must_fail "unmount the stand-in" umount private.pem
done_
