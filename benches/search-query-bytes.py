#!/usr/bin/env python3
"""What a search downloads from one year's bundle, for each query term, in two site outputs.

    benches/search-query-bytes.py YEAR TERM,TERM,... OUT_BEFORE OUT_AFTER

Per term: the entry file, the page list (pf_meta), every word-index chunk whose bounds
hold the term or a word it begins, and the fragments of the first five pages found (as
Pagefind's default UI shows five results) -- the bytes the browser fetches besides
pagefind.js, its worker and WebAssembly, which do not change. Prints the term, then bytes and
pages found for each output, then the sums and their ratio."""
import gzip
import os
import struct
import sys


def dec(b, i=0):
    """The CBOR item at b[i:] and the offset after it."""
    ib = b[i]; mt = ib >> 5; ai = ib & 31; i += 1
    if ai < 24: v = ai
    elif ai == 24: v = b[i]; i += 1
    elif ai == 25: v = struct.unpack('>H', b[i:i+2])[0]; i += 2
    elif ai == 26: v = struct.unpack('>I', b[i:i+4])[0]; i += 4
    elif ai == 27: v = struct.unpack('>Q', b[i:i+8])[0]; i += 8
    else: raise ValueError(ai)
    if mt == 0: return v, i
    if mt == 1: return -1 - v, i
    if mt == 2: return b[i:i+v], i+v
    if mt == 3: return b[i:i+v].decode(), i+v
    if mt == 4:
        out = []
        for _ in range(v):
            x, i = dec(b, i); out.append(x)
        return out, i
    if mt == 5:
        out = {}
        for _ in range(v):
            k, i = dec(b, i); x, i = dec(b, i); out[k] = x
        return out, i
    raise ValueError(mt)
def load(p):
    raw = gzip.decompress(open(p, 'rb').read())
    assert raw.startswith(b'pagefind_dcd'); return dec(raw, 12)[0]
def size(p): return os.path.getsize(p)
def query(out, year, term, nfrag=5):
    d = os.path.join(out, 'search', year)
    meta_name = [f for f in os.listdir(d) if f.endswith('.pf_meta')][0]
    meta = load(os.path.join(d, meta_name))
    pages = meta[1]; chunks = meta[2]
    total = size(os.path.join(d, meta_name)) + size(os.path.join(d, 'pagefind-entry.json'))
    hits = set()
    for frm, to, h in chunks:
        if frm <= term <= to or to.startswith(term):
            p = os.path.join(d, 'index', h + '.pf_index'); total += size(p)
            for w in load(p)[0]:
                if w[0].startswith(term):
                    at = 0
                    for pg in w[1]:
                        at += pg[0]; hits.add(at)
    frags = sorted(hits)[:nfrag]
    for pg in frags:
        total += size(os.path.join(d, 'fragment', pages[pg][0] + '.pf_fragment'))
    return total, len(hits)
def main():
    year, terms, outs = sys.argv[1], sys.argv[2].split(','), sys.argv[3:]
    sums = [0] * len(outs)
    for t in terms:
        row = [t]
        for k, out in enumerate(outs):
            tot, n = query(out, year, t)
            sums[k] += tot
            row += [tot, n]
        print(*row)
    print('sum', *sums, 'ratio %.3f' % (sums[-1] / sums[0]))


main()
