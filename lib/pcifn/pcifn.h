/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef PCIFN_H
#define PCIFN_H

/**
 * @file
 * An emulated PCI Express function.
 *
 * A pcifn owns a type 0 configuration space (4 KiB, extended space included)
 * with per-byte read-only / read-write / write-1-to-clear / sticky semantics,
 * up to six BARs, a capability chain (power management, PCI Express with FLR,
 * MSI-X, vendor-specific), handlers for ranges of its BARs, MSI-X and INTx
 * interrupts, and Function Level Reset.
 *
 * Functions live in a group: the functions that share one tlpdev. The group
 * drains the tlpdev's request queues (pcifn_service()), routes each request
 * (configuration requests by function number, memory requests by BAR
 * address) and sends exactly one right answer for every non-posted request:
 * a completion with data, a completion without data, Unsupported Request,
 * Completer Abort or, while a function is resetting, Configuration Request
 * Retry Status.
 *
 * Threading: everything except pcifn_msix_notify(), pcifn_dma_allowed(),
 * pcifn_msix_enabled() and pcifn_dma_sync() runs on the thread that calls
 * pcifn_service() for the group (the control thread). What a request makes
 * the function send (a pended MSI-X message on unmask, an INTx message when
 * INTx Disable changes) goes upstream on the queue of that request; what an
 * owner call or a retry makes it send goes on queue 0. pcifn_msix_notify() and
 * pcifn_dma_sync() may be called from any one data-path thread per queue id
 * they pass; a data-path thread must not pass a queue that pcifn_service()
 * serves.
 *
 * Register layouts and bit names are in pcifn_regs.h.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tlpdev.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Number of BARs of a type 0 function. */
#define PCIFN_NB_BARS 6
/** Most functions in a group (function numbers 0..7, no ARI). */
#define PCIFN_GROUP_MAX_FNS 8
/** Most MSI-X vectors of one function. */
#define PCIFN_MSIX_MAX_VECTORS 2048
/** Most BAR regions of one function. */
#define PCIFN_MAX_REGIONS 32
/** Most vendor-specific capabilities of one function. */
#define PCIFN_MAX_VENDOR_CAPS 16
/** Most functions in a process (telemetry ids 0..PCIFN_MAX_FNS - 1). */
#define PCIFN_MAX_FNS 64

struct pcifn;
struct pcifn_group;

/** BAR flags for pcifn_bar_params::flags. */
#define PCIFN_BAR_64 (1u << 0)		/**< 64-bit BAR (takes two BAR slots) */
#define PCIFN_BAR_PREFETCH (1u << 1)	/**< prefetchable */

/** One BAR. */
struct pcifn_bar_params {
	uint64_t size;		/**< power of two, >= 4096 (<= 2 GiB unless 64-bit);
				 *   0: BAR not implemented */
	uint32_t flags;		/**< PCIFN_BAR_*; an I/O BAR cannot be asked for */
};

/** Identity and resources of a function, fixed at creation. */
struct pcifn_params {
	uint16_t vendor_id;
	uint16_t device_id;
	uint16_t subsys_vendor_id;
	uint16_t subsys_id;
	uint8_t revision;
	uint32_t class_code;		/**< 24 bits: base class, subclass, prog-if */
	struct pcifn_bar_params bars[PCIFN_NB_BARS]; /**< a 64-bit BAR i leaves i + 1 zero */
	uint16_t msix_vectors;		/**< 0: no MSI-X capability */
	uint8_t msix_bar;		/**< BAR holding the MSI-X table and PBA */
	uint32_t msix_table_offset;	/**< 8-byte aligned */
	uint32_t msix_pba_offset;	/**< 8-byte aligned */
	uint8_t intx_pin;		/**< 0: none, 1..4: INTA..INTD */
	uint8_t flr;			/**< advertise and support Function Level Reset */
	uint16_t max_payload_supported;	/**< bytes, power of two 128..4096; 0: 512 */
};

/**
 * Why the owner's reset callback runs. In every case the owner must stop all
 * DMA and interrupts of the function before calling pcifn_reset_done().
 */
enum pcifn_reset_kind {
	PCIFN_RESET_FLR = 1,	/**< Function Level Reset */
	PCIFN_RESET_HOT,	/**< hot reset / PERST of the link */
	PCIFN_RESET_LINK_DOWN,	/**< the host went away */
};

/**
 * A handler for a range of a BAR. Accesses arrive split so that each lies
 * inside the region, is at least @c min_access and at most @c max_access
 * bytes, and, when the region is not PCIFN_REGION_UNALIGNED, is a power of
 * two naturally aligned (offset from the BAR start) to its size. A piece of a
 * request that cannot be cut that way is refused: a read gets Completer
 * Abort, a write is dropped; both are counted (pcifn_stats::refused).
 * A NULL op refuses every access of its direction.
 */
struct pcifn_region_ops {
	/**
	 * Read @p len bytes at @p offset (from the region start) into @p buf.
	 * Return 0, or a negative errno to answer Completer Abort.
	 */
	int (*read)(void *ctx, uint64_t offset, void *buf, uint32_t len);
	/** Write @p len bytes. A negative errno is counted (writes are posted). */
	int (*write)(void *ctx, uint64_t offset, const void *buf, uint32_t len);
};

/** Region flags. */
/**
 * Accept accesses of any length from min_access to max_access at any offset
 * (byte-array registers such as a device config area); longer runs are cut
 * into max_access pieces.
 */
#define PCIFN_REGION_UNALIGNED (1u << 0)
/** Refuse (CA / drop) a run of bytes that would need more than one access. */
#define PCIFN_REGION_REFUSE_SPLIT (1u << 1)

/** Declaration of a BAR region. */
struct pcifn_region {
	uint8_t bar;			/**< BAR index */
	uint64_t offset;		/**< start within the BAR */
	uint64_t size;			/**< bytes */
	uint8_t min_access;		/**< smallest access in bytes (1, 2, 4 or 8) */
	uint8_t max_access;		/**< largest access in bytes (1, 2, 4 or 8) */
	uint32_t flags;			/**< PCIFN_REGION_* */
	const struct pcifn_region_ops *ops;
	void *ctx;			/**< passed to the ops */
};

/** Owner callbacks of a function (all optional). */
struct pcifn_ops {
	/**
	 * The function must reset: stop DMA and interrupts, drop device state.
	 * Return 0 when done, or -EINPROGRESS and call pcifn_reset_done() later
	 * (within 100 ms); until then config requests get CRS and memory
	 * requests are discarded (reads answered UR).
	 */
	int (*reset)(struct pcifn *fn, enum pcifn_reset_kind kind, void *ctx);
	/** Bus Master Enable changed; when it clears, stop DMA and MSI. */
	void (*bme_change)(struct pcifn *fn, bool enabled, void *ctx);
	/** Memory Space Enable or a BAR address changed. */
	void (*bar_change)(struct pcifn *fn, void *ctx);
	/** MSI-X enable or function mask changed. */
	void (*msix_change)(struct pcifn *fn, void *ctx);
};

/**
 * Create a function.
 * @return the function, or NULL with rte_errno: EINVAL (bad parameters, each
 * logged), ENOMEM.
 */
struct pcifn *pcifn_create(const struct pcifn_params *params, const struct pcifn_ops *ops,
			   void *ctx);

/** Free a function; it must not be in a group. */
void pcifn_free(struct pcifn *fn);

/**
 * Add a handler for a BAR range. Ranges must not overlap each other or the
 * MSI-X table and PBA.
 * @return 0, -EINVAL, -EEXIST (overlap), -ENOSPC, -EBUSY (function in a group).
 */
int pcifn_region_add(struct pcifn *fn, const struct pcifn_region *region);

/**
 * Add a vendor-specific capability (ID 0x09). @p body is the capability after
 * its ID and next-pointer bytes, starting with the length byte, which the
 * library sets to @p len + 2. The body is read-only for the host, except the
 * bits set in @p wmask (may be NULL; its byte 0, the length, is ignored).
 * Capabilities are placed DW aligned after the built-in ones, below 0x100.
 * @return the capability's config offset, or -EINVAL (@p len 0 or above 252),
 * -ENOSPC (no room below 0x100, or PCIFN_MAX_VENDOR_CAPS reached), -EBUSY
 * (function in a group).
 */
int pcifn_cap_add_vendor(struct pcifn *fn, const void *body, const void *wmask, uint8_t len);

/**
 * Add an extended capability (config offset 0x100 and up). @p body is the
 * capability after its 4-byte header; the library writes the header (ID,
 * version, next offset). Bits set in @p wmask (may be NULL) are writable by
 * the host; bits set in @p sticky (may be NULL) keep their value across FLR
 * and hot reset (not across link down: a new host starts afresh).
 * @return the capability's config offset, or -EINVAL (@p len not a multiple of
 * 4, @p version above 15), -ENOSPC, -EBUSY (function in a group).
 */
int pcifn_ext_cap_add(struct pcifn *fn, uint16_t id, uint8_t version, const void *body,
		      const void *wmask, const void *sticky, uint16_t len);

/**
 * Owner hook on a range of config space, for registers whose accesses have
 * side effects (e.g. the data window of virtio's PCI configuration access
 * capability). Both ops are optional and run on the control thread.
 */
struct pcifn_cfg_hook_ops {
	/**
	 * A host read of the DW at config offset @p reg: @p val holds the config
	 * image's value (little-endian); the hook may replace it.
	 */
	void (*read)(struct pcifn *fn, uint16_t reg, uint32_t *val, void *ctx);
	/**
	 * A host write of the DW at @p reg, called after the write was applied
	 * to the image under the write masks; @p data holds the four bytes the
	 * host sent and @p be says which of them it enabled.
	 */
	void (*write)(struct pcifn *fn, uint16_t reg, uint8_t be, const uint8_t *data, void *ctx);
};

/** Most config hooks of one function. */
#define PCIFN_MAX_CFG_HOOKS 4

/**
 * Hook host accesses to the DWs of config space overlapping
 * [@p offset, @p offset + @p len).
 * @return 0, -EINVAL (range beyond 4 KiB, inside the type 0 header, or no
 * op), -ENOSPC (PCIFN_MAX_CFG_HOOKS reached), -EEXIST (overlaps another hook).
 */
int pcifn_cfg_hook_add(struct pcifn *fn, uint16_t offset, uint16_t len,
		       const struct pcifn_cfg_hook_ops *ops, void *ctx);

/**
 * Owner update of its own config space, ignoring the host's write masks
 * (e.g. a read-only status field of a vendor capability). Does not run hooks.
 * @return 0, -EINVAL (NULL, beyond 4 KiB, or overlapping the type 0 header).
 */
int pcifn_config_write(struct pcifn *fn, uint16_t offset, const void *buf, uint16_t len);

/**
 * Access BAR @p bar at @p offset through its region handlers, as a host
 * request of 1, 2 or 4 bytes inside one DW would: holes read as zeros and
 * ignore writes. For windows onto a BAR (virtio's PCI configuration access
 * capability). Control thread only.
 * @return 0, -EINVAL (bad BAR, beyond its size, length not 1/2/4 or crossing
 * a DW), -EACCES (a region refused a read; a refused write is dropped and
 * counted, as a posted write is, and returns 0).
 */
int pcifn_bar_access(struct pcifn *fn, unsigned int bar, uint64_t offset, void *buf,
		     uint32_t len, bool write);

/**
 * Read the function's current config space (for owners, telemetry, tests).
 * @return 0, -EINVAL (NULL argument, or beyond the 4 KiB space).
 */
int pcifn_config_read(const struct pcifn *fn, uint16_t offset, void *buf, uint16_t len);

/** Where BAR @p bar is assigned (0 while unassigned); valid for 64-bit BARs. */
uint64_t pcifn_bar_addr(const struct pcifn *fn, unsigned int bar);

/**
 * Routing ID of the function: bus and device numbers captured from Type 0
 * config writes (kept across FLR, cleared by hot reset and link down) and
 * the function number.
 */
uint16_t pcifn_rid(const struct pcifn *fn);

/** Telemetry id of the function (0..PCIFN_MAX_FNS - 1). */
int pcifn_id(const struct pcifn *fn);

/** The tlpdev of the function's group, or -ENODEV when not in a group. */
int pcifn_dev_id(const struct pcifn *fn);

/** Whether MSI-X is enabled by the host (the function mask aside). */
bool pcifn_msix_enabled(const struct pcifn *fn);

/**
 * Device-initiated copy to or from host memory (tlpdev_dma_sync()), refused
 * while bus mastering is not allowed.
 * @return as tlpdev_dma_sync(), or -EPERM (bus master disabled or reset in
 * progress), -ENODEV (not in a group).
 */
int pcifn_dma_sync(struct pcifn *fn, uint16_t qid, enum tlpdev_dma_dir dir, uint64_t host_addr,
		   void *buf, uint32_t len);

/**
 * Whether the function may master the bus: Bus Master Enable set and no
 * reset in progress. DMA and MSI must not be issued otherwise.
 */
bool pcifn_dma_allowed(const struct pcifn *fn);

/**
 * Signal MSI-X vector @p vector: sent now (a memory write upstream on queue
 * @p qid) when MSI-X is enabled, the function and the vector are unmasked and
 * bus mastering is allowed; otherwise its pending bit is set and the message
 * goes out when it is unmasked.
 * A pended message of an unmasked vector (link full) is retried by
 * pcifn_service() on queue 0.
 * @return 0 (sent or pended), -EINVAL (no such vector), -EPERM (MSI-X off or
 * bus master disabled or reset in progress: nothing pended), -ENOBUFS (link
 * full: pended), -ENOTCONN (link down: dropped).
 */
int pcifn_msix_notify(struct pcifn *fn, uint16_t qid, uint16_t vector);

/**
 * Set or clear the INTx level of the function. The host sees the Interrupt
 * Status bit follow it, and Assert/Deassert messages (routed Local) while
 * INTx Disable is clear; a message the link could not take is retried by
 * pcifn_service() on queue 0. A function being reset sends nothing (it sent
 * Deassert, if asserted, when the reset began).
 * @return 0, -EINVAL, -ENOTSUP (no INTx pin).
 */
int pcifn_intx_set(struct pcifn *fn, bool level);

/**
 * Finish a reset that the owner's reset callback left in progress. Control
 * thread only; ignored when no reset is in progress.
 */
void pcifn_reset_done(struct pcifn *fn);

/**
 * Create a group serving the functions on tlpdev @p dev_id.
 * @return the group, or NULL with rte_errno: ENODEV, ENOMEM.
 */
struct pcifn_group *pcifn_group_create(uint16_t dev_id);

/**
 * Put a function in a group at function number @p fn_num (0..7). Function 0
 * must be added for the others to be visible (config requests to a group
 * without function 0 get UR); the multi-function bit is kept right.
 * @return 0, -EINVAL, -EEXIST (number taken), -EBUSY (already in a group).
 */
int pcifn_group_add(struct pcifn_group *grp, struct pcifn *fn, uint8_t fn_num);

/** Remove a function from its group. @return 0, -EINVAL (not in @p grp). */
int pcifn_group_remove(struct pcifn_group *grp, struct pcifn *fn);

/** Free a group; its functions are removed, not freed. */
void pcifn_group_free(struct pcifn_group *grp);

/**
 * Serve up to @p max requests from queue @p qid of the group's tlpdev, in
 * bursts of 32, and on queue 0 also handle the tlpdev's events (link up/down,
 * hot reset) and retry pended interrupt messages.
 *
 * Completions that the link does not take at once are retried while the
 * link is up, for at most the PCIe default completion timeout (50 ms); then
 * (or at once when the link is down) they are dropped and counted.
 * @return the number of requests handled.
 */
unsigned int pcifn_service(struct pcifn_group *grp, uint16_t qid, unsigned int max);

/**
 * Counters of one function. Requests that no function claims (unassigned
 * addresses, I/O, messages...) are counted in function 0 of the group.
 */
struct pcifn_stats {
	uint64_t cfg_rd;	/**< config reads answered SC */
	uint64_t cfg_wr;	/**< config writes answered SC */
	uint64_t mem_rd;	/**< memory reads answered SC */
	uint64_t mem_wr;	/**< memory writes applied */
	uint64_t cpl_ur;	/**< Unsupported Request completions */
	uint64_t cpl_ca;	/**< Completer Abort completions */
	uint64_t cpl_crs;	/**< CRS completions */
	uint64_t wr_dropped;	/**< posted writes dropped (holes, disabled, refused) */
	uint64_t refused;	/**< accesses a region refused (width, alignment) */
	uint64_t msix_sent;	/**< MSI-X messages sent */
	uint64_t msix_pended;	/**< MSI-X messages pended (masked) */
	uint64_t intx_msgs;	/**< INTx assert/deassert messages */
	uint64_t flr;		/**< Function Level Resets */
	uint64_t resets;	/**< resets of any kind */
	uint64_t cpl_dropped;	/**< completions lost to a link going down */
	uint64_t hole_rd;	/**< reads (or parts) of BAR holes, answered with zeros */
	uint64_t msgs;		/**< messages received and consumed */
	uint64_t poisoned;	/**< poisoned (EP) requests received */
	uint64_t msix_dropped;	/**< MSI-X messages dropped (link down) */
	uint64_t tx_retries;	/**< tx bursts that the link did not fully take */
	uint64_t reset_ns_last;	/**< duration of the last completed reset */
	uint64_t reset_ns_max;	/**< longest completed reset */
};

/** Read a function's counters. @return 0, -EINVAL. */
int pcifn_stats_get(const struct pcifn *fn, struct pcifn_stats *stats);

/** Reset a function's counters. @return 0, -EINVAL. */
int pcifn_stats_reset(struct pcifn *fn);

/*
 * Persisted state (pcifn_state.c): what the host programmed into a function,
 * so that a restarted device process can present it again.
 */

/** Version of the pcifn_state_save() format. */
#define PCIFN_STATE_VERSION 1

/**
 * Serialise what the host programmed into @p fn: the whole config image
 * (BARs, Command, capability registers such as MSI-X Message Control), the
 * captured bus/device numbers, the MSI-X table and the Pending Bit Array,
 * together with the function's identity (IDs, BAR sizes, vector count) and a
 * CRC. Control thread only.
 *
 * @param fn
 *   The function.
 * @param buf
 *   Destination, or NULL to learn the size.
 * @param len
 *   Its size in bytes.
 * @return
 *   The size of the state in bytes (written when @p len allows), or -EINVAL
 *   (@p fn NULL), -ENOSPC (@p buf too small).
 */
int pcifn_state_save(const struct pcifn *fn, void *buf, size_t len);

/**
 * Load a state made by pcifn_state_save() into a fresh function (created,
 * possibly in a group, not yet served a request). Everything is checked
 * before anything changes: version, sizes, CRC, identity (IDs, class, BAR
 * sizes and flags, MSI-X vector count and location), read-only config bits
 * (they must equal the function's own, so a BAR address must be aligned to
 * its size), the power state, and the reserved bits of MSI-X table entries.
 * On success the config image, derived state (BAR decoding, bus mastering,
 * MSI-X enable and mask) and the MSI-X table are the host's again; the owner
 * callbacks are not called. On failure the function is unchanged.
 *
 * @return
 *   0, -EINVAL (NULL, or a state that is corrupt or does not fit @p fn: the
 *   reason is logged), -EBUSY (the function has already served requests).
 */
int pcifn_state_restore(struct pcifn *fn, const void *buf, size_t len);

/**
 * A counter that moves whenever host-programmed state of @p fn may have
 * changed (config writes, MSI-X table writes, resets). An owner persisting
 * the state compares it with the value at its last save; nothing on the data
 * path moves it. Any thread.
 */
uint32_t pcifn_state_gen(const struct pcifn *fn);

#ifdef __cplusplus
}
#endif

#endif /* PCIFN_H */
