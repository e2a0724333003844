/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TEST_VEMU_VQ_DRV_H
#define TEST_VEMU_VQ_DRV_H

/*
 * A host-side virtqueue driver for the engine's tests: it lays out split or
 * packed rings in the test tlpdev's host memory, adds chains (well-formed or
 * raw hostile descriptors) and reads used entries back. The device side is a
 * virtio_emu_vq on the direct path (host memory mapping) or the DMA path.
 */

#include <stdbool.h>
#include <stdint.h>

#include <virtio_emu_ring.h>
#include <virtio_emu_vq.h>

#include "tlpemu_test_tlpdev.h"

#define TDRV_F(bit)		(UINT64_C(1) << (bit))
#define TDRV_F_INDIRECT		TDRV_F(28)
#define TDRV_F_EVENT_IDX	TDRV_F(29)
#define TDRV_F_VERSION_1	TDRV_F(32)
#define TDRV_F_PACKED		TDRV_F(34)
#define TDRV_F_IN_ORDER		TDRV_F(35)

/* Host memory layout (offsets from the base). */
#define TDRV_DESC_OFF		0x00000u
#define TDRV_DRIVER_OFF		0x10000u
#define TDRV_DEVICE_OFF		0x20000u
#define TDRV_ITBL_OFF		0x30000u
#define TDRV_BUF_OFF		0x40000u
#define TDRV_BUF_SLOT		0x800u
#define TDRV_MEM_SIZE		(4u << 20)

enum tdrv_path { TDRV_DIRECT = 0, TDRV_DMA = 1, TDRV_PATHS };

struct tdrv_seg {
	uint64_t addr;
	uint32_t len;
	bool write;
};

struct tdrv {
	struct tlpemu_test_tlpdev *tt;
	uint8_t *mem;
	uint64_t base;
	uint16_t qsize;
	bool packed;
	uint64_t features;
	enum tdrv_path path;
	struct virtio_emu_vq *vq;
	/* split */
	uint16_t avail_idx;
	uint16_t used_last;
	uint16_t next_desc;
	/* packed */
	uint16_t next_avail;
	uint8_t avail_wrap;
	uint16_t next_used;
	uint8_t used_wrap;
	uint16_t next_id;
	uint16_t ndesc[32768];
	uint32_t itbl_next;
};

/* Process set-up: EAL and one test tlpdev with TDRV_MEM_SIZE of host memory. */
int tdrv_global_init(void);
struct tlpemu_test_tlpdev *tdrv_tlpdev(void);

struct rte_mempool;
struct tlpemu_test_case;

/*
 * main() of a data-path test: tdrv_global_init(), library logs quiet, a pool
 * of @p nb_mbufs mbufs in *@p mp, the cases of @p suite; fails as well when an
 * mbuf is still out of the pool afterwards (a leak).
 */
int tdrv_net_main(const char *suite, const struct tlpemu_test_case *cases,
		  unsigned int nb_mbufs, struct rte_mempool **mp, int argc, char **argv);

/* Lay out rings and create the vq (conf may be NULL); 0 or -1. */
int tdrv_setup(struct tdrv *d, bool packed, uint16_t qsize, uint64_t features,
	       enum tdrv_path path, const struct virtio_emu_vq_conf *extra);
void tdrv_teardown(struct tdrv *d);

static inline void *
tdrv_va(struct tdrv *d, uint64_t addr)
{
	return d->mem + (addr - d->base);
}

static inline uint64_t
tdrv_buf(struct tdrv *d, unsigned int slot)
{
	return d->base + TDRV_BUF_OFF + (uint64_t)slot * TDRV_BUF_SLOT;
}

/* Add a well-formed chain; with @p indirect one table holds it. Returns the id. */
int tdrv_add(struct tdrv *d, const struct tdrv_seg *segs, unsigned int n, bool indirect);

/* Split raw: write descriptor @p i; make head @p h available. */
void tdrv_split_desc(struct tdrv *d, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next);
void tdrv_split_avail(struct tdrv *d, uint16_t head);
void tdrv_split_set_avail_idx(struct tdrv *d, uint16_t idx);

/* Packed raw: write the descriptor at ring position @p pos with explicit flags. */
void tdrv_packed_desc(struct tdrv *d, uint16_t pos, uint64_t addr, uint32_t len, uint16_t id,
		      uint16_t flags);
/* Flags that make a descriptor available in the current driver lap (+ extra). */
uint16_t tdrv_packed_avail_flags(const struct tdrv *d, uint16_t extra);
/* Advance the driver position by @p n descriptors (after raw writes). */
void tdrv_packed_advance(struct tdrv *d, uint16_t n, uint16_t id);

/* Write an indirect table (split: chained with next) at a fresh place; returns its address. */
uint64_t tdrv_itbl(struct tdrv *d, const struct tdrv_seg *segs, unsigned int n);

/* Next used entry: 1 with id/len, 0 when none. */
int tdrv_used(struct tdrv *d, uint16_t *id, uint32_t *len);
/* Count used entries and check none is left; returns the count. */
unsigned int tdrv_used_drain(struct tdrv *d);

/* Driver event controls. */
void tdrv_split_avail_flags(struct tdrv *d, uint16_t flags);
void tdrv_split_used_event(struct tdrv *d, uint16_t ev);
void tdrv_packed_drv_event(struct tdrv *d, uint16_t off_wrap, uint16_t flags);

const char *tdrv_name(const struct tdrv *d);

#endif /* TEST_VEMU_VQ_DRV_H */
