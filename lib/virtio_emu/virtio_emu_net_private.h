/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VIRTIO_EMU_NET_PRIVATE_H
#define VIRTIO_EMU_NET_PRIVATE_H

/* Internal to lib/virtio_emu's net device model; never installed. */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_log.h>

#include "virtio_emu_net.h"
#include "virtio_emu_vq.h"

extern int vemu_net_logtype;
#define VEMU_NET_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vemu_net_logtype, "virtio_emu.net: " fmt "\n", ##__VA_ARGS__)

/* Largest readable part of a control command (header + two full MAC tables + slack). */
#define VEMU_NET_CTRL_IN_MAX	1024u
/* Most segments of one control chain. */
#define VEMU_NET_CTRL_MAX_SEGS	64u

/* One buffer of a control chain, as the ring engine found it. */
struct vemu_net_seg {
	uint64_t addr;
	uint32_t len;
	uint8_t write;		/* device-writable */
};

/* Host memory access (same shape as the engine's caller-supplied path). */
#define vemu_net_mem_ops virtio_emu_vq_mem_ops

/* Per-queue state of the model. */
struct vemu_net_queue {
	struct virtio_emu_qsync sync;
	struct virtio_emu_vq *vq;	/* engine queue while enabled */
	uint8_t stop_pending;	/* stopping: waiting for the data path's echo */
	uint8_t enabled;
};

struct virtio_emu_net {
	struct virtio_emu_net_params p;
	struct virtio_emu_pci *pci;
	virtio_emu_net_event_cb cb;
	void *cb_arg;
	uint16_t nb_queues;	/* 2 * pairs (+ 1 control queue) */
	uint16_t ctrl_index;	/* UINT16_MAX: no control queue */
	uint64_t offered;

	/* Device configuration state. */
	uint8_t mac[VIRTIO_NET_MAC_LEN];
	bool link_up;
	bool announce;		/* VIRTIO_NET_S_ANNOUNCE pending */

	/* Filter state (reset with the device). */
	struct virtio_emu_net_state st;

	/* Host memory: mem for direct chain handling, mem_custom (tests) for the engine. */
	const struct vemu_net_mem_ops *mem;
	const struct vemu_net_mem_ops *mem_custom;
	void *mem_ctx;
	uint16_t *dp_dma_qid;	/* tlpdev queue of each data vq's DMA */

	/* Control queue. */
	struct virtio_emu_vq *ctrl_vq;	/* NULL while disabled */
	uint8_t ctrl_in[VEMU_NET_CTRL_IN_MAX];

	struct virtio_emu_net_stats stats;
	struct vemu_net_queue *queues;
};

/* virtio_emu_net_cfg.c */
int vemu_net_cfg_read(void *ctx, uint32_t off, void *buf, uint32_t len);
int vemu_net_cfg_write(void *ctx, uint32_t off, const void *buf, uint32_t len);
int vemu_net_features_check(void *ctx, uint64_t features);
void vemu_net_state_reset(struct virtio_emu_net *net);

/* virtio_emu_net_ctrl.c */
/*
 * Execute the control command carried by one chain and write its ack.
 * Returns the used length to report (1 when an ack was written, else 0).
 */
uint32_t vemu_net_ctrl_chain(struct virtio_emu_net *net, const struct vemu_net_seg *segs,
			     unsigned int nb_segs);
/* Execute a command from its readable bytes; returns VIRTIO_NET_OK or _ERR. */
uint8_t vemu_net_ctrl_exec(struct virtio_emu_net *net, const uint8_t *in, uint32_t len);
int vemu_net_ctrl_enable(struct virtio_emu_net *net, const struct virtio_emu_queue_cfg *cfg);
void vemu_net_ctrl_disable(struct virtio_emu_net *net);
/* Serve the control queue; returns the chains handled. */
unsigned int vemu_net_ctrl_poll(struct virtio_emu_net *net);
/* Create the engine queue for a queue the driver enabled (NULL + rte_errno). */
struct virtio_emu_vq *vemu_net_vq_create(struct virtio_emu_net *net,
					 const struct virtio_emu_queue_cfg *cfg);
/* Replace host memory access (tests, fuzzers): chains and engine queues. */
void vemu_net_set_mem_ops(struct virtio_emu_net *net, const struct vemu_net_mem_ops *ops,
			  void *ctx);

/* virtio_emu_net_dev.c */
void vemu_net_event(struct virtio_emu_net *net, enum virtio_emu_net_event ev, uint32_t arg);

#endif /* VIRTIO_EMU_NET_PRIVATE_H */
