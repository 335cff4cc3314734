#!/usr/bin/env bash
# Frost as an installed library, used from outside: `meson install --destdir`
# into a temporary root, then the two examples are built with the system
# compilers and nothing but `pkg-config --cflags --libs frost` (not through
# Frost's meson), run on models/fashion_cnn, and compared with the installed
# `frost run` on the same inputs. Also checks what the shared library exports
# (the C API only), its SONAME, and that protobuf stays private.
#
# Usage: install_test.sh BUILD_DIR   (FROST_SOURCE_ROOT: the repository)
# Prints doctest's summary line so scripts/test counts its cases.
set -uo pipefail
build=$(cd "${1:?usage: install_test.sh BUILD_DIR}" && pwd)
src=${FROST_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() {  # check NAME COMMAND...: one test case
  local name=$1
  shift
  if out=$("$@" 2>&1); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $name"
    echo "$out" | head -20 | sed 's/^/  /'
  fi
}
summary() {
  echo "[doctest] test cases: $((passed + failed)) | $passed passed | $failed failed | 0 skipped"
  [ "$failed" -eq 0 ]
  exit $?
}

root=$tmp/root
if ! meson install -C "$build" --no-rebuild --destdir "$root" >"$tmp/install.log" 2>&1; then
  failed=1
  echo "FAILED: meson install"; tail -20 "$tmp/install.log"
  summary
fi
pc=$(find "$root" -name frost.pc | head -1)
lib=$(find "$root" -name 'libfrost.so.*.*' | head -1)
exe=$(find "$root" -path '*/bin/frost' | head -1)
libdir=$(dirname "$lib")
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$root
export LD_LIBRARY_PATH=$libdir

installed_tree() {
  [ -n "$pc" ] && [ -n "$lib" ] && [ -x "$exe" ] || { echo "missing: frost.pc='$pc' libfrost.so='$lib' frost='$exe'"; return 1; }
  for f in frost/frost.h frost/frost_c.h; do
    [ -n "$(find "$root" -path "*/include/$f")" ] || { echo "no include/$f"; return 1; }
  done
  [ -n "$(find "$root" -name libfrost.a)" ] || { echo "no libfrost.a"; return 1; }
  [ -L "$libdir/libfrost.so" ] || { echo "no libfrost.so symlink"; return 1; }
  readelf -d "$lib" | grep -q 'SONAME.*\[libfrost\.so\.0\]' || { readelf -d "$lib" | grep SONAME; return 1; }
}
check "installed tree: headers, libfrost.so.N with SONAME, libfrost.a, frost.pc, frost" installed_tree

exports_only_api() {
  local others
  others=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^frost_' || true)
  [ -z "$others" ] || { echo "exported beyond the C API:"; echo "$others" | head; return 1; }
  nm -D --defined-only "$lib" | grep -q ' frost_model_run$'
}
check "nm -D: only frost_* symbols" exports_only_api

protobuf_private() {
  local libs
  libs=$(pkg-config --libs frost) || return 1
  case "$libs" in *protobuf*) echo "protobuf in the public link line: $libs"; return 1 ;; esac
  pkg-config --print-requires-private frost | grep -q protobuf || pkg-config --static --libs frost | grep -q protobuf
}
check "pkg-config: protobuf only in the private (static) link line" protobuf_private

cd "$tmp"
build_cpp() { ${CXX:-c++} -std=c++17 -O2 "$src/examples/cpp/classify.cc" $(pkg-config --cflags --libs frost) -o classify; }
build_c() { ${CC:-cc} -std=c11 -O2 -Wall "$src/examples/c/run.c" $(pkg-config --cflags --libs frost) -o run; }
check "examples/cpp/classify.cc builds with pkg-config alone" build_cpp
check "examples/c/run.c builds with pkg-config alone" build_c

model=$src/models/fashion_cnn/frozen_graph.pb
inputs=$src/models/fashion_cnn/inputs.npy
"$exe" run "$model" --input "conv2d_input=$inputs" --save "$tmp/out" >"$tmp/frost_run.log" 2>&1 ||
  { echo "frost run failed:"; cat "$tmp/frost_run.log"; }
reference=$tmp/out/activation_3_Softmax.npy

# The top-5 lines classify prints, computed from frost run's saved scores.
top5() {
  python3 - "$@" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
hlen = struct.unpack("<H", data[8:10])[0]
header = data[10:10 + hlen].decode()
shape = tuple(int(d) for d in header.split("(")[1].split(")")[0].split(",") if d.strip())
values = struct.unpack("<%df" % (len(data[10 + hlen:]) // 4), data[10 + hlen:])
images = [int(i) for i in sys.argv[2:]] or range(shape[0])
for out, i in enumerate(images):
    row = values[i * shape[1]:(i + 1) * shape[1]]
    order = sorted(range(shape[1]), key=lambda c: -row[c])[:5]
    print("image %d:" % out + "".join(" %d (%.6f)" % (c, row[c]) for c in order))
PY
}

cpp_matches_frost_run() {
  ./classify "$model" "$inputs" >classify.txt || return 1
  top5 "$reference" >expected.txt
  diff expected.txt classify.txt
}
check "classify on inputs.npy prints frost run's top-5" cpp_matches_frost_run

raw_image_matches() {
  # Image 2 of inputs.npy as raw bytes (the .npy holds pixel/255 as float32).
  python3 - "$inputs" raw.bin <<'PY' || return 1
import struct, sys
data = open(sys.argv[1], "rb").read()
hlen = struct.unpack("<H", data[8:10])[0]
pixels = struct.unpack("<%df" % (28 * 28), data[10 + hlen + 2 * 28 * 28 * 4:10 + hlen + 3 * 28 * 28 * 4])
open(sys.argv[2], "wb").write(bytes(round(p * 255) for p in pixels))
PY
  ./classify "$model" raw.bin >raw.txt || return 1
  top5 "$reference" 2 >expected_raw.txt
  diff expected_raw.txt raw.txt
}
check "classify on a raw 28x28 image prints frost run's top-5 for it" raw_image_matches

c_matches_frost_run() {
  ./run "$model" "$inputs" >run.txt || return 1
  head -1 run.txt | grep -qx 'activation_3/Softmax \[4,10\]' || { head -1 run.txt; return 1; }
  python3 - "$reference" run.txt <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
hlen = struct.unpack("<H", data[8:10])[0]
want = struct.unpack("<40f", data[10 + hlen:])
got = [float(v) for v in open(sys.argv[2]).read().split("\n")[1:] if v]
assert len(got) == 40, len(got)
worst = max(abs(a - b) for a, b in zip(want, got))
assert worst <= 1e-6, worst
PY
}
check "run.c prints frost run's 40 scores (max abs diff <= 1e-6)" c_matches_frost_run

bad_input_is_a_status() {
  local rc=0
  ./run "$src/models/fashion_cnn/README.md" >bad.txt 2>&1 || rc=$?
  [ "$rc" -eq 2 ] && grep -q 'README.md' bad.txt
}
check "run.c on a file that is not a graph: one line, exit 2" bad_input_is_a_status

summary
