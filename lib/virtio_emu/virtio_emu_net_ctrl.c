/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-net control virtqueue: chain layout checks, command parsing and
 * execution, the one-byte ack.
 *
 * A command chain is: device-readable buffers (class, cmd, payload) then
 * device-writable buffers whose first byte receives the ack. The readable
 * part is copied once into a bounded local buffer and parsed from there
 * (never re-read from host memory). Anything malformed is answered
 * VIRTIO_NET_ERR when there is a writable byte to answer in (used length 1),
 * and returned with used length 0 otherwise; the queue keeps going.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>

#include "virtio_emu_forbid.h"
#include "virtio_emu_net_private.h"
#include "virtio_emu_vq.h"

#define F(b) VIRTIO_EMU_F(b)

static bool
vemu_net_has(const struct virtio_emu_net *net, unsigned int bit)
{
	return (net->st.features & F(bit)) != 0;
}

static uint8_t
vemu_net_ctrl_rx(struct virtio_emu_net *net, uint8_t cmd, const uint8_t *p, uint32_t len)
{
	bool *flag;

	if (!vemu_net_has(net, VIRTIO_NET_F_CTRL_RX) || len != 1 || p[0] > 1)
		return VIRTIO_NET_ERR;
	switch (cmd) {
	case VIRTIO_NET_CTRL_RX_PROMISC:
		flag = &net->st.promisc;
		break;
	case VIRTIO_NET_CTRL_RX_ALLMULTI:
		flag = &net->st.allmulti;
		break;
	case VIRTIO_NET_CTRL_RX_ALLUNI:
		flag = &net->st.alluni;
		break;
	case VIRTIO_NET_CTRL_RX_NOMULTI:
		flag = &net->st.nomulti;
		break;
	case VIRTIO_NET_CTRL_RX_NOUNI:
		flag = &net->st.nouni;
		break;
	case VIRTIO_NET_CTRL_RX_NOBCAST:
		flag = &net->st.nobcast;
		break;
	default:
		return VIRTIO_NET_ERR;
	}
	if (cmd > VIRTIO_NET_CTRL_RX_ALLMULTI && !vemu_net_has(net, VIRTIO_NET_F_CTRL_RX_EXTRA))
		return VIRTIO_NET_ERR;
	if (*flag != (p[0] != 0)) {
		*flag = p[0] != 0;
		vemu_net_event(net, VIRTIO_EMU_NET_EV_RX_MODE, cmd);
	}
	return VIRTIO_NET_OK;
}

/* One MAC table at @p p; returns its byte length or 0 when malformed/oversize. */
static uint32_t
vemu_net_mac_table(const struct virtio_emu_net *net, const uint8_t *p, uint32_t len,
		   uint32_t *entries)
{
	uint32_t n;

	if (len < sizeof(uint32_t))
		return 0;
	memcpy(&n, p, sizeof(n));
	n = rte_le_to_cpu_32(n);
	if (n > net->p.mac_table_max)
		return 0;	/* oversize tables are refused, never truncated */
	if ((uint64_t)n * VIRTIO_NET_MAC_LEN > len - sizeof(uint32_t))
		return 0;
	*entries = n;
	return (uint32_t)sizeof(uint32_t) + n * VIRTIO_NET_MAC_LEN;
}

static uint8_t
vemu_net_ctrl_mac(struct virtio_emu_net *net, uint8_t cmd, const uint8_t *p, uint32_t len)
{
	uint32_t uc_len, mc_len, nb_uc = 0, nb_mc = 0;

	switch (cmd) {
	case VIRTIO_NET_CTRL_MAC_TABLE_SET:
		if (!vemu_net_has(net, VIRTIO_NET_F_CTRL_RX))
			return VIRTIO_NET_ERR;
		uc_len = vemu_net_mac_table(net, p, len, &nb_uc);
		if (uc_len == 0)
			return VIRTIO_NET_ERR;
		mc_len = vemu_net_mac_table(net, p + uc_len, len - uc_len, &nb_mc);
		if (mc_len == 0 || uc_len + mc_len != len)
			return VIRTIO_NET_ERR;
		/* Both tables valid: replace the state at once. */
		net->st.nb_uc = nb_uc;
		net->st.nb_mc = nb_mc;
		memcpy(net->st.uc, p + sizeof(uint32_t), (size_t)nb_uc * VIRTIO_NET_MAC_LEN);
		memcpy(net->st.mc, p + uc_len + sizeof(uint32_t),
		       (size_t)nb_mc * VIRTIO_NET_MAC_LEN);
		vemu_net_event(net, VIRTIO_EMU_NET_EV_MAC_TABLE, 0);
		return VIRTIO_NET_OK;
	case VIRTIO_NET_CTRL_MAC_ADDR_SET:
		if (!vemu_net_has(net, VIRTIO_NET_F_CTRL_MAC_ADDR) || len != VIRTIO_NET_MAC_LEN ||
		    (p[0] & 1) != 0)
			return VIRTIO_NET_ERR;
		if (memcmp(net->mac, p, VIRTIO_NET_MAC_LEN) == 0)
			return VIRTIO_NET_OK;	/* nothing changed: no new generation */
		memcpy(net->mac, p, VIRTIO_NET_MAC_LEN);
		memcpy(net->st.mac, p, VIRTIO_NET_MAC_LEN);
		/* The mac field of the device configuration changed: new config_generation. */
		(void)virtio_emu_config_changed(net->pci);
		vemu_net_event(net, VIRTIO_EMU_NET_EV_MAC_ADDR, 0);
		return VIRTIO_NET_OK;
	default:
		return VIRTIO_NET_ERR;
	}
}

static uint8_t
vemu_net_ctrl_vlan(struct virtio_emu_net *net, uint8_t cmd, const uint8_t *p, uint32_t len)
{
	uint16_t vid;
	uint64_t bit;

	if (!vemu_net_has(net, VIRTIO_NET_F_CTRL_VLAN) || len != sizeof(uint16_t))
		return VIRTIO_NET_ERR;
	memcpy(&vid, p, sizeof(vid));
	vid = rte_le_to_cpu_16(vid);
	if (vid >= VIRTIO_NET_VLAN_ID_COUNT)
		return VIRTIO_NET_ERR;
	bit = UINT64_C(1) << (vid % 64);
	if (cmd == VIRTIO_NET_CTRL_VLAN_ADD)
		net->st.vlan[vid / 64] |= bit;
	else if (cmd == VIRTIO_NET_CTRL_VLAN_DEL)
		net->st.vlan[vid / 64] &= ~bit;
	else
		return VIRTIO_NET_ERR;
	vemu_net_event(net, VIRTIO_EMU_NET_EV_VLAN, vid);
	return VIRTIO_NET_OK;
}

static uint8_t
vemu_net_ctrl_announce(struct virtio_emu_net *net, uint8_t cmd, uint32_t len)
{
	if (!vemu_net_has(net, VIRTIO_NET_F_GUEST_ANNOUNCE) ||
	    cmd != VIRTIO_NET_CTRL_ANNOUNCE_ACK || len != 0)
		return VIRTIO_NET_ERR;
	net->announce = false;
	vemu_net_event(net, VIRTIO_EMU_NET_EV_ANNOUNCE_ACK, 0);
	return VIRTIO_NET_OK;
}

static uint8_t
vemu_net_ctrl_mq(struct virtio_emu_net *net, uint8_t cmd, const uint8_t *p, uint32_t len)
{
	uint16_t pairs;

	if (!vemu_net_has(net, VIRTIO_NET_F_MQ) || cmd != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET ||
	    len != sizeof(struct virtio_net_ctrl_mq))
		return VIRTIO_NET_ERR;
	memcpy(&pairs, p, sizeof(pairs));
	pairs = rte_le_to_cpu_16(pairs);
	if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || pairs > net->p.max_queue_pairs)
		return VIRTIO_NET_ERR;
	if (net->st.active_pairs != pairs) {
		net->st.active_pairs = pairs;
		vemu_net_event(net, VIRTIO_EMU_NET_EV_MQ, pairs);
	}
	return VIRTIO_NET_OK;
}

uint8_t
vemu_net_ctrl_exec(struct virtio_emu_net *net, const uint8_t *in, uint32_t len)
{
	struct virtio_net_ctrl_hdr hdr;
	const uint8_t *p;
	uint32_t plen;

	if (len < sizeof(hdr))
		return VIRTIO_NET_ERR;
	memcpy(&hdr, in, sizeof(hdr));
	p = in + sizeof(hdr);
	plen = len - (uint32_t)sizeof(hdr);
	switch (hdr.class) {
	case VIRTIO_NET_CTRL_RX:
		return vemu_net_ctrl_rx(net, hdr.cmd, p, plen);
	case VIRTIO_NET_CTRL_MAC:
		return vemu_net_ctrl_mac(net, hdr.cmd, p, plen);
	case VIRTIO_NET_CTRL_VLAN:
		return vemu_net_ctrl_vlan(net, hdr.cmd, p, plen);
	case VIRTIO_NET_CTRL_ANNOUNCE:
		return vemu_net_ctrl_announce(net, hdr.cmd, plen);
	case VIRTIO_NET_CTRL_MQ:
		return vemu_net_ctrl_mq(net, hdr.cmd, p, plen);
	default:
		return VIRTIO_NET_ERR;	/* unknown class, or a feature we never offer */
	}
}

uint32_t
vemu_net_ctrl_chain(struct virtio_emu_net *net, const struct vemu_net_seg *segs,
		    unsigned int nb_segs)
{
	const struct vemu_net_seg *ack = NULL;
	uint32_t in_len = 0;
	bool malformed = false;
	unsigned int i, nb_w = 0;
	uint32_t w_len = 0;
	uint8_t status;

	if (nb_segs > VEMU_NET_CTRL_MAX_SEGS) {
		nb_segs = VEMU_NET_CTRL_MAX_SEGS;
		malformed = true;
	}
	for (i = 0; i < nb_segs; i++) {
		if (segs[i].write) {
			if (ack == NULL)
				ack = &segs[i];
			nb_w++;
			w_len += segs[i].len;
			continue;
		}
		/* Readable after writable, empty buffers, oversize commands: malformed. */
		if (ack != NULL || segs[i].len == 0 ||
		    segs[i].len > VEMU_NET_CTRL_IN_MAX - in_len) {
			malformed = true;
			continue;
		}
		if (net->mem->read(net->mem_ctx, segs[i].addr, net->ctrl_in + in_len,
				   segs[i].len) != 0) {
			net->stats.ctrl_dma_err++;
			malformed = true;
			continue;
		}
		in_len += segs[i].len;
	}
	/* The ack is exactly one device-writable byte. */
	if (ack == NULL || ack->len == 0) {
		net->stats.ctrl_bad_chain++;
		return 0;
	}
	if (nb_w != 1 || w_len != 1 || in_len < sizeof(struct virtio_net_ctrl_hdr))
		malformed = true;
	if (malformed) {
		net->stats.ctrl_bad_chain++;
		status = VIRTIO_NET_ERR;
	} else {
		status = vemu_net_ctrl_exec(net, net->ctrl_in, in_len);
	}
	if (net->mem->write(net->mem_ctx, ack->addr, &status, 1) != 0) {
		net->stats.ctrl_dma_err++;
		return 0;
	}
	if (status == VIRTIO_NET_OK)
		net->stats.ctrl_ok++;
	else
		net->stats.ctrl_err++;
	return 1;
}

void
vemu_net_set_mem_ops(struct virtio_emu_net *net, const struct vemu_net_mem_ops *ops, void *ctx)
{
	net->mem = ops;
	net->mem_custom = ops;
	net->mem_ctx = ctx;
}

/* ---- the control queue on the ring engine ---- */

/* Most chains served per poll. */
#define VEMU_NET_CTRL_BURST 16u

static bool
vemu_net_dma_allowed(void *arg)
{
	return pcifn_dma_allowed(arg);
}

int
vemu_net_ctrl_enable(struct virtio_emu_net *net, const struct virtio_emu_queue_cfg *cfg)
{
	struct virtio_emu_vq *vq;

	vq = vemu_net_vq_create(net, cfg);
	if (vq == NULL)
		return -rte_errno;
	/* Kicks are welcome: the control queue is served when notified. */
	(void)virtio_emu_vq_notify_enable(vq, true);
	net->ctrl_vq = vq;
	return 0;
}

void
vemu_net_ctrl_disable(struct virtio_emu_net *net)
{
	virtio_emu_vq_free(net->ctrl_vq);
	net->ctrl_vq = NULL;
}

/* One chain from the engine: the engine already checked order, lengths, addresses. */
static uint32_t
vemu_net_ctrl_one(struct virtio_emu_net *net, struct virtio_emu_vq *vq,
		  const struct virtio_emu_vq_chain *c)
{
	bool malformed = false;
	uint8_t status;

	if (c->nb_wr == 0) {
		net->stats.ctrl_bad_chain++;	/* nowhere to answer */
		return 0;
	}
	if (c->nb_wr != 1 || c->wr_len != 1 || c->rd_len < sizeof(struct virtio_net_ctrl_hdr) ||
	    c->rd_len > VEMU_NET_CTRL_IN_MAX)
		malformed = true;
	if (!malformed && virtio_emu_vq_chain_read(vq, c, 0, net->ctrl_in, c->rd_len) != 0) {
		net->stats.ctrl_dma_err++;
		malformed = true;
	}
	if (malformed) {
		net->stats.ctrl_bad_chain++;
		status = VIRTIO_NET_ERR;
	} else {
		status = vemu_net_ctrl_exec(net, net->ctrl_in, c->rd_len);
	}
	if (virtio_emu_vq_chain_write(vq, c, 0, &status, 1) != 0) {
		net->stats.ctrl_dma_err++;
		return 0;
	}
	if (status == VIRTIO_NET_OK)
		net->stats.ctrl_ok++;
	else
		net->stats.ctrl_err++;
	return 1;
}

unsigned int
vemu_net_ctrl_poll(struct virtio_emu_net *net)
{
	struct virtio_emu_vq_chain chains[VEMU_NET_CTRL_BURST];
	struct virtio_emu_vq_used used[VEMU_NET_CTRL_BURST];
	struct virtio_emu_vq *vq = net->ctrl_vq;
	unsigned int total = 0, rounds;
	uint16_t n, i;

	if (vq == NULL)
		return 0;
	/* Bounded: at most one queue's worth of chains per call. */
	for (rounds = 0; rounds <= virtio_emu_vq_size(vq) / VEMU_NET_CTRL_BURST; rounds++) {
		n = virtio_emu_vq_pop(vq, chains, VEMU_NET_CTRL_BURST);
		if (n == 0)
			break;
		/* Commands are executed in ring order; each answered before the next. */
		for (i = 0; i < n; i++) {
			used[i].id = chains[i].id;
			used[i].len = vemu_net_ctrl_one(net, vq, &chains[i]);
		}
		virtio_emu_vq_push(vq, used, n);
		total += n;
	}
	if (total > 0 && virtio_emu_vq_should_notify(vq))
		(void)virtio_emu_queue_interrupt(net->pci, net->ctrl_index, net->p.dma_qid);
	if (virtio_emu_vq_broken(vq) != VIRTIO_EMU_VQ_OK)
		virtio_emu_set_needs_reset(net->pci,
					   virtio_emu_vq_broken_name(virtio_emu_vq_broken(vq)));
	return total;
}

struct virtio_emu_vq *
vemu_net_vq_create(struct virtio_emu_net *net, const struct virtio_emu_queue_cfg *cfg)
{
	struct tlpdev_mem_region regions[TLPDEV_MAX_MEM_REGIONS];
	struct pcifn *fn = virtio_emu_pci_fn(net->pci);
	struct virtio_emu_vq_conf conf;
	struct virtio_emu_vq *vq;
	int dev_id = pcifn_dev_id(fn), nb = 0;

	if (dev_id < 0 && net->mem_custom == NULL) {
		rte_errno = ENODEV;
		return NULL;
	}
	memset(&conf, 0, sizeof(conf));
	conf.size = cfg->size;
	conf.index = cfg->index;
	conf.features = cfg->features;
	conf.desc_addr = cfg->desc;
	conf.driver_addr = cfg->driver;
	conf.device_addr = cfg->device;
	conf.dev_id = dev_id < 0 ? 0 : (uint16_t)dev_id;
	conf.dma_qid = cfg->index == net->ctrl_index ? net->p.dma_qid : net->dp_dma_qid[cfg->index];
	conf.dma_allowed = vemu_net_dma_allowed;
	conf.dma_allowed_arg = fn;
	if (net->mem_custom != NULL) {
		conf.mem_ops = net->mem_custom;
		conf.mem_ctx = net->mem_ctx;
	} else if (!net->p.dma_copy && dev_id >= 0) {
		/* Direct path when the tlpdev maps host memory; DMA otherwise. */
		nb = tlpdev_host_mem_map((uint16_t)dev_id, regions, RTE_DIM(regions));
		if (nb > 0) {
			conf.regions = regions;
			conf.nb_regions = (uint16_t)nb;
		}
	}
	vq = virtio_emu_vq_create(&conf);
	/* Every buffer is checked against our own BARs, live (hostile-inputs item 6). */
	if (vq != NULL)
		vemu_vq_forbid_set(vq, vemu_pci_forbid(net->pci));
	return vq;
}
