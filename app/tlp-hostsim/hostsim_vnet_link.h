/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_VNET_LINK_H
#define HOSTSIM_VNET_LINK_H

/*
 * The host virtio-net driver on the software link: a host with interrupt
 * callbacks (MSI-X vectors and INTx are recorded as pending, for the driver
 * to pick up), and the driver's bus over it. Configuration accesses and
 * synchronous MMIO use link queue 0; the notifications of queue pair p go
 * on link queue p % queues, so that a device side serving several link
 * queues sees each pair on one of them.
 */

#include "hostsim.h"
#include "hostsim_vnet.h"

#define HOSTSIM_VNET_VECTORS 2049

struct hostsim_vnet_link {
	struct tlpsim_host *host;
	uint16_t nb_lq;
	uint64_t msi;			/* interrupts of our vectors */
	uint64_t msi_other;		/* writes to the MSI window with other data */
	uint64_t intx;			/* INTx asserts */
	uint8_t intx_level;
	uint8_t pending[HOSTSIM_VNET_VECTORS];
	uint8_t any_pending;
	uint64_t write_retries;
};

/* Create the host with the link's callbacks and connect. 0 or -1 (printed). */
int hostsim_vnet_link_open(const struct hostsim_opts *o, struct hostsim_vnet_link *l);
void hostsim_vnet_link_close(struct hostsim_vnet_link *l);

/* The driver's bus over @p l. */
void hostsim_vnet_link_bus(struct hostsim_vnet_link *l, struct hostsim_vnet_bus *b);

/* Service every link queue once. */
void hostsim_vnet_link_service(void *ctx);

#endif /* HOSTSIM_VNET_LINK_H */
