// SPDX-License-Identifier: GPL-2.0
/*
 * How the fuzz targets fail: a model check's message, then abort(), which
 * libFuzzer reports as a crash and keeps the input for.
 */
#include <stdio.h>
#include <stdlib.h>
#include "model.h"

void model_vfail(const char *file, int line, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	abort();
}
