/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_RING_H
#define VIRTIO_EMU_RING_H

/**
 * @file
 * Virtqueue memory layouts (virtio 1.2 sections 2.7 split and 2.8 packed),
 * as the driver lays them out in host memory. All fields are little-endian.
 * Used by the device-side engine, the host-side driver and tests.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @name Descriptor flags (split and packed)
 * @{
 */
#define VRING_DESC_F_NEXT		1	/**< chain continues (split: via next) */
#define VRING_DESC_F_WRITE		2	/**< device-writable buffer */
#define VRING_DESC_F_INDIRECT		4	/**< buffer is a table of descriptors */
#define VRING_PACKED_DESC_F_AVAIL	(1u << 7)	/**< packed: avail flag */
#define VRING_PACKED_DESC_F_USED	(1u << 15)	/**< packed: used flag */
/** @} */

/** Split ring: avail.flags bit, driver does not want used buffer notifications. */
#define VRING_AVAIL_F_NO_INTERRUPT	1
/** Split ring: used.flags bit, device does not want available buffer notifications. */
#define VRING_USED_F_NO_NOTIFY		1

/**
 * @name Packed ring event suppression flags (desc_event_flags)
 * @{
 */
#define VRING_PACKED_EVENT_FLAG_ENABLE	0	/**< notifications on */
#define VRING_PACKED_EVENT_FLAG_DISABLE	1	/**< notifications off */
#define VRING_PACKED_EVENT_FLAG_DESC	2	/**< at desc_event_off (needs EVENT_IDX) */
#define VRING_PACKED_EVENT_FLAG_MASK	3	/**< value 3 is reserved */
/** Wrap counter bit of desc_event_off_wrap. */
#define VRING_PACKED_EVENT_WRAP_SHIFT	15
/** @} */

/** Size of one descriptor, split or packed (bytes). */
#define VRING_DESC_SIZE			16u

/** Split ring descriptor (descriptor area, queue_size entries). */
struct vring_desc {
	uint64_t addr;		/**< buffer bus address */
	uint32_t len;		/**< buffer length */
	uint16_t flags;		/**< VRING_DESC_F_* */
	uint16_t next;		/**< next descriptor with F_NEXT */
} __attribute__((aligned(16)));

_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc size");
_Static_assert(offsetof(struct vring_desc, len) == 8, "vring_desc.len");
_Static_assert(offsetof(struct vring_desc, flags) == 12, "vring_desc.flags");
_Static_assert(offsetof(struct vring_desc, next) == 14, "vring_desc.next");

/**
 * Split ring driver area: flags, idx, ring[queue_size], then used_event
 * (with VIRTIO_F_EVENT_IDX) at ring[queue_size].
 */
struct vring_avail {
	uint16_t flags;		/**< VRING_AVAIL_F_* */
	uint16_t idx;		/**< free-running index of the next entry the driver writes */
	uint16_t ring[];	/**< heads; then used_event */
};

_Static_assert(sizeof(struct vring_avail) == 4, "vring_avail header");
_Static_assert(offsetof(struct vring_avail, ring) == 4, "vring_avail.ring");

/** One used element (split ring device area). */
struct vring_used_elem {
	uint32_t id;		/**< head of the chain used */
	uint32_t len;		/**< bytes written into the chain's writable buffers */
};

_Static_assert(sizeof(struct vring_used_elem) == 8, "vring_used_elem size");

/**
 * Split ring device area: flags, idx, ring[queue_size], then avail_event
 * (with VIRTIO_F_EVENT_IDX) after ring[queue_size].
 */
struct vring_used {
	uint16_t flags;		/**< VRING_USED_F_* */
	uint16_t idx;		/**< free-running index of the next entry the device writes */
	struct vring_used_elem ring[]; /**< used elements; then avail_event */
};

_Static_assert(sizeof(struct vring_used) == 4, "vring_used header");
_Static_assert(offsetof(struct vring_used, ring) == 4, "vring_used.ring");

/** Bytes of a split descriptor table of @p n entries. */
#define VRING_SPLIT_DESC_BYTES(n)	((uint64_t)(n) * 16u)
/** Bytes of a split driver area (with used_event). */
#define VRING_SPLIT_AVAIL_BYTES(n)	(6u + (uint64_t)(n) * 2u)
/** Bytes of a split device area (with avail_event). */
#define VRING_SPLIT_USED_BYTES(n)	(6u + (uint64_t)(n) * 8u)
/** Offset of used_event in the driver area. */
#define VRING_SPLIT_USED_EVENT_OFF(n)	(4u + (uint64_t)(n) * 2u)
/** Offset of avail_event in the device area. */
#define VRING_SPLIT_AVAIL_EVENT_OFF(n)	(4u + (uint64_t)(n) * 8u)

/** Packed ring descriptor (descriptor ring, queue_size entries). */
struct vring_packed_desc {
	uint64_t addr;		/**< buffer bus address */
	uint32_t len;		/**< buffer length; used descriptor: bytes written */
	uint16_t id;		/**< buffer id (last descriptor of a chain carries it) */
	uint16_t flags;		/**< VRING_DESC_F_*, AVAIL, USED */
} __attribute__((aligned(16)));

_Static_assert(sizeof(struct vring_packed_desc) == 16, "vring_packed_desc size");
_Static_assert(offsetof(struct vring_packed_desc, len) == 8, "packed desc len");
_Static_assert(offsetof(struct vring_packed_desc, id) == 12, "packed desc id");
_Static_assert(offsetof(struct vring_packed_desc, flags) == 14, "packed desc flags");

/**
 * Packed ring event suppression structure: the driver area (driver's
 * wishes about used buffer notifications) and the device area (device's
 * wishes about available buffer notifications) each hold one.
 */
struct vring_packed_desc_event {
	uint16_t off_wrap;	/**< bits 0-14 descriptor offset, bit 15 wrap counter */
	uint16_t flags;		/**< VRING_PACKED_EVENT_FLAG_* in bits 0-1 */
};

_Static_assert(sizeof(struct vring_packed_desc_event) == 4, "packed event size");
_Static_assert(offsetof(struct vring_packed_desc_event, flags) == 2, "packed event flags");

/** Bytes of a packed descriptor ring of @p n entries. */
#define VRING_PACKED_DESC_BYTES(n)	((uint64_t)(n) * 16u)

/**
 * Whether a notification is due: the other side asked for one at index
 * @p event and the index moved from @p old to @p new (free-running 16-bit).
 */
static inline int
vring_need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_EMU_RING_H */
