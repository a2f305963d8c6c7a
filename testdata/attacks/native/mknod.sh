# rule: no device nodes can be created; /dev holds only the harmless ones
. "$ATTACKS/lib.sh"
must_fail "mknod a character device (/dev/mem)" mknod mem c 1 1
must_fail "mknod a block device" mknod disk b 8 0
must_fail "create a node in /dev" mknod /dev/evil c 1 3
for d in /dev/sda /dev/vda /dev/mem /dev/kmsg /dev/nvme0; do
	must_fail "$d exists" test -e "$d"
done
done_
