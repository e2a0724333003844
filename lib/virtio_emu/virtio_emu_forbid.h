/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_FORBID_H
#define VIRTIO_EMU_FORBID_H

/*
 * Bus address ranges the device must never reach with DMA: the function's
 * own BARs as the host currently programmed them (a descriptor pointing
 * there would make the device access itself: peer-to-peer loop,
 * re-entrancy; hostile-inputs item 6). Internal to lib/virtio_emu; never
 * installed.
 *
 * Writer: the transport's control thread (vemu_pci_forbid_refresh(), on
 * every BAR / Memory Space Enable change). Readers: any data-path thread,
 * through vemu_forbid_hit(). Publication: the bounding box [lo, hi) is
 * first widened to cover the old and the new ranges, the ranges are then
 * rewritten under a sequence count, and the box is narrowed last; a reader
 * racing with a BAR reprogramming checks against the old or the new ranges.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

/* One range per BAR at most. */
#define VEMU_FORBID_MAX		6u

struct vemu_forbid {
	uint64_t lo;		/* bounding box of all ranges: [lo, hi); empty when lo >= hi */
	uint64_t hi;
	uint32_t seq;		/* odd while the ranges are being rewritten */
	uint32_t nb;
	struct {
		uint64_t base;
		uint64_t len;	/* > 0, base + len does not wrap */
	} r[VEMU_FORBID_MAX];
};

struct virtio_emu_pci;
struct virtio_emu_vq;

/* The transport's live ranges, valid for its lifetime (virtio_emu_pci.c). */
const struct vemu_forbid *vemu_pci_forbid(const struct virtio_emu_pci *dev);

/* Make a vq check its buffers against @p f (virtio_emu_vq_mem.c); NULL: none. */
void vemu_vq_forbid_set(struct virtio_emu_vq *vq, const struct vemu_forbid *f);

/* Precise check against the ranges (virtio_emu_vq_mem.c). */
bool vemu_forbid_hit_slow(const struct vemu_forbid *f, uint64_t addr, uint64_t len);

/*
 * Whether [@p addr, @p addr + @p len) overlaps a forbidden range; @p len > 0,
 * overflow-safe. NULL @p f: nothing forbidden. The common case is two
 * compares against the bounding box, which lies in the host's MMIO window
 * and never near the buffers of a well-behaved driver.
 */
static inline bool
vemu_forbid_hit(const struct vemu_forbid *f, uint64_t addr, uint64_t len)
{
	uint64_t lo, hi;

	if (f == NULL)
		return false;
	lo = __atomic_load_n(&f->lo, __ATOMIC_ACQUIRE);
	hi = __atomic_load_n(&f->hi, __ATOMIC_ACQUIRE);
	if (likely(addr >= hi || (addr < lo && lo - addr >= len)))
		return false;
	return vemu_forbid_hit_slow(f, addr, len);
}

#endif /* VIRTIO_EMU_FORBID_H */
