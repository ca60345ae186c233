#!/usr/bin/env python3
"""Writes adobe-gb1.txt: the code -> CID maps of Adobe's predefined Adobe-GB1 CMaps.

Usage: make.py CMAP_DIR > adobe-gb1.txt, where CMAP_DIR holds Adobe's CMap resources for
Adobe-GB1 (Debian's poppler-data installs them in /usr/share/poppler/cMap/Adobe-GB1; its
package can also be unpacked with `apt-get download poppler-data && dpkg-deb -x`).

The output keeps what a text reader needs of each CMap and nothing else:

    cmap NAME                   a CMap starts
    space LO HI                 a codespace range (hex; its length is the code's length)
    LO HI CID                   codes LO..=HI map to CID, CID+1, ... (hex, hex, decimal)
    LO CID                      one code
    notdef LO HI CID            codes LO..=HI that have no glyph show CID

Consecutive single codes and ranges that continue each other are merged.
"""

import re
import sys

CMAPS = [
    "UniGB-UCS2-H",
    "UniGB-UTF16-H",
    "GB-EUC-H",
    "GBpc-EUC-H",
    "GBK-EUC-H",
    "GBKp-EUC-H",
    "GBK2K-H",
]

TOKEN = re.compile(rb"<([0-9A-Fa-f]+)>|(\d+)|(\w+)")


def sections(text, name):
    """The bodies of every `begin<name> ... end<name>` block."""
    pattern = re.compile(rb"begin" + name + rb"(.*?)end" + name, re.S)
    return [m.group(1) for m in pattern.finditer(text)]


def entries(body):
    tokens = [t for t in TOKEN.findall(body)]
    values = []
    for hexa, dec, _ in tokens:
        if hexa:
            values.append(hexa.decode().upper())
        elif dec:
            values.append(int(dec))
    return values


def read(path):
    text = open(path, "rb").read()
    if b"usecmap" in text:
        sys.exit(f"{path}: usecmap is not handled")
    spaces, ranges, notdef = [], [], []
    for body in sections(text, b"codespacerange"):
        v = entries(body)
        spaces += [(v[i], v[i + 1]) for i in range(0, len(v), 2)]
    for body in sections(text, b"cidrange"):
        v = entries(body)
        ranges += [(v[i], v[i + 1], v[i + 2]) for i in range(0, len(v), 3)]
    for body in sections(text, b"cidchar"):
        v = entries(body)
        ranges += [(v[i], v[i], v[i + 1]) for i in range(0, len(v), 2)]
    for body in sections(text, b"notdefrange"):
        v = entries(body)
        notdef += [(v[i], v[i + 1], v[i + 2]) for i in range(0, len(v), 3)]
    return spaces, merge(ranges), notdef


def merge(ranges):
    ranges.sort(key=lambda r: (len(r[0]), int(r[0], 16)))
    out = []
    for lo, hi, cid in ranges:
        if out:
            plo, phi, pcid = out[-1]
            same = len(plo) == len(lo)
            follows = int(lo, 16) == int(phi, 16) + 1
            continues = cid == pcid + int(phi, 16) - int(plo, 16) + 1
            if same and follows and continues:
                out[-1] = (plo, hi, pcid)
                continue
        out.append((lo, hi, cid))
    return out


def main():
    folder = sys.argv[1]
    print("# Adobe-GB1 predefined CMaps, code -> CID, written by make.py; see LICENSE.")
    for name in CMAPS:
        spaces, ranges, notdef = read(f"{folder}/{name}")
        print(f"cmap {name}")
        for lo, hi in spaces:
            print(f"space {lo} {hi}")
        for lo, hi, cid in notdef:
            print(f"notdef {lo} {hi} {cid}")
        for lo, hi, cid in ranges:
            print(f"{lo} {cid}" if lo == hi else f"{lo} {hi} {cid}")


main()
