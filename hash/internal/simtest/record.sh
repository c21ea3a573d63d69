#!/bin/bash
# record.sh records the reference output that the tests of hash/ssdeep and
# hash/tlsh compare with: digests from Debian's ssdeep 2.14.1 (package
# ssdeep) and tlsh 3.4.4 (package tlsh-tools), and their scores on pairs.
#
#   hash/internal/simtest/record.sh [-install] [-large]
#
# Run from anywhere inside the repository. -install apt-gets both tools;
# -large adds the 1 GiB inputs (2 GiB of scratch space, a minute or so).
#
# Inputs:
#   sample  every file under testdata/pe (.b64 files decoded)
#   gen     generated inputs, by spec (see simtest.Open): edge sizes
#           (0, 1, 49–51, 255–257 bytes), all-zero and one-byte runs,
#           few-valued inputs (some filling 63 to 66 of TLSH's 128 buckets),
#           text inputs, random data of many sizes, and
#           random data with a few edits for the pair scores
#   ext     real PE files (starting with "MZ") outside the repository, when
#           present: the Wine/Mono/EFI packages unpacked under /tmp/deb/y,
#           /tmp/npm/x, /tmp/deb/x, and saferwall/pe's test files in the Go
#           module cache; the tests skip those missing or changed (the table
#           keeps each one's size and SHA-256 prefix)
#
# Output (tab-separated; the tests read them):
#   hash/ssdeep/testdata/digests.tsv  kind name size sha256[:16] digest
#   hash/tlsh/testdata/digests.tsv    kind name size sha256[:16] digest|ERR reason
#   hash/ssdeep/testdata/pairs.tsv    digestA digestB score  (ssdeep -a -x)
#   hash/tlsh/testdata/pairs.tsv      digestA digestB distance distance-xlen
#                                     (tlsh -c A -d B, and with -xlen)
set -euo pipefail
install=0 large=0
for a in "$@"; do
	case $a in
	-install) install=1 ;;
	-large) large=1 ;;
	*) echo "usage: $0 [-install] [-large]" >&2; exit 2 ;;
	esac
done
if [ $install = 1 ]; then
	apt-get install -y ssdeep tlsh-tools
fi
root=$(git rev-parse --show-toplevel)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/gen" "$tmp/sample"

ssd=hash/ssdeep/testdata tl=hash/tlsh/testdata
mkdir -p $ssd $tl

# --- the inputs -------------------------------------------------------------
gens=(zero:0 zero:1 zero:2 zero:3 zero:4 zero:5 zero:6 zero:7 zero:8
	zero:49 zero:50 zero:51 zero:255 zero:256 zero:257 zero:4096 zero:1000000
	byte:65:100 byte:65:100000 byte:255:300 byte:255:5000000
	text:1:49 text:1:50 text:1:51 text:2:255 text:2:256 text:2:257 text:3:1000
	text:4:5000 text:5:100000 text:6:2000000)
for k in 1 2 3 4 5 6 8 12 16 32; do
	for n in 256 300 1000 10000; do gens+=(alpha:$k:$k:$n); done
done
# Just below and above TLSH's variety rule: 63 to 66 of 128 buckets filled.
gens+=(few:3:300:2 few:6:300:4 few:2:300:3 few:2:300:4 few:1:300:2 few:5:300:3 few:2:300:5 few:3:300:5)
# A 7-byte window that ends a piece for every ssdeep block size at once,
# up to 3·2^30 (the last block size's own state, lastH, comes into use).
gens+=(magic:1:0:1 magic:1:0:3 magic:1:10:1 magic:1:1000:1 magic:2:1000:5 magic:3:100000:1
	magic:4:100000:3 magic:5:1000000:40 magic:6:10000:300 magic:7:200:1000)
for s in 1 2 3; do
	for n in 1 2 3 4 5 6 7 8 9 10 20 49 50 51 100 191 192 193 255 256 257 300 383 384 385 512 1000; do
		gens+=(rand:$s:$n)
	done
done
# Sizes on a log scale up to 16 MiB, with odd lengths.
n=700
for s in $(seq 10 40); do
	gens+=(rand:$s:$n)
	n=$((n * 3 / 2 + s))
done
# Pairs: random data and the same with a few edits.
mutpairs=()
for n in 1000 4000 20000 100000 1000000 5000000; do
	for e in 1 5 20 100; do
		s=$((n + e))
		gens+=(rand:$s:$n mut:$s:$n:$e)
		mutpairs+=("rand:$s:$n mut:$s:$n:$e")
	done
done
if [ $large = 1 ]; then
	gens+=(zero:1073741824 rand:7:1073741824)
fi
go run ./hash/internal/simtest/gen -o "$tmp/gen" "${gens[@]}"

samples=()
while IFS= read -r f; do
	rel=${f#testdata/pe/}
	dst="$tmp/sample/${rel//\//_}"
	if [[ $f == *.b64 ]]; then base64 -d "$f" >"$dst"; else cp "$f" "$dst"; fi
	samples+=("$rel")
done < <(find testdata/pe -type f | LC_ALL=C sort)

exts=()
for d in /tmp/deb/y /tmp/npm/x /tmp/deb/x "$(go env GOMODCACHE)/github.com/saferwall/pe@v1.6.5/test"; do
	[ -d "$d" ] || continue
	while IFS= read -r f; do
		[ "$(head -c 2 "$f" | tr '\0' x)" = MZ ] && exts+=("$f")
	done < <(find "$d" -type f | LC_ALL=C sort)
done

# --- digests ----------------------------------------------------------------
# row KIND NAME FILE: one line of each digests.tsv.
row() {
	local kind=$1 name=$2 file=$3 size sha sd t
	size=$(stat -c %s "$file")
	sha=$(sha256sum "$file" | cut -c1-16)
	sd=$(ssdeep -s "$file" | sed -n '2s/,".*//p')
	t=$(tlsh -f "$file" 2>&1 | head -1 || true)
	case $t in
	*"file too small"*) t="ERR too small" ;;
	*"cannot hash"*) t="ERR cannot hash" ;;
	*) t=${t%%$'\t'*} ;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$name" "$size" "$sha" "$sd" >>"$tmp/ssdeep.tsv"
	printf '%s\t%s\t%s\t%s\t%s\n' "$kind" "$name" "$size" "$sha" "$t" >>"$tmp/tlsh.tsv"
}
for s in "${samples[@]}"; do row sample "$s" "$tmp/sample/${s//\//_}"; done
for g in "${gens[@]}"; do row gen "$g" "$tmp/gen/${g//:/_}"; done
for f in "${exts[@]}"; do row ext "$f" "$f"; done

# --- pairs ------------------------------------------------------------------
# digest KIND NAME: the recorded digest of one input (field 5).
digest() { awk -F'\t' -v k="$1" -v n="$2" '$1==k && $2==n {print $5; exit}' "$3"; }
pairs=() # "kindA nameA kindB nameB"
for ((i = 0; i < ${#samples[@]}; i++)); do
	for ((j = i + 1; j < ${#samples[@]}; j++)); do
		pairs+=("sample ${samples[i]} sample ${samples[j]}")
	done
done
for p in "${mutpairs[@]}"; do
	set -- $p
	pairs+=("gen $1 gen $2")
done
for ((i = 0; i + 1 < ${#exts[@]}; i++)); do
	pairs+=("ext ${exts[i]} ext ${exts[i+1]}")
done

: >"$tmp/ssdeep-pairs.tsv"
: >"$tmp/tlsh-pairs.tsv"
ssdeep_pair() {
	printf 'ssdeep,1.1--blocksize:hash:hash,filename\n%s,"a"\n%s,"b"\n' "$1" "$2" >"$tmp/sig"
	local s
	s=$(ssdeep -a -x "$tmp/sig" | sed -n 's/^.*:a matches .*:b (\([0-9]*\))$/\1/p' | head -1)
	printf '%s\t%s\t%s\n' "$1" "$2" "$s" >>"$tmp/ssdeep-pairs.tsv"
}
for p in "${pairs[@]}"; do
	set -- $p
	a=$(digest "$1" "$2" "$tmp/ssdeep.tsv") b=$(digest "$3" "$4" "$tmp/ssdeep.tsv")
	ssdeep_pair "$a" "$b"
	a=$(digest "$1" "$2" "$tmp/tlsh.tsv") b=$(digest "$3" "$4" "$tmp/tlsh.tsv")
	if [[ $a != ERR* && $b != ERR* ]]; then
		d=$(tlsh -c "$a" -d "$b" | awk '{print $1}')
		x=$(tlsh -c "$a" -d "$b" -xlen | awk '{print $1}')
		printf '%s\t%s\t%s\t%s\n' "$a" "$b" "$d" "$x" >>"$tmp/tlsh-pairs.tsv"
	fi
done
# Hand-made ssdeep digests for the corners of fuzzy_compare: runs of one
# character (cut to three), block sizes 2x apart either way or further,
# strings under 7 characters, small block sizes that cap the score.
ssdeep_pair 3:AAAAAAAAAAAAAAAAAAAAAA:AAAAAA 3:AAAAAAAAA:AAAA
ssdeep_pair 3:AAAAAAAAAAAAAAAAAAAAAAB:AAAAAA 3:AAAAAAAAAB:AAAA
ssdeep_pair 3:abcdefgh:abcdefg 3:abcdefgX:abcdefg
ssdeep_pair 3:abcdefgh:ijklmnop 6:ijklmnoq:qrstuvwx
ssdeep_pair 6:ijklmnoq:qrstuvwx 3:abcdefgh:ijklmnop
ssdeep_pair 3:abcdefgh:ijklmnop 12:ijklmnop:qrstuvwx
ssdeep_pair 3:abcdef:abcdef 3:abcdef:abcdeg
ssdeep_pair 3:abcdef:abcdef 3:abcdef:abcdef
ssdeep_pair 3::  3::
ssdeep_pair 3:abcdefghijklmnopqrstuvwxyz:abc 3:abcdefghijklmnopqrstuvwxyZ:abc
ssdeep_pair 24:abcdefghijklmnopqrstuvwxyz:abc 24:abcdefghijklmnopqrstuvwxyZ:abc
ssdeep_pair 48:abcdefghijklmnopqrstuvwxyz:abc 48:abcdefghijklmnopqrstuvwxyZ:abc
ssdeep_pair 96:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+/:abcdefghijklmnopqrstuvwxyz012345 96:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ/+:abcdefghijklmnopqrstuvwxyz012354
ssdeep_pair 96:aaaabbbbccccddddeeeeffffgggg:hhhh 96:aaabbbcccdddeeefffggg:hhh
ssdeep_pair 192:abcdefghXXXXXXXXXXXXXXXXXXXXXXXX:z 96:zzzzzzz:abcdefghYYYYYYYYYYYYYY

{
	echo "# ssdeep 2.14.1 digests ($(dpkg-query -W -f='${Version}' ssdeep)), written by hash/internal/simtest/record.sh"
	echo "# kind	name	size	sha256[:16]	digest"
	cat "$tmp/ssdeep.tsv"
} >$ssd/digests.tsv
{
	echo "# tlsh 3.4.4 digests ($(dpkg-query -W -f='${Version}' tlsh-tools)), written by hash/internal/simtest/record.sh"
	echo "# kind	name	size	sha256[:16]	digest or ERR reason"
	cat "$tmp/tlsh.tsv"
} >$tl/digests.tsv
{
	echo "# ssdeep -a -x scores, written by hash/internal/simtest/record.sh"
	cat "$tmp/ssdeep-pairs.tsv"
} >$ssd/pairs.tsv
{
	echo "# tlsh -c A -d B distances (with length, -xlen), written by hash/internal/simtest/record.sh"
	cat "$tmp/tlsh-pairs.tsv"
} >$tl/pairs.tsv
echo "recorded: $(grep -vc '^#' $ssd/digests.tsv) inputs (${#samples[@]} samples, ${#gens[@]} generated, ${#exts[@]} outside the repository), $(grep -vc '^#' $ssd/pairs.tsv) ssdeep pairs, $(grep -vc '^#' $tl/pairs.tsv) tlsh pairs"
