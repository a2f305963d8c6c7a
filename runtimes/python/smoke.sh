#!/usr/bin/env bash
# CPython regression-test smoke run of python.wasm under wazero.
# Installs Debian's libpython3.11-testsuite (the `test` package; copied into a
# scratch directory that is the guest's "/", at /testsuite/test) and runs
# selected test modules one by one with regrtest (`python -m test -v`) through
# internal/cmd/pyrun (wazero, module compiled from the shared cache).
# Exit status: 0 if every listed module passes. Usage: smoke.sh
# (SMOKE_TESTS="test_json test_zlib" to choose modules).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# Expected to pass under plain wazero v1.12 (see README.md for the others).
TESTS=${SMOKE_TESTS:-"test_json test_zlib test_bz2 test_lzma test_hashlib test_decimal test_sqlite3 test_binascii test_csv test_datetime"}

# Individual tests skipped with regrtest's -i: the installed test suite is
# Debian's 3.11.2-6+deb12u9 (the version apt installs), the interpreter is
# built from +deb12u8 (the +deb12u9 source answers 404), and these tests
# check security fixes that are only in +deb12u9.
IGNORE=(
  -i '*test_decompress_after_data_error'   # test_bz2: CVE-2026-9669 (u9 only)
  # test_csv: CVE-2026-18503 (u9 only; quadratic on u8, runs for ages)
  -i '*TestSniffer.test_sniff_quoted_single_column'
  -i '*TestSniffer.test_sniff_regex_backtracking'
  -i '*TestSniffer.test_sniff_doublequote_across_fields'
  -i '*TestSniffer.test_sniff_doublequote_record_separators'
  -i '*TestSniffer.test_sniff_single_column'
  -i '*TestSniffer.test_sniff_space_delimiter'
)
# Needs srt's host: under plain wazero v1.12 time.sleep() raises
# OSError [Errno 58] (absolute-clock poll_oneoff, see README.md).
IGNORE+=(-i '*.test_today')

if [ ! -d /usr/lib/python3.11/test ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libpython3.11-testsuite >/dev/null
fi

TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
(cd "$ROOT" && go build -o "$TMP/pyrun" ./runtimes/python/internal/cmd/pyrun)
# The guest's "/" is a scratch directory (tests write to the cwd); the test
# package is copied into it at /testsuite/test.
mkdir -p "$TMP/root/testsuite"
cp -a /usr/lib/python3.11/test "$TMP/root/testsuite/test"
# Debian's test-suite package does not ship test_sqlite3; take it from the
# pinned python3.11 source that build.sh unpacked (or fetch that source).
if [ ! -d "$TMP/root/testsuite/test/test_sqlite3" ]; then
  src=${SRT_BUILD_DIR:-/tmp/srt-python-build}/src/python
  if [ ! -d "$src/Lib/test/test_sqlite3" ]; then
    (cd "$TMP" && apt-get source -qq python3.11=3.11.2-6+deb12u8 >/dev/null 2>&1)
    src=$(ls -d "$TMP"/python3.11-3.11.2)
  fi
  cp -a "$src/Lib/test/test_sqlite3" "$TMP/root/testsuite/test/"
fi
# test_sqlite3 imports INT_MAX and ULLONG_MAX from _testcapi, which this
# build leaves out (--disable-test-modules); give that run a stub.
mkdir -p "$TMP/root/stubs"
printf 'INT_MAX = 2**31 - 1\nULLONG_MAX = 2**64 - 1\n' > "$TMP/root/stubs/_testcapi.py"

fail=0
for t in $TESTS; do
  find "$TMP/root" -mindepth 1 -maxdepth 1 ! -name testsuite ! -name stubs -exec rm -rf {} +
  pypath=/testsuite
  [ "$t" = test_sqlite3 ] && pypath=/testsuite:/stubs
  mkdir -p "$TMP/root/tmp"
  start=$(date +%s)
  if "$TMP/pyrun" -mount "$TMP/root:/" \
      -env PYTHONPATH="$pypath" -env TMPDIR=/tmp -env HOME=/tmp -- \
      -m test -v --timeout=0 "${IGNORE[@]}" "$t" > "$TMP/$t.log" 2>&1; then
    echo "PASS $t ($(( $(date +%s) - start ))s) $(grep -E '^Ran [0-9]+ test' "$TMP/$t.log" | tail -1), $(grep -E '^OK' "$TMP/$t.log" | tail -1)"
  else
    echo "FAIL $t ($(( $(date +%s) - start ))s)"
    { grep -E '^(FAIL|ERROR):' "$TMP/$t.log" | head -20; tail -15 "$TMP/$t.log"; } | sed 's/^/    /'
    fail=1
  fi
done
exit $fail
