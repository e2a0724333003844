/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_VQ_H
#define VIRTIO_EMU_VQ_H

/**
 * @file
 * Virtqueue engine, device side: split and packed rings.
 *
 * A virtio_emu_vq serves one virtqueue the driver configured: it takes
 * available descriptor chains out of the ring (virtio_emu_vq_pop()), lets
 * the caller copy from and into their buffers (virtio_emu_vq_chain_read(),
 * virtio_emu_vq_chain_write()), returns them as used
 * (virtio_emu_vq_push()) and tells whether the driver wants a used buffer
 * notification (virtio_emu_vq_should_notify(); the caller sends it, e.g.
 * with virtio_emu_queue_interrupt()).
 *
 * Layouts: split (VIRTIO_F_INDIRECT_DESC, VIRTIO_F_EVENT_IDX, IN_ORDER) and
 * packed (VIRTIO_F_RING_PACKED: wrap counters, buffer ids, indirect tables,
 * event suppression structures with descriptor-specific events). The layout
 * follows VIRTIO_F_RING_PACKED in the negotiated features.
 *
 * Memory paths: host memory is reached either directly, through regions
 * from tlpdev_host_mem_map() (every range translated with its length by
 * tlpdev_host_translate()), or, when no region is given, with the tlpdev's
 * DMA operations (batched: a ring slice or a round of descriptors is one
 * submission). A third, caller-supplied path (struct virtio_emu_vq_mem_ops)
 * exists for tests and fuzzers. The behaviour is the same on every path.
 *
 * Hostile drivers: every field of host memory is read once into a local
 * copy, every loop is bounded, and every rule is checked. A chain that breaks
 * a rule but whose head can be returned is dropped: the engine itself
 * returns it as used with length 0 and counts the reason
 * (enum virtio_emu_vq_drop); the caller never sees it. When the ring itself
 * cannot be trusted any more (available index jumping by more than the queue
 * size, head out of range, duplicate head in flight, packed chain running
 * past the available descriptors, a DMA error on ring memory) the queue is
 * broken (enum virtio_emu_vq_broken): it stops popping and pushing and the
 * transport should set DEVICE_NEEDS_RESET (virtio_emu_set_needs_reset()).
 *
 * Liveness contract: every chain virtio_emu_vq_pop() returns must be given
 * back with virtio_emu_vq_push() (len 0 when the caller could not use it).
 * With VIRTIO_F_IN_ORDER the caller pushes in pop order.
 *
 * Threading: one thread at a time per vq (data path); no locks, no
 * allocation after creation. The engine needs no EAL: its memory comes from
 * the C library (first touched, hence NUMA-placed, by the creating thread).
 */

#include <stdbool.h>
#include <stdint.h>

#include <tlpdev.h>

#ifdef __cplusplus
extern "C" {
#endif

struct virtio_emu_vq;

/** Largest queue size the engine accepts (split: power of 2; packed: any). */
#define VIRTIO_EMU_VQ_SIZE_MAX		32768
/** Most chains one pop or push call handles. */
#define VIRTIO_EMU_VQ_BURST_MAX		256

/**
 * Host memory access supplied by the caller instead of the tlpdev (tests,
 * fuzzers, instrumented paths). Both return 0 or a negative errno.
 */
struct virtio_emu_vq_mem_ops {
	int (*read)(void *ctx, uint64_t addr, void *buf, uint32_t len);
	int (*write)(void *ctx, uint64_t addr, const void *buf, uint32_t len);
};

/** Parameters of virtio_emu_vq_create(). */
struct virtio_emu_vq_conf {
	uint16_t size;		/**< queue size: split 2..32768 power of 2; packed 1..32768 */
	uint16_t index;		/**< virtqueue index (logs only) */
	uint64_t features;	/**< negotiated features; VIRTIO_F_RING_PACKED picks the layout */
	uint64_t desc_addr;	/**< descriptor area (16-byte aligned) */
	uint64_t driver_addr;	/**< driver area: avail ring (2-aligned) / driver event (4) */
	uint64_t device_addr;	/**< device area: used ring (4-aligned) / device event (4) */
	uint16_t dev_id;	/**< tlpdev for the DMA path */
	uint16_t dma_qid;	/**< tlpdev queue the DMA path uses (one thread owns it) */
	/** Direct path: host memory mappings (copied); NULL/0 selects the DMA path. */
	const struct tlpdev_mem_region *regions;
	uint16_t nb_regions;	/**< 0..TLPDEV_MAX_MEM_REGIONS */
	/** Bus mastering allowed (e.g. wraps pcifn_dma_allowed()); NULL: always. */
	bool (*dma_allowed)(void *arg);
	void *dma_allowed_arg;	/**< argument of dma_allowed */
	/** Optional caller memory path (wins over regions and DMA); NULL: none. */
	const struct virtio_emu_vq_mem_ops *mem_ops;
	void *mem_ctx;		/**< argument of mem_ops */
	/** Most descriptors in one chain, indirect entries included; 0: size. */
	uint16_t max_chain_descs;
	/** Bytes of one chain (readable + writable); 0: UINT32_MAX. */
	uint32_t max_chain_bytes;
};

/** One buffer of a chain. */
struct virtio_emu_vq_seg {
	uint64_t addr;		/**< bus address */
	void *va;		/**< direct path: local address of the whole buffer; else NULL */
	uint32_t len;		/**< bytes, > 0 */
	uint32_t rsvd;
};

/**
 * One available chain, as virtio_emu_vq_pop() found it. Segment arrays live
 * in the vq's scratch memory, valid until the next pop.
 */
struct virtio_emu_vq_chain {
	uint16_t id;		/**< id to give virtio_emu_vq_push() */
	uint16_t nb_rd;		/**< device-readable segments (they come first) */
	uint16_t nb_wr;		/**< device-writable segments */
	uint16_t rsvd;
	uint32_t rd_len;	/**< bytes readable (sum, no overflow) */
	uint32_t wr_len;	/**< bytes writable (sum, no overflow) */
	struct virtio_emu_vq_seg *rd;	/**< nb_rd segments */
	struct virtio_emu_vq_seg *wr;	/**< nb_wr segments */
};

/** One used entry for virtio_emu_vq_push(). */
struct virtio_emu_vq_used {
	uint16_t id;		/**< chain id from pop */
	uint32_t len;		/**< bytes written into its writable segments */
};

/**
 * Reasons a chain is dropped (returned used with length 0), counted in
 * virtio_emu_vq_stats.drops[].
 */
enum virtio_emu_vq_drop {
	VIRTIO_EMU_VQ_DROP_NEXT_RANGE = 0,	/**< split: next >= queue size */
	VIRTIO_EMU_VQ_DROP_CHAIN_LONG,		/**< more descriptors than allowed / a loop */
	VIRTIO_EMU_VQ_DROP_LEN_ZERO,		/**< descriptor of length 0 */
	VIRTIO_EMU_VQ_DROP_LEN_OVERFLOW,	/**< chain bytes above the limit or 2^32 */
	VIRTIO_EMU_VQ_DROP_ADDR,		/**< buffer not in granted memory / wraps */
	VIRTIO_EMU_VQ_DROP_WRITE_ORDER,		/**< readable descriptor after a writable one */
	VIRTIO_EMU_VQ_DROP_INDIRECT_FEATURE,	/**< INDIRECT without VIRTIO_F_INDIRECT_DESC */
	VIRTIO_EMU_VQ_DROP_INDIRECT_NESTED,	/**< INDIRECT inside an indirect table */
	VIRTIO_EMU_VQ_DROP_INDIRECT_NEXT,	/**< INDIRECT with NEXT (split) / not alone */
	VIRTIO_EMU_VQ_DROP_INDIRECT_LEN,	/**< table len 0, not a multiple of 16, too long */
	VIRTIO_EMU_VQ_DROP_INDIRECT_ADDR,	/**< table outside granted memory */
	VIRTIO_EMU_VQ_DROP_DMA,			/**< DMA of an indirect table failed */
	VIRTIO_EMU_VQ_DROP_OWN_BAR,		/**< buffer overlaps the function's own BAR */
	VIRTIO_EMU_VQ_DROP_MAX,
};

/** Reasons a queue is broken (DEVICE_NEEDS_RESET). 0: not broken. */
enum virtio_emu_vq_broken {
	VIRTIO_EMU_VQ_OK = 0,
	VIRTIO_EMU_VQ_BROKEN_AVAIL_IDX,		/**< split: avail idx moved by more than size */
	VIRTIO_EMU_VQ_BROKEN_HEAD_RANGE,	/**< split: avail entry >= queue size */
	VIRTIO_EMU_VQ_BROKEN_DUP_ID,		/**< head / buffer id already in flight */
	VIRTIO_EMU_VQ_BROKEN_ID_RANGE,		/**< packed: buffer id >= queue size */
	VIRTIO_EMU_VQ_BROKEN_PACKED_CHAIN,	/**< packed: chain past the available descs */
	VIRTIO_EMU_VQ_BROKEN_RING_DMA,		/**< reading or writing ring memory failed */
	VIRTIO_EMU_VQ_BROKEN_MAX,
};

/** Per-queue counters. */
struct virtio_emu_vq_stats {
	uint64_t chains;	/**< chains popped and handed to the caller */
	uint64_t used;		/**< used entries written (dropped chains included) */
	uint64_t used_bytes;	/**< sum of used lengths */
	uint64_t dropped;	/**< chains dropped (sum of drops[]) */
	uint64_t drops[VIRTIO_EMU_VQ_DROP_MAX]; /**< by reason */
	uint64_t notify_sent;	/**< should_notify() answered true */
	uint64_t notify_suppressed; /**< should_notify() answered false */
	uint64_t event_bad;	/**< reserved event flags / offsets (notified anyway) */
	uint64_t copy_errors;	/**< chain_read/write failures (range, address, DMA) */
	uint64_t push_rejected;	/**< push of an id not in flight (caller bug) */
	uint64_t dma_blocked;	/**< calls refused while bus mastering was off */
	uint64_t broken;	/**< enum virtio_emu_vq_broken, 0: fine */
};

/**
 * Create a virtqueue engine over a ring the driver set up.
 *
 * @return the vq, or NULL with rte_errno: EINVAL (size, alignment,
 * overlapping areas, too many regions), EFAULT (direct path: a ring area
 * not inside granted memory), ENOMEM.
 */
struct virtio_emu_vq *virtio_emu_vq_create(const struct virtio_emu_vq_conf *conf);

/**
 * Free a vq. It performs no DMA of its own outside calls, so there is
 * nothing to wait for. NULL: no-op.
 */
void virtio_emu_vq_free(struct virtio_emu_vq *vq);

/**
 * Take up to @p n (<= VIRTIO_EMU_VQ_BURST_MAX) available chains. Chains
 * that break a rule are returned used (length 0) and counted, not given
 * to the caller; with IN_ORDER such a chain waits until the caller has
 * pushed everything it holds. Stops early when the segment scratch could
 * not hold one more chain of the largest allowed length.
 *
 * @return the number of chains stored in @p chains; 0 when none is
 * available, the queue is broken, or bus mastering is off.
 */
uint16_t virtio_emu_vq_pop(struct virtio_emu_vq *vq, struct virtio_emu_vq_chain *chains,
			   uint16_t n);

/**
 * Return up to @p n (<= VIRTIO_EMU_VQ_BURST_MAX) chains as used, with one
 * update of the used index (split) or of the first used descriptor's flags
 * (packed) for the whole burst. Ids not in flight are skipped and counted
 * (push_rejected).
 *
 * @return the number of entries written; fewer than @p n when ids were
 * rejected, or 0 when the queue is broken or bus mastering is off (the
 * entries are then dropped: the queue needs a reset anyway).
 */
uint16_t virtio_emu_vq_push(struct virtio_emu_vq *vq, const struct virtio_emu_vq_used *used,
			    uint16_t n);

/**
 * Whether the driver wants a used buffer notification for what was pushed
 * since the previous call: EVENT_IDX used_event (split) or the driver event
 * suppression structure (packed: enable/disable/descriptor event), else
 * VRING_AVAIL_F_NO_INTERRUPT. Reads the driver's field once per call.
 * Call once per burst, after the push; the caller sends the interrupt.
 */
bool virtio_emu_vq_should_notify(struct virtio_emu_vq *vq);

/**
 * Ask the driver for available buffer notifications (kicks) or not: split
 * VRING_USED_F_NO_NOTIFY, or avail_event kept at the next index with
 * EVENT_IDX; packed device event suppression flags. A polling device turns
 * them off. Off after create.
 * @return 0, -EIO (broken, or the write failed), -EPERM (bus mastering off).
 */
int virtio_emu_vq_notify_enable(struct virtio_emu_vq *vq, bool enable);

/**
 * Copy @p len bytes from the readable part of @p c, starting @p off bytes
 * into it.
 * @return 0, -ERANGE (@p off + @p len beyond rd_len, or overflow), -EFAULT
 * (address not translatable, DMA error), -EPERM (bus mastering off).
 */
int virtio_emu_vq_chain_read(struct virtio_emu_vq *vq, const struct virtio_emu_vq_chain *c,
			     uint32_t off, void *buf, uint32_t len);

/**
 * Copy @p len bytes into the writable part of @p c at offset @p off.
 * @return as virtio_emu_vq_chain_read() (range: wr_len).
 */
int virtio_emu_vq_chain_write(struct virtio_emu_vq *vq, const struct virtio_emu_vq_chain *c,
			      uint32_t off, const void *buf, uint32_t len);

/** Reason the queue is broken, VIRTIO_EMU_VQ_OK (0) when it is not. */
enum virtio_emu_vq_broken virtio_emu_vq_broken(const struct virtio_emu_vq *vq);

/** Queue size. */
uint16_t virtio_emu_vq_size(const struct virtio_emu_vq *vq);

/** Chains popped and not pushed yet. */
uint16_t virtio_emu_vq_inflight(const struct virtio_emu_vq *vq);

/** Read the counters. @return 0, -EINVAL. */
int virtio_emu_vq_stats_get(const struct virtio_emu_vq *vq, struct virtio_emu_vq_stats *stats);

/** Reset the counters (broken state kept). */
void virtio_emu_vq_stats_reset(struct virtio_emu_vq *vq);

/** Name of a drop reason (xstats), "unknown" when out of range. */
const char *virtio_emu_vq_drop_name(unsigned int reason);

/** Name of a broken reason, "ok" for 0. */
const char *virtio_emu_vq_broken_name(unsigned int reason);

/**
 * Ring position, for saving across a device process restart: split
 * last_avail/used indices; packed next avail/used positions and wrap
 * counters.
 */
struct virtio_emu_vq_state {
	uint16_t avail_idx;	/**< next available entry to take */
	uint16_t used_idx;	/**< next used entry to write */
	uint8_t avail_wrap;	/**< packed: driver wrap counter expected */
	uint8_t used_wrap;	/**< packed: device wrap counter */
};

/** Get the ring position (no chain may be in flight for a clean restart). */
void virtio_emu_vq_state_get(const struct virtio_emu_vq *vq, struct virtio_emu_vq_state *st);

/**
 * Restore a ring position on a fresh vq, sanity-checked against the ring.
 * @return 0, -EINVAL (positions out of range or inconsistent with the
 * ring: the transport should set DEVICE_NEEDS_RESET), -EBUSY (chains in
 * flight), -EIO (ring unreadable).
 */
int virtio_emu_vq_state_set(struct virtio_emu_vq *vq, const struct virtio_emu_vq_state *st);

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_EMU_VQ_H */
