/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The ICMP mode of the traffic command: ARP who-has and ICMP echo requests
 * built in the transmit buffers, replies checked field by field and matched
 * to the requests outstanding on their pair.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hostsim_vnet_icmp.h"

#define ICMP_HDR_LEN ((uint32_t)sizeof(struct hostsim_vnet_hdr))
#define ICMP_FIRST_ERRORS 8

#define ICMP_ETH_ARP 0x0806
#define ICMP_ETH_IPV4 0x0800
#define ICMP_ARP_REQUEST 1
#define ICMP_ARP_REPLY 2
#define ICMP_PROTO 1
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define ICMP_IP_DF 0x4000
#define ICMP_IP_TTL 64

/* Offsets: Ethernet, then ARP or IPv4 + ICMP. */
#define ICMP_OFF_L3 14
#define ICMP_OFF_ARP_OP (ICMP_OFF_L3 + 6)
#define ICMP_OFF_ARP_SHA (ICMP_OFF_L3 + 8)
#define ICMP_OFF_ARP_SPA (ICMP_OFF_L3 + 14)
#define ICMP_OFF_ARP_THA (ICMP_OFF_L3 + 18)
#define ICMP_OFF_ARP_TPA (ICMP_OFF_L3 + 24)
#define ICMP_ARP_END (ICMP_OFF_L3 + 28)
#define ICMP_OFF_L4 (ICMP_OFF_L3 + 20)
#define ICMP_OFF_NUM (ICMP_OFF_L4 + 8)
#define ICMP_OFF_PAYLOAD (ICMP_OFF_NUM + 8)

/* 192.0.2.0/24: TEST-NET-1, documentation addresses. */
#define ICMP_HOST_IP 0xc0000201u
#define ICMP_PEER_IP 0xc0000202u

static const uint8_t icmp_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static inline void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

int
hostsim_icmp_init(struct hostsim_icmp *ic, uint16_t nb_pairs, const uint8_t mac[6],
		  const struct hostsim_vnet_txq *txq)
{
	memset(ic, 0, sizeof(*ic));
	memcpy(ic->mac, mac, 6);
	ic->ip = ICMP_HOST_IP;
	ic->peer_ip = ICMP_PEER_IP;
	ic->nb_pairs = nb_pairs;
	ic->txq = txq;
	ic->pair = calloc(nb_pairs, sizeof(*ic->pair));
	return ic->pair == NULL ? -ENOMEM : 0;
}

void
hostsim_icmp_fini(struct hostsim_icmp *ic)
{
	free(ic->pair);
	ic->pair = NULL;
}

uint16_t
hostsim_icmp_cksum(const uint8_t *p, uint32_t len)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline uint8_t
icmp_pattern(uint16_t pair, uint64_t num, uint32_t i)
{
	return (uint8_t)(num * 13u + i * 7u + pair);
}

void
hostsim_icmp_build_arp(const struct hostsim_icmp *ic, uint8_t *buf)
{
	memset(buf, 0, HOSTSIM_ICMP_ARP_LEN);
	memcpy(buf, icmp_bcast, 6);
	memcpy(buf + 6, ic->mac, 6);
	put16(buf + 12, ICMP_ETH_ARP);
	put16(buf + ICMP_OFF_L3, 1);			/* Ethernet */
	put16(buf + ICMP_OFF_L3 + 2, ICMP_ETH_IPV4);
	buf[ICMP_OFF_L3 + 4] = 6;
	buf[ICMP_OFF_L3 + 5] = 4;
	put16(buf + ICMP_OFF_ARP_OP, ICMP_ARP_REQUEST);
	memcpy(buf + ICMP_OFF_ARP_SHA, ic->mac, 6);
	put32(buf + ICMP_OFF_ARP_SPA, ic->ip);
	/* Target hardware address unknown: zero. */
	put32(buf + ICMP_OFF_ARP_TPA, ic->peer_ip);
}

void
hostsim_icmp_build_echo(const struct hostsim_icmp *ic, uint8_t *buf, uint32_t len,
			uint16_t pair, uint64_t num)
{
	uint8_t *ip = buf + ICMP_OFF_L3, *icmp = buf + ICMP_OFF_L4;
	uint32_t i;

	memcpy(buf, ic->peer_mac, 6);
	memcpy(buf + 6, ic->mac, 6);
	put16(buf + 12, ICMP_ETH_IPV4);
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(len - ICMP_OFF_L3));
	put16(ip + 4, (uint16_t)num);
	put16(ip + 6, ICMP_IP_DF);
	ip[8] = ICMP_IP_TTL;
	ip[9] = ICMP_PROTO;
	put16(ip + 10, 0);
	put32(ip + 12, ic->ip);
	put32(ip + 16, ic->peer_ip);
	put16(ip + 10, hostsim_icmp_cksum(ip, 20));
	icmp[0] = ICMP_ECHO_REQUEST;
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, (uint16_t)(HOSTSIM_ICMP_ID_BASE + pair));
	put16(icmp + 6, (uint16_t)num);
	memcpy(buf + ICMP_OFF_NUM, &num, 8);
	for (i = ICMP_OFF_PAYLOAD; i < len; i++)
		buf[i] = icmp_pattern(pair, num, i);
	put16(icmp + 2, hostsim_icmp_cksum(icmp, len - ICMP_OFF_L4));
}

static enum hostsim_icmp_verdict
icmp_check_arp(struct hostsim_icmp *ic, const uint8_t *f, uint32_t len)
{
	const uint8_t *sha = f + ICMP_OFF_ARP_SHA;

	if (len < ICMP_ARP_END || get16(f + ICMP_OFF_L3) != 1 ||
	    get16(f + ICMP_OFF_L3 + 2) != ICMP_ETH_IPV4 || f[ICMP_OFF_L3 + 4] != 6 ||
	    f[ICMP_OFF_L3 + 5] != 4 || get16(f + ICMP_OFF_ARP_OP) != ICMP_ARP_REPLY)
		return HOSTSIM_ICMP_BAD_ARP;
	/* The answer: the peer's address is at the sender's MAC, which sent it. */
	if (get32(f + ICMP_OFF_ARP_SPA) != ic->peer_ip || memcmp(sha, f + 6, 6) != 0 ||
	    (sha[0] & 1) != 0 || memcmp(sha, "\0\0\0\0\0\0", 6) == 0 ||
	    memcmp(f + ICMP_OFF_ARP_THA, ic->mac, 6) != 0 ||
	    get32(f + ICMP_OFF_ARP_TPA) != ic->ip)
		return HOSTSIM_ICMP_BAD_ARP;
	if (!ic->peer_known) {
		memcpy(ic->peer_mac, sha, 6);
		ic->peer_known = 1;
	} else if (memcmp(ic->peer_mac, sha, 6) != 0) {
		return HOSTSIM_ICMP_BAD_ARP;
	}
	return HOSTSIM_ICMP_ARP_REPLY;
}

static enum hostsim_icmp_verdict
icmp_check_echo(struct hostsim_icmp *ic, const uint8_t *f, uint32_t len, uint16_t *pair,
		uint64_t *num)
{
	const uint8_t *ip = f + ICMP_OFF_L3, *icmp = f + ICMP_OFF_L4;
	uint16_t id, p;
	uint64_t n;
	uint32_t i;

	if (len < HOSTSIM_ICMP_ECHO_MIN || ip[0] != 0x45 ||
	    get16(ip + 2) != len - ICMP_OFF_L3 || get16(ip + 6) != ICMP_IP_DF ||
	    ip[9] != ICMP_PROTO)
		return HOSTSIM_ICMP_BAD_IP;
	if (hostsim_icmp_cksum(ip, 20) != 0)
		return HOSTSIM_ICMP_BAD_IP_CSUM;
	if (get32(ip + 12) != ic->peer_ip || get32(ip + 16) != ic->ip)
		return HOSTSIM_ICMP_BAD_IP;
	if (hostsim_icmp_cksum(icmp, len - ICMP_OFF_L4) != 0)
		return HOSTSIM_ICMP_BAD_ICMP_CSUM;
	id = get16(icmp + 4);
	p = (uint16_t)(id - HOSTSIM_ICMP_ID_BASE);
	memcpy(&n, f + ICMP_OFF_NUM, 8);
	if (icmp[0] != ICMP_ECHO_REPLY || icmp[1] != 0 || p >= ic->nb_pairs ||
	    get16(icmp + 6) != (uint16_t)n)
		return HOSTSIM_ICMP_BAD_ICMP;
	for (i = ICMP_OFF_PAYLOAD; i < len; i++)
		if (f[i] != icmp_pattern(p, n, i))
			return HOSTSIM_ICMP_BAD_PAYLOAD;
	*pair = p;
	*num = n;
	return HOSTSIM_ICMP_ECHO_REPLY;
}

enum hostsim_icmp_verdict
hostsim_icmp_check(struct hostsim_icmp *ic, const uint8_t *f, uint32_t len, uint16_t *pair,
		   uint64_t *num)
{
	if (len < ICMP_OFF_L3 || memcmp(f, ic->mac, 6) != 0)
		return HOSTSIM_ICMP_BAD_ETH;
	switch (get16(f + 12)) {
	case ICMP_ETH_ARP:
		return icmp_check_arp(ic, f, len);
	case ICMP_ETH_IPV4:
		/* Echo replies come from the address the ARP reply gave. */
		if (!ic->peer_known || memcmp(f + 6, ic->peer_mac, 6) != 0)
			return HOSTSIM_ICMP_BAD_ETH;
		return icmp_check_echo(ic, f, len, pair, num);
	default:
		return HOSTSIM_ICMP_BAD_ETH;
	}
}

const char *
hostsim_icmp_verdict_str(enum hostsim_icmp_verdict v)
{
	static const char * const names[HOSTSIM_ICMP_VERDICTS] = {
		[HOSTSIM_ICMP_ARP_REPLY] = "arp_reply",
		[HOSTSIM_ICMP_ECHO_REPLY] = "echo_reply",
		[HOSTSIM_ICMP_BAD_ETH] = "bad_eth",
		[HOSTSIM_ICMP_BAD_ARP] = "bad_arp",
		[HOSTSIM_ICMP_BAD_IP] = "bad_ip",
		[HOSTSIM_ICMP_BAD_IP_CSUM] = "bad_ip_csum",
		[HOSTSIM_ICMP_BAD_ICMP] = "bad_icmp",
		[HOSTSIM_ICMP_BAD_ICMP_CSUM] = "bad_icmp_csum",
		[HOSTSIM_ICMP_BAD_PAYLOAD] = "bad_payload",
	};

	return (unsigned int)v < HOSTSIM_ICMP_VERDICTS ? names[v] : "?";
}

/* Cookies are buffer index + 1, as in hostsim_vnet_io.c. */
static inline uint16_t
icmp_cookie_idx(void *cookie)
{
	return (uint16_t)((uintptr_t)cookie - 1);
}

uint16_t
hostsim_icmp_tx_burst(struct hostsim_icmp *ic, struct hostsim_vnet_txq *t,
		      struct hostsim_vnet_io_stats *st)
{
	struct hostsim_vq_used u[HOSTSIM_IO_BURST_MAX];
	const struct hostsim_vnet_io_conf *c = t->conf;
	struct hostsim_icmp_pair *pr = &ic->pair[t->qid];
	struct hostsim_vq_seg seg;
	uint64_t inflight, n;
	uint32_t len;
	uint16_t i, k, idx;
	uint8_t *p;

	n = hostsim_vq_get_used(t->vq, u, HOSTSIM_IO_BURST_MAX);
	for (i = 0; i < n; i++)
		t->free_idx[t->nb_free++] = icmp_cookie_idx(u[i].cookie);
	n = c->burst;
	if (t->limit - t->seq < n)
		n = t->limit - t->seq;
	/* Only the first ARP request until its reply names the peer. */
	if (!ic->peer_known)
		n = t->seq == 0 ? (n > 0) : 0;
	inflight = t->seq - pr->next;
	if (inflight + n > c->window) {
		n = inflight >= c->window ? 0 : c->window - inflight;
		st->tx_window_full++;
	}
	seg.write = 0;
	for (k = 0; k < n && t->nb_free > 0; k++) {
		idx = t->free_idx[t->nb_free - 1];
		p = t->buf + (size_t)idx * t->stride;
		memset(p, 0, ICMP_HDR_LEN);
		if (hostsim_icmp_is_arp(t->seq)) {
			len = HOSTSIM_ICMP_ARP_LEN;
			hostsim_icmp_build_arp(ic, p + ICMP_HDR_LEN);
		} else {
			len = hostsim_vnet_frame_len(c, t->seq);
			hostsim_icmp_build_echo(ic, p + ICMP_HDR_LEN, len, t->qid, t->seq);
		}
		seg.addr = t->iova + (uint64_t)idx * t->stride;
		seg.len = ICMP_HDR_LEN + len;
		if (hostsim_vq_add(t->vq, &seg, 1, (void *)((uintptr_t)idx + 1)) != 0) {
			st->tx_ring_full++;
			break;
		}
		if (hostsim_icmp_is_arp(t->seq))
			ic->arp_requests++;
		else
			ic->echo_requests++;
		t->nb_free--;
		t->seq++;
		st->tx_bytes += len;
	}
	st->tx_frames += k;
	if (k > 0)
		hostsim_vnet_kick(t->dev, t->vq);
	return k;
}

/* Match a good reply to the oldest request outstanding of its kind. */
static void
icmp_match(struct hostsim_icmp *ic, const struct hostsim_vnet_txq *t, uint16_t pair,
	   uint64_t num, int arp, struct hostsim_vnet_io_stats *st)
{
	struct hostsim_icmp_pair *pr = &ic->pair[pair];
	uint64_t sent = t[pair].seq;

	if (arp)	/* the first ARP request at or after the next expected */
		num = (pr->next + HOSTSIM_ICMP_ARP_EVERY - 1) / HOSTSIM_ICMP_ARP_EVERY *
			HOSTSIM_ICMP_ARP_EVERY;
	if (num < pr->next || num >= sent || (!arp && hostsim_icmp_is_arp(num))) {
		ic->unexpected++;
		st->duplicate++;
		if (ic->first_errors++ < ICMP_FIRST_ERRORS)
			fprintf(stderr, "traffic: pair %u: %s reply to no request outstanding "
				"(request %" PRIu64 ", expected %" PRIu64 ".. %" PRIu64 ")\n",
				pair, arp ? "ARP" : "echo", num, pr->next, sent);
		return;
	}
	/* Requests before it got no reply: lost (sent - verified). */
	pr->next = num + 1;
	st->verified++;
	if (arp)
		ic->arp_replies++;
	else
		ic->echo_replies++;
}

uint16_t
hostsim_icmp_rx_burst(struct hostsim_icmp *ic, struct hostsim_vnet_rxq *r,
		      struct hostsim_vnet_io_stats *st)
{
	struct hostsim_vq_used u[HOSTSIM_IO_BURST_MAX];
	const struct hostsim_vnet_hdr *hdr;
	enum hostsim_icmp_verdict v;
	uint16_t n, i, idx, pair;
	uint64_t num;
	uint32_t len;
	uint8_t *p;

	n = hostsim_vq_get_used(r->vq, u, r->conf->burst);
	for (i = 0; i < n; i++) {
		idx = icmp_cookie_idx(u[i].cookie);
		p = r->buf + (size_t)idx * r->stride;
		len = u[i].len;
		r->free_idx[r->nb_free++] = idx;
		hdr = (const void *)p;
		if (len < ICMP_HDR_LEN) {
			st->rx_bad_len++;
			continue;
		}
		/* Replies are small: each fits one buffer (checked at set-up). */
		if (r->mrg && hdr->num_buffers != 1) {
			st->rx_bad_num_buffers++;
			continue;
		}
		len -= ICMP_HDR_LEN;
		st->rx_frames++;
		st->rx_bytes += len;
		pair = r->qid;
		num = 0;
		v = hostsim_icmp_check(ic, p + ICMP_HDR_LEN, len, &pair, &num);
		if (v == HOSTSIM_ICMP_ARP_REPLY || v == HOSTSIM_ICMP_ECHO_REPLY) {
			icmp_match(ic, ic->txq, pair, num, v == HOSTSIM_ICMP_ARP_REPLY, st);
			continue;
		}
		ic->bad[v]++;
		st->corrupt++;
		if (ic->first_errors++ < ICMP_FIRST_ERRORS)
			fprintf(stderr, "traffic: rx queue %u: %s, len %u\n", r->qid,
				hostsim_icmp_verdict_str(v), len);
	}
	if (n > 0)
		hostsim_vnet_rx_refill(r);
	return n;
}

int
hostsim_icmp_all_back(const struct hostsim_icmp *ic, const struct hostsim_vnet_txq *t)
{
	return ic->pair[t->qid].next >= t->seq;
}

int
hostsim_icmp_summary(const struct hostsim_icmp *ic, FILE *out)
{
	unsigned int v;
	uint64_t bad = ic->unexpected;

	fprintf(out, "arp_requests=%" PRIu64 "\narp_replies=%" PRIu64 "\n", ic->arp_requests,
		ic->arp_replies);
	fprintf(out, "echo_requests=%" PRIu64 "\necho_replies=%" PRIu64 "\n", ic->echo_requests,
		ic->echo_replies);
	if (ic->peer_known)
		fprintf(out, "peer_mac=%02x:%02x:%02x:%02x:%02x:%02x\n", ic->peer_mac[0],
			ic->peer_mac[1], ic->peer_mac[2], ic->peer_mac[3], ic->peer_mac[4],
			ic->peer_mac[5]);
	else
		fprintf(out, "peer_mac=unknown\n");
	for (v = HOSTSIM_ICMP_BAD_ETH; v < HOSTSIM_ICMP_VERDICTS; v++) {
		fprintf(out, "%s=%" PRIu64 "\n", hostsim_icmp_verdict_str(v), ic->bad[v]);
		bad += ic->bad[v];
	}
	fprintf(out, "unexpected_replies=%" PRIu64 "\n", ic->unexpected);
	return bad != 0;
}
