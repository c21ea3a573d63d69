#!/bin/sh
# Remakes the time-aware verification cases in this folder (see README.md):
# a fresh test PKI (gen.go; keys in a temporary folder, thrown away) and
# five signed copies of testdata/pe/nasm-tiny.exe made with osslsigncode
# (Debian package osslsigncode, 2.9) and its built-in TSA (-TSA-*).
# The tests read the outputs; they never run this.
set -eu
cd "$(dirname "$0")"
KEYDIR=$(mktemp -d)
export KEYDIR
trap 'rm -rf "$KEYDIR"' EXIT
go run gen.go
IN=../../../../testdata/pe/nasm-tiny.exe
SIGNED=$(date -u -d 2020-06-01T00:00:00Z +%s)   # inside every signer's validity

sign() { # out signer [tsa]
	out=$1 signer=$2 tsa=${3:-}
	cat "$signer.pem" > "$KEYDIR/chain.pem"
	set -- -certs "$KEYDIR/chain.pem" -key "$KEYDIR/$signer.key" -h sha256 -time "$SIGNED" \
		-n "filerep time test" -in "$IN" -out "$out"
	if [ -n "$tsa" ]; then
		cat "$tsa.pem" $([ "$tsa" = tsa-noeku ] && echo tsa-ca-cs.pem) root-ts.pem > "$KEYDIR/tsa-chain.pem"
		set -- "$@" -TSA-certs "$KEYDIR/tsa-chain.pem" -TSA-key "$KEYDIR/$tsa.key" -TSA-time "$SIGNED"
	fi
	rm -f "$out"
	osslsigncode sign "$@" >/dev/null
}

sign expired-ts.exe signer-expired tsa             # (a) expired signer, trusted RFC 3161 timestamp
sign expired-nots.exe signer-expired               # (b) the same signer, no timestamp
sign lifetime-ts.exe signer-lifetime tsa           # (c) lifetime-signing EKU, timestamped, expired
sign expired-badtsa.exe signer-expired tsa-noeku   # (d) timestamp whose chain lacks the time-stamping EKU
sign tsroot-signer.exe signer-tsroot               # (e) signer under a root trusted for time stamping only
rm -f signer-*.pem tsa*.pem
