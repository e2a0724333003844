/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Virtqueue engine, well-behaved driver: every layout x feature set x memory
 * path moves data both ways, wraps many times, honours notification
 * suppression and saves/restores its position.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>

#include "test_vemu_vq_common.h"

static const uint64_t tv_feature_sets[] = {
	0,
	TDRV_F_INDIRECT,
	TDRV_F_EVENT_IDX,
	TDRV_F_IN_ORDER,
	TDRV_F_INDIRECT | TDRV_F_EVENT_IDX | TDRV_F_IN_ORDER,
};

/* One round trip of chains with a readable and a writable part; data checked. */
static int
tv_traffic(struct tdrv *d, unsigned int rounds, unsigned int burst, bool indirect)
{
	struct virtio_emu_vq_chain c[VIRTIO_EMU_VQ_BURST_MAX];
	struct virtio_emu_vq_used u[VIRTIO_EMU_VQ_BURST_MAX];
	unsigned int r, i, slot = 0;
	uint8_t pat[300], got[300];

	for (r = 0; r < rounds; r++) {
		uint16_t ids[VIRTIO_EMU_VQ_BURST_MAX], k;

		for (i = 0; i < burst; i++) {
			struct tdrv_seg s[3] = {
				{ tdrv_buf(d, slot), 100, false },
				{ tdrv_buf(d, slot) + 100, 200, false },
				{ tdrv_buf(d, slot) + 1024, 300, true },
			};

			memset(tdrv_va(d, s[0].addr), (int)(r + i), 300);
			ids[i] = (uint16_t)tdrv_add(d, s, 3, indirect);
			slot = (slot + 1) % 64;
		}
		k = virtio_emu_vq_pop(d->vq, c, VIRTIO_EMU_VQ_BURST_MAX);
		TEST_ASSERT_EQUAL(k, burst, "%s round %u", tdrv_name(d), r);
		for (i = 0; i < k; i++) {
			TEST_ASSERT_EQUAL(c[i].id, ids[i], "id order");
			TEST_ASSERT_EQUAL(c[i].rd_len, 300, "rd_len");
			TEST_ASSERT_EQUAL(c[i].wr_len, 300, "wr_len");
			TEST_ASSERT_EQUAL(c[i].nb_rd, 2, "nb_rd");
			TEST_ASSERT_EQUAL(c[i].nb_wr, 1, "nb_wr");
			TEST_ASSERT_EQUAL(virtio_emu_vq_chain_read(d->vq, &c[i], 0, got, 300), 0,
					  "read");
			memset(pat, (int)(r + i), 300);
			TEST_ASSERT_MEM_EQ(got, pat, 300, "readable data");
			memset(pat, 0xa0 + (int)i, 300);
			TEST_ASSERT_EQUAL(virtio_emu_vq_chain_write(d->vq, &c[i], 50, pat, 250), 0,
					  "write");
			u[i] = (struct virtio_emu_vq_used){ c[i].id, 250 + i };
		}
		TEST_ASSERT_EQUAL(virtio_emu_vq_push(d->vq, u, k), k, "push");
		for (i = 0; i < k; i++) {
			uint16_t id;
			uint32_t len;

			TEST_ASSERT(tdrv_used(d, &id, &len) == 1, "used %u", i);
			TEST_ASSERT_EQUAL(id, ids[i], "used id");
			TEST_ASSERT_EQUAL(len, 250 + i, "used len");
		}
	}
	TEST_ASSERT_EQUAL(virtio_emu_vq_inflight(d->vq), 0, "inflight");
	TEST_ASSERT_EQUAL(virtio_emu_vq_broken(d->vq), 0, "not broken");
	return TEST_SUCCESS;
}

static int
c_traffic_features(bool packed, enum tdrv_path path)
{
	unsigned int f;
	struct tdrv *d = calloc(1, sizeof(*d));
	int rc = TEST_SUCCESS;

	for (f = 0; f < RTE_DIM(tv_feature_sets) && rc == TEST_SUCCESS; f++) {
		bool ind = (tv_feature_sets[f] & TDRV_F_INDIRECT) != 0;

		TEST_ASSERT(tdrv_setup(d, packed, 64, tv_feature_sets[f], path, NULL) == 0,
			    "setup");
		rc = tv_traffic(d, 50, 7, false);
		if (rc == TEST_SUCCESS && ind)
			rc = tv_traffic(d, 50, 5, true);
		tdrv_teardown(d);
	}
	free(d);
	return rc;
}
TV_CASE(c_traffic_features, TV_BOTH)

/* Packed sizes need not be powers of 2: 1, 3, 5, 7 with many wraps. */
static int
c_packed_odd_sizes(bool packed, enum tdrv_path path)
{
	static const uint16_t sizes[] = { 1, 3, 5, 7, 100 };
	struct tdrv *d = calloc(1, sizeof(*d));
	unsigned int i;
	int rc = TEST_SUCCESS;

	RTE_SET_USED(packed);
	for (i = 0; i < RTE_DIM(sizes) && rc == TEST_SUCCESS; i++) {
		TEST_ASSERT(tdrv_setup(d, true, sizes[i], 0, path, NULL) == 0, "setup");
		/* A chain of 3 descriptors does not fit size 1: use 1-desc bursts there. */
		if (sizes[i] >= 3)
			rc = tv_traffic(d, 40, 1, false);
		if (rc == TEST_SUCCESS) {
			unsigned int r;

			for (r = 0; r < 3u * sizes[i] + 7; r++) {
				struct tdrv_seg s = { tdrv_buf(d, 0), 64, true };

				tdrv_add(d, &s, 1, false);
				if (tv_pop_push_all(d) != 1 || tdrv_used_drain(d) != 1) {
					rc = TEST_FAILED;
					break;
				}
			}
		}
		tdrv_teardown(d);
	}
	free(d);
	return rc;
}
TV_CASE(c_packed_odd_sizes, TV_PACKED)

/* A chain as long as the queue is accepted (direct and indirect). */
static int
c_max_chain(bool packed, enum tdrv_path path)
{
	struct tdrv_seg s[64];
	struct virtio_emu_vq_chain c[4];
	unsigned int i;
	struct tdrv d0, *d = &d0;

	TEST_ASSERT(tdrv_setup(d, packed, 64, TDRV_F_INDIRECT, path, NULL) == 0, "setup");
	for (i = 0; i < 64; i++)
		s[i] = (struct tdrv_seg){ tdrv_buf(d, 0) + i * 8, 8, i >= 32 };
	tdrv_add(d, s, 64, false);
	TEST_ASSERT_EQUAL(virtio_emu_vq_pop(d->vq, c, 4), 1, "pop 64-desc chain");
	TEST_ASSERT_EQUAL(c[0].nb_rd + c[0].nb_wr, 64, "segs");
	TEST_ASSERT_EQUAL(c[0].rd_len, 256, "rd");
	virtio_emu_vq_push(d->vq, &(struct virtio_emu_vq_used){ c[0].id, 0 }, 1);
	tdrv_add(d, s, 64, true);
	TEST_ASSERT_EQUAL(virtio_emu_vq_pop(d->vq, c, 4), 1, "pop indirect 64");
	TEST_ASSERT_EQUAL(c[0].wr_len, 256, "wr");
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_max_chain, TV_BOTH)

/* Copy helpers are range- and overflow-checked. */
static int
c_copy_ranges(bool packed, enum tdrv_path path)
{
	struct tdrv d0, *d = &d0;
	struct virtio_emu_vq_chain c;
	struct tdrv_seg s[2];
	uint8_t buf[64];

	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	s[0] = (struct tdrv_seg){ tdrv_buf(d, 0), 32, false };
	s[1] = (struct tdrv_seg){ tdrv_buf(d, 1), 16, true };
	tdrv_add(d, s, 2, false);
	TEST_ASSERT_EQUAL(virtio_emu_vq_pop(d->vq, &c, 1), 1, "pop");
	TEST_ASSERT_EQUAL(virtio_emu_vq_chain_read(d->vq, &c, 0, buf, 33), -ERANGE, "rd > len");
	TEST_ASSERT_EQUAL(virtio_emu_vq_chain_read(d->vq, &c, 33, buf, 0), -ERANGE, "off > len");
	TEST_ASSERT_EQUAL(virtio_emu_vq_chain_read(d->vq, &c, 0xffffffff, buf, 2), -ERANGE,
			  "overflow");
	TEST_ASSERT_EQUAL(virtio_emu_vq_chain_read(d->vq, &c, 31, buf, 1), 0, "last byte");
	TEST_ASSERT_EQUAL(virtio_emu_vq_chain_write(d->vq, &c, 8, buf, 9), -ERANGE, "wr");
	TEST_ASSERT_EQUAL(virtio_emu_vq_chain_write(d->vq, &c, 0, buf, 16), 0, "wr full");
	virtio_emu_vq_push(d->vq, &(struct virtio_emu_vq_used){ c.id, 16 }, 1);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_copy_ranges, TV_BOTH)

/* Used buffer notifications: flags, EVENT_IDX used_event, packed event structures. */
static int
c_notify(bool packed, enum tdrv_path path)
{
	struct tdrv d0, *d = &d0;
	struct tdrv_seg s = { 0, 64, true };
	unsigned int i;

	/* Without EVENT_IDX. */
	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	s.addr = tdrv_buf(d, 0);
	TEST_ASSERT(!virtio_emu_vq_should_notify(d->vq), "nothing pushed: no notification");
	tdrv_add(d, &s, 1, false);
	tv_pop_push_all(d);
	TEST_ASSERT(virtio_emu_vq_should_notify(d->vq), "enabled");
	if (packed)
		tdrv_packed_drv_event(d, 0, VRING_PACKED_EVENT_FLAG_DISABLE);
	else
		tdrv_split_avail_flags(d, VRING_AVAIL_F_NO_INTERRUPT);
	tdrv_add(d, &s, 1, false);
	tv_pop_push_all(d);
	TEST_ASSERT(!virtio_emu_vq_should_notify(d->vq), "suppressed");
	tdrv_teardown(d);

	/* EVENT_IDX: notify exactly when the event index is crossed. */
	TEST_ASSERT(tdrv_setup(d, packed, 16, TDRV_F_EVENT_IDX, path, NULL) == 0, "setup");
	if (packed)
		tdrv_packed_drv_event(d, (uint16_t)(3 | 1u << 15), VRING_PACKED_EVENT_FLAG_DESC);
	else
		tdrv_split_used_event(d, 3);
	for (i = 0; i < 6; i++) {
		bool n;

		tdrv_add(d, &s, 1, false);
		tv_pop_push_all(d);
		n = virtio_emu_vq_should_notify(d->vq);
		/* Used index moves i -> i + 1: the event at 3 fires when writing entry 3;
		 * the first call always notifies (split: nothing signalled yet).
		 */
		if (i == 3)
			TEST_ASSERT(n, "event crossed at %u", i);
		else if (i != 0 || packed)
			TEST_ASSERT(!n, "no event at %u", i);
	}
	tdrv_used_drain(d);
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_notify, TV_BOTH)

/* Device event suppression: notify_enable writes what the driver reads. */
static int
c_notify_enable(bool packed, enum tdrv_path path)
{
	struct tdrv d0, *d = &d0;

	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, NULL) == 0, "setup");
	TEST_ASSERT_EQUAL(virtio_emu_vq_notify_enable(d->vq, false), 0, "off");
	if (packed) {
		struct vring_packed_desc_event *e = tdrv_va(d, d->base + TDRV_DEVICE_OFF);

		TEST_ASSERT_EQUAL(e->flags, VRING_PACKED_EVENT_FLAG_DISABLE, "disable");
		TEST_ASSERT_EQUAL(virtio_emu_vq_notify_enable(d->vq, true), 0, "on");
		TEST_ASSERT_EQUAL(e->flags, VRING_PACKED_EVENT_FLAG_ENABLE, "enable");
	} else {
		struct vring_used *u = tdrv_va(d, d->base + TDRV_DEVICE_OFF);

		TEST_ASSERT_EQUAL(u->flags, VRING_USED_F_NO_NOTIFY, "no notify");
		TEST_ASSERT_EQUAL(virtio_emu_vq_notify_enable(d->vq, true), 0, "on");
		TEST_ASSERT_EQUAL(u->flags, 0, "notify");
	}
	tdrv_teardown(d);
	if (!packed) {
		/* EVENT_IDX: avail_event follows the device's position. */
		struct tdrv_seg s = { 0, 64, true };
		uint16_t *ae;

		TEST_ASSERT(tdrv_setup(d, false, 16, TDRV_F_EVENT_IDX, path, NULL) == 0, "setup");
		ae = tdrv_va(d, d->base + TDRV_DEVICE_OFF + VRING_SPLIT_AVAIL_EVENT_OFF(16));
		virtio_emu_vq_notify_enable(d->vq, true);
		s.addr = tdrv_buf(d, 0);
		tdrv_add(d, &s, 1, false);
		tdrv_add(d, &s, 1, false);
		tv_pop_push_all(d);
		TEST_ASSERT_EQUAL(*ae, 2, "avail_event");
		tdrv_teardown(d);
	}
	return TEST_SUCCESS;
}
TV_CASE(c_notify_enable, TV_BOTH)

/* Bus mastering off: nothing is read or written, counted. */
static bool tv_allowed;
static bool
tv_dma_allowed(void *arg)
{
	RTE_SET_USED(arg);
	return tv_allowed;
}

static int
c_dma_gate(bool packed, enum tdrv_path path)
{
	struct virtio_emu_vq_conf conf = { .dma_allowed = tv_dma_allowed };
	struct tdrv d0, *d = &d0;
	struct tdrv_seg s = { 0, 64, true };
	struct virtio_emu_vq_stats st;

	TEST_ASSERT(tdrv_setup(d, packed, 16, 0, path, &conf) == 0, "setup");
	s.addr = tdrv_buf(d, 0);
	tdrv_add(d, &s, 1, false);
	tv_allowed = false;
	TEST_ASSERT_EQUAL(tv_pop_push_all(d), 0, "no pop while BME off");
	virtio_emu_vq_stats_get(d->vq, &st);
	TEST_ASSERT(st.dma_blocked >= 1, "counted");
	tv_allowed = true;
	TEST_ASSERT_EQUAL(tv_pop_push_all(d), 1, "pop after BME on");
	TEST_ASSERT_EQUAL(tdrv_used_drain(d), 1, "used");
	tdrv_teardown(d);
	return TEST_SUCCESS;
}
TV_CASE(c_dma_gate, TV_BOTH)

/* Creation checks: size, alignment, overlap, memory outside the grant. */
static int
c_create_checks(bool packed, enum tdrv_path path)
{
	struct tlpdev_mem_region r;
	struct virtio_emu_vq_conf conf;
	uint64_t base;
	struct virtio_emu_vq *vq;

	tlpemu_test_tlpdev_host_mem(tdrv_tlpdev(), &base, NULL);
	memset(&conf, 0, sizeof(conf));
	conf.features = packed ? TDRV_F_PACKED : 0;
	conf.size = 16;
	conf.desc_addr = base;
	conf.driver_addr = base + 0x1000;
	conf.device_addr = base + 0x2000;
	conf.dev_id = tlpemu_test_tlpdev_id(tdrv_tlpdev());
	if (path == TDRV_DIRECT) {
		TEST_ASSERT(tlpdev_host_mem_map(conf.dev_id, &r, 1) == 1, "map");
		conf.regions = &r;
		conf.nb_regions = 1;
	}
	vq = virtio_emu_vq_create(&conf);
	TEST_ASSERT(vq != NULL, "good conf");
	virtio_emu_vq_free(vq);
	conf.size = 0;
	TEST_ASSERT(virtio_emu_vq_create(&conf) == NULL && rte_errno == EINVAL, "size 0");
	conf.size = 12;
	vq = virtio_emu_vq_create(&conf);
	TEST_ASSERT((vq != NULL) == packed, "size 12 legal only for packed");
	virtio_emu_vq_free(vq);
	conf.size = 16;
	conf.desc_addr = base + 8;
	TEST_ASSERT(virtio_emu_vq_create(&conf) == NULL && rte_errno == EINVAL, "misaligned");
	conf.desc_addr = base;
	conf.device_addr = base + 0x10;
	TEST_ASSERT(virtio_emu_vq_create(&conf) == NULL && rte_errno == EINVAL, "overlap");
	conf.device_addr = UINT64_MAX - 3;
	TEST_ASSERT(virtio_emu_vq_create(&conf) == NULL, "wrapping area");
	conf.device_addr = base + TDRV_MEM_SIZE;
	vq = virtio_emu_vq_create(&conf);
	if (path == TDRV_DIRECT)
		TEST_ASSERT(vq == NULL && rte_errno == EFAULT, "outside grant");
	virtio_emu_vq_free(vq);
	return TEST_SUCCESS;
}
TV_CASE(c_create_checks, TV_BOTH)

/* Ring position save/restore (device restart), sanity-checked. */
static int
t_state(void)
{
	struct tdrv *d = calloc(1, sizeof(*d));
	struct tdrv_seg s = { 0, 64, true };
	struct virtio_emu_vq_state st, bad;
	struct virtio_emu_vq *vq2;
	struct virtio_emu_vq_conf conf;
	unsigned int i, l, p;
	struct tlpdev_mem_region r;

	for (l = 0; l < 2; l++) {
		for (p = 0; p < TDRV_PATHS; p++) {
			TEST_ASSERT(tdrv_setup(d, l, 8, 0, p, NULL) == 0, "setup");
			s.addr = tdrv_buf(d, 0);
			for (i = 0; i < 11; i++) {
				tdrv_add(d, &s, 1, false);
				tv_pop_push_all(d);
				tdrv_used_drain(d);
			}
			virtio_emu_vq_state_get(d->vq, &st);
			memset(&conf, 0, sizeof(conf));
			conf.size = 8;
			conf.features = d->features;
			conf.desc_addr = d->base + TDRV_DESC_OFF;
			conf.driver_addr = d->base + TDRV_DRIVER_OFF;
			conf.device_addr = d->base + TDRV_DEVICE_OFF;
			conf.dev_id = tlpemu_test_tlpdev_id(tdrv_tlpdev());
			conf.dma_qid = 1;
			if (p == TDRV_DIRECT) {
				tlpdev_host_mem_map(conf.dev_id, &r, 1);
				conf.regions = &r;
				conf.nb_regions = 1;
			}
			vq2 = virtio_emu_vq_create(&conf);
			TEST_ASSERT(vq2 != NULL, "restart");
			bad = st;
			if (l)
				bad.avail_idx = 8;
			else
				bad.used_idx = (uint16_t)(st.used_idx + 1);
			TEST_ASSERT_EQUAL(virtio_emu_vq_state_set(vq2, &bad), -EINVAL, "insane");
			TEST_ASSERT_EQUAL(virtio_emu_vq_state_set(vq2, &st), 0, "restore");
			virtio_emu_vq_free(d->vq);
			d->vq = vq2;
			for (i = 0; i < 5; i++) {
				tdrv_add(d, &s, 1, false);
				TEST_ASSERT_EQUAL(tv_pop_push_all(d), 1, "resumed %u", i);
				TEST_ASSERT_EQUAL(tdrv_used_drain(d), 1, "used after restore %u/%u",
						  l, p);
			}
			tdrv_teardown(d);
		}
	}
	free(d);
	return TEST_SUCCESS;
}

/* Split -> packed -> split re-initialisation with other sizes (reset items). */
static int
t_reinit(void)
{
	static const uint16_t sizes[] = { 256, 8, 33, 2, 1024 };
	struct tdrv *d = calloc(1, sizeof(*d));
	unsigned int i, p;

	for (i = 0; i < 20; i++) {
		bool packed = i & 1;
		uint16_t qs = sizes[i % RTE_DIM(sizes)];

		if (!packed && !rte_is_power_of_2(qs))
			qs = 32;
		p = (i / 2) % TDRV_PATHS;
		TEST_ASSERT(tdrv_setup(d, packed, qs, TDRV_F_EVENT_IDX, p, NULL) == 0,
			    "setup %u", i);
		if (qs >= 3)
			TEST_ASSERT(tv_traffic(d, 3, RTE_MIN(qs / 3, 20), false) == TEST_SUCCESS,
				    "traffic %u", i);
		/* Free with chains in flight: nothing is written afterwards. */
		{
			struct tdrv_seg s = { tdrv_buf(d, 0), 64, true };
			struct virtio_emu_vq_chain c;

			tdrv_add(d, &s, 1, false);
			virtio_emu_vq_pop(d->vq, &c, 1);
		}
		tdrv_teardown(d);
	}
	free(d);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case tv_cases[] = {
	TEST_CASE(t_c_traffic_features),
	TEST_CASE(t_c_packed_odd_sizes),
	TEST_CASE(t_c_max_chain),
	TEST_CASE(t_c_copy_ranges),
	TEST_CASE(t_c_notify),
	TEST_CASE(t_c_notify_enable),
	TEST_CASE(t_c_dma_gate),
	TEST_CASE(t_c_create_checks),
	TEST_CASE(t_state),
	TEST_CASE(t_reinit),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (tdrv_global_init() != 0)
		return 1;
	return tlpemu_test_run("vemu_vq_ring", tv_cases, argc, argv);
}
