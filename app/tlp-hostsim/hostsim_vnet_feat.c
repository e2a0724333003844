/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* Feature names, the command-line feature list, prerequisites. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hostsim_vnet.h"

const struct hostsim_vnet_feature hostsim_vnet_features[] = {
	{ "CSUM", HOSTSIM_VF_CSUM },
	{ "GUEST_CSUM", HOSTSIM_VF_GUEST_CSUM },
	{ "CTRL_GUEST_OFFLOADS", HOSTSIM_VF_CTRL_GUEST_OFFLOADS },
	{ "MTU", HOSTSIM_VF_MTU },
	{ "MAC", HOSTSIM_VF_MAC },
	{ "GUEST_TSO4", HOSTSIM_VF_GUEST_TSO4 },
	{ "GUEST_TSO6", HOSTSIM_VF_GUEST_TSO6 },
	{ "GUEST_ECN", HOSTSIM_VF_GUEST_ECN },
	{ "GUEST_UFO", HOSTSIM_VF_GUEST_UFO },
	{ "HOST_TSO4", HOSTSIM_VF_HOST_TSO4 },
	{ "HOST_TSO6", HOSTSIM_VF_HOST_TSO6 },
	{ "HOST_ECN", HOSTSIM_VF_HOST_ECN },
	{ "HOST_UFO", HOSTSIM_VF_HOST_UFO },
	{ "MRG_RXBUF", HOSTSIM_VF_MRG_RXBUF },
	{ "STATUS", HOSTSIM_VF_STATUS },
	{ "CTRL_VQ", HOSTSIM_VF_CTRL_VQ },
	{ "CTRL_RX", HOSTSIM_VF_CTRL_RX },
	{ "CTRL_VLAN", HOSTSIM_VF_CTRL_VLAN },
	{ "CTRL_RX_EXTRA", HOSTSIM_VF_CTRL_RX_EXTRA },
	{ "GUEST_ANNOUNCE", HOSTSIM_VF_GUEST_ANNOUNCE },
	{ "MQ", HOSTSIM_VF_MQ },
	{ "CTRL_MAC_ADDR", HOSTSIM_VF_CTRL_MAC_ADDR },
	{ "INDIRECT_DESC", HOSTSIM_VF_INDIRECT_DESC },
	{ "EVENT_IDX", HOSTSIM_VF_EVENT_IDX },
	{ "VERSION_1", HOSTSIM_VF_VERSION_1 },
	{ "ACCESS_PLATFORM", HOSTSIM_VF_ACCESS_PLATFORM },
	{ "RING_PACKED", HOSTSIM_VF_RING_PACKED },
	{ "IN_ORDER", HOSTSIM_VF_IN_ORDER },
	{ "ORDER_PLATFORM", HOSTSIM_VF_ORDER_PLATFORM },
	{ "SR_IOV", HOSTSIM_VF_SR_IOV },
	{ "NOTIFICATION_DATA", HOSTSIM_VF_NOTIFICATION_DATA },
	{ "RING_RESET", HOSTSIM_VF_RING_RESET },
	{ "SPEED_DUPLEX", HOSTSIM_VF_SPEED_DUPLEX },
	{ NULL, 0 },
};

/*
 * What the driver handles. Offloads are accepted (headers carry no offload
 * requests and received ones are only checked); IN_ORDER and
 * NOTIFICATION_DATA are not: the driver would have to honour them.
 */
const uint64_t hostsim_vnet_features_supported =
	HOSTSIM_VF(HOSTSIM_VF_CSUM) | HOSTSIM_VF(HOSTSIM_VF_GUEST_CSUM) |
	HOSTSIM_VF(HOSTSIM_VF_MTU) | HOSTSIM_VF(HOSTSIM_VF_MAC) |
	HOSTSIM_VF(HOSTSIM_VF_GUEST_TSO4) | HOSTSIM_VF(HOSTSIM_VF_GUEST_TSO6) |
	HOSTSIM_VF(HOSTSIM_VF_HOST_TSO4) | HOSTSIM_VF(HOSTSIM_VF_HOST_TSO6) |
	HOSTSIM_VF(HOSTSIM_VF_MRG_RXBUF) | HOSTSIM_VF(HOSTSIM_VF_STATUS) |
	HOSTSIM_VF(HOSTSIM_VF_CTRL_VQ) | HOSTSIM_VF(HOSTSIM_VF_CTRL_RX) |
	HOSTSIM_VF(HOSTSIM_VF_CTRL_VLAN) | HOSTSIM_VF(HOSTSIM_VF_GUEST_ANNOUNCE) |
	HOSTSIM_VF(HOSTSIM_VF_MQ) | HOSTSIM_VF(HOSTSIM_VF_CTRL_MAC_ADDR) |
	HOSTSIM_VF(HOSTSIM_VF_INDIRECT_DESC) | HOSTSIM_VF(HOSTSIM_VF_EVENT_IDX) |
	HOSTSIM_VF(HOSTSIM_VF_VERSION_1) | HOSTSIM_VF(HOSTSIM_VF_ACCESS_PLATFORM) |
	HOSTSIM_VF(HOSTSIM_VF_RING_PACKED) | HOSTSIM_VF(HOSTSIM_VF_SPEED_DUPLEX) |
	HOSTSIM_VF(HOSTSIM_VF_RING_RESET);

const uint64_t hostsim_vnet_features_default =
	HOSTSIM_VF(HOSTSIM_VF_VERSION_1) | HOSTSIM_VF(HOSTSIM_VF_ACCESS_PLATFORM) |
	HOSTSIM_VF(HOSTSIM_VF_MAC) | HOSTSIM_VF(HOSTSIM_VF_STATUS) |
	HOSTSIM_VF(HOSTSIM_VF_MTU) | HOSTSIM_VF(HOSTSIM_VF_MRG_RXBUF) |
	HOSTSIM_VF(HOSTSIM_VF_EVENT_IDX) | HOSTSIM_VF(HOSTSIM_VF_INDIRECT_DESC) |
	HOSTSIM_VF(HOSTSIM_VF_CTRL_VQ) | HOSTSIM_VF(HOSTSIM_VF_CTRL_RX) |
	HOSTSIM_VF(HOSTSIM_VF_CTRL_VLAN) | HOSTSIM_VF(HOSTSIM_VF_CTRL_MAC_ADDR) |
	HOSTSIM_VF(HOSTSIM_VF_GUEST_ANNOUNCE) | HOSTSIM_VF(HOSTSIM_VF_MQ) |
	HOSTSIM_VF(HOSTSIM_VF_SPEED_DUPLEX);

static int
hostsim_vnet_feature_lookup(const char *s, size_t len, uint64_t *mask)
{
	const struct hostsim_vnet_feature *f;
	static const char *const prefixes[] = { "VIRTIO_NET_F_", "VIRTIO_F_", "" };
	unsigned long long v;
	unsigned int p;
	size_t pl;
	char tmp[64], *end;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (strncasecmp(tmp, "bit", 3) == 0) {
		errno = 0;
		v = strtoull(tmp + 3, &end, 10);
		if (tmp[3] == '\0' || *end != '\0' || errno != 0 || v > 63)
			return -1;
		*mask = UINT64_C(1) << v;
		return 0;
	}
	if (tmp[0] >= '0' && tmp[0] <= '9') {
		errno = 0;
		v = strtoull(tmp, &end, 0);
		if (*end != '\0' || errno != 0)
			return -1;
		*mask = v;
		return 0;
	}
	for (p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
		pl = strlen(prefixes[p]);
		if (strncasecmp(tmp, prefixes[p], pl) != 0)
			continue;
		for (f = hostsim_vnet_features; f->name != NULL; f++)
			if (strcasecmp(tmp + pl, f->name) == 0) {
				*mask = HOSTSIM_VF(f->bit);
				return 0;
			}
	}
	return -1;
}

int
hostsim_vnet_features_parse(const char *list, uint64_t *features, char *err, size_t errlen)
{
	const char *p = list, *e;
	uint64_t set = *features, mask;
	int started = 0;
	char op;

	while (*p != '\0') {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		op = *p;
		if (op == '+' || op == '-')
			p++;
		else
			op = '=';
		if (hostsim_vnet_feature_lookup(p, (size_t)(e - p), &mask) != 0) {
			snprintf(err, errlen, "unknown feature '%.*s'", (int)(e - p), p);
			return -1;
		}
		if (op == '=' && !started) {
			set = 0;
			started = 1;
		}
		if (op == '-')
			set &= ~mask;
		else
			set |= mask;
		p = *e == ',' ? e + 1 : e;
	}
	*features = set;
	return 0;
}

void
hostsim_vnet_features_str(uint64_t f, char *buf, size_t len)
{
	const struct hostsim_vnet_feature *n;
	size_t used = 0;
	unsigned int b;
	int w;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (b = 0; b < 64; b++) {
		if ((f & (UINT64_C(1) << b)) == 0)
			continue;
		for (n = hostsim_vnet_features; n->name != NULL && n->bit != b; n++)
			;
		if (n->name != NULL)
			w = snprintf(buf + used, len - used, "%s%s", used ? "," : "", n->name);
		else
			w = snprintf(buf + used, len - used, "%sbit%u", used ? "," : "", b);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

uint64_t
hostsim_vnet_features_fixup(uint64_t *f)
{
	static const struct {
		uint8_t bit, needs;
	} deps[] = {
		{ HOSTSIM_VF_GUEST_TSO4, HOSTSIM_VF_GUEST_CSUM },
		{ HOSTSIM_VF_GUEST_TSO6, HOSTSIM_VF_GUEST_CSUM },
		{ HOSTSIM_VF_GUEST_ECN, HOSTSIM_VF_GUEST_TSO4 },
		{ HOSTSIM_VF_GUEST_UFO, HOSTSIM_VF_GUEST_CSUM },
		{ HOSTSIM_VF_HOST_TSO4, HOSTSIM_VF_CSUM },
		{ HOSTSIM_VF_HOST_TSO6, HOSTSIM_VF_CSUM },
		{ HOSTSIM_VF_HOST_ECN, HOSTSIM_VF_HOST_TSO4 },
		{ HOSTSIM_VF_HOST_UFO, HOSTSIM_VF_CSUM },
		{ HOSTSIM_VF_CTRL_RX, HOSTSIM_VF_CTRL_VQ },
		{ HOSTSIM_VF_CTRL_VLAN, HOSTSIM_VF_CTRL_VQ },
		{ HOSTSIM_VF_CTRL_RX_EXTRA, HOSTSIM_VF_CTRL_RX },
		{ HOSTSIM_VF_GUEST_ANNOUNCE, HOSTSIM_VF_CTRL_VQ },
		{ HOSTSIM_VF_MQ, HOSTSIM_VF_CTRL_VQ },
		{ HOSTSIM_VF_CTRL_MAC_ADDR, HOSTSIM_VF_CTRL_VQ },
		{ HOSTSIM_VF_CTRL_GUEST_OFFLOADS, HOSTSIM_VF_CTRL_VQ },
	};
	uint64_t dropped = 0;
	unsigned int i, changed;

	/* Until nothing changes: a drop may break another prerequisite. */
	do {
		changed = 0;
		for (i = 0; i < sizeof(deps) / sizeof(deps[0]); i++)
			if ((*f & HOSTSIM_VF(deps[i].bit)) && !(*f & HOSTSIM_VF(deps[i].needs))) {
				*f &= ~HOSTSIM_VF(deps[i].bit);
				dropped |= HOSTSIM_VF(deps[i].bit);
				changed = 1;
			}
	} while (changed);
	return dropped;
}
