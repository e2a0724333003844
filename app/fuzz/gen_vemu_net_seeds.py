#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The tlpemu authors
#
# Writes the seeds of fuzz_vemu_net (input format: app/fuzz/fuzz_vemu_net.c)
# into the directory given (default: app/fuzz/corpus/vemu_net).
import struct, sys, os
BASE = 0x40000000
MEM = 0x10000
TX, RX = 0x0000, 0x2000
OUT = sys.argv[1] if len(sys.argv) > 1 else \
    os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'vemu_net')
DRV, DEV = 0x1000, 0x1400

def hdr(flags=0, gso=0, hdr_len=0, gso_size=0, cs=0, co=0, nb=0):
    return struct.pack('<BBHHHHH', flags, gso, hdr_len, gso_size, cs, co, nb)

def frame(n, seed):
    f = bytes([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00])
    return (f + bytes((seed + i) & 0xff for i in range(max(0, n - 14))))[:n]

def build(packed, chains_tx, chains_rx, qsize):
    mem = bytearray(MEM)
    def put(off, b):
        mem[off:off + len(b)] = b
    for ring, chains in ((TX, chains_tx), (RX, chains_rx)):
        di = 0
        heads = []
        for bid, segs in enumerate(chains):
            head = di
            for j, (addr, ln, wr, content) in enumerate(segs):
                if content is not None:
                    put(addr, content)
                last = j == len(segs) - 1
                fl = (0 if last else 1) | (2 if wr else 0)
                if packed:
                    fl |= 1 << 7   # avail, wrap 1; used clear
                    put(ring + 16 * di, struct.pack('<QIHH', BASE + addr, ln, bid, fl))
                else:
                    put(ring + 16 * di, struct.pack('<QIHH', BASE + addr, ln, fl,
                                                    0 if last else di + 1))
                di += 1
            heads.append(head)
        assert di <= qsize
        if not packed:
            put(ring + DRV, struct.pack('<HH', 0, len(heads)))
            for i, hd in enumerate(heads):
                put(ring + DRV + 4 + 2 * i, struct.pack('<H', hd))
    return bytes(mem)

def tx_chains(csum=False):
    h = hdr(1, 0, 0, 0, 34, 16) if csum else hdr()
    return [
        [(0x4000, 12 + 64, False, h + frame(64, 1))],
        [(0x4800, 12, False, h), (0x4900, 100, False, frame(100, 2))],
        [(0x5000, 12 + 1514, False, h + frame(1514, 3))],
        [(0x5800, 12 + 60, False, hdr() + frame(60, 4))],
        [(0x6000, 12, False, hdr()), (0x6100, 40, False, frame(40, 5)),
         (0x6200, 60, False, bytes(60))],
    ]

def rx_chains():
    return [
        [(0x6800, 2048, True, None)],
        [(0x7000, 12, True, None), (0x7100, 1500, True, None)],
        [(0x7800, 2048, True, None)],
        [(0x8000, 1024, True, None)],
        [(0x8800, 2048, True, None)],
        [(0x9000, 12, True, None), (0x9100, 1600, True, None)],
        [(0x9800, 1024, True, None)],
        [(0xa000, 2048, True, None)],
    ]

def rnd(deq, enq, lbase, lstep, span, segs=0, ol=0, l=0, first=False, patches=()):
    b = bytearray(16)
    b[0] = deq
    b[1] = (enq & 0x3f) | (0x40 if first else 0)
    b[2:4] = struct.pack('<H', lbase)
    b[4] = lstep
    b[5] = span | (segs << 3)
    b[6] = ol
    b[7] = l
    # patches default to rewriting a byte of the last buffer with itself (harmless)
    p = list(patches) + [(0xff00, 0, 0)] * (2 - len(patches))
    for i, (off, v0, v1) in enumerate(p[:2]):
        b[8 + 4 * i:12 + 4 * i] = struct.pack('<HBB', off, v0, v1)
    return bytes(b)

def seed(name, packed, memops, qsel, feat, feat2, rounds, mem):
    h = bytes([(1 if packed else 0) | (2 if memops else 0) | ((len(rounds) - 1) << 3),
               qsel, feat, feat2, 0, 0, 0x34, 0x12])
    out = h + b''.join(rounds) + mem.rstrip(b'\0')
    open(os.path.join(OUT, name), 'wb').write(out)

R = [rnd(8, 4, 60, 100, 5), rnd(8, 3, 200, 170, 5, segs=1)]
for packed in (False, True):
    qsel = 15 if packed else 3      # packed 16, split 16
    lay = 'packed' if packed else 'split'
    for memops in (False, True):
        path = 'mem' if memops else 'direct'
        seed('%s_%s' % (lay, path), packed, memops, qsel, 0, 0, R,
             build(packed, tx_chains(), rx_chains(), 16))
    # MRG_RXBUF, CSUM, GUEST_CSUM, TSO, EVENT_IDX; offloads on the packets
    seed('%s_mrg_csum' % lay, packed, False, qsel, 0xf9, 0,
         [rnd(8, 4, 1000, 250, 6, ol=1, l=0), rnd(8, 2, 3000, 10, 6, segs=2, ol=0x0d, l=0x40)],
         build(packed, tx_chains(True), rx_chains(), 16))
    # IN_ORDER + INDIRECT_DESC on the caller memory path
    seed('%s_inorder_mem' % lay, packed, True, qsel, 0x06, 0,
         [rnd(8, 4, 60, 100, 5), rnd(8, 3, 64, 1, 5, ol=0x28)],
         build(packed, tx_chains(), rx_chains(), 16))
