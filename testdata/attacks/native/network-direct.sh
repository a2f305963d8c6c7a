# rule: no direct network: only loopback exists, DNS fails, only the proxy ports listen
. "$ATTACKS/lib.sh"
must_fail "TCP to 1.1.1.1:80" timeout 5 bash -c 'exec 3<>/dev/tcp/1.1.1.1/80'
must_fail "TCP to the host's loopback (sshd)" timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/22'
must_fail "UDP DNS to 8.8.8.8" timeout 5 bash -c 'exec 3<>/dev/udp/8.8.8.8/53 && echo x >&3'
must_fail "name resolution" getent hosts example.com
ifaces=$(awk -F: 'NR>2 {gsub(/ /,"",$1); print $1}' /proc/net/dev | tr '\n' ' ')
[ "$ifaces" = "lo " ] || { echo "ESCAPED: interfaces other than lo: $ifaces"; escaped=1; }
timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/3128' || { echo "ESCAPED?: the HTTP proxy port is not listening"; escaped=1; }
done_
