/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_VNET_H
#define HOSTSIM_VNET_H

/*
 * The host virtio-net driver of dpdk-tlp-hostsim (modern virtio-pci only):
 * the transport (virtio capabilities, reset, feature negotiation, queues,
 * vectors, status), feature names, and the control queue helpers.
 *
 * The driver reaches its device through a bus (MMIO reads and writes at bus
 * addresses, and a service call that lets the link progress: the software
 * link in dpdk-tlp-hostsim, a device model in the tests). Every value the
 * device provides is checked before use; failures leave a reason in
 * hostsim_vnet.err and return a negative errno.
 */

#include <stddef.h>
#include <stdint.h>

#include "hostsim_enum.h"
#include "hostsim_vnet_vq.h"

/* How the driver reaches its device. */
struct hostsim_vnet_bus {
	void *ctx;
	/* MMIO read / write of 1, 2 or 4 bytes: 0 or a negative errno. */
	int (*read)(void *ctx, uint64_t addr, void *buf, uint32_t len);
	int (*write)(void *ctx, uint64_t addr, const void *buf, uint32_t len);
	/* Optional: a notification of virtqueue @p vq (defaults to write). */
	int (*notify)(void *ctx, uint16_t vq, uint64_t addr, const void *buf, uint32_t len);
	/* Let the link make progress: device DMA, completions, interrupts. */
	void (*service)(void *ctx);
};

/* A virtio structure located by a capability, as a bus address range. */
struct hostsim_vnet_region {
	uint64_t addr;
	uint32_t len;		/* 0: absent */
	uint8_t bar;
	uint32_t off;
};

struct hostsim_vnet_caps {
	struct hostsim_vnet_region common, notify, isr, device;
	uint32_t notify_mult;
	unsigned int seen;	/* virtio vendor capabilities seen */
	unsigned int ignored;	/* ignored as unusable (reason of the last in why) */
	char why[160];
};

/* Feature names. */
struct hostsim_vnet_feature {
	const char *name;
	uint8_t bit;
};

extern const struct hostsim_vnet_feature hostsim_vnet_features[];

/* What this driver can drive. */
extern const uint64_t hostsim_vnet_features_supported;
/* What it asks for when told nothing. */
extern const uint64_t hostsim_vnet_features_default;

/*
 * Parse a feature list: comma-separated names (with or without the
 * VIRTIO_NET_F_ / VIRTIO_F_ prefix, any case) or numbers (0x... masks, or
 * "bitN"). "+NAME" adds to and "-NAME" removes from @p *features; a list
 * with a plain item starts from nothing. 0 or -1 with a message in @p err.
 */
int hostsim_vnet_features_parse(const char *list, uint64_t *features, char *err,
				size_t errlen);

/* Names of the bits of @p f, comma-separated ("" if none). */
void hostsim_vnet_features_str(uint64_t f, char *buf, size_t len);

/* Drop features whose prerequisites are missing; returns what was dropped. */
uint64_t hostsim_vnet_features_fixup(uint64_t *f);

/* Queue and interrupt set-up. */
struct hostsim_vnet_qconf {
	uint16_t pairs;
	uint16_t queue_size;	/* wanted; clamped to what the device allows */
	uint16_t max_segs;	/* segments per chain with indirect tables */
	uint16_t vectors;	/* MSI-X vectors programmed (0: none) */
};

struct hostsim_vnet {
	struct hostsim_vnet_bus bus;
	struct hostsim_vnet_caps caps;
	struct hostsim_vnet_mem mem;
	uint64_t dev_features;
	uint64_t features;	/* negotiated */
	uint16_t num_queues;	/* the device's */
	uint16_t max_pairs;
	uint16_t pairs;		/* set up */
	uint8_t mac[6];
	uint16_t net_status;
	uint16_t mtu;
	uint32_t speed;
	uint8_t duplex;
	uint8_t status;		/* last device status read or written */
	uint16_t config_vector;
	struct hostsim_vq *vq;	/* rx0, tx0, rx1, tx1, ..., ctrl */
	uint16_t nb_vqs;
	struct hostsim_vq *ctrlq;
	uint8_t *ctrl_buf;	/* command header, data and ack */
	uint64_t ctrl_iova;
	uint32_t ctrl_timeout_ms;
	uint32_t reset_timeout_ms;
	uint64_t notify_errors;
	uint64_t mem_mark;	/* host memory in use before the first queue set-up */
	uint8_t mem_marked;
	char err[192];
};

#define HOSTSIM_VNET_CTRL_BUF 4096

static inline struct hostsim_vq *
hostsim_vnet_rxq(struct hostsim_vnet *d, uint16_t pair)
{
	return &d->vq[2 * pair];
}

static inline struct hostsim_vq *
hostsim_vnet_txq(struct hostsim_vnet *d, uint16_t pair)
{
	return &d->vq[2 * pair + 1];
}

static inline int
hostsim_vnet_has(const struct hostsim_vnet *d, unsigned int bit)
{
	return (d->features & HOSTSIM_VF(bit)) != 0;
}

/* Initialise @p d for @p bus and host memory @p mem (not touched yet). */
void hostsim_vnet_init(struct hostsim_vnet *d, const struct hostsim_vnet_bus *bus,
		       const struct hostsim_vnet_mem *mem);

/*
 * Find the virtio structures in the capabilities of @p f (pure: no access).
 * The first usable capability of each type wins; a capability that points
 * outside an assigned memory BAR, overflows, or is too short is ignored.
 * Returns 0, or -ENODEV when common, notify or ISR configuration is missing.
 */
int hostsim_vnet_caps_parse(const struct hostsim_fn *f, struct hostsim_vnet_caps *c);

/* Reset: status 0, then wait until it reads 0. 0, -ETIMEDOUT or a bus errno. */
int hostsim_vnet_reset(struct hostsim_vnet *d);

/*
 * ACKNOWLEDGE, DRIVER, read the offered features, accept @p want & offered &
 * supported (prerequisites enforced), FEATURES_OK and check it stayed.
 * Returns 0, -ENOTSUP (no VERSION_1), -EPROTO (FEATURES_OK refused), or a
 * bus errno. The device is left FAILED on error.
 */
int hostsim_vnet_negotiate(struct hostsim_vnet *d, uint64_t want);

/* Read the device configuration (generation-consistent). 0 or negative errno. */
int hostsim_vnet_read_config(struct hostsim_vnet *d);

/* Set up the queues of @p qc (and the control queue if negotiated), vectors. */
int hostsim_vnet_setup_queues(struct hostsim_vnet *d, const struct hostsim_vnet_qconf *qc);

/* DRIVER_OK. */
int hostsim_vnet_driver_ok(struct hostsim_vnet *d);

/* Read the device status into *st (and d->status). */
int hostsim_vnet_status(struct hostsim_vnet *d, uint8_t *st);

/* Set FAILED (best effort). */
void hostsim_vnet_fail(struct hostsim_vnet *d);

/* Read (and so clear) the ISR status. */
int hostsim_vnet_isr(struct hostsim_vnet *d, uint8_t *isr);

/* Notify the device about @p vq. 0 or negative errno (counted). */
int hostsim_vnet_notify(struct hostsim_vnet *d, struct hostsim_vq *vq);

/* Publish @p vq and notify if the device wants it. */
static inline void
hostsim_vnet_kick(struct hostsim_vnet *d, struct hostsim_vq *vq)
{
	hostsim_vq_publish(vq);
	if (hostsim_vq_kick_prepare(vq))
		hostsim_vnet_notify(d, vq);
}

/* Free the driver state (not host memory). */
void hostsim_vnet_fini(struct hostsim_vnet *d);

/*
 * Bring a device up again after a reset (one we made, an FLR, or the device's
 * DEVICE_NEEDS_RESET): status 0 and wait for it to read 0, drop the queues
 * and every piece of host memory handed out since the first queue set-up
 * (the caller's buffers included: it allocates them again afterwards),
 * negotiate @p want, read the configuration, set up @p qc's queues and set
 * DRIVER_OK. This is what the host does whenever a device must be
 * re-initialised. 0 or a negative errno (reason in d->err).
 */
int hostsim_vnet_reinit(struct hostsim_vnet *d, uint64_t want, const struct hostsim_vnet_qconf *qc);

/*
 * Reset one queue (VIRTIO_F_RING_RESET): queue_reset = 1, wait until it reads
 * 1, then set the queue up again in the same host memory (rings zeroed, the
 * same size and vector) and enable it. Chains it held are gone.
 * 0, -ENOTSUP (RING_RESET not negotiated), -ETIMEDOUT or a bus errno.
 */
int hostsim_vnet_queue_reset(struct hostsim_vnet *d, struct hostsim_vq *vq);

/*
 * Control queue (hostsim_vnet_ctrl.c). Each call sends one command and
 * waits for its ack (d->ctrl_timeout_ms). Returns 0 (VIRTIO_NET_OK), -EIO
 * (VIRTIO_NET_ERR), -ENOTSUP (feature not negotiated), -ETIMEDOUT, -EPROTO
 * (the control queue broke, or an ack of neither value).
 */
int hostsim_vnet_ctrl_cmd(struct hostsim_vnet *d, uint8_t cls, uint8_t cmd,
			  const struct hostsim_vq_seg *data, uint16_t nb_data);
int hostsim_vnet_ctrl_rx_mode(struct hostsim_vnet *d, uint8_t mode, int on);
int hostsim_vnet_ctrl_mac_table(struct hostsim_vnet *d, const uint8_t (*uc)[6], uint32_t nb_uc,
				const uint8_t (*mc)[6], uint32_t nb_mc);
int hostsim_vnet_ctrl_mac_set(struct hostsim_vnet *d, const uint8_t mac[6]);
int hostsim_vnet_ctrl_vlan(struct hostsim_vnet *d, uint16_t vid, int add);
int hostsim_vnet_ctrl_mq_pairs(struct hostsim_vnet *d, uint16_t pairs);
int hostsim_vnet_ctrl_announce_ack(struct hostsim_vnet *d);

/* Monotonic nanoseconds. */
uint64_t hostsim_vnet_now_ns(void);

#endif /* HOSTSIM_VNET_H */
