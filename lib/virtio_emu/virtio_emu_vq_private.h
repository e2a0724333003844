/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_VQ_PRIVATE_H
#define VIRTIO_EMU_VQ_PRIVATE_H

/* Internal to the virtqueue engine and the virtio-net data path; never installed. */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_log.h>

#include "virtio_emu_forbid.h"
#include "virtio_emu_ring.h"
#include "virtio_emu_vq.h"

extern int vemu_vq_logtype;
#define VEMU_VQ_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vemu_vq_logtype, "virtio_emu.vq: " fmt "\n", ##__VA_ARGS__)

/* DMA operations submitted at once (one round trip). */
#define VEMU_DMA_BATCH		64u

/* One host memory access of the DMA / caller paths. */
struct vemu_io {
	uint64_t addr;
	void *buf;
	uint32_t len;
};

struct virtio_emu_vq {
	/* Hot state, both layouts. */
	uint16_t size;
	uint16_t mask;		/* split: size - 1 */
	uint16_t last_avail;	/* split: free-running; packed: ring position */
	uint16_t used_idx;	/* split: free-running; packed: ring position */
	uint8_t avail_wrap;	/* packed */
	uint8_t used_wrap;	/* packed */
	uint8_t packed;
	uint8_t direct;		/* regions given: host memory mapped here */
	uint8_t f_indirect;
	uint8_t f_event_idx;
	uint8_t f_in_order;
	uint8_t notify_on;	/* kicks wanted (device event suppression) */
	uint16_t inflight;
	uint16_t max_descs;
	uint32_t max_bytes;
	uint16_t sig_used;	/* used index / position at the last should_notify */
	uint8_t sig_wrap;
	uint8_t sig_valid;
	uint8_t pushed;		/* something pushed since the last should_notify */
	uint8_t broken;		/* enum virtio_emu_vq_broken */

	/* Direct path: the ring areas, translated once at creation. */
	void *desc_va;
	void *driver_va;
	void *device_va;
	/* The function's own BARs (transport-owned, live); NULL: none. */
	const struct vemu_forbid *forbid;

	/* Scratch. */
	struct virtio_emu_vq_seg *segs;
	uint32_t nb_segs;	/* capacity */
	uint16_t *id_ndesc;	/* per id: descriptors it holds while in flight, 0: free */
	struct vring_desc *itbl;	/* indirect table copy (DMA path), max_descs entries */
	struct vring_used_elem *bad;	/* dropped chains to return (id, 0) */
	uint16_t *bad_ndesc;
	uint16_t nb_bad;

	bool (*dma_allowed)(void *arg);
	void *dma_allowed_arg;
	const struct virtio_emu_vq_mem_ops *mem_ops;
	void *mem_ctx;
	uint16_t dev_id;
	uint16_t dma_qid;
	uint16_t index;
	uint16_t nb_regions;
	struct tlpdev_mem_region regions[TLPDEV_MAX_MEM_REGIONS];
	uint64_t desc_addr;
	uint64_t driver_addr;
	uint64_t device_addr;

	struct virtio_emu_vq_stats stats;

	struct tlpdev_dma_op dma_ops[VEMU_DMA_BATCH];
	struct tlpdev_dma_op *dma_opp[VEMU_DMA_BATCH];
};

/* Parsing result of one chain: 0 good, > 0 drop reason + 1, < 0 broken. */
#define VEMU_CHAIN_OK		0
#define VEMU_CHAIN_DROP(r)	((int)(r) + 1)

/*
 * Single reads of host memory fields (the compiler may not fetch them again):
 * callers copy each field into a local once. @p p is naturally aligned (ring
 * alignment is checked at creation).
 */
#define VEMU_READ_ONCE(type, p)	(*(const volatile type *)(const void *)(p))

/* virtio_emu_vq_mem.c */
static inline bool
vemu_dma_ok(const struct virtio_emu_vq *vq)
{
	return vq->dma_allowed == NULL || vq->dma_allowed(vq->dma_allowed_arg);
}

static inline void *
vemu_translate(const struct virtio_emu_vq *vq, uint64_t addr, uint64_t len)
{
	const struct tlpdev_mem_region *r = &vq->regions[0];

	/* The common case, one region, inline; overflow-safe as tlpdev's. */
	if (likely(addr >= r->host_addr && addr - r->host_addr <= r->len &&
		   len <= r->len - (addr - r->host_addr)))
		return (uint8_t *)r->va + (addr - r->host_addr);
	return tlpdev_host_translate(vq->regions, vq->nb_regions, addr, len);
}

/*
 * Whether a buffer overlaps the function's own BARs (hostile-inputs item 6):
 * every path that accepts a descriptor calls it (vemu_chain_add() does; a
 * direct fast path accepting a descriptor by itself must too, and send a hit
 * to vemu_one_slow(), which drops it as VIRTIO_EMU_VQ_DROP_OWN_BAR).
 */
static inline bool
vemu_forbidden(const struct virtio_emu_vq *vq, uint64_t addr, uint32_t len)
{
	return unlikely(vemu_forbid_hit(vq->forbid, addr, len));
}

/* Read or write through DMA or the caller's ops; 0 or a negative errno. */
int vemu_mem_io(struct virtio_emu_vq *vq, bool write, const struct vemu_io *io, unsigned int n);
int vemu_mem_read(struct virtio_emu_vq *vq, uint64_t addr, void *buf, uint32_t len);
int vemu_mem_write(struct virtio_emu_vq *vq, uint64_t addr, const void *buf, uint32_t len);
void vemu_vq_set_broken(struct virtio_emu_vq *vq, enum virtio_emu_vq_broken why);

/* Validate one buffer and append it to the chain; VEMU_CHAIN_* */
static inline int
vemu_chain_add(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *c,
	       struct virtio_emu_vq_seg *seg, uint64_t addr, uint32_t len, bool write)
{
	uint32_t *tot;
	void *va = NULL;

	if (unlikely(len == 0))
		return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_LEN_ZERO);
	if (unlikely(addr + len < addr))
		return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_ADDR);
	if (vemu_forbidden(vq, addr, len))
		return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_OWN_BAR);
	if (vq->direct) {
		va = vemu_translate(vq, addr, len);
		if (unlikely(va == NULL))
			return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_ADDR);
	}
	if (write) {
		tot = &c->wr_len;
		c->nb_wr++;
	} else {
		if (unlikely(c->nb_wr != 0))
			return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_WRITE_ORDER);
		tot = &c->rd_len;
		c->nb_rd++;
	}
	if (unlikely((uint64_t)c->rd_len + c->wr_len + len > vq->max_bytes))
		return VEMU_CHAIN_DROP(VIRTIO_EMU_VQ_DROP_LEN_OVERFLOW);
	*tot += len;
	seg->addr = addr;
	seg->va = va;
	seg->len = len;
	return VEMU_CHAIN_OK;
}

/*
 * Direct path, one descriptor outside the first region or failing a check:
 * the full translation and the drop reason in check order (as
 * vemu_chain_add()). Fills @p c and @p seg when the buffer is good.
 * virtio_emu_vq_core.c.
 */
int vemu_one_slow(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *c,
		  struct virtio_emu_vq_seg *seg, uint64_t addr, uint32_t len, bool write);

/* virtio_emu_vq_indirect.c: parse an indirect table into segments at @p seg. */
int vemu_indirect(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *c,
		  struct virtio_emu_vq_seg *seg, uint64_t addr, uint32_t len, unsigned int *ndesc);

/* virtio_emu_vq_split.c */
uint16_t vemu_split_pop(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *chains,
			uint16_t n);
uint16_t vemu_split_push(struct virtio_emu_vq *vq, const struct virtio_emu_vq_used *used,
			 uint16_t n);
bool vemu_split_should_notify(struct virtio_emu_vq *vq);
int vemu_split_notify_enable(struct virtio_emu_vq *vq, bool enable);
int vemu_split_write_bad(struct virtio_emu_vq *vq);

/* virtio_emu_vq_packed.c */
uint16_t vemu_packed_pop(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *chains,
			 uint16_t n);
uint16_t vemu_packed_push(struct virtio_emu_vq *vq, const struct virtio_emu_vq_used *used,
			  uint16_t n);
bool vemu_packed_should_notify(struct virtio_emu_vq *vq);
int vemu_packed_notify_enable(struct virtio_emu_vq *vq, bool enable);

/* Count a dropped chain and queue it for return with length 0. */
static inline void
vemu_drop(struct virtio_emu_vq *vq, uint16_t id, uint16_t ndesc, int res)
{
	vq->stats.drops[res - 1]++;
	vq->stats.dropped++;
	vq->bad[vq->nb_bad].id = id;
	vq->bad[vq->nb_bad].len = 0;
	vq->bad_ndesc[vq->nb_bad] = ndesc;
	vq->nb_bad++;
}

/*
 * Direct-path fast case of both layouts: chain @p c is one descriptor, already
 * checked to lie in a mapped region (@p va), readable or writable (@p wr).
 */
static inline void
vemu_chain_single(struct virtio_emu_vq_chain *c, struct virtio_emu_vq_seg *sg, uint16_t id,
		  uint64_t addr, void *va, uint32_t len, uint16_t wr)
{
	sg->addr = addr;
	sg->va = va;
	sg->len = len;
	c->id = id;
	c->nb_rd = (uint16_t)(wr ^ 1);
	c->nb_wr = wr;
	c->rd_len = wr ? 0 : len;
	c->wr_len = wr ? len : 0;
	c->rd = sg;
	c->wr = sg + (wr ^ 1);
}

#endif /* VIRTIO_EMU_VQ_PRIVATE_H */
