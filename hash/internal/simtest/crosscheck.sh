#!/bin/bash
# crosscheck.sh compares hash/ssdeep and hash/tlsh with Debian's ssdeep
# and tlsh on any set of files, live (record.sh records a fixed set for the
# tests): the digests of every file, ssdeep's score of every ordered pair
# (ssdeep -a -x) and tlsh's distance of every pair with and without the
# length (tlsh -xref, -xlen).
#
#   hash/internal/simtest/crosscheck.sh [-gen N] DIR...
#
# -gen N adds N generated inputs of random kinds and sizes (1 byte to 2
# MB), with families of edited copies so that some pairs are similar.
set -euo pipefail
gen=0 dirs=()
while [ $# -gt 0 ]; do
	case $1 in
	-gen) gen=$2; shift 2 ;;
	*) dirs+=("$(realpath "$1")"); shift ;;
	esac
done
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/simsum" ./hash/internal/simtest/simsum)
if [ "$gen" -gt 0 ]; then
	mkdir "$tmp/gen"
	python3 - "$gen" >"$tmp/specs" <<'PY'
import random, sys
random.seed(7)
for _ in range(int(sys.argv[1])):
    kind = random.choice(['rand', 'rand', 'alpha', 'text', 'mut', 'mut', 'few', 'byte'])
    n = int(10 ** random.uniform(0, 6.3)); s = random.randint(1, 10 ** 6)
    if kind == 'rand': print(f'rand:{s}:{n}')
    elif kind == 'alpha': print(f'alpha:{s}:{random.randint(1, 40)}:{n}')
    elif kind == 'text': print(f'text:{s}:{n}')
    elif kind == 'few': print(f'few:{s}:{n}:{random.randint(0, 20)}')
    elif kind == 'byte': print(f'byte:{random.randint(0, 255)}:{n}')
    else:
        b = random.randint(1, 30)
        print(f'mut:{b}:{[2000, 10000, 60000, 300000][b % 4]}:{random.randint(0, 200)}')
PY
	sort -u "$tmp/specs" | (cd "$root" && xargs go run ./hash/internal/simtest/gen -o "$tmp/gen")
	dirs+=("$tmp/gen")
fi
[ ${#dirs[@]} -gt 0 ] || { echo "usage: $0 [-gen N] DIR..." >&2; exit 2; }
cd "$tmp"
check() { # name C-output Go-output
	if cmp -s "$2" "$3"; then
		echo "$1: equal ($(wc -l <"$2") lines)"
	else
		echo "$1: DIFFERENT"; diff "$2" "$3" | head -5; status=1
	fi
}
status=0
ssdeep -r "${dirs[@]}" 2>/dev/null | sort >c.sd || true
"./simsum" -a ssdeep "${dirs[@]}" | sort >g.sd
check "ssdeep digests" c.sd g.sd
: >c.tl
for d in "${dirs[@]}"; do tlsh -r "$d" 2>/dev/null >>c.tl || true; done
sort -o c.tl c.tl
"./simsum" -a tlsh "${dirs[@]}" | sort >g.tl
check "tlsh digests (files with one)" c.tl g.tl
{ echo 'ssdeep,1.1--blocksize:hash:hash,filename'; grep -v '^ssdeep,' c.sd || true; } >sigs
ssdeep -a -x sigs | sed -n 's/^sigs:\(.*\) matches sigs:\(.*\) (\([0-9]*\))$/\1\t\2\t\3/p' | sort >c.x
"./simsum" -x sigs | sort >g.x
check "ssdeep scores, ordered pairs" c.x g.x
echo "  of which above 0: $(awk -F'\t' '$3 > 0' c.x | wc -l)"
tlsh -l c.tl -xref -T 100000 | sort >c.xr
"./simsum" -xref c.tl | sort >g.xr
check "tlsh distances, pairs" c.xr g.xr
tlsh -l c.tl -xref -T 100000 -xlen | sort >c.xl
"./simsum" -xref c.tl -xlen | sort >g.xl
check "tlsh distances without length, pairs" c.xl g.xl
exit $status
