# Helpers for the attack scripts (sourced).
[ "$SANDBOX_RUNTIME" = 1 ] || { echo "refusing to run outside the sandbox (these scripts attack the machine they run on)" >&2; exit 2; }
escaped=0
must_fail() {
	desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ESCAPED: $desc"
		escaped=1
	fi
}
done_() {
	[ "$escaped" = 0 ] && echo blocked
	exit 0
}
