# rule: socket(AF_UNIX) fails with EPERM (no Docker socket, no D-Bus, no ssh-agent)
. "$ATTACKS/lib.sh"
must_fail "socket(AF_UNIX, SOCK_STREAM)" perl -e 'use Socket; socket(my $s, AF_UNIX, SOCK_STREAM, 0) or exit 1'
must_fail "socket(AF_UNIX, SOCK_DGRAM)" perl -e 'use Socket; socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or exit 1'
out=$(perl -e 'use Socket; socket(my $s, AF_UNIX, SOCK_STREAM, 0) or print "$!"')
[ "$out" = "Operation not permitted" ] || { echo "ESCAPED: unexpected error for AF_UNIX: $out"; escaped=1; }
done_
