/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VEMU_ETH_H
#define VEMU_ETH_H

/*
 * net_virtio_emu private definitions.
 *
 * Threads: the control work of all ports on one tlpdev (pcifn_service(),
 * virtio_emu_net_service(), their events) runs in one rte_service per
 * tlpdev (struct vemu_eth_link); the ethdev control ops of the ports on that
 * tlpdev take the link's lock, which the service only try-locks. The data
 * path never takes it: it synchronises with the control work through the
 * quiesce handshake of lib/virtio_emu (virtio_emu_qsync_poll()).
 *
 * Ownership of an engine queue (struct virtio_emu_net_q, built on the
 * library's virtqueue): created by the control work once the port is
 * started, the host driver has DRIVER_OK and enabled the virtqueue; freed
 * by the control work either in dev_stop (no lcore polls the queue any
 * more) or in the library's VIRTIO_EMU_NET_EV_QUEUE_RELEASE event, which the
 * library raises only once the data path answered the handshake and always
 * before it frees the virtqueue. So the data path never sees a freed engine
 * queue, and an engine queue never outlives its virtqueue.
 */

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_log.h>
#include <rte_spinlock.h>

#include <pcifn.h>
#include <virtio_emu.h>
#include <virtio_emu_net.h>
#include <virtio_emu_net_rxtx.h>

extern int vemu_eth_logtype_init;
extern int vemu_eth_logtype_data;

#define VEMU_ETH_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vemu_eth_logtype_init, "net_virtio_emu: " fmt "\n", \
		## __VA_ARGS__)

/** Ports (functions) per tlpdev. */
#define VEMU_ETH_MAX_FNS 8
/** Requests served per service iteration. */
#define VEMU_ETH_SVC_BUDGET 64
/*
 * Without a service lcore, rx_burst of queue 0 runs the control work before
 * every burst while the queue is idle, and before one burst in this many
 * (a power of 2) while frames flow: a register access still gets its answer
 * within microseconds, and the forwarding loop keeps its cycles.
 */
#define VEMU_ETH_SVC_EVERY 16u

struct vemu_eth_port;

/** One data queue: ethdev Rx queue = host transmitq, Tx queue = host receiveq. */
struct vemu_eth_queue {
	/* Data path, read every burst. */
	struct virtio_emu_net_q *nq;	/* set by control (release), NULL when absent */
	struct virtio_emu_qsync *sync;
	uint32_t seen;			/* last request generation seen */
	uint32_t lcore;			/* lcore that last polled it */
	struct vemu_eth_port *port;
	struct vemu_eth_queue *peer;	/* Rx queue: the Tx queue of the pair */
	bool service_poll;		/* Rx queue 0 without service core: run control */
	uint16_t service_tick;		/* bursts since the control work last ran */
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;		/* Tx: refused before reaching the host */
	uint64_t drop_full;		/* Tx: dropped for want of host buffers (tx_drop_full) */
	/* Control. */
	struct rte_mempool *mp;		/* Rx queue: mbufs for the host's frames */
	uint16_t index;			/* virtio queue index */
	uint16_t qid;			/* ethdev queue id */
	bool enabled;			/* the host driver enabled the virtqueue */
	bool drop_on_full;		/* Tx: devarg tx_drop_full */
	struct virtio_emu_net_q_stats base; /* counters of freed nq objects */
} __rte_cache_aligned;

/** Interrupt argument of one virtqueue. */
struct vemu_eth_irq {
	struct vemu_eth_port *port;
	uint16_t index;
	uint16_t qid;			/* tlpdev queue for the message */
};

/** The devargs. */
struct vemu_eth_args {
	char tlpdev[RTE_DEV_NAME_MAX_LEN];
	struct virtio_emu_net_params params;
	bool mac_given;
	bool port_mac_given;
	struct rte_ether_addr port_mac;	/* devarg port_mac: the ethdev's own address */
	char state_path[256];		/* devarg state: persisted function state, "" none */
	char sim_path[108];		/* devarg sim: own tlp_sim link on this socket */
	bool sim_dma_tlp;		/* devarg sim_dma=tlp */
	bool tx_drop_full;		/* drop what the host has no room for */
};

/** Control work of the ports sharing one tlpdev. */
struct vemu_eth_link {
	uint16_t dev_id;		/* tlpdev */
	unsigned int refcnt;		/* ports */
	struct pcifn_group *grp;
	uint32_t service_id;
	bool service_ok;		/* registered */
	bool owns_tlpdev;		/* created by a port's devarg sim=: removed with the link */
	rte_spinlock_t lock;		/* control ops vs. the service */
	struct vemu_eth_port *ports[VEMU_ETH_MAX_FNS]; /* by function number */
};

/** One port: one virtio-net function. */
struct vemu_eth_port {
	struct rte_eth_dev *dev;
	struct vemu_eth_link *link;
	struct virtio_emu_net *net;
	struct vemu_eth_args args;
	uint8_t fn_num;
	uint16_t pairs;
	bool started;
	bool link_up;
	struct vemu_eth_queue rxq[VIRTIO_EMU_NET_MAX_PAIRS];
	struct vemu_eth_queue txq[VIRTIO_EMU_NET_MAX_PAIRS];
	struct vemu_eth_irq irq[2 * VIRTIO_EMU_NET_MAX_PAIRS];
	struct rte_ether_addr mac;
	uint64_t state_gen;		/* state generation last saved (devarg state) */
	uint64_t state_save_errors;
	bool state_irq_owed;		/* restored NEEDS_RESET: config interrupt to send */
};

/* vemu_eth_ctrl.c */
int vemu_eth_link_attach(struct vemu_eth_port *port, uint16_t dev_id);
void vemu_eth_link_detach(struct vemu_eth_port *port);
void vemu_eth_event(struct virtio_emu_net *net, enum virtio_emu_net_event ev, uint32_t arg,
		    void *cb_arg);
int32_t vemu_eth_service(void *arg);
bool vemu_eth_service_core_runs(struct vemu_eth_link *link);
bool vemu_eth_service_core_map(struct vemu_eth_link *link);
void vemu_eth_queue_start(struct vemu_eth_port *port, struct vemu_eth_queue *q);
void vemu_eth_queue_free(struct vemu_eth_queue *q);
struct vemu_eth_queue *vemu_eth_queue_of(struct vemu_eth_port *port, uint16_t index);
void vemu_eth_link_update_state(struct vemu_eth_port *port);
void vemu_eth_q_drops(struct vemu_eth_queue *q, struct virtio_emu_net_q_stats *s);

/* vemu_eth_state.c */
void vemu_eth_state_load(struct vemu_eth_port *port);
void vemu_eth_state_poll(struct vemu_eth_port *port);
void vemu_eth_state_close(struct vemu_eth_port *port);

/* vemu_eth_ethdev.c */
bool vemu_eth_is_ours(const struct rte_eth_dev *dev);

/* vemu_eth_rxtx.c */
uint16_t vemu_eth_rx_burst(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vemu_eth_tx_burst(void *txq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vemu_eth_tx_burst_drop(void *txq, struct rte_mbuf **pkts, uint16_t n);
uint16_t vemu_eth_burst_none(void *q, struct rte_mbuf **pkts, uint16_t n);

#endif /* VEMU_ETH_H */
