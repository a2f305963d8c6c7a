# rule: a setuid binary gains nothing: no_new_privs, no capabilities at all, nosuid mounts
. "$ATTACKS/lib.sh"
grep -q '^NoNewPrivs:[[:space:]]*1' /proc/self/status || { echo "ESCAPED: no_new_privs is not set"; escaped=1; }
for f in CapInh CapPrm CapEff CapBnd CapAmb; do
	grep -q "^$f:[[:space:]]*0000000000000000" /proc/self/status || { echo "ESCAPED: $f is not empty"; escaped=1; }
done
must_fail "mount through the setuid mount binary" /usr/bin/mount -t tmpfs none "$TMPDIR"
cp /usr/bin/id ./suid-id && chmod u+s ./suid-id 2>/dev/null
must_fail "a setuid copy changes the effective uid" sh -c '[ "$(./suid-id -u)" != "$(id -ru)" ]'
# A setuid binary runs with the caller's capabilities: none.
if [ -u /usr/bin/su ]; then
	must_fail "su gains capabilities" sh -c '/usr/bin/su -c "grep -q \"^CapEff:[[:space:]]*0*[1-9a-f]\" /proc/self/status" </dev/null'
fi
done_
