/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_VNET_TRAFFIC_H
#define HOSTSIM_VNET_TRAFFIC_H

/*
 * The traffic command: its configuration (hostsim_traffic.c parses it) and
 * the run over one virtio-net function (hostsim_vnet_traffic.c).
 */

#include <stdint.h>

#include "hostsim_enum.h"
#include "hostsim_vnet_io.h"
#include "hostsim_vnet_link.h"

#define HOSTSIM_TRAFFIC_VLANS_MAX 16

/* What the host sends (--proto). */
enum hostsim_traffic_proto {
	HOSTSIM_TRAFFIC_PROTO_TEST = 0,	/* numbered test frames, looped back */
	HOSTSIM_TRAFFIC_PROTO_ICMP,	/* ARP and ICMP echo requests, answered */
};

struct hostsim_traffic_conf {
	uint16_t pairs;
	uint16_t queue_size;
	uint64_t features;
	uint32_t size_min, size_max;	/* with FCS */
	uint64_t count;
	uint64_t duration_ms;		/* 0: --count */
	uint16_t burst;
	uint16_t tx_segs;
	uint32_t window;		/* 0: queue size */
	uint32_t rx_buf_len;		/* 0: automatic */
	uint32_t mtu;
	uint8_t mtu_set;
	uint32_t stats_ms;
	uint32_t drain_ms;
	uint8_t irq;
	uint8_t intx;
	uint8_t allow_loss;
	uint8_t promisc;
	uint8_t allmulti;
	uint16_t vlans[HOSTSIM_TRAFFIC_VLANS_MAX];
	uint8_t nb_vlans;
	uint8_t mac[6];
	uint8_t mac_set;
	int fn;
	uint32_t ctrl_timeout_ms;
	uint32_t restart_wait_ms;	/* --survive-device-restart; 0: a lost link ends the run */
	uint8_t proto;			/* enum hostsim_traffic_proto */
	uint8_t verify_hdr_only;	/* --verify header: payload neither written nor checked */
	/* Re-initialisation while traffic runs (every N frames sent; 0: never). */
	uint64_t reset_every;		/* device reset: status 0, then full re-init */
	uint64_t flr_every;		/* FLR, re-enumeration, full re-init */
	uint64_t qreset_every;		/* per-queue reset of one pair (RING_RESET) */
	uint8_t reinit_vary;		/* re-inits cycle queue sizes and split/packed */
	uint32_t reset_watch_ms;	/* after a reset: old rings watched this long */
	struct hostsim_enum *enm;	/* the enumeration (FLR re-enumerates); caller's */
};

void hostsim_traffic_conf_init(struct hostsim_traffic_conf *tc);

/* Bring up @p f, run the traffic, print the summary. Exit status (0 or 1). */
int hostsim_traffic_drive(struct hostsim_vnet_link *link, const struct hostsim_opts *o,
			  struct hostsim_fn *f, const struct hostsim_traffic_conf *tc);

#endif /* HOSTSIM_VNET_TRAFFIC_H */
