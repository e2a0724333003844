/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-net device configuration and the feature dependency rules checked
 * at FEATURES_OK.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "virtio_emu_net_private.h"

#define F(b) VIRTIO_EMU_F(b)

/* A feature and what it needs: all of @c all, and one of @c any (if set). */
struct vemu_net_dep {
	unsigned int bit;
	uint64_t all;
	uint64_t any;
	const char *name;
};

/* virtio 1.2 5.1.3.1 (feature bit requirements). */
static const struct vemu_net_dep vemu_net_deps[] = {
	{ VIRTIO_NET_F_GUEST_TSO4, F(VIRTIO_NET_F_GUEST_CSUM), 0, "GUEST_TSO4" },
	{ VIRTIO_NET_F_GUEST_TSO6, F(VIRTIO_NET_F_GUEST_CSUM), 0, "GUEST_TSO6" },
	{ VIRTIO_NET_F_GUEST_UFO, F(VIRTIO_NET_F_GUEST_CSUM), 0, "GUEST_UFO" },
	{ VIRTIO_NET_F_GUEST_ECN, 0, F(VIRTIO_NET_F_GUEST_TSO4) | F(VIRTIO_NET_F_GUEST_TSO6),
	  "GUEST_ECN" },
	{ VIRTIO_NET_F_GUEST_USO4, F(VIRTIO_NET_F_GUEST_CSUM), 0, "GUEST_USO4" },
	{ VIRTIO_NET_F_GUEST_USO6, F(VIRTIO_NET_F_GUEST_CSUM), 0, "GUEST_USO6" },
	{ VIRTIO_NET_F_HOST_TSO4, F(VIRTIO_NET_F_CSUM), 0, "HOST_TSO4" },
	{ VIRTIO_NET_F_HOST_TSO6, F(VIRTIO_NET_F_CSUM), 0, "HOST_TSO6" },
	{ VIRTIO_NET_F_HOST_UFO, F(VIRTIO_NET_F_CSUM), 0, "HOST_UFO" },
	{ VIRTIO_NET_F_HOST_USO, F(VIRTIO_NET_F_CSUM), 0, "HOST_USO" },
	{ VIRTIO_NET_F_HOST_ECN, 0, F(VIRTIO_NET_F_HOST_TSO4) | F(VIRTIO_NET_F_HOST_TSO6),
	  "HOST_ECN" },
	{ VIRTIO_NET_F_CTRL_RX, F(VIRTIO_NET_F_CTRL_VQ), 0, "CTRL_RX" },
	{ VIRTIO_NET_F_CTRL_RX_EXTRA, F(VIRTIO_NET_F_CTRL_RX), 0, "CTRL_RX_EXTRA" },
	{ VIRTIO_NET_F_CTRL_VLAN, F(VIRTIO_NET_F_CTRL_VQ), 0, "CTRL_VLAN" },
	{ VIRTIO_NET_F_GUEST_ANNOUNCE, F(VIRTIO_NET_F_CTRL_VQ), 0, "GUEST_ANNOUNCE" },
	{ VIRTIO_NET_F_MQ, F(VIRTIO_NET_F_CTRL_VQ), 0, "MQ" },
	{ VIRTIO_NET_F_CTRL_MAC_ADDR, F(VIRTIO_NET_F_CTRL_VQ), 0, "CTRL_MAC_ADDR" },
	{ VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, F(VIRTIO_NET_F_CTRL_VQ), 0, "CTRL_GUEST_OFFLOADS" },
	{ VIRTIO_NET_F_RSS, F(VIRTIO_NET_F_CTRL_VQ), 0, "RSS" },
	{ VIRTIO_NET_F_HASH_REPORT, F(VIRTIO_NET_F_CTRL_VQ), 0, "HASH_REPORT" },
	{ VIRTIO_NET_F_NOTF_COAL, F(VIRTIO_NET_F_CTRL_VQ), 0, "NOTF_COAL" },
};

int
vemu_net_features_check(void *ctx, uint64_t f)
{
	struct virtio_emu_net *net = ctx;
	const struct vemu_net_dep *d;
	unsigned int i;

	for (i = 0; i < RTE_DIM(vemu_net_deps); i++) {
		d = &vemu_net_deps[i];
		if ((f & F(d->bit)) == 0)
			continue;
		if ((f & d->all) != d->all || (d->any != 0 && (f & d->any) == 0)) {
			VEMU_NET_LOG(INFO, "features refused: %s without its dependencies",
				     d->name);
			net->stats.features_refused++;
			return -EINVAL;
		}
	}
	return 0;
}

/* The configuration structure as the driver sees it now. */
static void
vemu_net_cfg_image(const struct virtio_emu_net *net, struct virtio_net_config *c)
{
	uint64_t o = net->offered;
	uint16_t status = 0;

	memset(c, 0, sizeof(*c));
	memcpy(c->mac, net->mac, sizeof(c->mac));
	if (o & F(VIRTIO_NET_F_STATUS)) {
		if (net->link_up)
			status |= VIRTIO_NET_S_LINK_UP;
		if (net->announce)
			status |= VIRTIO_NET_S_ANNOUNCE;
	}
	c->status = rte_cpu_to_le_16(status);
	if (o & F(VIRTIO_NET_F_MQ))
		c->max_virtqueue_pairs = rte_cpu_to_le_16(net->p.max_queue_pairs);
	if (o & F(VIRTIO_NET_F_MTU))
		c->mtu = rte_cpu_to_le_16(net->p.mtu);
	if (o & F(VIRTIO_NET_F_SPEED_DUPLEX)) {
		c->speed = rte_cpu_to_le_32(net->p.speed);
		c->duplex = net->p.duplex_unknown ? VIRTIO_NET_DUPLEX_UNKNOWN : net->p.duplex;
	}
}

int
vemu_net_cfg_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
	struct virtio_emu_net *net = ctx;
	struct virtio_net_config c;

	if (off >= sizeof(c) || len > sizeof(c) - off)
		return -EINVAL;
	vemu_net_cfg_image(net, &c);
	memcpy(buf, (uint8_t *)&c + off, len);
	return 0;
}

/* Every field of a modern virtio-net configuration is read-only to the driver. */
int
vemu_net_cfg_write(void *ctx, uint32_t off, const void *buf __rte_unused, uint32_t len)
{
	struct virtio_emu_net *net = ctx;

	VEMU_NET_LOG(DEBUG, "ignored write of %u bytes at config offset %u", len, off);
	RTE_SET_USED(net);
	return 0;
}

void
vemu_net_state_reset(struct virtio_emu_net *net)
{
	struct virtio_emu_net_state *st = &net->st;

	memset(st, 0, sizeof(*st));
	/* Without rx filtering commands the device receives everything. */
	st->promisc = true;
	st->active_pairs = 1;
	memcpy(st->mac, net->mac, sizeof(st->mac));
	net->announce = false;
}
