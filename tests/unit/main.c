// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test runner: prints PASS/FAIL per test and one final
 * "N passed, N failed" line; exit status 1 if anything failed.
 *
 *   znb-unit [--seed N] [--packets N] [--list] [name-substring...]
 */
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fixture.h"
#include "model.h"

#define MAX_TESTS 256

static struct { const char *name; void (*fn)(void); } tests[MAX_TESTS];
static int nr_tests;
static sigjmp_buf unit_jmp;
static char unit_reason[1024];
static volatile int unit_running;

uint64_t unit_seed;
unsigned long unit_packets = 100000;

void unit_register(const char *name, void (*fn)(void))
{
	if (nr_tests < MAX_TESTS) {
		tests[nr_tests].name = name;
		tests[nr_tests].fn = fn;
		nr_tests++;
	}
}

static void __attribute__((noreturn))
unit_vfail(const char *file, int line, const char *fmt, va_list ap)
{
	int n = snprintf(unit_reason, sizeof(unit_reason), "%s:%d: ", file, line);

	vsnprintf(unit_reason + n, sizeof(unit_reason) - n, fmt, ap);
	if (!unit_running) {
		fprintf(stderr, "FAIL (outside a test): %s\n", unit_reason);
		abort();
	}
	siglongjmp(unit_jmp, 1);
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	unit_vfail(file, line, fmt, ap);
}

/* The table tests' queue: pages of the model's, which nothing else references. */
void fixture_txq_init(struct znb_txq *q)
{
	model_txq_init_dummy(q);
}

/* The model layer reports through this (the fuzz targets abort instead). */
void model_vfail(const char *file, int line, const char *fmt, va_list ap)
{
	unit_vfail(file, line, fmt, ap);
}

/* assert() in the core (checking locks, refcount underflow) aborts. */
static void on_abort(int sig)
{
	(void)sig;
	if (!unit_running)
		return;
	snprintf(unit_reason, sizeof(unit_reason),
		 "SIGABRT (assertion failed in the core or the model)");
	siglongjmp(unit_jmp, 1);
}

static int wanted(const char *name, int argc, char **argv, int first)
{
	int i, any = 0;

	for (i = first; i < argc; i++) {
		if (argv[i] == NULL)
			continue;
		any = 1;
		if (strstr(name, argv[i]))
			return 1;
	}
	return !any;
}

int main(int argc, char **argv)
{
	static int passed, failed;
	int i, list = 0;
	struct sigaction sa;

	unit_seed = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 20);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
			unit_seed = strtoull(argv[i + 1], NULL, 0);
			argv[i] = argv[i + 1] = NULL;
			i++;
		} else if (!strcmp(argv[i], "--packets") && i + 1 < argc) {
			unit_packets = strtoul(argv[i + 1], NULL, 0);
			argv[i] = argv[i + 1] = NULL;
			i++;
		} else if (!strcmp(argv[i], "--list")) {
			list = 1;
			argv[i] = NULL;
		}
	}
	if (list) {
		for (i = 0; i < nr_tests; i++)
			printf("%s\n", tests[i].name);
		return 0;
	}
	printf("seed %llu (rerun with --seed %llu), packets %lu\n",
	       (unsigned long long)unit_seed, (unsigned long long)unit_seed,
	       unit_packets);
	fflush(stdout);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_abort;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGABRT, &sa, NULL);

	for (i = 0; i < nr_tests; i++) {
		if (!wanted(tests[i].name, argc, argv, 1))
			continue;
		if (sigsetjmp(unit_jmp, 1) == 0) {
			unit_running = 1;
			tests[i].fn();
			unit_running = 0;
			printf("PASS %s\n", tests[i].name);
			passed++;
		} else {
			unit_running = 0;
			printf("FAIL %s: %s\n", tests[i].name, unit_reason);
			failed++;
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
