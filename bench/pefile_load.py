#!/usr/bin/env python3
"""What bench/compare.sh times for pefile: for each file named on stdin (one
per line), a full pefile load, the version information and the imphash —
about what filerep's report computes."""
import sys

import pefile

n = 0
for line in sys.stdin:
    path = line.rstrip("\n")
    try:
        pe = pefile.PE(path)  # full load: every data directory
        pe.get_imphash()
        getattr(pe, "FileInfo", None)
        n += 1
    except Exception:  # not a PE, or one pefile rejects: still counted as done
        pass
print(n, file=sys.stderr)
