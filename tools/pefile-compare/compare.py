#!/usr/bin/env python3
"""Compare filerep's reports with pefile's reading of the same files.

Usage:
    go run ./examples/report -json FILE... > reports.jsonl
    python3 tools/pefile-compare/compare.py reports.jsonl

Needs Debian's python3-pefile (run with /usr/bin/python3). For every report
line it loads the file with pefile and compares the fields both compute:
size, md5, sha1, sha256, whole-file entropy, machine, platform, subsystem,
is_dll, dotnet, and the section count, names and entropy. It prints each
disagreement and, per field, the share of files that agree.
"""
import collections
import hashlib
import json
import math
import sys

import pefile

MACHINES = {0x14c: "x86", 0x8664: "x64", 0x1c0: "arm", 0x1c2: "arm", 0x1c4: "arm",
            0xaa64: "arm64", 0x200: "ia64", 0xebc: "ebc"}
SUBSYSTEMS = {0: "Unknown", 1: "Native", 2: "Windows GUI", 3: "Windows Console",
              5: "OS/2 Console", 7: "POSIX Console", 8: "Native Win9x Driver",
              9: "Windows CE GUI", 10: "EFI Application", 11: "EFI Boot Service Driver",
              12: "EFI Runtime Driver", 13: "EFI ROM", 14: "Xbox",
              16: "Windows Boot Application"}


def entropy(data):
    if not data:
        return 0.0
    counts = collections.Counter(data)
    n = len(data)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def expected(path):
    data = open(path, "rb").read()
    exp = {
        "size": len(data),
        "md5": hashlib.md5(data).hexdigest(),
        "sha1": hashlib.sha1(data).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "entropy": entropy(data),
    }
    try:
        pe = pefile.PE(data=data, fast_load=True)
    except pefile.PEFormatError:
        exp["kind"] = "not-pe"
        return exp
    pe.parse_data_directories(directories=[
        pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR"],
        pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"],
        pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"],
    ])
    try:
        exp["imphash"] = pe.get_imphash()
    except pefile.PEFormatError:
        pass
    exp.update(version_facts(pe))
    m = pe.FILE_HEADER.Machine
    exp["machine"] = MACHINES.get(m, "0x%x" % m)
    exp["platform"] = "64-bit" if pe.OPTIONAL_HEADER.Magic == 0x20B else "32-bit"
    s = pe.OPTIONAL_HEADER.Subsystem
    exp["subsystem"] = SUBSYSTEMS.get(s, "Unknown (%d)" % s)
    exp["is_dll"] = pe.is_dll()
    d = pe.OPTIONAL_HEADER.DATA_DIRECTORY
    exp["dotnet"] = len(d) > 14 and d[14].VirtualAddress != 0 and d[14].Size != 0
    exp["signed"] = len(d) > 4 and d[4].VirtualAddress != 0 and d[4].Size != 0
    exp["sections"] = [(sec.Name.rstrip(b"\0").decode("latin-1"), round(sec.get_entropy(), 4)) for sec in pe.sections]
    return exp


def version_facts(pe):
    """The first version resource as pefile reads it: StringTable keys
    (lang_codepage) in order, the first table's strings, fixed versions."""
    out = {}
    if not hasattr(pe, "VS_FIXEDFILEINFO"):
        return out
    ff = pe.VS_FIXEDFILEINFO[0]
    out["fixed_file_version"] = "%d.%d.%d.%d" % (ff.FileVersionMS >> 16, ff.FileVersionMS & 0xFFFF,
                                                 ff.FileVersionLS >> 16, ff.FileVersionLS & 0xFFFF)
    tables = []
    for fi in pe.FileInfo[0] if pe.FileInfo else []:
        if getattr(fi, "Key", b"") == b"StringFileInfo":
            for st in fi.StringTable:
                tables.append((st.LangID.decode("latin-1").lower(),
                               {k.decode("utf-8", "replace"): v.decode("utf-8", "replace") for k, v in st.entries.items()}))
    out["string_tables"] = [t[0] for t in tables]
    if tables:
        out["primary_strings"] = tables[0][1]
    return out


def actual(rep):
    dna = rep.get("dna") or {}
    got = {
        "size": rep["file"]["size"],
        "md5": rep["hashes"].get("md5"),
        "sha1": rep["hashes"].get("sha1"),
        "sha256": rep["hashes"].get("sha256"),
        "entropy": rep["file"].get("entropy"),
    }
    if rep["file"]["kind"] == "not-pe":
        got["kind"] = "not-pe"
        return got
    got.update(machine=dna.get("machine"), platform=dna.get("platform"),
               subsystem=dna.get("subsystem"), is_dll=dna.get("is_dll"),
               dotnet=dna.get("dotnet"))
    got["sections"] = [(s["name"], round(s["entropy"], 4)) for s in rep.get("sections") or []]
    got["imphash"] = rep["hashes"].get("imphash")
    got["signed"] = bool((rep.get("signature") or {}).get("signed"))
    vi = rep.get("version_info")
    if vi:
        got["fixed_file_version"] = vi.get("fixed_file_version")
        got["string_tables"] = [t["lang_codepage"] for t in vi.get("tables") or []]
        if vi.get("tables"):
            got["primary_strings"] = vi["tables"][0]["strings"]
    return got


def main():
    agree = collections.Counter()
    total = collections.Counter()
    files = 0
    for line in open(sys.argv[1], encoding="utf-8"):
        rep = json.loads(line)
        path = rep["file"]["path"]
        try:
            exp = expected(path)
        except Exception as e:  # pefile itself failed: nothing to compare
            print("pefile failed on %s: %s" % (path, e))
            continue
        got = actual(rep)
        files += 1
        for k, v in exp.items():
            total[k] += 1
            g = got.get(k)
            ok = (abs((g or 0) - v) < 1e-9) if k == "entropy" else g == v
            if ok:
                agree[k] += 1
            else:
                print("%s: %s: filerep %r, pefile %r" % (path, k, g, v))
    print("\n%d files" % files)
    worst = 1.0
    for k in sorted(total):
        share = agree[k] / total[k]
        worst = min(worst, share)
        print("%-10s %6d/%-6d %.2f%%" % (k, agree[k], total[k], 100 * share))
    overall = sum(agree.values()) / max(1, sum(total.values()))
    print("all fields %.2f%%" % (100 * overall))
    sys.exit(0 if overall >= 0.995 else 1)


if __name__ == "__main__":
    main()
