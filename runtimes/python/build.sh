#!/usr/bin/env bash
# Build CPython 3.11 for wasm32-wasi from pinned Debian source packages and
# write runtimes/python/{python.wasm,lib/python311.zip,SHA256SUMS}.
#
# Pinned inputs (Debian 12 "bookworm"; the versions deb.debian.org serves):
#   python3.11 = 3.11.2-6+deb12u8        dsc sha256 197fa19ab45f41c820f40f6d9ead671c2ea29ddc53ba9424b36f1bf58458a10e
#   zlib       = 1:1.2.13.dfsg-1         dsc sha256 3fa1e6b2fc525062aa88207dda52fed8e045373c809d362fe8a2bfbf7cf515a8
#   bzip2      = 1.0.8-5                 dsc sha256 ed9c40f4de3f9e064535e15eac1c61a0f606763db98f4579dbc04067b94a8944
#   sqlite3    = 3.40.1-2+deb12u2        dsc sha256 ee3459ae9d00939741c7708fc1b8ce1bde12d8c3fb1dfa005bbbc8651d884e23
#   xz-utils   = 5.4.1-1+deb12u2         dsc sha256 bffc9917562b5787661379621bb1f7510bf7271b03d8ce4181cebc84b90d3c35
# (python3.11 +deb12u9 and zlib +deb12u1 are listed in the index but their
#  files answer 404, hence the older pins.)
#
# Toolchain (apt, bookworm): clang-16 lld-16 llvm-16 wasi-libc
#   libclang-rt-16-dev-wasm32; build Python /usr/bin/python3.11; tcl + gcc to
#   generate the sqlite amalgamation; binaryen's wasm-opt from npm (pinned
#   below; needs node + npm on PATH, e.g. Node 20 from nodesource or Debian's
#   nodejs/npm).
#
# Environment knobs (defaults are the shipped configuration):
#   SRT_BUILD_DIR  scratch dir outside the repo   (/tmp/srt-python-build)
#   SRT_OUT        where artifacts are written     (this directory)
#   SRT_OPT        C optimisation level            (-O2)
#   SRT_LTO        1 = -flto (clang full LTO)      (0)
#   SRT_WASM_OPT   binaryen wasm-opt level, or "none" (-O3)
#   (CPython is configured --with-pymalloc: ~18% faster under wazero than 3.11's
#    WASI default; -O2 + wasm-opt -O3 is ~5% faster than plain -O2; adding LTO
#    gains ~9% more but doubles wazero's cold compile time and needs 0.5 GB to
#    compile: see docs/benchmarks.md)
#   SRT_SKIP_APT   1 = don't touch apt (toolchain and sources already there)
#   SRT_REUSE_DEPS 1 = keep already built zlib/bzip2/sqlite/xz in the scratch dir
#   SRT_STAGE      all | relink (relink = only re-link python.wasm, strip, wasm-opt, rebuild
#                  the zip from an existing scratch build; used to check
#                  reproducibility quickly)
set -euo pipefail

PY_VER=3.11.2-6+deb12u8
ZLIB_VER=1:1.2.13.dfsg-1
BZIP2_VER=1.0.8-5
SQLITE_VER=3.40.1-2+deb12u2
XZ_VER=5.4.1-1+deb12u2
declare -A DSC_SHA256=(
  [python3.11_3.11.2-6+deb12u8.dsc]=197fa19ab45f41c820f40f6d9ead671c2ea29ddc53ba9424b36f1bf58458a10e
  [zlib_1.2.13.dfsg-1.dsc]=3fa1e6b2fc525062aa88207dda52fed8e045373c809d362fe8a2bfbf7cf515a8
  [bzip2_1.0.8-5.dsc]=ed9c40f4de3f9e064535e15eac1c61a0f606763db98f4579dbc04067b94a8944
  [sqlite3_3.40.1-2+deb12u2.dsc]=ee3459ae9d00939741c7708fc1b8ce1bde12d8c3fb1dfa005bbbc8651d884e23
  [xz-utils_5.4.1-1+deb12u2.dsc]=bffc9917562b5787661379621bb1f7510bf7271b03d8ce4181cebc84b90d3c35
)
BINARYEN_NPM_VERSION=132.0.0

# Guest-side installation prefix compiled into the interpreter. Reserved so it
# shadows nothing of a user's paths; the host mounts the stdlib here.
PREFIX=/.srt/python

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
B=${SRT_BUILD_DIR:-/tmp/srt-python-build}
OUT=${SRT_OUT:-$HERE}
OPT=${SRT_OPT:--O2}
LTO=${SRT_LTO:-0}
WASM_OPT=${SRT_WASM_OPT:--O3}
[ "$WASM_OPT" = none ] && WASM_OPT=
STAGE=${SRT_STAGE:-all}
JOBS=${SRT_JOBS:-$(nproc)}
BUILD_PY=/usr/bin/python3.11

case "$B" in "$HERE"|"$HERE"/*) echo "SRT_BUILD_DIR must be outside the repository" >&2; exit 1;; esac

export LC_ALL=C TZ=UTC
umask 022

log() { printf '\n=== %s [%s]\n' "$*" "$(date -u +%H:%M:%S)"; }

# ---------------------------------------------------------------- toolchain
install_toolchain() {
  [ "${SRT_SKIP_APT:-0}" = 1 ] && return 0
  log "apt: deb-src + toolchain"
  local src=/etc/apt/sources.list.d/debian-src.sources
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ /etc/apt/sources.list 2>/dev/null; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$src"
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    clang-16 lld-16 llvm-16 wasi-libc libclang-rt-16-dev-wasm32 \
    python3.11 tcl gcc make patch dpkg-dev xz-utils >/dev/null
}

# ------------------------------------------------------------------ sources
fetch_sources() {
  log "fetch + verify Debian sources"
  mkdir -p "$B/dl"
  cd "$B/dl"
  local p
  for p in "python3.11=$PY_VER" "zlib=$ZLIB_VER" "bzip2=$BZIP2_VER" "sqlite3=$SQLITE_VER" "xz-utils=$XZ_VER"; do
    local name=${p%%=*} ver=${p#*=}
    local dsc="${name}_${ver#*:}.dsc"
    if [ ! -f "$dsc" ]; then
      # apt verifies the .dsc against the signed Sources index and the
      # tarballs against the .dsc.
      apt-get source --download-only -qq "$p" >/dev/null 2>&1 || apt-get source --download-only "$p"
    fi
  done
  for dsc in "${!DSC_SHA256[@]}"; do
    echo "${DSC_SHA256[$dsc]}  $dsc"
  done | sha256sum -c --quiet
  # dpkg-source re-checks every file listed in the .dsc (sizes + sha256).
  rm -rf "$B/src"; mkdir -p "$B/src"
  dpkg-source -q -x "python3.11_${PY_VER}.dsc" "$B/src/python" >>"$B/dpkg-source.log" 2>&1
  dpkg-source -q -x "zlib_${ZLIB_VER#*:}.dsc" "$B/src/zlib" >>"$B/dpkg-source.log" 2>&1
  dpkg-source -q -x "bzip2_${BZIP2_VER}.dsc" "$B/src/bzip2" >>"$B/dpkg-source.log" 2>&1
  dpkg-source -q -x "sqlite3_${SQLITE_VER}.dsc" "$B/src/sqlite3" >>"$B/dpkg-source.log" 2>&1
  dpkg-source -q -x "xz-utils_${XZ_VER}.dsc" "$B/src/xz" >>"$B/dpkg-source.log" 2>&1
}

# ---------------------------------------------------------------- toolchain env
setup_env() {
  SYSROOT="$B/sysroot"
  mkdir -p "$SYSROOT/lib"
  ln -sfn /usr/include/wasm32-wasi "$SYSROOT/include"
  ln -sfn /usr/lib/wasm32-wasi "$SYSROOT/lib/wasm32-wasi"
  DEPS="$B/deps"
  SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$B/src/python/debian/changelog" -STimestamp)
  export SOURCE_DATE_EPOCH
  local lto=""
  [ "$LTO" = 1 ] && lto="-flto"
  export CC="clang-16 --target=wasm32-wasi --sysroot=$SYSROOT"
  export CXX="clang++-16 --target=wasm32-wasi --sysroot=$SYSROOT"
  export CPP="clang-cpp-16 --target=wasm32-wasi --sysroot=$SYSROOT"
  export AR=llvm-ar-16 RANLIB=llvm-ranlib-16 NM=llvm-nm-16 STRIP=llvm-strip-16
  export PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$DEPS/lib/pkgconfig"
  # -ffile-prefix-map also covers __FILE__ and debug info paths.
  BASE_CFLAGS="$OPT $lto -g0 -ffile-prefix-map=$B=/srt-build -fdebug-prefix-map=$B=/srt-build -Wno-error=int-conversion"
  BASE_LDFLAGS="$lto"
}

# -------------------------------------------------------------- dependencies
build_deps() {
  if [ "${SRT_REUSE_DEPS:-0}" = 1 ] && [ -f "$DEPS/lib/libsqlite3.a" ] && [ -f "$DEPS/lib/liblzma.a" ]; then
    log "deps: reusing $DEPS"; return 0
  fi
  rm -rf "$DEPS"; mkdir -p "$DEPS/include" "$DEPS/lib/pkgconfig"

  log "zlib"
  cd "$B/src/zlib"
  CFLAGS="$BASE_CFLAGS" LDFLAGS="$BASE_LDFLAGS" CHOST=wasm32 ./configure --static --prefix="$DEPS" >/dev/null
  make -j"$JOBS" libz.a >"$B/zlib.log" 2>&1
  cp libz.a "$DEPS/lib/"; cp zlib.h zconf.h "$DEPS/include/"

  log "bzip2"
  cd "$B/src/bzip2"
  make -j"$JOBS" libbz2.a CC="$CC" AR="$AR" RANLIB="$RANLIB" \
    CFLAGS="$BASE_CFLAGS -D_FILE_OFFSET_BITS=64" >"$B/bzip2.log" 2>&1
  cp libbz2.a "$DEPS/lib/"; cp bzlib.h "$DEPS/include/"

  log "sqlite3 (amalgamation generated natively with tclsh + gcc)"
  cd "$B/src/sqlite3"
  mkdir -p amal && cd amal
  CC=gcc CFLAGS=-O0 AR=ar RANLIB=ranlib ../configure --disable-tcl >/dev/null 2>&1 || \
    env -u CC -u CXX -u CPP -u AR -u RANLIB -u NM -u STRIP ../configure --disable-tcl >/dev/null
  env -u CC -u CXX -u CPP -u AR -u RANLIB -u NM -u STRIP make sqlite3.c >/dev/null 2>&1
  # This wasi-libc lacks fchmod/fchown/geteuid and POSIX record locks;
  # stub them (a sandboxed single process needs no advisory locks).
  cp "$HERE/src/sqlite_wasi_stubs.h" .
  $CC $BASE_CFLAGS -include sqlite_wasi_stubs.h -D_WASI_EMULATED_GETPID \
    -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL \
    -DSQLITE_DEFAULT_MEMSTATUS=0 \
    -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_JSON1 -DSQLITE_ENABLE_MATH_FUNCTIONS \
    -DHAVE_USLEEP=0 -DSQLITE_MAX_MMAP_SIZE=0 \
    -c sqlite3.c -o sqlite3.o
  $AR rcD "$DEPS/lib/libsqlite3.a" sqlite3.o
  cp sqlite3.h "$DEPS/include/"

  log "xz (liblzma only)"
  cd "$B/src/xz"
  # the sigprocmask block in mythread.h does not apply to WASI
  sed -i 's/^#if !(defined(_WIN32) && !defined(__CYGWIN__))$/#if !(defined(_WIN32) \&\& !defined(__CYGWIN__)) \&\& !defined(__wasi__)/' src/common/mythread.h
  grep -q '__wasi__' src/common/mythread.h
  mkdir -p build && cd build
  CFLAGS="$BASE_CFLAGS" LDFLAGS="$BASE_LDFLAGS" ../configure --host=wasm32-unknown-wasi \
    --build=x86_64-pc-linux-gnu --prefix="$DEPS" --enable-static --disable-shared \
    --disable-threads --disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo \
    --disable-lzma-links --disable-scripts --disable-doc --disable-nls \
    --disable-rpath >/dev/null
  make -j"$JOBS" -C src/liblzma >/dev/null
  make -C src/liblzma install >/dev/null
  rm -f "$DEPS"/lib/*.la
}

# ---------------------------------------------------------------- CPython
configure_python() {
  log "CPython: patches + configure"
  local S="$B/src/python"
  cd "$S"
  # Debian regenerates configure for its own build, the shipped configure
  # does not: without the revert `sysconfig` and `_zoneinfo` break.
  patch -s -R -p1 < debian/patches/sysconfigdata-name.diff
  for p in "$HERE"/patches/*.patch; do patch -s -p1 < "$p"; done
  cp "$HERE/src/srtmodule.c" Modules/_srtmodule.c
  rm -rf "$S/builddir/wasi"; mkdir -p "$S/builddir/wasi/Modules"
  # Built-in module carrying srt_preinit/srt_run (exported via export_name).
  # makesetup reads Setup.local from the build directory.
  printf '*static*\n_srt _srtmodule.c\n' > "$S/builddir/wasi/Modules/Setup.local"
  cd "$S/builddir/wasi"
  # --with-pymalloc: 3.11's configure turns pymalloc off for WASI by default;
  # its arenas then come from malloc (no mmap on WASI). ~18% faster on
  # bench/loop.py under wazero (docs/benchmarks.md).
  # ax_cv_c_float_words_bigendian: configure greps an object file for a
  # marker, which fails on LTO bitcode; wasm32 is little-endian.
  CONFIG_SITE=../../Tools/wasm/config.site-wasm32-wasi \
  ax_cv_c_float_words_bigendian=no \
  CFLAGS="$BASE_CFLAGS" LDFLAGS="$BASE_LDFLAGS" \
  ZLIB_CFLAGS="-I$DEPS/include" ZLIB_LIBS="-L$DEPS/lib -lz" \
  BZIP2_CFLAGS="-I$DEPS/include" BZIP2_LIBS="-L$DEPS/lib -lbz2" \
  LIBLZMA_CFLAGS="-I$DEPS/include" LIBLZMA_LIBS="-L$DEPS/lib -llzma" \
  LIBSQLITE3_CFLAGS="-I$DEPS/include" LIBSQLITE3_LIBS="-L$DEPS/lib -lsqlite3" \
    ../../configure -C --host=wasm32-unknown-wasi --build=x86_64-pc-linux-gnu \
      --with-build-python="$BUILD_PY" --prefix="$PREFIX" \
      --disable-ipv6 --disable-test-modules --without-ensurepip --with-pymalloc \
      ${SRT_CONFIGURE_EXTRA:-} > "$B/configure.log" 2>&1 || { tail -30 "$B/configure.log"; exit 1; }
}

# Exported in addition to _start/memory and the export_name'd srt_* entry
# points: the shadow-stack pointer, so a host can check snapshot state.
LINK_EXPORTS="-Wl,--export=__stack_pointer"

make_python() {
  log "CPython: make"
  cd "$B/src/python/builddir/wasi"
  local d t
  d=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%b %e %Y'); t=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%H:%M:%S')
  make -j"$JOBS" all LINKFORSHARED="$LINK_EXPORTS" BUILD_DATE="$d" BUILD_TIME="$t" \
    > "$B/make.log" 2>&1 || { grep -E 'error|Error' "$B/make.log" | head -40; exit 1; }
}

relink_python() {
  log "CPython: re-link python.wasm"
  cd "$B/src/python/builddir/wasi"
  cmp -s "$HERE/src/srtmodule.c" ../../Modules/_srtmodule.c || cp "$HERE/src/srtmodule.c" ../../Modules/_srtmodule.c
  rm -f python.wasm
  make python.wasm LINKFORSHARED="$LINK_EXPORTS" > "$B/relink.log" 2>&1 || { tail -20 "$B/relink.log"; exit 1; }
}

# ------------------------------------------------------------ post-processing
finish_wasm() {
  log "strip (+ wasm-opt $WASM_OPT)"
  local W="$B/out"; mkdir -p "$W"
  # no DWARF, no name section, no producers/target_features metadata
  llvm-strip-16 --strip-all --remove-section=producers --remove-section=target_features \
    -o "$W/python.stripped.wasm" "$B/src/python/builddir/wasi/python.wasm"
  if [ -n "$WASM_OPT" ]; then
    local bin="$B/binaryen/node_modules/binaryen/bin/wasm-opt"
    command -v node >/dev/null && command -v npm >/dev/null || {
      echo "node and npm are needed for wasm-opt (or set SRT_WASM_OPT=none)" >&2; exit 1; }
    if [ ! -x "$bin" ]; then
      mkdir -p "$B/binaryen"
      (cd "$B/binaryen" && npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_NPM_VERSION" >/dev/null)
    fi
    node "$bin" "$WASM_OPT" --enable-bulk-memory --enable-mutable-globals --enable-sign-ext \
      --enable-nontrapping-float-to-int "$W/python.stripped.wasm" -o "$W/python.wasm"
  else
    cp "$W/python.stripped.wasm" "$W/python.wasm"
  fi
}

build_zip() {
  log "stdlib zip (bytecode only)"
  local S="$B/src/python"
  local sysconf
  sysconf=$(ls "$S"/builddir/wasi/build/lib.wasi-wasm32-3.11/_sysconfigdata_*.py)
  mkdir -p "$B/out"
  # mkzip.py rewrites the generated sysconfigdata so that it does not depend
  # on the scratch directory (paths become /srt-build).
  "$BUILD_PY" -I "$HERE/mkzip.py" --lib "$S/Lib" --sysconfigdata "$sysconf" --scratch "$B" \
    --prefix "$PREFIX" --epoch "$SOURCE_DATE_EPOCH" --out "$B/out/python311.zip"
}

publish() {
  log "publish to $OUT"
  mkdir -p "$OUT/lib"
  install -m 0644 "$B/out/python.wasm" "$OUT/python.wasm"
  install -m 0644 "$B/out/python311.zip" "$OUT/lib/python311.zip"
  (cd "$OUT" && sha256sum python.wasm lib/python311.zip > SHA256SUMS && cat SHA256SUMS)
  ls -l "$OUT/python.wasm" "$OUT/lib/python311.zip"
}

main() {
  case "$STAGE" in
    all)
      install_toolchain
      fetch_sources
      setup_env
      build_deps
      configure_python
      make_python
      ;;
    relink)
      setup_env
      relink_python
      ;;
    *) echo "unknown SRT_STAGE=$STAGE" >&2; exit 2;;
  esac
  finish_wasm
  build_zip
  publish
}

main "$@"
