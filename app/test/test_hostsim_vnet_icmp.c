/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * dpdk-tlp-hostsim traffic --proto icmp: the frames it builds and the checks
 * of the replies. A small responder model here answers the requests the way
 * an IPv4 stack (or testpmd's icmpecho) does; then every field a check
 * covers is broken in turn and must give its verdict.
 */

#include <stdlib.h>
#include <string.h>

#include "tlpemu_test.h"
#include "hostsim_vnet_icmp.h"

#define FRAME_MAX 1514
#define TEST_DIM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t host_mac[6] = { 0x02, 0, 0, 0, 0, 0x10 };
static const uint8_t peer_mac[6] = { 0x02, 0x12, 0x34, 0x56, 0x78, 0x9a };

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
fix_ip_csum(uint8_t *f)
{
	put16(f + 24, 0);
	put16(f + 24, hostsim_icmp_cksum(f + 14, 20));
}

static void
fix_icmp_csum(uint8_t *f, uint32_t len)
{
	put16(f + 36, 0);
	put16(f + 36, hostsim_icmp_cksum(f + 34, len - 34));
}

/* The responder model: answer an ARP request in place. */
static void
answer_arp(uint8_t *f)
{
	uint8_t ip[4];

	memcpy(f, f + 6, 6);
	memcpy(f + 6, peer_mac, 6);
	put16(f + 20, 2);
	memcpy(f + 32, f + 22, 6);	/* tha = the asker */
	memcpy(f + 22, peer_mac, 6);	/* sha = us */
	memcpy(ip, f + 28, 4);
	memcpy(f + 28, f + 38, 4);	/* spa = the address asked for */
	memcpy(f + 38, ip, 4);
}

/* The responder model: answer an echo request in place. */
static void
answer_echo(uint8_t *f, uint32_t len)
{
	uint8_t tmp[6];

	memcpy(tmp, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, tmp, 6);
	memcpy(tmp, f + 26, 4);
	memcpy(f + 26, f + 30, 4);
	memcpy(f + 30, tmp, 4);
	f[34] = 0;
	fix_icmp_csum(f, len);
}

/* A host that has learnt the peer's MAC from a good ARP reply. */
static int
host_ready(struct hostsim_icmp *ic)
{
	uint8_t f[HOSTSIM_ICMP_ARP_LEN];
	uint16_t pair = 0;
	uint64_t num = 0;

	TEST_ASSERT(hostsim_icmp_init(ic, 2, host_mac, NULL) == 0, "init");
	hostsim_icmp_build_arp(ic, f);
	answer_arp(f);
	TEST_ASSERT_EQUAL(hostsim_icmp_check(ic, f, sizeof(f), &pair, &num),
			  HOSTSIM_ICMP_ARP_REPLY, "good ARP reply");
	TEST_ASSERT(ic->peer_known, "peer learnt");
	TEST_ASSERT_MEM_EQ(ic->peer_mac, peer_mac, 6, "peer MAC");
	return TEST_SUCCESS;
}

static int
test_cksum(void)
{
	/* RFC 1071's example: the sum is 0xddf2, so the checksum is 0x220d. */
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };
	uint8_t buf[10];

	TEST_ASSERT_EQUAL(hostsim_icmp_cksum(v, sizeof(v)), 0x220d, "RFC 1071 example");
	/* Odd length: the last byte is the high half of a word: 0x0102 + 0x0300. */
	TEST_ASSERT_EQUAL(hostsim_icmp_cksum(odd, sizeof(odd)), (uint16_t)~0x0402, "odd");
	/* Data with its checksum appended sums to zero. */
	memcpy(buf, v, sizeof(v));
	put16(buf + 8, 0x220d);
	TEST_ASSERT_EQUAL(hostsim_icmp_cksum(buf, sizeof(buf)), 0, "verify");
	return TEST_SUCCESS;
}

static int
test_requests(void)
{
	struct hostsim_icmp ic;
	uint8_t f[FRAME_MAX];
	int ret;

	ret = host_ready(&ic);
	if (ret != TEST_SUCCESS)
		return ret;
	hostsim_icmp_build_arp(&ic, f);
	TEST_ASSERT_MEM_EQ(f, "\xff\xff\xff\xff\xff\xff", 6, "broadcast");
	TEST_ASSERT(f[12] == 0x08 && f[13] == 0x06, "EtherType ARP");
	TEST_ASSERT(f[20] == 0 && f[21] == 1, "who-has");
	TEST_ASSERT_MEM_EQ(f + 28, "\xc0\x00\x02\x01", 4, "sender 192.0.2.1");
	TEST_ASSERT_MEM_EQ(f + 38, "\xc0\x00\x02\x02", 4, "target 192.0.2.2");
	hostsim_icmp_build_echo(&ic, f, 98, 1, 70000);
	TEST_ASSERT_MEM_EQ(f, peer_mac, 6, "to the peer's MAC");
	TEST_ASSERT(f[12] == 0x08 && f[13] == 0x00 && f[14] == 0x45, "IPv4, no options");
	TEST_ASSERT(f[16] == 0 && f[17] == 84, "total length");
	TEST_ASSERT_EQUAL(hostsim_icmp_cksum(f + 14, 20), 0, "IP checksum");
	TEST_ASSERT_EQUAL(hostsim_icmp_cksum(f + 34, 64), 0, "ICMP checksum");
	TEST_ASSERT(f[34] == 8 && f[35] == 0, "echo request");
	TEST_ASSERT(f[38] == 0x74 && f[39] == 0x71, "id = base + pair 1");
	TEST_ASSERT(f[40] == (70000 >> 8 & 0xff) && f[41] == (70000 & 0xff), "sequence");
	TEST_ASSERT(hostsim_icmp_is_arp(0) && hostsim_icmp_is_arp(16) &&
		    !hostsim_icmp_is_arp(1), "one ARP in 16");
	hostsim_icmp_fini(&ic);
	return TEST_SUCCESS;
}

static int
test_good_echo(void)
{
	struct hostsim_icmp ic;
	uint8_t f[FRAME_MAX];
	uint16_t pair = 0;
	uint64_t num = 0;
	uint32_t len;
	int ret;

	ret = host_ready(&ic);
	if (ret != TEST_SUCCESS)
		return ret;
	for (len = HOSTSIM_ICMP_ECHO_MIN; len <= FRAME_MAX; len += 97) {
		hostsim_icmp_build_echo(&ic, f, len, 1, len * 3u);
		answer_echo(f, len);
		TEST_ASSERT_EQUAL(hostsim_icmp_check(&ic, f, len, &pair, &num),
				  HOSTSIM_ICMP_ECHO_REPLY, "len %u", len);
		TEST_ASSERT(pair == 1 && num == len * 3u, "request matched, len %u", len);
	}
	hostsim_icmp_fini(&ic);
	return TEST_SUCCESS;
}

/* Break one thing in an ARP reply: the verdict must be @p want. */
static int
arp_broken(struct hostsim_icmp *ic, unsigned int off, uint8_t val,
	   enum hostsim_icmp_verdict want)
{
	uint8_t f[HOSTSIM_ICMP_ARP_LEN];
	uint16_t pair = 0;
	uint64_t num = 0;

	hostsim_icmp_build_arp(ic, f);
	answer_arp(f);
	f[off] = val;
	TEST_ASSERT_EQUAL(hostsim_icmp_check(ic, f, sizeof(f), &pair, &num), want,
			  "byte %u = 0x%02x", off, val);
	return TEST_SUCCESS;
}

static int
test_bad_arp(void)
{
	static const struct {
		unsigned int off;
		uint8_t val;
		enum hostsim_icmp_verdict want;
	} cases[] = {
		{ 0, 0x04, HOSTSIM_ICMP_BAD_ETH },	/* not to the host */
		{ 13, 0x07, HOSTSIM_ICMP_BAD_ETH },	/* EtherType */
		{ 15, 6, HOSTSIM_ICMP_BAD_ARP },	/* hardware type */
		{ 16, 0x86, HOSTSIM_ICMP_BAD_ARP },	/* protocol */
		{ 18, 8, HOSTSIM_ICMP_BAD_ARP },	/* hardware length */
		{ 19, 16, HOSTSIM_ICMP_BAD_ARP },	/* protocol length */
		{ 21, 1, HOSTSIM_ICMP_BAD_ARP },	/* a request, not a reply */
		{ 27, 0x9b, HOSTSIM_ICMP_BAD_ARP },	/* sha not the frame's source */
		{ 31, 3, HOSTSIM_ICMP_BAD_ARP },	/* spa not the address asked for */
		{ 37, 0x11, HOSTSIM_ICMP_BAD_ARP },	/* tha not the host */
		{ 41, 9, HOSTSIM_ICMP_BAD_ARP },	/* tpa not the host */
	};
	struct hostsim_icmp ic;
	uint8_t f[HOSTSIM_ICMP_ARP_LEN];
	uint16_t pair = 0;
	uint64_t num = 0;
	unsigned int i;
	int ret;

	TEST_ASSERT(hostsim_icmp_init(&ic, 1, host_mac, NULL) == 0, "init");
	for (i = 0; i < TEST_DIM(cases); i++) {
		ret = arp_broken(&ic, cases[i].off, cases[i].val, cases[i].want);
		if (ret != TEST_SUCCESS)
			return ret;
	}
	TEST_ASSERT(!ic.peer_known, "nothing learnt from bad replies");
	/* A multicast or zero sender, consistent with the frame's source. */
	hostsim_icmp_build_arp(&ic, f);
	answer_arp(f);
	f[6] = f[22] = 0x03;
	TEST_ASSERT_EQUAL(hostsim_icmp_check(&ic, f, sizeof(f), &pair, &num),
			  HOSTSIM_ICMP_BAD_ARP, "multicast sender");
	hostsim_icmp_build_arp(&ic, f);
	answer_arp(f);
	memset(f + 6, 0, 6);
	memset(f + 22, 0, 6);
	TEST_ASSERT_EQUAL(hostsim_icmp_check(&ic, f, sizeof(f), &pair, &num),
			  HOSTSIM_ICMP_BAD_ARP, "zero sender");
	TEST_ASSERT_EQUAL(hostsim_icmp_check(&ic, f, 30, &pair, &num), HOSTSIM_ICMP_BAD_ARP,
			  "truncated");
	/* Learnt once; a later reply naming another MAC is refused. */
	ret = arp_broken(&ic, 0, host_mac[0], HOSTSIM_ICMP_ARP_REPLY);
	if (ret != TEST_SUCCESS)
		return ret;
	hostsim_icmp_build_arp(&ic, f);
	answer_arp(f);
	f[11] = f[27] = 0x55;
	TEST_ASSERT_EQUAL(hostsim_icmp_check(&ic, f, sizeof(f), &pair, &num),
			  HOSTSIM_ICMP_BAD_ARP, "the peer's MAC changed");
	hostsim_icmp_fini(&ic);
	return TEST_SUCCESS;
}

enum fix { FIX_NONE, FIX_IP, FIX_ICMP };

/* Break one byte of an echo reply (then fix checksums as told). */
static int
echo_broken(struct hostsim_icmp *ic, unsigned int off, uint8_t val, enum fix fix,
	    enum hostsim_icmp_verdict want)
{
	const uint32_t len = 200;
	uint8_t f[FRAME_MAX];
	uint16_t pair = 0;
	uint64_t num = 0;

	hostsim_icmp_build_echo(ic, f, len, 0, 1234);
	answer_echo(f, len);
	f[off] ^= val;
	if (fix == FIX_IP)
		fix_ip_csum(f);
	else if (fix == FIX_ICMP)
		fix_icmp_csum(f, len);
	TEST_ASSERT_EQUAL(hostsim_icmp_check(ic, f, len, &pair, &num), want,
			  "byte %u ^ 0x%02x", off, val);
	return TEST_SUCCESS;
}

static int
test_bad_echo(void)
{
	static const struct {
		unsigned int off;
		uint8_t val;
		enum fix fix;
		enum hostsim_icmp_verdict want;
	} cases[] = {
		{ 5, 0x01, FIX_NONE, HOSTSIM_ICMP_BAD_ETH },		/* not to the host */
		{ 11, 0x01, FIX_NONE, HOSTSIM_ICMP_BAD_ETH },		/* not from the peer */
		{ 14, 0x01, FIX_IP, HOSTSIM_ICMP_BAD_IP },		/* header length */
		{ 17, 0x04, FIX_IP, HOSTSIM_ICMP_BAD_IP },		/* total length */
		{ 20, 0x40, FIX_IP, HOSTSIM_ICMP_BAD_IP },		/* DF */
		{ 23, 0x07, FIX_IP, HOSTSIM_ICMP_BAD_IP },		/* protocol */
		{ 22, 0x01, FIX_NONE, HOSTSIM_ICMP_BAD_IP_CSUM },	/* TTL, checksum stale */
		{ 24, 0x10, FIX_NONE, HOSTSIM_ICMP_BAD_IP_CSUM },
		{ 29, 0x01, FIX_IP, HOSTSIM_ICMP_BAD_IP },		/* source */
		{ 33, 0x01, FIX_IP, HOSTSIM_ICMP_BAD_IP },		/* destination */
		{ 36, 0x01, FIX_NONE, HOSTSIM_ICMP_BAD_ICMP_CSUM },
		{ 34, 0x08, FIX_ICMP, HOSTSIM_ICMP_BAD_ICMP },		/* still a request */
		{ 35, 0x01, FIX_ICMP, HOSTSIM_ICMP_BAD_ICMP },		/* code */
		{ 38, 0x01, FIX_ICMP, HOSTSIM_ICMP_BAD_ICMP },		/* id of no pair */
		{ 41, 0x01, FIX_ICMP, HOSTSIM_ICMP_BAD_ICMP },		/* sequence */
		{ 42, 0x01, FIX_ICMP, HOSTSIM_ICMP_BAD_ICMP },		/* request number */
		{ 120, 0x01, FIX_ICMP, HOSTSIM_ICMP_BAD_PAYLOAD },
		{ 120, 0x01, FIX_NONE, HOSTSIM_ICMP_BAD_ICMP_CSUM },
		{ 199, 0x80, FIX_ICMP, HOSTSIM_ICMP_BAD_PAYLOAD },
	};
	struct hostsim_icmp ic, fresh;
	uint8_t f[FRAME_MAX];
	uint16_t pair = 0;
	uint64_t num = 0;
	unsigned int i;
	int ret;

	ret = host_ready(&ic);
	if (ret != TEST_SUCCESS)
		return ret;
	for (i = 0; i < TEST_DIM(cases); i++) {
		ret = echo_broken(&ic, cases[i].off, cases[i].val, cases[i].fix, cases[i].want);
		if (ret != TEST_SUCCESS)
			return ret;
	}
	/* Truncated below the headers; a frame shorter than its IP length. */
	hostsim_icmp_build_echo(&ic, f, 200, 0, 5);
	answer_echo(f, 200);
	TEST_ASSERT_EQUAL(hostsim_icmp_check(&ic, f, 40, &pair, &num), HOSTSIM_ICMP_BAD_IP,
			  "truncated");
	TEST_ASSERT_EQUAL(hostsim_icmp_check(&ic, f, 199, &pair, &num), HOSTSIM_ICMP_BAD_IP,
			  "shorter than the IP length");
	TEST_ASSERT_EQUAL(hostsim_icmp_check(&ic, f, 10, &pair, &num), HOSTSIM_ICMP_BAD_ETH,
			  "shorter than Ethernet");
	/* Echo replies before the ARP reply named the peer: not taken. */
	TEST_ASSERT(hostsim_icmp_init(&fresh, 1, host_mac, NULL) == 0, "init");
	TEST_ASSERT_EQUAL(hostsim_icmp_check(&fresh, f, 200, &pair, &num),
			  HOSTSIM_ICMP_BAD_ETH, "peer unknown");
	hostsim_icmp_fini(&fresh);
	hostsim_icmp_fini(&ic);
	return TEST_SUCCESS;
}

static int
test_names(void)
{
	int v;

	for (v = 0; v < HOSTSIM_ICMP_VERDICTS; v++)
		TEST_ASSERT(strcmp(hostsim_icmp_verdict_str(v), "?") != 0, "verdict %d", v);
	TEST_ASSERT(strcmp(hostsim_icmp_verdict_str(HOSTSIM_ICMP_VERDICTS), "?") == 0, "end");
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_cksum),
	TEST_CASE(test_requests),
	TEST_CASE(test_good_echo),
	TEST_CASE(test_bad_arp),
	TEST_CASE(test_bad_echo),
	TEST_CASE(test_names),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	return tlpemu_test_run("hostsim_vnet_icmp", cases, argc, argv);
}
