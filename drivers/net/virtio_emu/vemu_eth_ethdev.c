/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * net_virtio_emu: the vdev, its devargs and the ethdev control ops.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_errno.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_service.h>

#include <tlpdev.h>

#include "vemu_eth.h"

RTE_LOG_REGISTER(vemu_eth_logtype_init, pmd.net.virtio_emu.init, NOTICE);
RTE_LOG_REGISTER(vemu_eth_logtype_data, pmd.net.virtio_emu.data, NOTICE);

#define VEMU_ETH_ARG_TLPDEV	"tlpdev"
#define VEMU_ETH_ARG_MAC	"mac"
#define VEMU_ETH_ARG_PORT_MAC	"port_mac"
#define VEMU_ETH_ARG_STATE	"state"
#define VEMU_ETH_ARG_SIM	"sim"
#define VEMU_ETH_ARG_SIM_DMA	"sim_dma"
#define VEMU_ETH_ARG_QUEUES	"queues"
#define VEMU_ETH_ARG_QSIZE	"queue_size"
#define VEMU_ETH_ARG_MTU	"mtu"
#define VEMU_ETH_ARG_PACKED	"packed"
#define VEMU_ETH_ARG_FEATURES	"features"
#define VEMU_ETH_ARG_TX_DROP	"tx_drop_full"

static const char * const vemu_eth_valid_args[] = {
	VEMU_ETH_ARG_TLPDEV, VEMU_ETH_ARG_MAC, VEMU_ETH_ARG_QUEUES, VEMU_ETH_ARG_QSIZE,
	VEMU_ETH_ARG_MTU, VEMU_ETH_ARG_PACKED, VEMU_ETH_ARG_FEATURES, VEMU_ETH_ARG_TX_DROP,
	VEMU_ETH_ARG_PORT_MAC, VEMU_ETH_ARG_STATE, VEMU_ETH_ARG_SIM, VEMU_ETH_ARG_SIM_DMA, NULL,
};

/* ---- devargs ---- */

static int
vemu_eth_arg_u32(const char *key, const char *val, uint32_t lo, uint32_t hi, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(val, &end, 0);
	if (errno != 0 || end == val || *end != '\0' || val[0] == '-' || v < lo || v > hi) {
		VEMU_ETH_LOG(ERR, "devarg %s=%s: want a number in %u..%u", key, val, lo, hi);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
vemu_eth_arg(const char *key, const char *val, void *opaque)
{
	struct vemu_eth_args *a = opaque;
	struct rte_ether_addr mac;
	unsigned long long f;
	char *end;
	uint32_t v;
	int ret = 0;

	if (val == NULL || val[0] == '\0') {
		VEMU_ETH_LOG(ERR, "devarg %s needs a value", key);
		return -EINVAL;
	}
	if (strcmp(key, VEMU_ETH_ARG_TLPDEV) == 0) {
		if (strlen(val) >= sizeof(a->tlpdev)) {
			VEMU_ETH_LOG(ERR, "devarg tlpdev=%s: name too long", val);
			return -EINVAL;
		}
		strcpy(a->tlpdev, val);
	} else if (strcmp(key, VEMU_ETH_ARG_MAC) == 0 || strcmp(key, VEMU_ETH_ARG_PORT_MAC) == 0) {
		if (rte_ether_unformat_addr(val, &mac) != 0 || !rte_is_unicast_ether_addr(&mac) ||
		    rte_is_zero_ether_addr(&mac)) {
			VEMU_ETH_LOG(ERR, "devarg %s=%s: want a unicast address xx:xx:xx:xx:xx:xx",
				     key, val);
			return -EINVAL;
		}
		if (strcmp(key, VEMU_ETH_ARG_MAC) == 0) {
			memcpy(a->params.mac, mac.addr_bytes, RTE_ETHER_ADDR_LEN);
			a->mac_given = true;
		} else {
			a->port_mac = mac;
			a->port_mac_given = true;
		}
	} else if (strcmp(key, VEMU_ETH_ARG_SIM) == 0) {
		if (strlen(val) >= sizeof(a->sim_path) || strchr(val, ',') != NULL) {
			VEMU_ETH_LOG(ERR, "devarg sim=%s: path too long or with a comma", val);
			return -EINVAL;
		}
		strcpy(a->sim_path, val);
	} else if (strcmp(key, VEMU_ETH_ARG_SIM_DMA) == 0) {
		if (strcmp(val, "map") != 0 && strcmp(val, "tlp") != 0) {
			VEMU_ETH_LOG(ERR, "devarg sim_dma=%s: want map or tlp", val);
			return -EINVAL;
		}
		a->sim_dma_tlp = val[0] == 't';
	} else if (strcmp(key, VEMU_ETH_ARG_STATE) == 0) {
		if (strlen(val) >= sizeof(a->state_path)) {
			VEMU_ETH_LOG(ERR, "devarg state=%s: path too long", val);
			return -EINVAL;
		}
		strcpy(a->state_path, val);
	} else if (strcmp(key, VEMU_ETH_ARG_QUEUES) == 0) {
		ret = vemu_eth_arg_u32(key, val, 1, VIRTIO_EMU_NET_MAX_PAIRS, &v);
		a->params.max_queue_pairs = (uint16_t)v;
	} else if (strcmp(key, VEMU_ETH_ARG_QSIZE) == 0) {
		ret = vemu_eth_arg_u32(key, val, 2, 32768, &v);
		if (ret == 0 && !rte_is_power_of_2(v)) {
			VEMU_ETH_LOG(ERR, "devarg queue_size=%s: not a power of two", val);
			ret = -EINVAL;
		}
		a->params.queue_size_max = (uint16_t)v;
	} else if (strcmp(key, VEMU_ETH_ARG_MTU) == 0) {
		ret = vemu_eth_arg_u32(key, val, RTE_ETHER_MIN_MTU, UINT16_MAX, &v);
		a->params.mtu = (uint16_t)v;
	} else if (strcmp(key, VEMU_ETH_ARG_PACKED) == 0) {
		ret = vemu_eth_arg_u32(key, val, 0, 1, &v);
		if (ret == 0 && v == 0)
			a->params.features &= ~VIRTIO_EMU_F(VIRTIO_F_RING_PACKED);
	} else if (strcmp(key, VEMU_ETH_ARG_TX_DROP) == 0) {
		ret = vemu_eth_arg_u32(key, val, 0, 1, &v);
		a->tx_drop_full = v == 1;
	} else if (strcmp(key, VEMU_ETH_ARG_FEATURES) == 0) {
		errno = 0;
		f = strtoull(val, &end, 16);
		if (errno != 0 || end == val || *end != '\0' || f == 0 ||
		    (f & ~VIRTIO_EMU_NET_FEATURES_SUPPORTED) != 0) {
			VEMU_ETH_LOG(ERR, "devarg features=%s: want a non-zero hex mask within 0x%"
				     PRIx64, val, (uint64_t)VIRTIO_EMU_NET_FEATURES_SUPPORTED);
			return -EINVAL;
		}
		/* packed=0 applies on top, whatever the order of the devargs. */
		a->params.features &= f;
	}
	return ret;
}

static bool
vemu_eth_arg_known(const char *key)
{
	unsigned int i;

	for (i = 0; vemu_eth_valid_args[i] != NULL; i++)
		if (strcmp(key, vemu_eth_valid_args[i]) == 0)
			return true;
	return false;
}

static int
vemu_eth_parse(struct rte_vdev_device *vdev, struct vemu_eth_args *a)
{
	const char *name = rte_vdev_device_name(vdev);
	const char *params = rte_vdev_device_args(vdev);
	struct rte_kvargs *kv;
	unsigned int i;
	int ret = 0;

	memset(a, 0, sizeof(*a));
	a->params.features = VIRTIO_EMU_NET_FEATURES_DEFAULT;
	a->params.max_queue_pairs = 1;
	a->params.mtu = RTE_ETHER_MTU;
	/* The host function's default address: 02:00:00:00:00:01. */
	a->params.mac[0] = 0x02;
	a->params.mac[5] = 0x01;
	a->params.speed = RTE_ETH_SPEED_NUM_100G;
	a->params.duplex = 1;
	/* The host sees the link up from dev_start to dev_stop. */
	a->params.link_down = true;
	kv = params != NULL ? rte_kvargs_parse(params, NULL) : NULL;
	if (params != NULL && params[0] != '\0' && kv == NULL) {
		VEMU_ETH_LOG(ERR, "%s: cannot parse devargs '%s'", name, params);
		return -EINVAL;
	}
	for (i = 0; kv != NULL && i < kv->count; i++) {
		if (!vemu_eth_arg_known(kv->pairs[i].key)) {
			VEMU_ETH_LOG(ERR, "%s: unknown devarg '%s' (valid: tlpdev, mac, port_mac, "
				     "queues, queue_size, mtu, packed, features, tx_drop_full, "
				     "state, sim, sim_dma)",
				     name, kv->pairs[i].key);
			ret = -EINVAL;
		} else if (rte_kvargs_count(kv, kv->pairs[i].key) > 1) {
			VEMU_ETH_LOG(ERR, "%s: devarg '%s' given twice", name, kv->pairs[i].key);
			ret = -EINVAL;
		}
	}
	/* features first, so that packed=0 is applied to the mask. */
	if (ret == 0 && kv != NULL)
		ret = rte_kvargs_process(kv, VEMU_ETH_ARG_FEATURES, vemu_eth_arg, a);
	for (i = 0; ret == 0 && kv != NULL && i < kv->count; i++)
		if (strcmp(kv->pairs[i].key, VEMU_ETH_ARG_FEATURES) != 0)
			ret = vemu_eth_arg(kv->pairs[i].key, kv->pairs[i].value, a);
	rte_kvargs_free(kv);
	if (ret != 0)
		return -EINVAL;
	if (a->tlpdev[0] == '\0' && a->sim_path[0] != '\0')
		snprintf(a->tlpdev, sizeof(a->tlpdev), "tlp_sim_%s", name);
	if (a->tlpdev[0] == '\0') {
		VEMU_ETH_LOG(ERR, "%s: devarg tlpdev=<name> (or sim=<socket path>) is required",
			     name);
		return -EINVAL;
	}
	if (a->sim_dma_tlp && a->sim_path[0] == '\0') {
		VEMU_ETH_LOG(ERR, "%s: devarg sim_dma without sim=<socket path>", name);
		return -EINVAL;
	}
	return 0;
}

/*
 * devarg sim=<path>: the port creates its own software link, a tlp_sim vdev
 * named after devarg tlpdev (default tlp_sim_<port>), listening on <path>
 * with one link queue per queue pair plus one for the control work.
 */
static int
vemu_eth_sim_create(const char *name, const struct vemu_eth_args *a)
{
	char devargs[sizeof(a->sim_path) + 64];
	int ret;

	if (tlpdev_get_by_name(a->tlpdev) >= 0) {
		VEMU_ETH_LOG(ERR, "%s: sim=%s: tlpdev %s exists already (drop sim= to use it)",
			     name, a->sim_path, a->tlpdev);
		return -EEXIST;
	}
	snprintf(devargs, sizeof(devargs), "path=%s,queues=%u%s", a->sim_path,
		 a->params.max_queue_pairs + 1u, a->sim_dma_tlp ? ",dma=tlp" : "");
	ret = rte_vdev_init(a->tlpdev, devargs);
	if (ret != 0)
		VEMU_ETH_LOG(ERR, "%s: sim=%s: cannot create %s: %s", name, a->sim_path,
			     a->tlpdev, strerror(-ret));
	return ret;
}

/* ---- ethdev ops ---- */

static int
vemu_eth_configure(struct rte_eth_dev *dev)
{
	struct vemu_eth_port *port = dev->data->dev_private;

	if (dev->data->nb_rx_queues != dev->data->nb_tx_queues ||
	    dev->data->nb_rx_queues > port->pairs) {
		VEMU_ETH_LOG(ERR, "%s: want as many Rx as Tx queues, at most %u (queues=)",
			     dev->data->name, port->pairs);
		return -EINVAL;
	}
	return 0;
}

/*
 * Offloads, as lib/virtio_emu maps the virtio-net header: the features the
 * host driver accepted once it did (FEATURES_OK), the offered ones before.
 * Rx (frames the host sends): NEEDS_CSUM (CSUM) gives
 * RTE_MBUF_F_RX_L4_CKSUM_NONE with l2_len/l3_len; GSO (HOST_TSO4/6) gives
 * RTE_MBUF_F_RX_LRO with tso_segsz. Tx (frames to the host): TCP/UDP
 * checksum requests become NEEDS_CSUM only with GUEST_CSUM, TSO becomes GSO
 * only with GUEST_TSO4/6 (and GUEST_CSUM).
 */
static void
vemu_eth_offloads(struct vemu_eth_port *port, uint64_t *rx, uint64_t *tx)
{
	struct virtio_emu_net_state st;
	uint64_t f = port->args.params.features;

	if (virtio_emu_net_state_get(port->net, &st) == 0 && st.features != 0)
		f = st.features;
	*rx = RTE_ETH_RX_OFFLOAD_SCATTER;
	*tx = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (f & VIRTIO_EMU_F(VIRTIO_NET_F_CSUM))
		*rx |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	if (f & (VIRTIO_EMU_F(VIRTIO_NET_F_HOST_TSO4) | VIRTIO_EMU_F(VIRTIO_NET_F_HOST_TSO6)))
		*rx |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
	if (f & VIRTIO_EMU_F(VIRTIO_NET_F_GUEST_CSUM)) {
		*tx |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		if (f & (VIRTIO_EMU_F(VIRTIO_NET_F_GUEST_TSO4) |
			 VIRTIO_EMU_F(VIRTIO_NET_F_GUEST_TSO6)))
			*tx |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	}
}

/* What primary and secondary processes report alike (from the shared dev_private). */
static void
vemu_eth_infos_base(const struct vemu_eth_port *port, struct rte_eth_dev_info *info)
{
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = (uint32_t)port->args.params.mtu + RTE_ETHER_HDR_LEN +
		RTE_ETHER_CRC_LEN;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = port->args.params.mtu;
	info->max_rx_queues = port->pairs;
	info->max_tx_queues = port->pairs;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
}

static int
vemu_eth_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct vemu_eth_port *port = dev->data->dev_private;

	vemu_eth_infos_base(port, info);
	info->min_rx_bufsize = 0;
	vemu_eth_offloads(port, &info->rx_offload_capa, &info->tx_offload_capa);
	info->rx_desc_lim.nb_max = UINT16_MAX;
	info->tx_desc_lim.nb_max = UINT16_MAX;
	info->default_rxportconf.ring_size = 256;
	info->default_txportconf.ring_size = 256;
	return 0;
}

static int
vemu_eth_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc __rte_unused,
			unsigned int socket __rte_unused,
			const struct rte_eth_rxconf *conf __rte_unused, struct rte_mempool *mp)
{
	struct vemu_eth_port *port = dev->data->dev_private;

	rte_spinlock_lock(&port->link->lock);
	port->rxq[qid].mp = mp;
	rte_spinlock_unlock(&port->link->lock);
	dev->data->rx_queues[qid] = &port->rxq[qid];
	return 0;
}

static int
vemu_eth_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc __rte_unused,
			unsigned int socket __rte_unused,
			const struct rte_eth_txconf *conf __rte_unused)
{
	struct vemu_eth_port *port = dev->data->dev_private;

	port->txq[qid].drop_on_full = port->args.tx_drop_full;
	dev->data->tx_queues[qid] = &port->txq[qid];
	return 0;
}

static void
vemu_eth_queue_release(struct rte_eth_dev *dev __rte_unused, uint16_t qid __rte_unused)
{
	/* Queues live in the port; engine queues go with the host's virtqueues. */
}

static int
vemu_eth_start(struct rte_eth_dev *dev)
{
	struct vemu_eth_port *port = dev->data->dev_private;
	struct vemu_eth_link *link = port->link;
	bool fallback;
	uint16_t i;

	rte_spinlock_lock(&link->lock);
	fallback = !vemu_eth_service_core_map(link);
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		virtio_emu_net_queue_attach(port->net, port->rxq[i].index, true);
		virtio_emu_net_queue_attach(port->net, port->txq[i].index, true);
		port->rxq[i].service_poll = fallback && i == 0;
		port->rxq[i].lcore = LCORE_ID_ANY;
		port->txq[i].lcore = LCORE_ID_ANY;
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	}
	port->started = true;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		vemu_eth_queue_start(port, &port->rxq[i]);
		vemu_eth_queue_start(port, &port->txq[i]);
	}
	/* The host sees LINK_UP (configuration change interrupt). */
	virtio_emu_net_link_set(port->net, true);
	vemu_eth_link_update_state(port);
	rte_spinlock_unlock(&link->lock);
	if (fallback)
		VEMU_ETH_LOG(INFO, "%s: no service lcore runs service %s: Rx queue 0 does the "
			     "control work", dev->data->name,
			     rte_service_get_name(link->service_id));
	dev->data->dev_started = 1;
	return 0;
}

static int
vemu_eth_stop(struct rte_eth_dev *dev)
{
	struct vemu_eth_port *port = dev->data->dev_private;
	uint16_t i;

	if (port->link == NULL)
		return 0;
	rte_spinlock_lock(&port->link->lock);
	port->started = false;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		port->rxq[i].service_poll = false;
		/* The lcores stopped polling before dev_stop: the queues are quiet. */
		virtio_emu_net_queue_attach(port->net, port->rxq[i].index, false);
		virtio_emu_net_queue_attach(port->net, port->txq[i].index, false);
		/* The virtqueues stay (the host may keep them enabled): restart takes them. */
		vemu_eth_queue_free(&port->rxq[i]);
		vemu_eth_queue_free(&port->txq[i]);
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	}
	/* The host sees the link down (configuration change interrupt). */
	virtio_emu_net_link_set(port->net, false);
	vemu_eth_link_update_state(port);
	rte_spinlock_unlock(&port->link->lock);
	dev->data->dev_started = 0;
	return 0;
}

static int
vemu_eth_close(struct rte_eth_dev *dev)
{
	struct vemu_eth_port *port = dev->data->dev_private;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	vemu_eth_stop(dev);
	vemu_eth_link_detach(port);
	vemu_eth_state_close(port);
	virtio_emu_net_free(port->net);
	port->net = NULL;
	dev->data->mac_addrs = NULL;	/* in dev_private */
	return 0;
}

static int
vemu_eth_link_update(struct rte_eth_dev *dev __rte_unused, int wait __rte_unused)
{
	/* Kept current by the service (vemu_eth_link_update_state()). */
	return 0;
}

void
vemu_eth_q_drops(struct vemu_eth_queue *q, struct virtio_emu_net_q_stats *s)
{
	unsigned int i;

	*s = q->base;
	if (q->nq != NULL) {
		struct virtio_emu_net_q_stats live;

		if (virtio_emu_net_q_stats_get(q->nq, &live) == 0) {
			s->dropped += live.dropped;
			for (i = 0; i < VIRTIO_EMU_NET_DROP_MAX; i++)
				s->drops[i] += live.drops[i];
		}
	}
}

static int
vemu_eth_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats)
{
	struct vemu_eth_port *port = dev->data->dev_private;
	struct virtio_emu_net_q_stats s;
	uint16_t i;

	rte_spinlock_lock(&port->link->lock);
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		vemu_eth_q_drops(&port->rxq[i], &s);
		stats->ipackets += port->rxq[i].packets;
		stats->ibytes += port->rxq[i].bytes;
		stats->ierrors += s.dropped;
		vemu_eth_q_drops(&port->txq[i], &s);
		stats->opackets += port->txq[i].packets - s.dropped;
		stats->obytes += port->txq[i].bytes;
		stats->oerrors += s.dropped + port->txq[i].drop_full;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_ipackets[i] = port->rxq[i].packets;
			stats->q_ibytes[i] = port->rxq[i].bytes;
			stats->q_opackets[i] = port->txq[i].packets - s.dropped;
			stats->q_obytes[i] = port->txq[i].bytes;
		}
	}
	rte_spinlock_unlock(&port->link->lock);
	return 0;
}

static void
vemu_eth_q_reset(struct vemu_eth_queue *q)
{
	q->packets = 0;
	q->bytes = 0;
	q->drop_full = 0;
	memset(&q->base, 0, sizeof(q->base));
	if (q->nq != NULL)
		virtio_emu_net_q_stats_reset(q->nq);
}

static int
vemu_eth_stats_reset(struct rte_eth_dev *dev)
{
	struct vemu_eth_port *port = dev->data->dev_private;
	uint16_t i;

	rte_spinlock_lock(&port->link->lock);
	for (i = 0; i < port->pairs; i++) {
		vemu_eth_q_reset(&port->rxq[i]);
		vemu_eth_q_reset(&port->txq[i]);
	}
	rte_spinlock_unlock(&port->link->lock);
	return 0;
}

/*
 * xstats: per queue, per direction, one counter per drop reason of the data
 * path; then per Tx queue the frames dropped for want of host buffers
 * (tx_drop_full=1).
 */
static unsigned int
vemu_eth_xstats_count(struct rte_eth_dev *dev)
{
	return 2u * dev->data->nb_rx_queues * VIRTIO_EMU_NET_DROP_MAX + dev->data->nb_tx_queues;
}

static int
vemu_eth_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			  unsigned int size)
{
	unsigned int count = vemu_eth_xstats_count(dev), k = 0, q, r, d;

	if (names == NULL || size < count)
		return (int)count;
	for (d = 0; d < 2; d++)
		for (q = 0; q < dev->data->nb_rx_queues; q++)
			for (r = 0; r < VIRTIO_EMU_NET_DROP_MAX; r++)
				snprintf(names[k++].name, sizeof(names[0].name), "%s_q%u_drop_%s",
					 d == 0 ? "rx" : "tx", q, virtio_emu_net_drop_name(r));
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		snprintf(names[k++].name, sizeof(names[0].name), "tx_q%u_drop_full", q);
	return (int)count;
}

static int
vemu_eth_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats, unsigned int n)
{
	struct vemu_eth_port *port = dev->data->dev_private;
	unsigned int count = vemu_eth_xstats_count(dev), k = 0, q, r, d;
	struct virtio_emu_net_q_stats s;

	if (xstats == NULL || n < count)
		return (int)count;
	rte_spinlock_lock(&port->link->lock);
	for (d = 0; d < 2; d++)
		for (q = 0; q < dev->data->nb_rx_queues; q++) {
			vemu_eth_q_drops(d == 0 ? &port->rxq[q] : &port->txq[q], &s);
			for (r = 0; r < VIRTIO_EMU_NET_DROP_MAX; r++) {
				xstats[k].id = k;
				xstats[k].value = s.drops[r];
				k++;
			}
		}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		xstats[k].id = k;
		xstats[k].value = port->txq[q].drop_full;
		k++;
	}
	rte_spinlock_unlock(&port->link->lock);
	return (int)count;
}

/* The host's driver chooses its receive mode: the device side accepts any. */
static int
vemu_eth_rx_mode(struct rte_eth_dev *dev __rte_unused)
{
	return 0;
}

static int
vemu_eth_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct vemu_eth_port *port = dev->data->dev_private;

	int ret;

	/* Above the devarg mtu: the host's buffers were not sized for it. */
	if (mtu > port->args.params.mtu) {
		VEMU_ETH_LOG(ERR, "%s: mtu %u above the devarg mtu=%u", dev->data->name, mtu,
			     port->args.params.mtu);
		return -EINVAL;
	}
	rte_spinlock_lock(&port->link->lock);
	ret = virtio_emu_net_mtu_set(port->net, mtu);
	rte_spinlock_unlock(&port->link->lock);
	if (ret == -ENOTSUP)
		VEMU_ETH_LOG(ERR, "%s: mtu %u: the host driver cannot learn it (VIRTIO_NET_F_MTU "
			     "not offered, or not accepted by the driver)", dev->data->name, mtu);
	/* Engine queues take the new MTU when they are next created (port restart). */
	return ret;
}

/*
 * The port's own address (what the application sends from). The host
 * function's address is the host driver's to change (control queue) or the
 * devarg's.
 */
static int
vemu_eth_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *mac)
{
	struct vemu_eth_port *port = dev->data->dev_private;

	port->mac = *mac;
	return 0;
}

/*
 * Secondary process: the port's shared data (dev_private included) is
 * readable, the engine queues and the control work are the primary's.
 */
static int
vemu_eth_sec_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	vemu_eth_infos_base(dev->data->dev_private, info);
	return 0;
}

static int
vemu_eth_sec_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats)
{
	struct vemu_eth_port *port = dev->data->dev_private;
	uint16_t i;

	/* Counters of the primary's queues (drop reasons need its engine queues). */
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		stats->ipackets += port->rxq[i].packets;
		stats->ibytes += port->rxq[i].bytes;
		stats->opackets += port->txq[i].packets;
		stats->obytes += port->txq[i].bytes;
		stats->oerrors += port->txq[i].drop_full;
	}
	return 0;
}

static const struct eth_dev_ops vemu_eth_sec_ops = {
	.dev_infos_get = vemu_eth_sec_infos_get,
	.link_update = vemu_eth_link_update,
	.stats_get = vemu_eth_sec_stats_get,
};

static const struct eth_dev_ops vemu_eth_ops = {
	.dev_configure = vemu_eth_configure,
	.dev_infos_get = vemu_eth_infos_get,
	.dev_start = vemu_eth_start,
	.dev_stop = vemu_eth_stop,
	.dev_close = vemu_eth_close,
	.link_update = vemu_eth_link_update,
	.rx_queue_setup = vemu_eth_rx_queue_setup,
	.tx_queue_setup = vemu_eth_tx_queue_setup,
	.rx_queue_release = vemu_eth_queue_release,
	.tx_queue_release = vemu_eth_queue_release,
	.stats_get = vemu_eth_stats_get,
	.stats_reset = vemu_eth_stats_reset,
	.xstats_get = vemu_eth_xstats_get,
	.xstats_get_names = vemu_eth_xstats_get_names,
	.xstats_reset = vemu_eth_stats_reset,
	.promiscuous_enable = vemu_eth_rx_mode,
	.promiscuous_disable = vemu_eth_rx_mode,
	.allmulticast_enable = vemu_eth_rx_mode,
	.allmulticast_disable = vemu_eth_rx_mode,
	.mtu_set = vemu_eth_mtu_set,
	.mac_addr_set = vemu_eth_mac_addr_set,
};

bool
vemu_eth_is_ours(const struct rte_eth_dev *dev)
{
	return dev->dev_ops == &vemu_eth_ops || dev->dev_ops == &vemu_eth_sec_ops;
}

/* ---- vdev ---- */

static void
vemu_eth_port_queues_init(struct vemu_eth_port *port, uint16_t nb_tlpq)
{
	struct vemu_eth_queue *q;
	uint16_t i, idx, dma_qid;

	for (idx = 0; idx < 2 * port->pairs; idx++) {
		q = vemu_eth_queue_of(port, idx);
		i = idx / 2;
		/* tlpdev queue 0 belongs to the control work. */
		dma_qid = nb_tlpq > 1 ? (uint16_t)(1 + (port->fn_num * port->pairs + i) %
						   (nb_tlpq - 1)) : 0;
		q->port = port;
		q->index = idx;
		q->qid = i;
		q->lcore = LCORE_ID_ANY;
		q->sync = virtio_emu_net_qsync(port->net, idx);
		q->peer = idx % 2 == 1 ? &port->txq[i] : NULL;
		port->irq[idx].port = port;
		port->irq[idx].index = idx;
		port->irq[idx].qid = dma_qid;
		virtio_emu_net_queue_dma_qid_set(port->net, idx, dma_qid);
	}
	if (nb_tlpq < 2)
		VEMU_ETH_LOG(NOTICE, "%s: tlpdev has one queue: the data path shares it with the "
			     "control work (poll queues on the lcore of Rx queue 0, or give the "
			     "tlpdev more queues)", port->dev->data->name);
}

static int
vemu_eth_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct vemu_eth_args args;
	struct tlpdev_info tinfo;
	struct vemu_eth_port *port;
	struct rte_eth_dev *dev;
	int dev_id, ret;

	if (rte_eal_process_type() == RTE_PROC_SECONDARY) {
		/*
		 * Attach to the primary's port: info, link and counters; the
		 * bursts stay in the primary (its engine queues live in its
		 * heap), capture goes through the primary (dpdk-pdump/dumpcap).
		 */
		dev = rte_eth_dev_attach_secondary(name);
		if (dev == NULL) {
			VEMU_ETH_LOG(ERR, "%s: no such port in the primary process", name);
			return -ENODEV;
		}
		dev->dev_ops = &vemu_eth_sec_ops;
		dev->rx_pkt_burst = vemu_eth_burst_none;
		dev->tx_pkt_burst = vemu_eth_burst_none;
		dev->device = &vdev->device;
		rte_eth_dev_probing_finish(dev);
		return 0;
	}
	ret = vemu_eth_parse(vdev, &args);
	if (ret != 0)
		return ret;
	if (args.sim_path[0] != '\0') {
		ret = vemu_eth_sim_create(name, &args);
		if (ret != 0)
			return ret;
	}
	dev_id = tlpdev_get_by_name(args.tlpdev);
	if (dev_id < 0) {
		VEMU_ETH_LOG(ERR, "%s: tlpdev=%s: no such TLP device (create it with --vdev "
			     "before this one, or give sim=<socket path>)", name, args.tlpdev);
		ret = -ENODEV;
		goto uninit_sim;
	}
	tlpdev_info_get((uint16_t)dev_id, &tinfo);
	dev = rte_eth_vdev_allocate(vdev, sizeof(*port));
	if (dev == NULL) {
		ret = -ENOMEM;
		goto uninit_sim;
	}
	port = dev->data->dev_private;
	port->dev = dev;
	port->args = args;
	port->pairs = args.params.max_queue_pairs;
	port->net = virtio_emu_net_create(&port->args.params, vemu_eth_event, port);
	if (port->net == NULL) {
		ret = -rte_errno;
		VEMU_ETH_LOG(ERR, "%s: cannot create the virtio-net function: %s", name,
			     rte_strerror(rte_errno));
		goto release_port;
	}
	ret = vemu_eth_link_attach(port, (uint16_t)dev_id);
	if (ret != 0)
		goto free_net;
	vemu_eth_port_queues_init(port, tinfo.nb_queues);
	/* Before the service first answers the host. */
	vemu_eth_state_load(port);
	/*
	 * The port is the other end of the host's wire: its address is not the
	 * host function's (devarg mac, the virtio-net config), or replies built
	 * from it (ARP, icmpecho) would name the host itself. Default: the
	 * function's address with the second byte's top bit flipped, locally
	 * administered.
	 */
	if (args.port_mac_given) {
		port->mac = args.port_mac;
	} else {
		memcpy(port->mac.addr_bytes, args.params.mac, RTE_ETHER_ADDR_LEN);
		port->mac.addr_bytes[0] |= RTE_ETHER_LOCAL_ADMIN_ADDR;
		port->mac.addr_bytes[1] ^= 0x80;
	}
	dev->data->mac_addrs = &port->mac;
	dev->data->mtu = args.params.mtu;
	dev->data->dev_link.link_speed = args.params.speed;
	dev->data->dev_link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	dev->data->dev_link.link_status = RTE_ETH_LINK_DOWN;
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC | RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	dev->dev_ops = &vemu_eth_ops;
	dev->rx_pkt_burst = vemu_eth_rx_burst;
	dev->tx_pkt_burst = vemu_eth_tx_burst;
	rte_eth_dev_probing_finish(dev);
	VEMU_ETH_LOG(INFO, "%s: function %u on tlpdev %s, %u queue pair(s), mtu %u", name,
		     port->fn_num, args.tlpdev, port->pairs, args.params.mtu);
	return 0;
free_net:
	virtio_emu_net_free(port->net);
release_port:
	rte_eth_dev_release_port(dev);
uninit_sim:
	if (args.sim_path[0] != '\0')
		rte_vdev_uninit(args.tlpdev);
	return ret;
}

static int
vemu_eth_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return rte_eth_dev_release_port(dev);
	vemu_eth_close(dev);
	dev->dev_ops = NULL;
	dev->rx_pkt_burst = vemu_eth_burst_none;
	dev->tx_pkt_burst = vemu_eth_burst_none;
	rte_eth_dev_release_port(dev);
	return 0;
}

static struct rte_vdev_driver vemu_eth_vdev_drv = {
	.probe = vemu_eth_probe,
	.remove = vemu_eth_remove,
};

RTE_PMD_REGISTER_VDEV(net_virtio_emu, vemu_eth_vdev_drv);
RTE_PMD_REGISTER_PARAM_STRING(net_virtio_emu,
	"tlpdev=<name> mac=<xx:xx:xx:xx:xx:xx> port_mac=<xx:xx:xx:xx:xx:xx> "
	"queues=<1..N> queue_size=<power of 2> "
	"mtu=<68..65535> packed=<0|1> features=<hex mask> tx_drop_full=<0|1> state=<file> "
	"sim=<socket path> sim_dma=<map|tlp>");
