#!/bin/bash
# bench.sh times hash/ssdeep and hash/tlsh against Debian's ssdeep and tlsh
# on the same inputs in the same run, all on one core, and checks that
# their output is the same.
#
#   hash/internal/simtest/bench.sh [-runs N] [-large MB] PATH...
#
# PATHs are files or directories (walked; ssdeep -r, tlsh -r). -large adds
# one file of MB pseudo-random megabytes. Each round runs the four
# programs one after the other (page cache warm: the inputs are read once
# first), pinned to CPU 0 with taskset and GOMAXPROCS=1; the report gives
# each one's median and range over N rounds (default 5) and the ratio of
# the C tool's time to the Go one's (above 1: Go is faster).
set -euo pipefail
runs=5 large=0 paths=()
while [ $# -gt 0 ]; do
	case $1 in
	-runs) runs=$2; shift 2 ;;
	-large) large=$2; shift 2 ;;
	*) paths+=("$1"); shift ;;
	esac
done
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/simsum" ./hash/internal/simtest/simsum)
if [ "$large" -gt 0 ]; then
	(cd "$root" && go run ./hash/internal/simtest/gen -o "$tmp" "rand:42:$((large << 20))")
	paths+=("$tmp/rand_42_$((large << 20))")
fi
[ ${#paths[@]} -gt 0 ] || { echo "usage: $0 [-runs N] [-large MB] PATH..." >&2; exit 2; }
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
bytes=$(find -L "${paths[@]}" -type f -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
files=$(find -L "${paths[@]}" -type f | wc -l)
find -L "${paths[@]}" -type f -print0 | xargs -0 cat >/dev/null

declare -A cmd
cmd[ssdeep]="ssdeep -s -r"
cmd[go-ssdeep]="$tmp/simsum -a ssdeep"
cmd[tlsh]="tlsh -r"
cmd[go-tlsh]="$tmp/simsum -a tlsh"
order=(ssdeep go-ssdeep tlsh go-tlsh)
declare -A times
for ((r = 0; r < runs; r++)); do
	for t in "${order[@]}"; do
		out="$tmp/$t.out"
		: >"$out"
		start=$(date +%s.%N)
		for p in "${paths[@]}"; do
			if [ $t = tlsh ] && [ -f "$p" ]; then
				GOMAXPROCS=1 "${pin[@]}" tlsh -f "$p" >>"$out" 2>/dev/null || true
			else
				GOMAXPROCS=1 "${pin[@]}" ${cmd[$t]} "$p" >>"$out" 2>/dev/null || true
			fi
		done
		end=$(date +%s.%N)
		times[$t]+="$(echo "$end - $start" | bc) "
	done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%.2f s (%.2f–%.2f)", m, a[1], a[NR]}'; }
med() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "$files files, $((bytes >> 20)) MiB, $runs rounds, one core"
for t in "${order[@]}"; do
	m=$(echo "${times[$t]}" | med)
	printf '%-10s %s  %.0f MB/s\n' "$t" "$(echo "${times[$t]}" | median)" "$(echo "$bytes / $m / 1000000" | bc -l)"
done
for a in ssdeep tlsh; do
	c=$(echo "${times[$a]}" | med) g=$(echo "${times[go-$a]}" | med)
	printf '%s: Go/C throughput %.2fx' $a "$(echo "$c / $g" | bc -l)"
	grep -v '^ssdeep,1.1' "$tmp/$a.out" | sort >"$tmp/c" || true
	grep -v '^ssdeep,1.1' "$tmp/go-$a.out" | sort >"$tmp/g" || true
	if cmp -s "$tmp/c" "$tmp/g"; then
		echo "; output equal ($(wc -l <"$tmp/c") digests)"
	else
		echo "; OUTPUT DIFFERS:"
		diff "$tmp/c" "$tmp/g" | head -5
	fi
done
