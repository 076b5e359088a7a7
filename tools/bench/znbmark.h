/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The marker instruction shared by znbmark (executes it in the lab) and the
 * znb-cost QEMU plugin (snapshots its counters when it runs): a 9-byte NOP,
 * nopw 0x4d424e5a(%rax,%rax,1), whose displacement spells "ZNBM".  No
 * compiler emits that displacement, and on real hardware it does nothing.
 */
#ifndef ZNBMARK_H
#define ZNBMARK_H

#define ZNBMARK_BYTES { 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x5a, 0x4e, 0x42, 0x4d }
#define ZNBMARK_ASM ".byte 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x5a, 0x4e, 0x42, 0x4d"

#endif
