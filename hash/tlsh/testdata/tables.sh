#!/bin/bash
# tables.sh prints the two tables of tables.go as read from Debian's
# libtlsh 3.4.4 (package libtlsh0, installed with tlsh-tools):
#   - pearson: the 256-byte permutation in the library's read-only data,
#     found by its first bytes (1, 87, 49, 12, 176, 178, 102, 166);
#   - lengthStarts: the exported l_capturing(unsigned) called for every
#     32-bit length, printing each length where its result changes (about
#     25 s on one core).
set -euo pipefail
lib=/lib/x86_64-linux-gnu/libtlsh.so.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$lib" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
i = d.find(bytes([1, 87, 49, 12, 176, 178, 102, 166]))
t = d[i:i + 256]
assert i >= 0 and len(set(t)) == 256
print('pearson:')
for k in range(0, 256, 16):
    print('\t' + ', '.join(str(x) for x in t[k:k + 16]) + ',')
PY
cat >"$tmp/lcap.c" <<'C'
#include <stdio.h>
unsigned char _Z11l_capturingj(unsigned int); /* l_capturing(unsigned int) */
int main(void) {
	unsigned int prev = _Z11l_capturingj(0);
	for (unsigned long long n = 1; n <= 0xFFFFFFFFull; n++) {
		unsigned int v = _Z11l_capturingj((unsigned int)n);
		if (v != prev) { printf("%llu, ", n); prev = v; }
	}
	printf("\n");
	return 0;
}
C
gcc -O2 -o "$tmp/lcap" "$tmp/lcap.c" "$lib"
echo 'lengthStarts:'
"$tmp/lcap" | fold -s -w 72
