/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef VNET_FWD_H
#define VNET_FWD_H

/*
 * vnet_fwd: forwards frames between pairs of ethdev ports, at least one of
 * them a net_virtio_emu port (a virtio-net function emulated for a host).
 *
 * Files:
 *   vnet_fwd_main.c    arguments, start-up, the main lcore (signals, stats),
 *                      shutdown
 *   vnet_fwd_port.c    port set-up, the PMD's control service on a service
 *                      lcore, statistics, port tear-down
 *   vnet_fwd_worker.c  the streams and the worker lcores' burst loop
 */

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

/** Frames per burst, at most. */
#define VNET_FWD_MAX_BURST 64
/** Ports, at most (pairs of them). */
#define VNET_FWD_MAX_PORTS 8
/** Queue pairs per port, at most. */
#define VNET_FWD_MAX_PAIRS 16
/** Streams: two directions per queue pair of each pair of ports. */
#define VNET_FWD_MAX_STREAMS (VNET_FWD_MAX_PORTS * VNET_FWD_MAX_PAIRS)
/** Prefix of the rte_service names net_virtio_emu registers (one per tlpdev). */
#define VNET_FWD_SERVICE_PREFIX "net_virtio_emu_"

/** Command line, after the EAL arguments. */
struct vnet_fwd_conf {
	uint16_t pairs;			/**< queue pairs per port */
	uint16_t burst;			/**< frames per burst */
	uint16_t nb_desc;		/**< descriptors per queue */
	uint16_t mtu;			/**< MTU of every port, 0: the largest all take */
	uint32_t nb_mbufs;		/**< mbufs in the pool */
	unsigned int stats_period;	/**< seconds between stats lines, 0: at exit only */
	int service_lcore;		/**< worker lcore to turn into a service lcore, or -1 */
	bool mac_rewrite;		/**< rewrite Ethernet addresses */
	bool drop;			/**< drop what the destination refuses */
};

/**
 * One direction of one queue pair: frames received on (rx_port, queue) go
 * out of (tx_port, queue). Each stream belongs to exactly one worker lcore,
 * so every Rx and Tx queue is used by one lcore only and nothing is locked.
 */
struct vnet_fwd_stream {
	uint16_t rx_port;
	uint16_t tx_port;
	uint16_t queue;
	unsigned int lcore;
	struct rte_ether_addr dst_mac;	/* --mac-rewrite: the Tx port's address */
	struct rte_ether_addr src_mac;	/* --mac-rewrite: the Rx port's address */
	/* Frames received and not yet taken by the Tx port: pkts[pos..nb). */
	struct rte_mbuf *pkts[VNET_FWD_MAX_BURST];
	uint16_t nb;
	uint16_t pos;
	/* Written by the worker, read by the main lcore (relaxed atomics). */
	uint64_t dropped;		/* --drop: refused by the Tx port, freed */
} __rte_cache_aligned;

/** Everything the lcores share. */
struct vnet_fwd_ctx {
	struct vnet_fwd_conf conf;
	struct rte_mempool *mp;
	uint16_t mtu;				/* of every port */
	uint16_t nb_ports;
	uint16_t ports[VNET_FWD_MAX_PORTS];	/* ethdev port ids, in pairs */
	unsigned int nb_streams;
	struct vnet_fwd_stream streams[VNET_FWD_MAX_STREAMS];
	/* The service lcore running the PMD's control work, or RTE_MAX_LCORE. */
	unsigned int service_lcore;
	bool service_lcore_ours;	/* we started it (not EAL's -s/-S) */
};

/** Set by SIGINT/SIGTERM: every loop ends. */
extern volatile sig_atomic_t vnet_fwd_quit;

/* vnet_fwd_port.c */
int vnet_fwd_service_setup(struct vnet_fwd_ctx *ctx);
void vnet_fwd_service_teardown(struct vnet_fwd_ctx *ctx);
int vnet_fwd_ports_setup(struct vnet_fwd_ctx *ctx);
void vnet_fwd_ports_drain(struct vnet_fwd_ctx *ctx);
void vnet_fwd_ports_close(struct vnet_fwd_ctx *ctx);
void vnet_fwd_stats_print(const struct vnet_fwd_ctx *ctx, const char *when);

/* vnet_fwd_worker.c */
int vnet_fwd_streams_init(struct vnet_fwd_ctx *ctx);
int vnet_fwd_worker(void *arg);
void vnet_fwd_streams_flush(struct vnet_fwd_ctx *ctx);

#endif /* VNET_FWD_H */
