/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-net device object: creation on the transport, the transport
 * callbacks (queue enable/stop, notifications, status, reset), the data-path
 * quiesce handshake and the state the PMD reads.
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "virtio_emu_net_private.h"

RTE_LOG_REGISTER(vemu_net_logtype, lib.virtio_emu.net, NOTICE);

void
vemu_net_event(struct virtio_emu_net *net, enum virtio_emu_net_event ev, uint32_t arg)
{
	if (net->cb != NULL)
		net->cb(net, ev, arg, net->cb_arg);
}

static bool
vemu_net_queue_quiet(const struct vemu_net_queue *q)
{
	return !q->sync.attached ||
		__atomic_load_n(&q->sync.ack, __ATOMIC_ACQUIRE) == q->sync.req;
}

static int
vemu_net_queue_enable(void *ctx, const struct virtio_emu_queue_cfg *cfg)
{
	struct virtio_emu_net *net = ctx;
	struct vemu_net_queue *q;
	int ret;

	if (cfg->index >= net->nb_queues)
		return -EINVAL;
	q = &net->queues[cfg->index];
	if (cfg->index == net->ctrl_index) {
		ret = vemu_net_ctrl_enable(net, cfg);
		if (ret != 0)
			return ret;
	} else {
		q->vq = vemu_net_vq_create(net, cfg);
		if (q->vq == NULL) {
			VEMU_NET_LOG(INFO, "queue %u: engine refused the ring: %s", cfg->index,
				     rte_strerror(rte_errno));
			return -rte_errno;
		}
		vemu_net_event(net, VIRTIO_EMU_NET_EV_QUEUE_ENABLE, cfg->index);
		/* Release: the engine queue set up above, before the data path runs. */
		if (q->sync.req & 1)
			__atomic_store_n(&q->sync.req, q->sync.req + 1, __ATOMIC_RELEASE);
	}
	q->enabled = 1;
	return 0;
}

/*
 * A data queue is quiet: its engine queue can go. The owner of objects built
 * on it (the PMD's virtio_emu_net_q) releases them first, in the event.
 */
static void
vemu_net_queue_release(struct virtio_emu_net *net, uint16_t index)
{
	struct vemu_net_queue *q = &net->queues[index];

	q->stop_pending = 0;
	if (q->vq == NULL)
		return;
	vemu_net_event(net, VIRTIO_EMU_NET_EV_QUEUE_RELEASE, index);
	virtio_emu_vq_free(q->vq);
	q->vq = NULL;
}

static int
vemu_net_queue_stop(void *ctx, uint16_t index)
{
	struct virtio_emu_net *net = ctx;
	struct vemu_net_queue *q;

	if (index >= net->nb_queues)
		return -EINVAL;
	q = &net->queues[index];
	q->enabled = 0;
	if (index == net->ctrl_index) {
		vemu_net_ctrl_disable(net);	/* the control thread owns it */
		return 0;
	}
	if ((q->sync.req & 1) == 0)
		__atomic_store_n(&q->sync.req, q->sync.req + 1, __ATOMIC_RELEASE);
	vemu_net_event(net, VIRTIO_EMU_NET_EV_QUEUE_STOP, index);
	if (vemu_net_queue_quiet(q)) {
		vemu_net_queue_release(net, index);
		return 0;
	}
	q->stop_pending = 1;
	return -EINPROGRESS;
}

static void
vemu_net_notify(void *ctx, uint16_t index, uint32_t data __rte_unused)
{
	struct virtio_emu_net *net = ctx;

	/* Data queues are polled by the PMD; the control queue is served now. */
	if (index == net->ctrl_index)
		vemu_net_ctrl_poll(net);
}

static void
vemu_net_status_change(void *ctx, uint8_t old, uint8_t status)
{
	struct virtio_emu_net *net = ctx;

	if (status & VIRTIO_CONFIG_S_FEATURES_OK)
		net->st.features = virtio_emu_features(net->pci);
	net->st.vlan_filter = (net->st.features & VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_VLAN)) != 0;
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) && !(old & VIRTIO_CONFIG_S_DRIVER_OK)) {
		net->st.driver_ok = true;
		vemu_net_event(net, VIRTIO_EMU_NET_EV_DRIVER_OK, 0);
	}
	if ((status & VIRTIO_CONFIG_S_FAILED) && !(old & VIRTIO_CONFIG_S_FAILED))
		net->st.driver_ok = false;
}

static int
vemu_net_reset(void *ctx)
{
	struct virtio_emu_net *net = ctx;
	unsigned int i;

	vemu_net_ctrl_disable(net);
	for (i = 0; i < net->nb_queues; i++) {
		net->queues[i].enabled = 0;
		vemu_net_queue_release(net, (uint16_t)i);
	}
	memcpy(net->mac, net->p.mac, sizeof(net->mac));
	vemu_net_state_reset(net);
	vemu_net_event(net, VIRTIO_EMU_NET_EV_RESET, 0);
	return 0;
}

static const struct virtio_emu_dev_ops vemu_net_dev_ops = {
	.features_check = vemu_net_features_check,
	.cfg_read = vemu_net_cfg_read,
	.cfg_write = vemu_net_cfg_write,
	.queue_enable = vemu_net_queue_enable,
	.queue_stop = vemu_net_queue_stop,
	.notify = vemu_net_notify,
	.status_change = vemu_net_status_change,
	.reset = vemu_net_reset,
};

static const uint8_t vemu_net_default_mac[VIRTIO_NET_MAC_LEN] = { 0x02, 0, 0, 0, 0, 0x01 };

static int
vemu_net_check_params(struct virtio_emu_net_params *p)
{
	static const uint8_t zero[VIRTIO_NET_MAC_LEN];

	if (p->features == 0)
		p->features = VIRTIO_EMU_NET_FEATURES_DEFAULT;
	if ((p->features & ~VIRTIO_EMU_NET_FEATURES_SUPPORTED) != 0) {
		VEMU_NET_LOG(ERR, "features 0x%" PRIx64 " not supported",
			     p->features & ~VIRTIO_EMU_NET_FEATURES_SUPPORTED);
		return -EINVAL;
	}
	if ((p->features & VIRTIO_EMU_F(VIRTIO_F_VERSION_1)) == 0) {
		VEMU_NET_LOG(ERR, "VERSION_1 must be offered");
		return -EINVAL;
	}
	if (p->max_queue_pairs == 0)
		p->max_queue_pairs = 1;
	if (p->max_queue_pairs > VIRTIO_EMU_NET_MAX_PAIRS) {
		VEMU_NET_LOG(ERR, "max_queue_pairs %u above %u", p->max_queue_pairs,
			     VIRTIO_EMU_NET_MAX_PAIRS);
		return -EINVAL;
	}
	if (p->max_queue_pairs == 1)
		p->features &= ~VIRTIO_EMU_F(VIRTIO_NET_F_MQ);
	if (p->max_queue_pairs > 1 && (p->features & VIRTIO_EMU_F(VIRTIO_NET_F_MQ)) == 0) {
		VEMU_NET_LOG(ERR, "%u queue pairs need MQ", p->max_queue_pairs);
		return -EINVAL;
	}
	/* An offer must be acceptable as a whole: the dependencies hold within it. */
	if ((p->features & VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_VQ)) == 0)
		p->features &= ~(VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_RX) |
				 VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_RX_EXTRA) |
				 VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_VLAN) |
				 VIRTIO_EMU_F(VIRTIO_NET_F_GUEST_ANNOUNCE) |
				 VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_MAC_ADDR));
	if ((p->features & VIRTIO_EMU_F(VIRTIO_NET_F_MQ)) != 0 &&
	    (p->features & VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_VQ)) == 0) {
		VEMU_NET_LOG(ERR, "MQ needs CTRL_VQ");
		return -EINVAL;
	}
	if (memcmp(p->mac, zero, sizeof(zero)) == 0)
		memcpy(p->mac, vemu_net_default_mac, sizeof(p->mac));
	if (p->mac[0] & 1) {
		VEMU_NET_LOG(ERR, "multicast MAC address");
		return -EINVAL;
	}
	if (p->mtu == 0)
		p->mtu = 1500;
	if (p->mtu < 68) {
		VEMU_NET_LOG(ERR, "mtu %u below 68", p->mtu);
		return -EINVAL;
	}
	if (p->speed == 0)
		p->speed = VIRTIO_NET_SPEED_UNKNOWN;
	if (p->duplex > VIRTIO_NET_DUPLEX_FULL && p->duplex != VIRTIO_NET_DUPLEX_UNKNOWN) {
		VEMU_NET_LOG(ERR, "duplex %u invalid", p->duplex);
		return -EINVAL;
	}
	if (p->mac_table_max == 0)
		p->mac_table_max = VIRTIO_EMU_NET_MAC_TABLE_MAX;
	if (p->mac_table_max > VIRTIO_EMU_NET_MAC_TABLE_MAX) {
		VEMU_NET_LOG(ERR, "mac_table_max %u above %u", p->mac_table_max,
			     VIRTIO_EMU_NET_MAC_TABLE_MAX);
		return -EINVAL;
	}
	return 0;
}

/* Default control-path host memory access: DMA through the pcifn. */
static int
vemu_net_dma_read(void *ctx, uint64_t addr, void *buf, uint32_t len)
{
	struct virtio_emu_net *net = ctx;

	return pcifn_dma_sync(virtio_emu_pci_fn(net->pci), net->p.dma_qid, TLPDEV_DMA_READ,
			      addr, buf, len);
}

static int
vemu_net_dma_write(void *ctx, uint64_t addr, const void *buf, uint32_t len)
{
	struct virtio_emu_net *net = ctx;

	uint8_t tmp[VEMU_NET_CTRL_IN_MAX];

	/* pcifn_dma_sync() takes a non-const buffer: write from a copy. */
	if (len > sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, len);
	return pcifn_dma_sync(virtio_emu_pci_fn(net->pci), net->p.dma_qid, TLPDEV_DMA_WRITE,
			      addr, tmp, len);
}

static const struct vemu_net_mem_ops vemu_net_dma_ops = {
	.read = vemu_net_dma_read,
	.write = vemu_net_dma_write,
};

struct virtio_emu_net *
virtio_emu_net_create(const struct virtio_emu_net_params *params, virtio_emu_net_event_cb cb,
		      void *cb_arg)
{
	struct virtio_emu_pci_params pp;
	struct virtio_emu_net *net;
	unsigned int i;
	int ret;

	net = rte_zmalloc("virtio_emu_net", sizeof(*net), 0);
	if (net == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	if (params != NULL)
		net->p = *params;
	ret = vemu_net_check_params(&net->p);
	if (ret != 0) {
		rte_errno = -ret;
		goto free_net;
	}
	net->cb = cb;
	net->cb_arg = cb_arg;
	net->offered = net->p.features;
	net->nb_queues = (uint16_t)(2 * net->p.max_queue_pairs);
	net->ctrl_index = UINT16_MAX;
	if (net->offered & VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_VQ))
		net->ctrl_index = net->nb_queues++;
	net->link_up = !net->p.link_down;
	memcpy(net->mac, net->p.mac, sizeof(net->mac));
	net->mem = &vemu_net_dma_ops;
	net->mem_ctx = net;
	net->queues = rte_zmalloc("virtio_emu_net_queues", sizeof(*net->queues) * net->nb_queues,
				  RTE_CACHE_LINE_SIZE);
	net->dp_dma_qid = rte_zmalloc("virtio_emu_net_qids",
				      sizeof(*net->dp_dma_qid) * net->nb_queues, 0);
	if (net->queues == NULL || net->dp_dma_qid == NULL) {
		rte_errno = ENOMEM;
		goto free_queues;
	}
	for (i = 0; i < net->nb_queues; i++) {
		net->queues[i].sync.req = 1;	/* stopped */
		net->dp_dma_qid[i] = net->p.dma_qid;
	}
	vemu_net_state_reset(net);

	memset(&pp, 0, sizeof(pp));
	pp.device_type = VIRTIO_EMU_DEV_TYPE_NET;
	pp.class_code = 0x020000;
	pp.features = net->offered;
	pp.num_queues = net->nb_queues;
	pp.queue_size_max = net->p.queue_size_max;
	pp.dev_cfg_len = sizeof(struct virtio_net_config);
	pp.no_msix = net->p.no_msix;
	pp.bar32 = net->p.bar32;
	net->pci = virtio_emu_pci_create(&pp, &vemu_net_dev_ops, net);
	if (net->pci == NULL)
		goto free_queues;
	return net;

free_queues:
	rte_free(net->dp_dma_qid);
	rte_free(net->queues);
free_net:
	rte_free(net);
	return NULL;
}

void
virtio_emu_net_free(struct virtio_emu_net *net)
{
	unsigned int i;

	if (net == NULL)
		return;
	vemu_net_ctrl_disable(net);
	for (i = 0; i < net->nb_queues; i++)
		vemu_net_queue_release(net, (uint16_t)i);
	virtio_emu_pci_free(net->pci);
	rte_free(net->dp_dma_qid);
	rte_free(net->queues);
	rte_free(net);
}

struct virtio_emu_pci *
virtio_emu_net_pci(struct virtio_emu_net *net)
{
	return net != NULL ? net->pci : NULL;
}

struct pcifn *
virtio_emu_net_fn(struct virtio_emu_net *net)
{
	return net != NULL ? virtio_emu_pci_fn(net->pci) : NULL;
}

int
virtio_emu_net_service(struct virtio_emu_net *net)
{
	struct vemu_net_queue *q;
	uint8_t status;
	unsigned int i;

	if (net == NULL)
		return -EINVAL;
	virtio_emu_pci_service(net->pci);
	for (i = 0; i < net->nb_queues; i++) {
		q = &net->queues[i];
		if (q->stop_pending && vemu_net_queue_quiet(q)) {
			vemu_net_queue_release(net, (uint16_t)i);
			virtio_emu_queue_reset_done(net->pci, (uint16_t)i);
		}
	}
	status = virtio_emu_status(net->pci);
	if ((status & VIRTIO_CONFIG_S_NEEDS_RESET) && net->st.driver_ok) {
		net->st.driver_ok = false;
		vemu_net_event(net, VIRTIO_EMU_NET_EV_NEEDS_RESET, 0);
	}
	if (net->ctrl_vq != NULL)
		vemu_net_ctrl_poll(net);
	return 0;
}

int
virtio_emu_net_state_get(const struct virtio_emu_net *net, struct virtio_emu_net_state *state)
{
	if (net == NULL || state == NULL)
		return -EINVAL;
	*state = net->st;
	state->link_up = net->link_up;
	memcpy(state->mac, net->mac, sizeof(state->mac));
	return 0;
}

int
virtio_emu_net_link_set(struct virtio_emu_net *net, bool up)
{
	if (net == NULL)
		return -EINVAL;
	if (net->link_up == up)
		return 0;
	net->link_up = up;
	if (net->offered & VIRTIO_EMU_F(VIRTIO_NET_F_STATUS))
		virtio_emu_config_changed(net->pci);
	return 0;
}

int
virtio_emu_net_announce(struct virtio_emu_net *net)
{
	uint64_t need = VIRTIO_EMU_F(VIRTIO_NET_F_GUEST_ANNOUNCE) |
		VIRTIO_EMU_F(VIRTIO_NET_F_CTRL_VQ) | VIRTIO_EMU_F(VIRTIO_NET_F_STATUS);

	if (net == NULL)
		return -EINVAL;
	if ((virtio_emu_features(net->pci) & need) != need)
		return -ENOTSUP;
	if (!net->st.driver_ok)
		return -EAGAIN;
	net->announce = true;
	return virtio_emu_config_changed(net->pci);
}

int
virtio_emu_net_mac_set(struct virtio_emu_net *net, const uint8_t mac[VIRTIO_NET_MAC_LEN])
{
	if (net == NULL || mac == NULL || (mac[0] & 1) != 0)
		return -EINVAL;
	memcpy(net->p.mac, mac, VIRTIO_NET_MAC_LEN);
	memcpy(net->mac, mac, VIRTIO_NET_MAC_LEN);
	if (net->offered & VIRTIO_EMU_F(VIRTIO_NET_F_MAC))
		virtio_emu_config_changed(net->pci);
	return 0;
}

int
virtio_emu_net_mtu_set(struct virtio_emu_net *net, uint16_t mtu)
{
	if (net == NULL || mtu < 68)
		return -EINVAL;
	if (net->p.mtu == mtu)
		return 0;
	if ((net->offered & VIRTIO_EMU_F(VIRTIO_NET_F_MTU)) == 0)
		return -ENOTSUP;
	if (net->st.features != 0 && (net->st.features & VIRTIO_EMU_F(VIRTIO_NET_F_MTU)) == 0)
		return -ENOTSUP;
	net->p.mtu = mtu;
	return virtio_emu_config_changed(net->pci);
}

int
virtio_emu_net_stats_get(const struct virtio_emu_net *net, struct virtio_emu_net_stats *stats)
{
	if (net == NULL || stats == NULL)
		return -EINVAL;
	*stats = net->stats;
	return 0;
}

struct virtio_emu_qsync *
virtio_emu_net_qsync(struct virtio_emu_net *net, uint16_t index)
{
	if (net == NULL || index >= net->nb_queues)
		return NULL;
	return &net->queues[index].sync;
}

int
virtio_emu_net_queue_attach(struct virtio_emu_net *net, uint16_t index, bool attached)
{
	if (net == NULL || index >= net->nb_queues || index == net->ctrl_index)
		return -EINVAL;
	net->queues[index].sync.attached = attached;
	return 0;
}

struct virtio_emu_vq *
virtio_emu_net_vq(struct virtio_emu_net *net, uint16_t index)
{
	if (net == NULL || index >= net->nb_queues || index == net->ctrl_index)
		return NULL;
	return net->queues[index].vq;
}

int
virtio_emu_net_queue_dma_qid_set(struct virtio_emu_net *net, uint16_t index, uint16_t qid)
{
	if (net == NULL || index >= net->nb_queues || index == net->ctrl_index)
		return -EINVAL;
	net->dp_dma_qid[index] = qid;
	return 0;
}
