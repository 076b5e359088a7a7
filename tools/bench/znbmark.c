// SPDX-License-Identifier: GPL-2.0
/*
 * znbmark: execute the marker instruction once, so the znb-cost QEMU plugin
 * writes a snapshot of its instruction counters.  The bench runs it at the
 * start and the end of every measured row and prints the row's name on the
 * console next to it: the Nth marker snapshot belongs to the Nth label.
 */
#include <stdio.h>
#include <string.h>

#include "znbmark.h"

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: znbmark\n"
		       "Executes the znb-cost marker (a NOP on real hardware): under QEMU with\n"
		       "-plugin znb-cost.so the plugin appends one snapshot of its counters.\n");
		return 0;
	}
	asm volatile(ZNBMARK_ASM ::: "memory");
	return 0;
}
