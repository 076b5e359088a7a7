// SPDX-License-Identifier: GPL-2.0
/*
 * znb-cost: a QEMU TCG plugin that counts the instructions the emulated
 * machine executes, per virtual CPU and per address region, and writes a
 * snapshot of every counter each time the guest executes a marker
 * instruction (tools/bench/znbmark.c).  The bench pins dom0 to one CPU and
 * the guests to the other, so "cpu0" is what dom0 and Xen spent on its
 * behalf and "cpu1" what the guests and Xen spent on theirs.  Counts, unlike
 * host time, do not depend on how busy the host is.
 *
 * Debian's QEMU 7.2 ships the plugin loader but not qemu-plugin.h: the few
 * calls used here are declared by hand from the documented plugin API,
 * version 1.  Build: gcc -shared -fPIC; load with
 *   -plugin znb-cost.so,out=FILE[,fn=NAME@HEXADDR]...
 * where each fn= counts executions of the instruction at HEXADDR (the entry
 * of a Xen function, resolved from xen-syms by the caller).  With
 * profile=FILE it also writes, at every marker, the instructions each
 * translated block executed per vCPU since the previous marker: a profile
 * by address that bench/cost-profile resolves to functions (the
 * instruction counts are exact, unlike a sampling profiler's, and need
 * nothing inside the measured machine).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plugin API v1, as documented for QEMU 7.2 ---- */
typedef uint64_t qemu_plugin_id_t;
typedef struct {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu, void *udata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *udata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  qemu_plugin_vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags,
					  void *udata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *udata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

/* ---- the counters ---- */
#include "znbmark.h"

#define MAX_CPUS 8
#define MAX_FNS 32

/*
 * Regions of an x86-64 virtual address.  Xen's own virtual range is
 * reserved in every 64-bit PV guest's address space and Xen runs PVH/HVM
 * guests in its own, so the top half splits the same way for all of them.
 * "module" is Linux's module area from 0xffffffffc0000000 (also the fixmap
 * and any BPF JIT code, both rare here); it is apart from "kernel" because
 * Debian's kernel image stays below it.
 */
enum region { REGION_XEN, REGION_KERNEL, REGION_MODULE, REGION_USER, REGIONS };
static const char *const region_name[REGIONS] = { "xen", "kernel", "module", "user" };

static enum region region_of(uint64_t va)
{
	if (va < 0x0000800000000000ull)
		return REGION_USER;
	if (va >= 0xffff800000000000ull && va < 0xffff880000000000ull)
		return REGION_XEN;
	if (va >= 0xffffffffc0000000ull)
		return REGION_MODULE;
	return REGION_KERNEL;
}

/*
 * Written only by the vCPU whose index selects the row (TB callbacks run on
 * that vCPU's thread), read by the marker callback: with thread=single that
 * is exact, with thread=multi a snapshot may miss another CPU's current TB.
 */
static uint64_t insns[MAX_CPUS][REGIONS];
static uint64_t fn_calls[MAX_CPUS][MAX_FNS];

/*
 * One per distinct translated block (start address and length): QEMU may
 * translate the same code again, and kernel addresses repeat across the
 * domains, so the counts are kept apart per vCPU.  Created under
 * blocks_lock at translation, never freed; execs[] as insns[] above;
 * dumped[] owned by the marker callback.
 */
struct block {
	uint64_t vaddr;
	uint32_t n_insns;
	enum region region;
	uint64_t execs[MAX_CPUS];
	uint64_t dumped[MAX_CPUS];
	struct block *hash_next;
	struct block *all_next;
};

#define BLOCK_HASH_BITS 16
static struct block *block_hash[1u << BLOCK_HASH_BITS];
static struct block *all_blocks;
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;

static struct block *block_get(uint64_t vaddr, uint32_t n_insns, enum region region)
{
	unsigned int h = (unsigned int)((vaddr * 0x9e3779b97f4a7c15ull) >> (64 - BLOCK_HASH_BITS));
	struct block *b;

	pthread_mutex_lock(&blocks_lock);
	for (b = block_hash[h]; b; b = b->hash_next)
		if (b->vaddr == vaddr && b->n_insns == n_insns)
			break;
	if (!b) {
		b = calloc(1, sizeof(*b));
		if (b) {
			b->vaddr = vaddr;
			b->n_insns = n_insns;
			b->region = region;
			b->hash_next = block_hash[h];
			block_hash[h] = b;
			b->all_next = all_blocks;
			all_blocks = b;
		}
	}
	pthread_mutex_unlock(&blocks_lock);
	return b;
}

/* Set up once in qemu_plugin_install, read-only afterwards. */
static struct {
	char name[64];
	uint64_t addr;
} fns[MAX_FNS];
static unsigned int n_fns;
static unsigned int n_cpus;
static FILE *out;
static FILE *profile;		/* NULL unless profile=FILE */
static uint64_t marks;		/* owned by the marker callback */

/*
 * A block is counted whole when it starts, also if it faults part way: a
 * small bias, the same for every backend.
 */
static void count_tb(unsigned int vcpu, void *udata)
{
	struct block *b = udata;

	if (vcpu < MAX_CPUS) {
		insns[vcpu][b->region] += b->n_insns;
		b->execs[vcpu]++;
	}
}

static void count_fn(unsigned int vcpu, void *udata)
{
	if (vcpu < MAX_CPUS)
		fn_calls[vcpu][(uintptr_t)udata]++;
}

static void snapshot(const char *what, unsigned int vcpu)
{
	unsigned int c, r, f;

	fprintf(out, "%s=%llu cpu=%u", what, (unsigned long long)marks, vcpu);
	for (c = 0; c < n_cpus; c++) {
		for (r = 0; r < REGIONS; r++)
			fprintf(out, " cpu%u.%s=%llu", c, region_name[r],
				(unsigned long long)insns[c][r]);
		for (f = 0; f < n_fns; f++)
			fprintf(out, " cpu%u.fn.%s=%llu", c, fns[f].name,
				(unsigned long long)fn_calls[c][f]);
	}
	fputc('\n', out);
	fflush(out);
}

/*
 * "mark=N" then one line per block that ran since the previous marker:
 * "ADDRESS REGION INSNS_PER_EXEC EXECS_CPU0 EXECS_CPU1 ...".
 */
static void profile_dump(void)
{
	struct block *b;
	unsigned int c;
	bool ran;

	fprintf(profile, "mark=%llu\n", (unsigned long long)marks);
	pthread_mutex_lock(&blocks_lock);
	for (b = all_blocks; b; b = b->all_next) {
		for (ran = false, c = 0; c < n_cpus; c++)
			ran |= b->execs[c] != b->dumped[c];
		if (!ran)
			continue;
		fprintf(profile, "%llx %s %u", (unsigned long long)b->vaddr,
			region_name[b->region], b->n_insns);
		for (c = 0; c < n_cpus; c++) {
			fprintf(profile, " %llu",
				(unsigned long long)(b->execs[c] - b->dumped[c]));
			b->dumped[c] = b->execs[c];
		}
		fputc('\n', profile);
	}
	pthread_mutex_unlock(&blocks_lock);
	fflush(profile);
}

static void marker_hit(unsigned int vcpu, void *udata)
{
	(void)udata;
	marks++;
	snapshot("mark", vcpu);
	if (profile)
		profile_dump();
}

static bool is_marker(const struct qemu_plugin_insn *insn)
{
	static const unsigned char want[] = ZNBMARK_BYTES;

	return qemu_plugin_insn_size(insn) == sizeof(want) &&
	       !memcmp(qemu_plugin_insn_data(insn), want, sizeof(want));
}

static void tb_translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	uint64_t start = qemu_plugin_tb_vaddr(tb);
	enum region region = region_of(start);
	struct block *b = block_get(start, n, region);
	unsigned int f;

	(void)id;
	if (!b) {
		qemu_plugin_outs("znb-cost: out of memory, counts are incomplete\n");
		return;
	}
	qemu_plugin_register_vcpu_tb_exec_cb(tb, count_tb, QEMU_PLUGIN_CB_NO_REGS, b);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);

		if (region == REGION_USER && is_marker(insn))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, marker_hit,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		for (f = 0; f < n_fns && region == REGION_XEN; f++)
			if (va == fns[f].addr)
				qemu_plugin_register_vcpu_insn_exec_cb(insn, count_fn,
								       QEMU_PLUGIN_CB_NO_REGS,
								       (void *)(uintptr_t)f);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	snapshot("exit", 0);
	fclose(out);
	if (profile)
		fclose(profile);
}

static int parse_fn(const char *spec)
{
	const char *at = strchr(spec, '@');
	char *end;

	if (!at || at == spec || (size_t)(at - spec) >= sizeof(fns[0].name) ||
	    n_fns == MAX_FNS)
		return -1;
	memcpy(fns[n_fns].name, spec, at - spec);
	fns[n_fns].name[at - spec] = '\0';
	fns[n_fns].addr = strtoull(at + 1, &end, 16);
	if (*end || !fns[n_fns].addr)
		return -1;
	n_fns++;
	return 0;
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			       int argc, char **argv)
{
	const char *path = NULL, *profile_path = NULL;
	int i;

	if (!info->system_emulation) {
		qemu_plugin_outs("znb-cost: system emulation only\n");
		return -1;
	}
	n_cpus = info->system.max_vcpus;
	if (n_cpus > MAX_CPUS) {
		qemu_plugin_outs("znb-cost: more than 8 vCPUs\n");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			path = argv[i] + 4;
		} else if (!strncmp(argv[i], "profile=", 8)) {
			profile_path = argv[i] + 8;
		} else if (!strncmp(argv[i], "fn=", 3)) {
			if (parse_fn(argv[i] + 3)) {
				qemu_plugin_outs("znb-cost: fn= wants NAME@HEXADDR\n");
				return -1;
			}
		} else {
			qemu_plugin_outs("znb-cost: unknown argument (out=FILE, fn=NAME@HEXADDR, profile=FILE)\n");
			return -1;
		}
	}
	out = path ? fopen(path, "w") : NULL;
	if (!out) {
		qemu_plugin_outs("znb-cost: out=FILE is required and must be writable\n");
		return -1;
	}
	if (profile_path) {
		profile = fopen(profile_path, "w");
		if (!profile) {
			qemu_plugin_outs("znb-cost: profile=FILE must be writable\n");
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_translated);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
