# Nim sample: cross-compiled to Windows with MinGW-w64 (nim c -d:mingw).
import os, strutils

proc main() =
  let n = paramCount()
  echo "filerep Nim sample, " & $n & " argument(s)"
  if n > 0:
    echo "first: " & paramStr(1).toUpperAscii()

main()
