// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the grant lifecycle (grant/pool.c): the fuzz input
 * is the stream of choices the model world (tests/unit/model.c) makes: which
 * context acts next (frontend, NAPI gather, skb clone / GSO segment / pull /
 * copy-out / unclone / get_page / free in three orders, dealloc collect /
 * unmap / finish, response push, frontend consume), on which skb, and with
 * what packet shapes and injected failures.  Every model check (model grant
 * table, netfront's "Grant still in use", reads after unmap, completion
 * refcount) aborts; at the end everything is drained and must balance.
 *
 * Input: 4 knob bytes (malformed %, map failure %, copied packet %, then
 * head copy failure % and header length in one), then the choice stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct m_world *w;
	unsigned long steps = 0;

	if (size < 4)
		return 0;
	w = m_world_new(1);
	w->p_malformed = data[0] % 30;
	w->p_map_fail = data[1] % 30;
	w->p_copy_pkt = data[2] % 50;
	w->p_copy_fail = data[3] % 30;
	w->hdr_len = data[3] / 30 * 32;
	w->fuzz = data + 4;
	w->fuzz_len = size - 4;
	while (w->fuzz_pos < w->fuzz_len && steps++ < 200000)
		m_step(w);
	w->fuzz = NULL;		/* drain with the seeded generator */
	m_drain(w);
	m_world_free(w);
	return 0;
}
