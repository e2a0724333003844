/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Control work: one pcifn group and one rte_service per tlpdev, shared by the
 * ports (functions) on it; virtio-net events become engine queues for the
 * data path and link state changes.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_service.h>
#include <rte_service_component.h>

#include <tlpdev.h>

#include "vemu_eth.h"

/* Links by tlpdev id; touched only by the EAL main thread (probe, remove). */
static struct vemu_eth_link *vemu_eth_links[TLPDEV_MAX_DEVS];

struct vemu_eth_queue *
vemu_eth_queue_of(struct vemu_eth_port *port, uint16_t index)
{
	if (index / 2 >= port->pairs)
		return NULL;	/* the control queue: the device serves it */
	return index % 2 == 0 ? &port->txq[index / 2] : &port->rxq[index / 2];
}

static void
vemu_eth_notify(void *arg)
{
	struct vemu_eth_irq *irq = arg;

	virtio_emu_queue_interrupt(virtio_emu_net_pci(irq->port->net), irq->index, irq->qid);
}

/*
 * Wrap the virtqueue the host enabled, once the app gave the queue its
 * mempool, the port is started and the host driver set DRIVER_OK: a device
 * must not use a queue before DRIVER_OK, and over a link whose DMA needs
 * the host's answers (tlp_sim dma=tlp) the host is not serving the data
 * queues' DMA while it is still setting the device up.
 */
void
vemu_eth_queue_start(struct vemu_eth_port *port, struct vemu_eth_queue *q)
{
	struct virtio_emu_net_q_conf qc = { 0 };
	struct virtio_emu_net_state st;
	struct virtio_emu_net_q *nq;

	if (!port->started || !q->enabled || q->nq != NULL)
		return;
	if (q->index % 2 == 1 && q->mp == NULL)
		return;		/* Rx queue not set up yet: dev_start does it */
	qc.vq = virtio_emu_net_vq(port->net, q->index);
	if (qc.vq == NULL)
		return;
	if (virtio_emu_net_state_get(port->net, &st) != 0 || !st.driver_ok)
		return;		/* the DRIVER_OK event does it */
	qc.features = st.features;
	qc.mtu = port->dev->data->mtu;
	qc.mp = q->index % 2 == 1 ? q->mp : NULL;
	qc.notify = vemu_eth_notify;
	qc.notify_arg = &port->irq[q->index];
	nq = virtio_emu_net_q_create(&qc);
	if (nq == NULL) {
		VEMU_ETH_LOG(ERR, "%s: virtqueue %u: %s", port->dev->data->name, q->index,
			     rte_strerror(rte_errno));
		return;
	}
	/* Release: the engine queue is complete before the data path sees it. */
	__atomic_store_n(&q->nq, nq, __ATOMIC_RELEASE);
}

/*
 * Free the engine queue: the data path has left it (dev_stop, or the
 * library's QUEUE_RELEASE event) and its virtqueue still exists (the chains
 * held for merging go back to it). Its drop counters stay in q->base.
 */
void
vemu_eth_queue_free(struct vemu_eth_queue *q)
{
	struct virtio_emu_net_q_stats s;
	struct virtio_emu_net_q *nq = q->nq;
	unsigned int i;

	if (nq == NULL)
		return;
	if (virtio_emu_net_q_stats_get(nq, &s) == 0) {
		q->base.dropped += s.dropped;
		for (i = 0; i < VIRTIO_EMU_NET_DROP_MAX; i++)
			q->base.drops[i] += s.drops[i];
	}
	__atomic_store_n(&q->nq, NULL, __ATOMIC_RELAXED);
	virtio_emu_net_q_free(nq);
}

/* Link up: port started, host driver running (DRIVER_OK) with queue pair 0 enabled. */
void
vemu_eth_link_update_state(struct vemu_eth_port *port)
{
	struct rte_eth_link link = { 0 };
	struct virtio_emu_net_state st;
	bool up;

	if (virtio_emu_net_state_get(port->net, &st) != 0)
		return;
	up = port->started && st.driver_ok && port->rxq[0].enabled && port->txq[0].enabled;
	if (up == port->link_up)
		return;
	port->link_up = up;
	link.link_speed = port->args.params.speed != 0 ? port->args.params.speed :
		RTE_ETH_SPEED_NUM_UNKNOWN;
	link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	link.link_autoneg = RTE_ETH_LINK_FIXED;
	link.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	rte_eth_linkstatus_set(port->dev, &link);
	VEMU_ETH_LOG(INFO, "%s: link %s", port->dev->data->name, up ? "up" : "down");
	rte_eth_dev_callback_process(port->dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

void
vemu_eth_event(struct virtio_emu_net *net __rte_unused, enum virtio_emu_net_event ev,
	       uint32_t arg, void *cb_arg)
{
	struct vemu_eth_port *port = cb_arg;
	struct vemu_eth_queue *q;
	uint16_t i;

	VEMU_ETH_LOG(DEBUG, "%s: event %d (%u)", port->dev->data->name, (int)ev, arg);
	switch (ev) {
	case VIRTIO_EMU_NET_EV_QUEUE_ENABLE:
		q = vemu_eth_queue_of(port, (uint16_t)arg);
		if (q == NULL)
			break;
		q->enabled = true;
		vemu_eth_queue_start(port, q);
		break;
	case VIRTIO_EMU_NET_EV_DRIVER_OK:
		for (i = 0; i < port->pairs; i++) {
			vemu_eth_queue_start(port, &port->rxq[i]);
			vemu_eth_queue_start(port, &port->txq[i]);
		}
		break;
	case VIRTIO_EMU_NET_EV_QUEUE_STOP:
		/* The engine queue goes in QUEUE_RELEASE, once the data path left it. */
		q = vemu_eth_queue_of(port, (uint16_t)arg);
		if (q != NULL)
			q->enabled = false;
		break;
	case VIRTIO_EMU_NET_EV_QUEUE_RELEASE:
		q = vemu_eth_queue_of(port, (uint16_t)arg);
		if (q != NULL) {
			q->enabled = false;
			vemu_eth_queue_free(q);
		}
		break;
	case VIRTIO_EMU_NET_EV_RESET:
		for (i = 0; i < port->pairs; i++) {
			port->rxq[i].enabled = false;
			port->txq[i].enabled = false;
		}
		VEMU_ETH_LOG(INFO, "%s: device reset", port->dev->data->name);
		break;
	case VIRTIO_EMU_NET_EV_NEEDS_RESET:
		VEMU_ETH_LOG(WARNING, "%s: device needs reset", port->dev->data->name);
		break;
	default:
		break;
	}
	vemu_eth_link_update_state(port);
}

/* The rte_service: control work of every port on the tlpdev. */
int32_t
vemu_eth_service(void *arg)
{
	struct vemu_eth_link *link = arg;
	struct vemu_eth_port *port;
	unsigned int i;

	if (!rte_spinlock_trylock(&link->lock))
		return -EBUSY;
	pcifn_service(link->grp, 0, VEMU_ETH_SVC_BUDGET);
	for (i = 0; i < VEMU_ETH_MAX_FNS; i++) {
		port = link->ports[i];
		if (port != NULL) {
			virtio_emu_net_service(port->net);
			vemu_eth_state_poll(port);
		}
	}
	rte_spinlock_unlock(&link->lock);
	return 0;
}

/* Whether a running service lcore has the link's service mapped. */
bool
vemu_eth_service_core_runs(struct vemu_eth_link *link)
{
	uint32_t lcores[RTE_MAX_LCORE];
	int32_t nb, i;

	nb = rte_service_lcore_list(lcores, RTE_DIM(lcores));
	for (i = 0; i < nb; i++)
		if (rte_service_map_lcore_get(link->service_id, lcores[i]) == 1 &&
		    rte_service_lcore_may_be_active(lcores[i]) == 1)
			return true;
	return false;
}

/*
 * The EAL has service lcores (-s/-S) but none runs the link's service: map
 * it to the one with the fewest services and start that lcore if the
 * application has not. Returns whether a service lcore now runs it.
 */
bool
vemu_eth_service_core_map(struct vemu_eth_link *link)
{
	uint32_t lcores[RTE_MAX_LCORE], best = RTE_MAX_LCORE;
	int32_t nb, i, n, fewest = INT32_MAX;

	if (vemu_eth_service_core_runs(link))
		return true;
	nb = rte_service_lcore_list(lcores, RTE_DIM(lcores));
	for (i = 0; i < nb; i++) {
		n = rte_service_lcore_count_services(lcores[i]);
		if (n >= 0 && n < fewest) {
			fewest = n;
			best = lcores[i];
		}
	}
	if (best == RTE_MAX_LCORE || rte_service_map_lcore_set(link->service_id, best, 1) != 0)
		return false;
	if (rte_service_lcore_may_be_active(best) != 1) {
		int ret = rte_service_lcore_start(best);

		if (ret != 0 && ret != -EALREADY)
			return false;
	}
	VEMU_ETH_LOG(INFO, "service %s runs on service lcore %u",
		     rte_service_get_name(link->service_id), best);
	return true;
}

static int
vemu_eth_link_create(uint16_t dev_id, struct vemu_eth_link **out)
{
	struct rte_service_spec spec = { 0 };
	struct vemu_eth_link *link;
	int ret;

	link = rte_zmalloc("vemu_eth_link", sizeof(*link), RTE_CACHE_LINE_SIZE);
	if (link == NULL)
		return -ENOMEM;
	link->dev_id = dev_id;
	rte_spinlock_init(&link->lock);
	ret = tlpdev_start(dev_id);
	if (ret != 0 && ret != -EALREADY) {
		VEMU_ETH_LOG(ERR, "tlpdev %s: cannot start: %s", tlpdev_name(dev_id),
			     strerror(-ret));
		goto free_link;
	}
	link->grp = pcifn_group_create(dev_id);
	if (link->grp == NULL) {
		ret = -rte_errno;
		goto free_link;
	}
	snprintf(spec.name, sizeof(spec.name), "net_virtio_emu_%s", tlpdev_name(dev_id));
	spec.callback = vemu_eth_service;
	spec.callback_userdata = link;
	spec.socket_id = SOCKET_ID_ANY;
	ret = rte_service_component_register(&spec, &link->service_id);
	if (ret != 0) {
		VEMU_ETH_LOG(ERR, "tlpdev %s: cannot register the service: %s",
			     tlpdev_name(dev_id), strerror(-ret));
		goto free_grp;
	}
	link->service_ok = true;
	rte_service_component_runstate_set(link->service_id, 1);
	rte_service_runstate_set(link->service_id, 1);
	*out = link;
	return 0;
free_grp:
	pcifn_group_free(link->grp);
free_link:
	rte_free(link);
	return ret;
}

static void
vemu_eth_link_free(struct vemu_eth_link *link)
{
	char name[RTE_DEV_NAME_MAX_LEN];

	rte_service_runstate_set(link->service_id, 0);
	rte_service_component_runstate_set(link->service_id, 0);
	while (rte_service_may_be_active(link->service_id) == 1)
		rte_pause();
	rte_service_component_unregister(link->service_id);
	pcifn_group_free(link->grp);
	/* A link the port created itself (devarg sim=) goes with the last port. */
	if (link->owns_tlpdev) {
		snprintf(name, sizeof(name), "%s", tlpdev_name(link->dev_id));
		rte_vdev_uninit(name);
	}
	rte_free(link);
}

/* Put the port's function on tlpdev @p dev_id, in its group (created for the first port). */
int
vemu_eth_link_attach(struct vemu_eth_port *port, uint16_t dev_id)
{
	struct vemu_eth_link *link = vemu_eth_links[dev_id];
	unsigned int fn;
	int ret;

	if (link == NULL) {
		ret = vemu_eth_link_create(dev_id, &link);
		if (ret != 0)
			return ret;
		link->owns_tlpdev = port->args.sim_path[0] != '\0';
		vemu_eth_links[dev_id] = link;
	}
	for (fn = 0; fn < VEMU_ETH_MAX_FNS; fn++)
		if (link->ports[fn] == NULL)
			break;
	if (fn == VEMU_ETH_MAX_FNS) {
		VEMU_ETH_LOG(ERR, "%s: tlpdev %s already has %u functions", port->dev->data->name,
			     tlpdev_name(dev_id), VEMU_ETH_MAX_FNS);
		ret = -ENOSPC;
		goto free_link;
	}
	rte_spinlock_lock(&link->lock);
	ret = pcifn_group_add(link->grp, virtio_emu_net_fn(port->net), (uint8_t)fn);
	if (ret == 0) {
		link->ports[fn] = port;
		link->refcnt++;
		port->fn_num = (uint8_t)fn;
		port->link = link;
	}
	rte_spinlock_unlock(&link->lock);
	if (ret != 0) {
		VEMU_ETH_LOG(ERR, "%s: cannot add function %u: %s", port->dev->data->name, fn,
			     strerror(-ret));
		goto free_link;
	}
	return 0;
free_link:
	if (link->refcnt == 0) {
		vemu_eth_links[dev_id] = NULL;
		vemu_eth_link_free(link);
	}
	return ret;
}

void
vemu_eth_link_detach(struct vemu_eth_port *port)
{
	struct vemu_eth_link *link = port->link;

	if (link == NULL)
		return;
	rte_spinlock_lock(&link->lock);
	pcifn_group_remove(link->grp, virtio_emu_net_fn(port->net));
	link->ports[port->fn_num] = NULL;
	link->refcnt--;
	rte_spinlock_unlock(&link->lock);
	port->link = NULL;
	if (link->refcnt == 0) {
		vemu_eth_links[link->dev_id] = NULL;
		vemu_eth_link_free(link);
	}
}
