/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef HOSTSIM_VNET_ICMP_H
#define HOSTSIM_VNET_ICMP_H

/*
 * The ICMP mode of the traffic command (--proto icmp): the host behaves as
 * an IPv4 stack pinging the device side's port, e.g. dpdk-testpmd in its
 * icmpecho forwarding mode. Each queue pair sends numbered requests: request
 * 0 and every HOSTSIM_ICMP_ARP_EVERY-th one after it is an ARP who-has for
 * the peer's address, the others ICMP echo requests (id = base + pair,
 * sequence = request number mod 2^16, the 64-bit request number and a
 * pattern in the payload). Until the first ARP reply gives the peer's MAC
 * address, nothing else is sent. Every reply is checked field by field
 * (Ethernet addresses and type, ARP operation and addresses, IPv4 header and
 * checksum, ICMP type, code, checksum, id, sequence and payload); replies
 * must come back in order on the pair they were sent on.
 *
 * The buffers, rings and counters are the traffic command's
 * (hostsim_vnet_io.h): sent, received, verified, corrupt and duplicate keep
 * their meaning; the ICMP details are counted here.
 */

#include <stdint.h>
#include <stdio.h>

#include "hostsim_vnet_io.h"

#define HOSTSIM_ICMP_ARP_EVERY 16
#define HOSTSIM_ICMP_ID_BASE 0x7470
/* Ethernet 14 + IPv4 20 + ICMP 8 + request number 8. */
#define HOSTSIM_ICMP_ECHO_MIN 50
#define HOSTSIM_ICMP_ARP_LEN 60		/* 42 bytes padded to the Ethernet minimum */

/* What a received frame is. */
enum hostsim_icmp_verdict {
	HOSTSIM_ICMP_ARP_REPLY = 0,	/* good ARP reply */
	HOSTSIM_ICMP_ECHO_REPLY,	/* good echo reply */
	HOSTSIM_ICMP_BAD_ETH,		/* not to us, or an EtherType we did not send */
	HOSTSIM_ICMP_BAD_ARP,		/* ARP, but not the reply to our request */
	HOSTSIM_ICMP_BAD_IP,		/* IPv4 header fields or addresses wrong */
	HOSTSIM_ICMP_BAD_IP_CSUM,
	HOSTSIM_ICMP_BAD_ICMP,		/* not an echo reply, or id / sequence wrong */
	HOSTSIM_ICMP_BAD_ICMP_CSUM,
	HOSTSIM_ICMP_BAD_PAYLOAD,
	HOSTSIM_ICMP_VERDICTS,
};

struct hostsim_icmp_pair {
	uint64_t next;		/* request number of the next reply expected */
};

struct hostsim_icmp {
	uint8_t mac[6];		/* the host's */
	uint8_t peer_mac[6];	/* learnt from the first ARP reply */
	uint8_t peer_known;
	uint32_t ip;		/* the host's, host byte order */
	uint32_t peer_ip;
	uint16_t nb_pairs;
	struct hostsim_icmp_pair *pair;
	const struct hostsim_vnet_txq *txq;	/* the run's, one per pair: requests sent */
	uint64_t arp_requests;
	uint64_t arp_replies;
	uint64_t echo_requests;
	uint64_t echo_replies;
	uint64_t bad[HOSTSIM_ICMP_VERDICTS];
	uint64_t unexpected;	/* a reply to no request outstanding: duplicate, late */
	uint64_t first_errors;
};

/*
 * Host MAC @p mac; addresses 192.0.2.1 (host) and 192.0.2.2 (peer); @p txq:
 * the transmit queues of the pairs. 0 or -ENOMEM.
 */
int hostsim_icmp_init(struct hostsim_icmp *ic, uint16_t nb_pairs, const uint8_t mac[6],
		      const struct hostsim_vnet_txq *txq);
void hostsim_icmp_fini(struct hostsim_icmp *ic);

/* The Internet checksum (RFC 1071) of @p len bytes, as stored in a header. */
uint16_t hostsim_icmp_cksum(const uint8_t *p, uint32_t len);

/* Request @p num of @p pair: an ARP request or an echo request. */
static inline int
hostsim_icmp_is_arp(uint64_t num)
{
	return num % HOSTSIM_ICMP_ARP_EVERY == 0;
}

/* Build an ARP who-has for the peer's address: HOSTSIM_ICMP_ARP_LEN bytes. */
void hostsim_icmp_build_arp(const struct hostsim_icmp *ic, uint8_t *buf);

/* Build an echo request of @p len bytes (at least HOSTSIM_ICMP_ECHO_MIN). */
void hostsim_icmp_build_echo(const struct hostsim_icmp *ic, uint8_t *buf, uint32_t len,
			     uint16_t pair, uint64_t num);

/*
 * Check a received frame. For an echo reply, @p pair and @p num get the
 * request it answers; for an ARP reply the peer's MAC is learnt (the first
 * time) or compared (later).
 */
enum hostsim_icmp_verdict hostsim_icmp_check(struct hostsim_icmp *ic, const uint8_t *f,
					     uint32_t len, uint16_t *pair, uint64_t *num);

const char *hostsim_icmp_verdict_str(enum hostsim_icmp_verdict v);

/* Reclaim, then send up to a burst of requests (window permitting). Frames sent. */
uint16_t hostsim_icmp_tx_burst(struct hostsim_icmp *ic, struct hostsim_vnet_txq *t,
			       struct hostsim_vnet_io_stats *st);

/* Receive and check up to a burst of replies, then refill. Buffers used. */
uint16_t hostsim_icmp_rx_burst(struct hostsim_icmp *ic, struct hostsim_vnet_rxq *r,
			       struct hostsim_vnet_io_stats *st);

/* Every request of @p t answered or known lost. */
int hostsim_icmp_all_back(const struct hostsim_icmp *ic, const struct hostsim_vnet_txq *t);

/* Print the ICMP lines of the summary. 1 if any reply was wrong, else 0. */
int hostsim_icmp_summary(const struct hostsim_icmp *ic, FILE *out);

#endif /* HOSTSIM_VNET_ICMP_H */
