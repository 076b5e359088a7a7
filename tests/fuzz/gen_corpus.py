#!/usr/bin/env python3
"""Writes the small seed corpora of the fuzz targets (checked in; rerun to
regenerate): tests/fuzz/corpus/{txreq,lifecycle,txbuild}/."""
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MD, EI, XMORE = 4, 8, 1


def req(gref, off, flags, rid, size):
    return struct.pack('<IHHHH', gref, off, flags, rid, size)


def extra(typ, flags, a=0, b=0):
    # gso: size (u16), type (u8), pad, features (u16)
    return struct.pack('<BBHBBH', typ, flags, a, b, 0, 0) + b'\0' * 2


def txreq_input(entries, cons=0, fatal=20, mcast=0, prod_delta=None):
    if prod_delta is None:
        prod_delta = len(entries)
    return struct.pack('<IHBB', cons, prod_delta, fatal, mcast) + b''.join(entries)


def write(kind, name, blob):
    d = os.path.join(HERE, 'corpus', kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(blob)


seeds = {
    'single': [req(1, 0, 0, 1, 60)],
    'multi': [req(1, 0, MD, 1, 5000), req(2, 0, MD, 2, 2000), req(3, 0, 0, 3, 1000)],
    'gso': [req(1, 0, MD | EI, 1, 3000), extra(1, 0, 1448, 1), req(2, 0, 0, 2, 1000)],
    'gso-hash': [req(1, 0, EI, 1, 100), extra(1, XMORE, 1448, 2), extra(4, 0)],
    'mcast': [req(1, 0, EI, 1, 60), extra(2, 0)],
    'runt-then-ok': [req(1, 0, 0, 1, 5), req(2, 0, 0, 2, 60)],
    'truncated': [req(1, 0, MD, 1, 3000)],
    'soft-slots': [req(1, 0, MD, 0, 60000)] +
                  [req(i, 0, MD if i < 19 else 0, i, 3000) for i in range(1, 20)],
    'zero-slot': [req(1, 0, MD, 1, 100), req(2, 0, 0, 2, 0)],
}
for name, entries in seeds.items():
    write('txreq', name, txreq_input(entries))
write('txreq', 'wrap', txreq_input(seeds['gso'], cons=0xfffffffe))
write('txreq', 'overrun', txreq_input(seeds['single'], prod_delta=257))

rng = random.Random(20240601)
for i in range(4):
    knobs = bytes([i * 7 % 30, i * 5 % 30, i * 11 % 50, (i * 37) % 101])
    write('lifecycle', 'random-%d' % i,
          knobs + bytes(rng.randrange(256) for _ in range(512 * (i + 1))))


def txbuild_input(slots, max_frags=17, hdr_len=128, head_off=0, map_=1, answers=b''):
    head = struct.pack('<BBHHB', len(slots) - 1, max_frags - 1, hdr_len, head_off, map_)
    return head + b''.join(struct.pack('<HH', o, n) for o, n in slots) + answers


write('txbuild', 'small', txbuild_input([(0, 60)]))
write('txbuild', 'header-across-slots', txbuild_input([(4000, 20), (0, 100), (0, 3000)]))
write('txbuild', 'head-crosses-page', txbuild_input([(0, 4096)] * 3, head_off=4000))
write('txbuild', 'overflow', txbuild_input([(0, 4096)] * 18))
write('txbuild', 'copy-refused', txbuild_input([(0, 1000), (0, 500)], map_=0,
                                                answers=bytes([255, 0, 255])))
write('txbuild', 'map-refused', txbuild_input([(0, 1000), (0, 500)],
                                               answers=bytes([255, 255, 0])))
