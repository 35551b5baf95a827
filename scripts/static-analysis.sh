#!/bin/bash
# SPDX-License-Identifier: MIT
# static-analysis.sh - cppcheck and clang-tidy on the library (src/) with
# the checked-in configuration (.cppcheck-suppressions, .clang-tidy).  Exits
# 1 on any finding, 77 when a tool is missing (scripts/deps.sh installs
# them), 0 when clean.  Configures a private build directory for the
# compilation database (and the generated BPF skeleton header).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

for tool in cppcheck clang-tidy cmake; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "SKIP: $tool is not installed" >&2; exit 77; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/nrf-static.XXXXXX") || exit 1
trap 'rm -rf -- "$dir"' EXIT
rc=0

echo "== cppcheck $(cppcheck --version | cut -d' ' -f2)"
cppcheck --enable=warning,performance,portability --std=c11 --quiet \
	--inline-suppr --suppressions-list=.cppcheck-suppressions \
	--error-exitcode=1 -I include -I src src/*.c || rc=1

echo "== clang-tidy ($(clang-tidy --version | sed -n 's/.*version \([0-9.]*\).*/\1/p'))"
if ! cmake -S . -B "$dir" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
	-DCMAKE_BUILD_TYPE=Debug >"$dir.log" 2>&1 ||
	! cmake --build "$dir" --target netring_obj -j 2 >>"$dir.log" 2>&1; then
	cat "$dir.log" >&2
	rm -f -- "$dir.log"
	echo "FAIL: cannot build the compilation database" >&2
	exit 1
fi
rm -f -- "$dir.log"

# Findings judged false positives, by file, check and message (not line,
# so an edit elsewhere does not hide a new finding):
#   the analyzer does not inline variadic functions, so it cannot see that
#   ring_fail() returns its rc argument and follows a failure as success.
known_false=(
	"src/ring.c:.*Access to field 'shm_name' results in a dereference of a null pointer.*clang-analyzer-core.NullDereference"
	"src/ring.c:.*The right operand of '\+' is a garbage value.*clang-analyzer-core.UndefinedBinaryOperatorResult"
)
sources=()
for f in src/*.c; do
	grep -q "\"file\": \"$root/$f\"" "$dir/compile_commands.json" && sources+=("$f")
done
clang-tidy -p "$dir" --quiet "${sources[@]}" >"$dir/tidy.out" 2>/dev/null
# Generated code (bpftool's skeleton, in the build directory) is not ours.
findings=$(grep -E '(warning|error):' "$dir/tidy.out" | grep -v "^$dir/")
for pattern in "${known_false[@]}"; do
	findings=$(printf '%s\n' "$findings" | grep -Ev "$pattern")
done
findings=$(printf '%s\n' "$findings" | sed '/^$/d')
if [ -n "$findings" ]; then
	printf '%s\n' "$findings"
	rc=1
fi
echo "clang-tidy: ${#sources[@]} files, $(printf '%s' "$findings" | grep -c .) findings"

[ "$rc" -eq 0 ] && echo PASS || echo FAIL
exit "$rc"
