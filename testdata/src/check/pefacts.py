#!/usr/bin/python3
"""pefacts.py: facts about every sample under testdata/pe, as JSON on stdout.

Run by build.sh with Debian's python3 and python3-pefile (2023.2.7):

    /usr/bin/python3 testdata/src/check/pefacts.py testdata > testdata/pefile-facts.json

Headers, sections, imports, exports, imphash, resources, overlay and version
information come from pefile ("pefile" fields). pefile has no decoder for the
MUI RC Config, RT_STRING, RT_MESSAGETABLE, the CLR metadata version or the
certificates, so those are decoded here ("own" fields) from pefile's raw
resource bytes. Version strings are decoded twice, by pefile and by a small
walker here that works on the raw UTF-16LE, and any difference is reported.

It then asserts the facts README.md promises (EXPECT below) and exits 1 when
one does not hold, so a rebuild cannot silently change what tests rely on.
"""

import base64
import hashlib
import json
import os
import re
import struct
import subprocess
import sys

import pefile
import peutils

RT = {v: k for k, v in pefile.RESOURCE_TYPE.items()}
MACHINES = {0x14C: "x86", 0x8664: "x64", 0x1C0: "arm", 0xAA64: "arm64"}
SUBSYSTEMS = {1: "native", 2: "windows-gui", 3: "windows-cui", 10: "efi-application"}


def u16z(b, off, limit=None):
    """Read a NUL-terminated UTF-16LE string; return (text, end offset)."""
    end = off
    limit = len(b) if limit is None else limit
    while end + 1 < limit and b[end:end + 2] != b"\0\0":
        end += 2
    return b[off:end].decode("utf-16-le", "surrogatepass"), end + 2


def align4(x):
    return (x + 3) & ~3


def walk_version(b):
    """An independent VS_VERSIONINFO walker (formats.md §2 rules)."""
    out = {"tables": [], "translations": []}

    def node(off):
        if off + 6 > len(b):
            return 0, 0, 0, "", off
        length, vlen, typ = struct.unpack_from("<HHH", b, off)
        key, kend = u16z(b, off + 6, off + length)
        voff = align4(kend)
        return length, vlen, typ, key, voff

    length, vlen, typ, key, voff = node(0)
    child = align4(voff + vlen)
    while child < length:
        clen, cvlen, ctyp, ckey, cvoff = node(child)
        if clen == 0:
            break
        if ckey == "StringFileInfo":
            t = cvoff
            while t < child + clen:
                tlen, _, _, tkey, tvoff = node(t)
                entries = []
                s = tvoff
                while s < t + tlen:
                    slen, svlen, styp, skey, svoff = node(s)
                    if slen == 0:
                        break
                    raw = b[svoff:svoff + 2 * svlen]
                    val = raw.decode("utf-16-le", "surrogatepass").split("\0", 1)[0]
                    entries.append([skey, val])
                    s = align4(s + slen)
                out["tables"].append({"key": tkey, "entries": entries})
                t = align4(t + tlen)
        elif ckey == "VarFileInfo":
            v = cvoff
            while v < child + clen:
                vl, vvl, _, vkey, vvoff = node(v)
                if vl == 0:
                    break
                for i in range(0, vvl, 4):
                    lang, cp = struct.unpack_from("<HH", b, vvoff + i)
                    out["translations"].append("%04x%04x" % (lang, cp))
                v = align4(v + vl)
        child = align4(child + clen)
    return out


def mui_config(b):
    """Decode the RC Config (formats.md §1)."""
    f = struct.unpack_from("<7I", b, 0)
    res = {
        "signature": "%08x" % f[0], "length": f[1], "version": "%08x" % f[2],
        "path_type": f[3], "file_type": "0x%x" % f[4], "system_attributes": "0x%x" % f[5],
        "ultimate_fallback_location": f[6],
        "service_checksum": b[0x1C:0x2C].hex(), "checksum": b[0x2C:0x3C].hex(),
    }
    names = ["main_name_types", "main_id_types", "mui_name_types", "mui_id_types",
             "language", "ultimate_fallback_language"]
    for i, n in enumerate(names):
        off, ln = struct.unpack_from("<II", b, 0x54 + 8 * i)
        blob = b[off:off + ln]
        if "name_types" in n:
            res[n] = [x for x in blob.decode("utf-16-le").split("\0") if x]
        elif "id_types" in n:
            res[n] = list(struct.unpack("<%dI" % (ln // 4), blob))
        else:
            res[n] = blob.decode("utf-16-le").rstrip("\0")
    return res


def string_block(block_id, b):
    out = {}
    off = 0
    for slot in range(16):
        (n,) = struct.unpack_from("<H", b, off)
        off += 2
        if n:
            out[str((block_id - 1) * 16 + slot)] = b[off:off + 2 * n].decode("utf-16-le", "surrogatepass")
        off += 2 * n
    return out


def message_table(b):
    out = {}
    (nblocks,) = struct.unpack_from("<I", b, 0)
    for i in range(nblocks):
        lo, hi, eoff = struct.unpack_from("<III", b, 4 + 12 * i)
        for mid in range(lo, hi + 1):
            ln, flags = struct.unpack_from("<HH", b, eoff)
            raw = b[eoff + 4:eoff + ln]
            text = raw.decode("utf-16-le" if flags == 1 else "cp1252").rstrip("\0")
            out["0x%08x" % mid] = {"flags": flags, "text": text}
            eoff += ln
    return out


def clr_version(pe, data):
    d = pe.OPTIONAL_HEADER.DATA_DIRECTORY[14]
    if not d.VirtualAddress:
        return None
    cor = pe.get_offset_from_rva(d.VirtualAddress)
    md_rva, _ = struct.unpack_from("<II", data, cor + 8)
    md = pe.get_offset_from_rva(md_rva)
    (vlen,) = struct.unpack_from("<I", data, md + 12)
    flags = struct.unpack_from("<I", data, cor + 16)[0]
    return {"metadata_version": data[md + 16:md + 16 + vlen].rstrip(b"\0").decode(),
            "flags": "0x%x" % flags}


def certificates(data, off, size):
    out = []
    end = off + size
    while off + 8 <= end:
        ln, rev, typ = struct.unpack_from("<IHH", data, off)
        if ln < 8:
            break
        der = data[off + 8:off + ln]
        subj = subprocess.run(
            ["openssl", "pkcs7", "-inform", "DER", "-print_certs", "-noout"],
            input=der, capture_output=True).stdout.decode()
        nested = der.count(bytes.fromhex("060a2b060104018237020401"))  # OID 1.3.6.1.4.1.311.2.4.1
        rfc3161 = der.count(bytes.fromhex("060a2b060104018237030301"))  # OID 1.3.6.1.4.1.311.3.3.1
        out.append({"length": ln, "revision": "0x%04x" % rev, "type": typ,
                    "subjects": [l.split("=", 1)[1].strip() for l in subj.splitlines() if l.startswith("subject=")],
                    "nested_signature_attrs": nested, "rfc3161_attrs": rfc3161})
        off += (ln + 7) & ~7
    return out


def sec_name(s):
    return s.Name.rstrip(b"\0").decode("latin-1")


def facts(path, data):
    pe = pefile.PE(data=data, fast_load=False)
    oh = pe.OPTIONAL_HEADER
    fh = pe.FILE_HEADER
    r = {
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "machine": MACHINES.get(fh.Machine, "0x%x" % fh.Machine),
        "magic": "PE32+" if oh.Magic == 0x20B else "PE32",
        "subsystem": SUBSYSTEMS.get(oh.Subsystem, str(oh.Subsystem)),
        "subsystem_id": oh.Subsystem,
        "is_dll": bool(fh.Characteristics & 0x2000),
        "characteristics": "0x%04x" % fh.Characteristics,
        "dll_characteristics": "0x%04x" % oh.DllCharacteristics,
        "timestamp": fh.TimeDateStamp,
        "checksum": "0x%08x" % oh.CheckSum,
        # generate_checksum() re-serialises pefile's parsed structures into
        # its buffer (write()); with supplementary characters in version
        # strings that shifts the resource data, so use a separate object.
        "checksum_computed": "0x%08x" % pefile.PE(data=data, fast_load=True).generate_checksum(),
        "entry_point": "0x%x" % oh.AddressOfEntryPoint,
        "linker_version": "%d.%d" % (oh.MajorLinkerVersion, oh.MinorLinkerVersion),
        "dotnet": bool(oh.DATA_DIRECTORY[14].VirtualAddress),
        "imphash": pe.get_imphash(),
        "rich_header": pe.RICH_HEADER is not None if hasattr(pe, "RICH_HEADER") else False,
        "sections": [],
        "imports": {},
        "exports": [],
        "resources": [],
        "overlay": None,
        "pefile_warnings": len(pe.get_warnings()),
        "pefile_probably_packed": peutils.is_probably_packed(pe),
    }
    ep_sec = pe.get_section_by_rva(oh.AddressOfEntryPoint)
    r["entry_section"] = sec_name(ep_sec) if ep_sec else None
    for s in pe.sections:
        r["sections"].append({
            "name": sec_name(s), "virtual_address": "0x%x" % s.VirtualAddress,
            "virtual_size": s.Misc_VirtualSize, "raw_size": s.SizeOfRawData,
            "characteristics": "0x%08x" % s.Characteristics,
            "entropy": round(s.get_entropy(), 3)})
    for imp in getattr(pe, "DIRECTORY_ENTRY_IMPORT", []):
        r["imports"][imp.dll.decode()] = [
            i.name.decode() if i.name else "ord%d" % i.ordinal for i in imp.imports]
    if hasattr(pe, "DIRECTORY_ENTRY_EXPORT"):
        e = pe.DIRECTORY_ENTRY_EXPORT
        r["export_dll_name"] = pe.get_string_at_rva(e.struct.Name).decode()
        r["exports"] = [{"ordinal": x.ordinal, "name": x.name.decode() if x.name else None}
                        for x in e.symbols]
    ov = pe.get_overlay_data_start_offset()
    if ov is not None:
        r["overlay"] = {"offset": ov, "size": len(data) - ov}
    sd = oh.DATA_DIRECTORY[4]
    if sd.VirtualAddress:
        r["security"] = {"offset": sd.VirtualAddress, "size": sd.Size,
                         "certificates": certificates(data, sd.VirtualAddress, sd.Size)}
    if r["dotnet"]:
        r["clr"] = clr_version(pe, data)

    own = {}
    rsrc = pe.DIRECTORY_ENTRY_RESOURCE.entries if hasattr(pe, "DIRECTORY_ENTRY_RESOURCE") else []
    for t in rsrc:
        tname = str(t.name) if t.name is not None else RT.get(t.id, str(t.id))
        for n in t.directory.entries:
            nname = str(n.name) if n.name is not None else n.id
            for lang in n.directory.entries:
                d = lang.data.struct
                raw = pe.get_data(d.OffsetToData, d.Size)
                lid = lang.data.lang | (lang.data.sublang << 10)
                r["resources"].append({"type": tname, "name": nname, "lang": "0x%04x" % lid, "size": d.Size})
                key = "0x%04x" % lid
                if tname == "MUI":
                    own.setdefault("mui", {})[key] = mui_config(raw)
                elif tname == "RT_STRING":
                    own.setdefault("strings", {}).setdefault(key, {}).update(string_block(nname, raw))
                elif tname == "RT_MESSAGETABLE":
                    own.setdefault("messages", {})[key] = message_table(raw)
                elif tname == "RT_VERSION":
                    own.setdefault("version", {})[key] = walk_version(raw)

    if hasattr(pe, "VS_FIXEDFILEINFO"):
        ff = pe.VS_FIXEDFILEINFO[0]
        r["fixed_file_info"] = {
            "file_version": "%d.%d.%d.%d" % (ff.FileVersionMS >> 16, ff.FileVersionMS & 0xFFFF,
                                             ff.FileVersionLS >> 16, ff.FileVersionLS & 0xFFFF),
            "product_version": "%d.%d.%d.%d" % (ff.ProductVersionMS >> 16, ff.ProductVersionMS & 0xFFFF,
                                                ff.ProductVersionLS >> 16, ff.ProductVersionLS & 0xFFFF),
            "flags": "0x%x" % ff.FileFlags, "os": "0x%x" % ff.FileOS, "type": ff.FileType}
    tables = []
    for fi_list in getattr(pe, "FileInfo", []):
        for fi in fi_list:
            for st in getattr(fi, "StringTable", []):
                tables.append({"key": st.LangID.decode(),
                               "entries": [[k.decode("utf-8", "surrogatepass"), v.decode("utf-8", "surrogatepass")]
                                           for k, v in st.entries.items()]})
    if tables:
        r["pefile_string_tables"] = tables
    r["own"] = own
    # pefile vs own decoding of the version strings. pefile 2023.2.7 turns a
    # supplementary character (a surrogate pair) into the 12-character text
    # "\\ud83d\\ude00"; undo that before comparing and say so.
    mine = [t for v in own.get("version", {}).values() for t in v["tables"]]
    theirs = [(t["key"], {k: unescape(v) for k, v in t["entries"]}) for t in tables]
    if any(SURROGATE_ESCAPE.search(v) for t in tables for _, v in t["entries"]):
        r["pefile_escapes_surrogates"] = True
    if tables and theirs != [(t["key"], dict(t["entries"])) for t in mine]:
        r["pefile_version_differs"] = True
    return r


SURROGATE_ESCAPE = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


def unescape(v):
    return SURROGATE_ESCAPE.sub(
        lambda m: chr(0x10000 + ((int(m.group(1), 16) - 0xD800) << 10) + int(m.group(2), 16) - 0xDC00), v)


# Facts README.md promises; checked after every build.
# (machine, subsystem, is_dll, dotnet)
EXPECT = {
    "pe/mingw-console-x86.exe": ("x86", "windows-cui", False, False),
    "pe/mingw-console-x64.exe": ("x64", "windows-cui", False, False),
    "pe/mingw-gui-x86.exe": ("x86", "windows-gui", False, False),
    "pe/mingw-gui-x64.exe": ("x64", "windows-gui", False, False),
    "pe/mingw-service-x86.exe": ("x86", "windows-gui", False, False),
    "pe/mingw-dll-x64.dll": ("x64", "windows-cui", True, False),
    "pe/mingw-behave-x64.exe.b64": ("x64", "windows-cui", False, False),
    "pe/spoof-msft.exe": ("x64", "windows-gui", False, False),
    "pe/go-amd64.exe": ("x64", "windows-cui", False, False),
    "pe/go-386.exe": ("x86", "windows-cui", False, False),
    "pe/dotnet-cs.exe": ("x86", "windows-cui", False, True),
    "pe/dotnet-cs.dll": ("x86", "windows-cui", True, True),
    "pe/dotnet-cs-mcs.exe": ("x86", "windows-cui", False, True),
    "pe/dotnet-il.exe": ("x86", "windows-cui", False, True),
    "pe/nasm-tiny.exe": ("x86", "windows-cui", False, False),
    "pe/nasm-odd.exe": ("x86", "windows-cui", False, False),
    "pe/nsis-installer.exe": ("x86", "windows-gui", False, False),
    "pe/upx-mingw-console-x86.exe.b64": ("x86", "windows-cui", False, False),
    "pe/signed-mingw-console-x64.exe": ("x64", "windows-cui", False, False),
    "pe/signed-nested-mingw-console-x64.exe": ("x64", "windows-cui", False, False),
    "pe/signed-ts-mingw-console-x64.exe": ("x64", "windows-cui", False, False),
    "pe/signed-tampered-mingw-console-x64.exe": ("x64", "windows-cui", False, False),
    "pe/mui/app.exe": ("x64", "windows-gui", False, False),
    "pe/mui/en-US/app.exe.mui": ("x64", "windows-gui", True, False),
    "pe/mui/fr-FR/app.exe.mui": ("x64", "windows-gui", True, False),
    "pe/mui/ja-JP/app.exe.mui": ("x64", "windows-gui", True, False),
    "pe/mui/de-DE/app.exe.mui": ("x64", "windows-gui", True, False),
    "pe/version-langs.dll": ("x64", "windows-gui", True, False),
    # other toolchains (build_toolchains)
    "pe/clang-mingw-x64.exe": ("x64", "windows-cui", False, False),
    "pe/clang-msvc-x64.exe": ("x64", "windows-cui", False, False),
    "pe/gnuefi-hello-x64.efi": ("x64", "efi-application", False, False),
    "pe/nim-mingw-x64.exe": ("x64", "windows-cui", False, False),
    "pe/rust-gnu-x64.exe": ("x64", "windows-cui", False, False),
}

MULTI = {  # the three tables of version-multi.rc, in file order
    "040904b0": {"CompanyName": "filerep test samples", "FileDescription": "filerep console sample",
                 "FileVersion": "1.2.3.4", "InternalName": "mingw-console",
                 "LegalCopyright": "© 2026 filerep authors. TEST ONLY.",
                 "OriginalFilename": "mingw-console.exe", "ProductName": "filerep samples",
                 "ProductVersion": "1.2", "Comments": "Smile \U0001F600 (U+1F600)"},
    "041904b0": {"CompanyName": "Тестовые образцы filerep", "FileDescription": "Консольный пример filerep",
                 "FileVersion": "1.2.3.4", "InternalName": "mingw-console",
                 "LegalCopyright": "© 2026 авторы filerep. ТОЛЬКО ДЛЯ ТЕСТОВ.",
                 "OriginalFilename": "mingw-console.exe", "ProductName": "Образцы filerep",
                 "ProductVersion": "1.2"},
    "041104b0": {"CompanyName": "filerep テスト サンプル", "FileDescription": "filerep コンソール サンプル",
                 "FileVersion": "1.2.3.4", "InternalName": "A一B",
                 "LegalCopyright": "© 2026 filerep 作者。テスト専用。",
                 "OriginalFilename": "mingw-console.exe", "ProductName": "filerep サンプル \U0001F600",
                 "ProductVersion": "1.2"},
}


def check(all_facts):
    bad = []

    def want(cond, msg):
        if not cond:
            bad.append(msg)

    want(set(all_facts) == set(EXPECT), "sample set differs: %s" % sorted(set(all_facts) ^ set(EXPECT)))
    for name, (machine, subsystem, is_dll, dotnet) in EXPECT.items():
        f = all_facts.get(name)
        if f is None:
            continue
        got = (f["machine"], f["subsystem"], f["is_dll"], f["dotnet"])
        want(got == (machine, subsystem, is_dll, dotnet), "%s: got %s" % (name, got))
    for name in ("pe/mingw-console-x86.exe", "pe/mingw-console-x64.exe", "pe/upx-mingw-console-x86.exe.b64"):
        v = all_facts[name]["own"]["version"]["0x0409"]
        want([t["key"] for t in v["tables"]] == list(MULTI), name + ": table keys")
        for t in v["tables"]:
            want(dict(t["entries"]) == MULTI.get(t["key"]), name + ": strings of " + t["key"])
        want(v["translations"] == ["040904b0", "041904b0", "041104b0"], name + ": translations")
        ffi = all_facts[name]["fixed_file_info"]
        want((ffi["file_version"], ffi["product_version"]) == ("1.2.3.4", "1.2.0.0"), name + ": fixed versions")
    langs = all_facts["pe/version-langs.dll"]
    want([(r["type"], r["lang"]) for r in langs["resources"]]
         == [("RT_VERSION", "0x0401"), ("RT_VERSION", "0x0409"), ("RT_VERSION", "0x040c")],
         "version-langs: RT_VERSION in ar-SA, en-US, fr-FR, in that order")
    want([dict(t["entries"])["ProductName"] for t in langs["pefile_string_tables"]] == ["واين", "Wine", "Vin"],
         "version-langs: one table per resource, pefile's first is Arabic")
    gui = all_facts["pe/mingw-gui-x64.exe"]["own"]["version"]
    want(sorted(gui) == ["0x0407", "0x0409"], "gui: two RT_VERSION languages")
    spoof = dict(all_facts["pe/spoof-msft.exe"]["own"]["version"]["0x0409"]["tables"][0]["entries"])
    want(spoof["CompanyName"] == "Microsoft Corporation" and spoof["OriginalFilename"] == "ALG.exe"
         and spoof["ProductName"] == "Microsoft® Windows® Operating System", "spoof strings")
    want("security" not in all_facts["pe/spoof-msft.exe"], "spoof must be unsigned")
    for name in ("pe/signed-mingw-console-x64.exe", "pe/signed-nested-mingw-console-x64.exe",
                 "pe/signed-ts-mingw-console-x64.exe", "pe/signed-tampered-mingw-console-x64.exe"):
        want(len(all_facts[name]["security"]["certificates"]) == 1, name + ": one WIN_CERTIFICATE")
    want(all_facts["pe/signed-nested-mingw-console-x64.exe"]["security"]["certificates"][0]["nested_signature_attrs"] == 1,
         "nested signature")
    want(all_facts["pe/signed-ts-mingw-console-x64.exe"]["security"]["certificates"][0]["rfc3161_attrs"] == 1,
         "rfc3161 timestamp")
    packed = sorted(n for n, f in all_facts.items() if f["pefile_probably_packed"])
    want(packed == ["pe/nasm-odd.exe", "pe/upx-mingw-console-x86.exe.b64"], "peutils packed: %s" % packed)
    upx = all_facts["pe/upx-mingw-console-x86.exe.b64"]
    want([s["name"] for s in upx["sections"]][:2] == ["UPX0", "UPX1"], "UPX sections")
    ln = all_facts["pe/mui/app.exe"]["own"]
    want("strings" not in ln and "messages" not in ln, "LN has no strings")
    lnm = ln["mui"]["0x0409"]
    want(lnm["file_type"] == "0x11" and lnm["ultimate_fallback_language"] == "en-US", "LN MUI config")
    for lang, lid, s112 in (("en-US", "0x0409", "Application Layer Gateway Service"),
                            ("fr-FR", "0x040c", "Service de la passerelle de la couche Application"),
                            ("ja-JP", "0x0411", "アプリケーション レイヤー ゲートウェイ サービス"),
                            ("de-DE", "0x0407", "Gatewaydienst auf Anwendungsebene")):
        sat = all_facts["pe/mui/%s/app.exe.mui" % lang]
        m = sat["own"]["mui"][lid]
        want(m["file_type"] == "0x12" and m["language"] == lang, lang + ": MUI config")
        same = (m["checksum"], m["service_checksum"]) == (lnm["checksum"], lnm["service_checksum"])
        want(same == (lang != "de-DE"), lang + ": checksum pairing")
        want(sat["own"]["strings"][lid]["112"] == s112, lang + ": string 112")
        want(dict(sat["own"]["version"][lid]["tables"][0]["entries"])["OriginalFilename"] == "app.exe.mui",
             lang + ": OriginalFilename")
        want(sat["entry_point"] == "0x0" and not sat["imports"], lang + ": resource-only")
    for name, f in all_facts.items():
        want(not f.get("pefile_version_differs"), name + ": pefile and own version decoding differ")
    return bad


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    out = {}
    for dirpath, _, files in os.walk(os.path.join(root, "pe")):
        for fn in files:
            p = os.path.join(dirpath, fn)
            rel = os.path.relpath(p, root).replace(os.sep, "/")
            data = open(p, "rb").read()
            if fn.endswith(".b64"):
                data = base64.b64decode(data)
            out[rel] = facts(rel, data)
    json.dump({"generator": "testdata/src/check/pefacts.py", "pefile": pefile.__version__,
               "samples": out}, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    bad = check(out)
    for b in bad:
        print("pefacts: FAIL:", b, file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
