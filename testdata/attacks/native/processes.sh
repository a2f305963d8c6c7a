# rule: a private pid namespace: few processes visible, PID 1 is srt and cannot be signalled or read
. "$ATTACKS/lib.sh"
n=$(ls /proc | grep -c '^[0-9]')
[ "$n" -lt 30 ] || { echo "ESCAPED: $n processes visible"; escaped=1; }
case "$(tr '\0' ' ' </proc/1/cmdline)" in
*__sandbox-init*) ;;
*) echo "ESCAPED: PID 1 is not srt: $(tr '\0' ' ' </proc/1/cmdline)"; escaped=1 ;;
esac
must_fail "read PID 1's environment" cat /proc/1/environ
must_fail "read PID 1's memory" dd if=/proc/1/mem bs=1 count=1 skip=4194304
kill -KILL 1 2>/dev/null
kill -STOP 1 2>/dev/null
[ -d /proc/1 ] || { echo "ESCAPED: PID 1 died"; escaped=1; }
grep -q '^State:[[:space:]]*[SR]' /proc/1/status || { echo "ESCAPED: PID 1 was stopped"; escaped=1; }
must_fail "hostname is the host's" sh -c '[ "$(hostname)" != srt-sandbox ]'
done_
