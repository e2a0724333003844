/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TEST_VEMU_VQ_COMMON_H
#define TEST_VEMU_VQ_COMMON_H

/* Parametrisation of the engine tests: every case runs per layout and memory path. */

#include "tlpemu_test.h"
#include "test_vemu_vq_drv.h"

#define TV_SPLIT	1u
#define TV_PACKED	2u
#define TV_BOTH		(TV_SPLIT | TV_PACKED)

typedef int (*tv_case_fn)(bool packed, enum tdrv_path path);

static inline int
tv_run(tv_case_fn fn, unsigned int layouts, const char *name)
{
	unsigned int l, p;
	int rc;

	for (l = 0; l < 2; l++) {
		if (!(layouts & (l ? TV_PACKED : TV_SPLIT)))
			continue;
		for (p = 0; p < TDRV_PATHS; p++) {
			rc = fn(l != 0, (enum tdrv_path)p);
			if (rc != TEST_SUCCESS) {
				fprintf(stderr, "%s failed: %s, %s\n", name, l ? "packed" : "split",
					p == TDRV_DIRECT ? "direct" : "dma");
				return rc;
			}
		}
	}
	return TEST_SUCCESS;
}

#define TV_CASE(fn, layouts) \
	static int t_ ## fn(void) { return tv_run(fn, layouts, #fn); }

/* Pop everything available (one call), push each chain back with length 0. */
static inline uint16_t
tv_pop_push_all(struct tdrv *d)
{
	struct virtio_emu_vq_chain c[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_used u[VIRTIO_EMU_VQ_BURST_MAX];
	uint16_t k, i;

	k = virtio_emu_vq_pop(d->vq, c, VIRTIO_EMU_VQ_BURST_MAX);
	for (i = 0; i < k; i++)
		u[i] = (struct virtio_emu_vq_used){ c[i].id, 0 };
	virtio_emu_vq_push(d->vq, u, k);
	return k;
}

static inline uint64_t
tv_drops(struct tdrv *d, enum virtio_emu_vq_drop r)
{
	struct virtio_emu_vq_stats st;

	virtio_emu_vq_stats_get(d->vq, &st);
	return st.drops[r];
}

#endif /* TEST_VEMU_VQ_COMMON_H */
