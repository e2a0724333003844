/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Control queue commands: one chain per command (header, command data,
 * ack byte), sent and waited for synchronously. The ack byte is set to a
 * value that is neither OK nor ERR beforehand, so a device that never writes
 * it is told apart from one that answers.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hostsim_vnet.h"

#define HOSTSIM_CTRL_HDR_OFF 0
#define HOSTSIM_CTRL_ACK_OFF (HOSTSIM_VNET_CTRL_BUF - 64)
#define HOSTSIM_CTRL_DATA_OFF 64
#define HOSTSIM_CTRL_MAX_SEGS 8
#define HOSTSIM_CTRL_ACK_NONE 0xa5

int
hostsim_vnet_ctrl_cmd(struct hostsim_vnet *d, uint8_t cls, uint8_t cmd,
		      const struct hostsim_vq_seg *data, uint16_t nb_data)
{
	struct hostsim_vq_seg segs[HOSTSIM_CTRL_MAX_SEGS + 2];
	volatile uint8_t *ack;
	struct hostsim_vq_used u;
	struct hostsim_vq *vq = d->ctrlq;
	uint64_t deadline;
	uint16_t i;
	int ret;

	if (vq == NULL)
		return -ENOTSUP;
	if (nb_data > HOSTSIM_CTRL_MAX_SEGS)
		return -EINVAL;
	if (vq->broken)
		return -EPROTO;
	d->ctrl_buf[HOSTSIM_CTRL_HDR_OFF] = cls;
	d->ctrl_buf[HOSTSIM_CTRL_HDR_OFF + 1] = cmd;
	ack = &d->ctrl_buf[HOSTSIM_CTRL_ACK_OFF];
	*ack = HOSTSIM_CTRL_ACK_NONE;
	segs[0] = (struct hostsim_vq_seg){ d->ctrl_iova + HOSTSIM_CTRL_HDR_OFF, 2, 0 };
	for (i = 0; i < nb_data; i++)
		segs[1 + i] = data[i];
	segs[1 + nb_data] = (struct hostsim_vq_seg){ d->ctrl_iova + HOSTSIM_CTRL_ACK_OFF, 1, 1 };
	ret = hostsim_vq_add(vq, segs, (uint16_t)(nb_data + 2), d->ctrl_buf);
	if (ret != 0)
		return ret == -ENOSPC ? -EBUSY : ret;
	hostsim_vq_publish(vq);
	/* Always notify: a command is rare and waited for. */
	hostsim_vq_kick_prepare(vq);
	hostsim_vnet_notify(d, vq);
	deadline = hostsim_vnet_now_ns() + (uint64_t)d->ctrl_timeout_ms * 1000000u;
	for (;;) {
		if (d->bus.service != NULL)
			d->bus.service(d->bus.ctx);
		if (hostsim_vq_get_used(vq, &u, 1) == 1)
			break;
		if (vq->broken) {
			snprintf(d->err, sizeof(d->err), "control queue: %s", vq->err);
			return -EPROTO;
		}
		if (hostsim_vnet_now_ns() > deadline) {
			/* The chain stays with the device: the queue cannot be trusted again. */
			hostsim_vq_fail(vq, "control command %u.%u not answered in %u ms", cls,
					cmd, d->ctrl_timeout_ms);
			snprintf(d->err, sizeof(d->err), "%s", vq->err);
			return -ETIMEDOUT;
		}
	}
	/* Acquire (by get_used): the ack byte is read after the used entry. */
	switch (*ack) {
	case HOSTSIM_VNET_OK:
		return 0;
	case HOSTSIM_VNET_ERR:
		return -EIO;
	default:
		snprintf(d->err, sizeof(d->err), "control command %u.%u: ack 0x%02x", cls, cmd,
			 *ack);
		return -EPROTO;
	}
}

/* Copy @p len bytes of command data into the control buffer as one segment. */
static int
hostsim_vnet_ctrl_data(struct hostsim_vnet *d, uint32_t off, const void *p, uint32_t len,
		       struct hostsim_vq_seg *seg)
{
	if (d->ctrl_buf == NULL)
		return -ENOTSUP;
	if (off < HOSTSIM_CTRL_DATA_OFF || off + len > HOSTSIM_CTRL_ACK_OFF)
		return -E2BIG;
	memcpy(d->ctrl_buf + off, p, len);
	*seg = (struct hostsim_vq_seg){ d->ctrl_iova + off, len, 0 };
	return 0;
}

int
hostsim_vnet_ctrl_rx_mode(struct hostsim_vnet *d, uint8_t mode, int on)
{
	struct hostsim_vq_seg s;
	uint8_t v = on != 0;
	int ret;

	if (!hostsim_vnet_has(d, HOSTSIM_VF_CTRL_RX))
		return -ENOTSUP;
	ret = hostsim_vnet_ctrl_data(d, HOSTSIM_CTRL_DATA_OFF, &v, 1, &s);
	return ret != 0 ? ret : hostsim_vnet_ctrl_cmd(d, HOSTSIM_VNET_CTRL_RX, mode, &s, 1);
}

int
hostsim_vnet_ctrl_mac_table(struct hostsim_vnet *d, const uint8_t (*uc)[6], uint32_t nb_uc,
			    const uint8_t (*mc)[6], uint32_t nb_mc)
{
	struct hostsim_vq_seg s[2];
	uint32_t off = HOSTSIM_CTRL_DATA_OFF, len;
	uint8_t tmp[4];
	int ret;

	if (!hostsim_vnet_has(d, HOSTSIM_VF_CTRL_RX))
		return -ENOTSUP;
	if ((uint64_t)(nb_uc + (uint64_t)nb_mc) * 6 + 8 >
	    HOSTSIM_CTRL_ACK_OFF - HOSTSIM_CTRL_DATA_OFF)
		return -E2BIG;
	/* Two tables, each a 32-bit count and its entries: one segment each. */
	memcpy(tmp, &nb_uc, 4);
	len = 4 + 6 * nb_uc;
	ret = hostsim_vnet_ctrl_data(d, off, tmp, 4, &s[0]);
	if (ret != 0)
		return ret;
	if (nb_uc > 0)
		memcpy(d->ctrl_buf + off + 4, uc, 6 * (size_t)nb_uc);
	s[0].len = len;
	off += len;
	memcpy(tmp, &nb_mc, 4);
	ret = hostsim_vnet_ctrl_data(d, off, tmp, 4, &s[1]);
	if (ret != 0)
		return ret;
	if (nb_mc > 0)
		memcpy(d->ctrl_buf + off + 4, mc, 6 * (size_t)nb_mc);
	s[1].len = 4 + 6 * nb_mc;
	return hostsim_vnet_ctrl_cmd(d, HOSTSIM_VNET_CTRL_MAC, HOSTSIM_VNET_CTRL_MAC_TABLE_SET, s,
				     2);
}

int
hostsim_vnet_ctrl_mac_set(struct hostsim_vnet *d, const uint8_t mac[6])
{
	struct hostsim_vq_seg s;
	int ret;

	if (!hostsim_vnet_has(d, HOSTSIM_VF_CTRL_MAC_ADDR))
		return -ENOTSUP;
	ret = hostsim_vnet_ctrl_data(d, HOSTSIM_CTRL_DATA_OFF, mac, 6, &s);
	return ret != 0 ? ret : hostsim_vnet_ctrl_cmd(d, HOSTSIM_VNET_CTRL_MAC,
						      HOSTSIM_VNET_CTRL_MAC_ADDR_SET, &s, 1);
}

int
hostsim_vnet_ctrl_vlan(struct hostsim_vnet *d, uint16_t vid, int add)
{
	struct hostsim_vq_seg s;
	int ret;

	if (!hostsim_vnet_has(d, HOSTSIM_VF_CTRL_VLAN))
		return -ENOTSUP;
	if (vid > 4095)
		return -EINVAL;
	ret = hostsim_vnet_ctrl_data(d, HOSTSIM_CTRL_DATA_OFF, &vid, 2, &s);
	return ret != 0 ? ret : hostsim_vnet_ctrl_cmd(d, HOSTSIM_VNET_CTRL_VLAN,
						      add ? HOSTSIM_VNET_CTRL_VLAN_ADD :
						      HOSTSIM_VNET_CTRL_VLAN_DEL, &s, 1);
}

int
hostsim_vnet_ctrl_mq_pairs(struct hostsim_vnet *d, uint16_t pairs)
{
	struct hostsim_vq_seg s;
	int ret;

	if (!hostsim_vnet_has(d, HOSTSIM_VF_MQ))
		return -ENOTSUP;
	if (pairs == 0 || pairs > d->max_pairs)
		return -EINVAL;
	ret = hostsim_vnet_ctrl_data(d, HOSTSIM_CTRL_DATA_OFF, &pairs, 2, &s);
	return ret != 0 ? ret : hostsim_vnet_ctrl_cmd(d, HOSTSIM_VNET_CTRL_MQ,
						      HOSTSIM_VNET_CTRL_MQ_VQ_PAIRS_SET, &s, 1);
}

int
hostsim_vnet_ctrl_announce_ack(struct hostsim_vnet *d)
{
	if (!hostsim_vnet_has(d, HOSTSIM_VF_GUEST_ANNOUNCE))
		return -ENOTSUP;
	return hostsim_vnet_ctrl_cmd(d, HOSTSIM_VNET_CTRL_ANNOUNCE,
				     HOSTSIM_VNET_CTRL_ANNOUNCE_ACK, NULL, 0);
}
