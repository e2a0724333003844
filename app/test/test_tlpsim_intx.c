/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Messages on the software link: the device sends Msg TLPs upstream
 * (tlpdev_msg_send(), the sim's msg_send op) and the host turns
 * Assert_INTx / Deassert_INTx into per-requester virtual wires and INTx
 * callbacks, counting everything else. This process is the host; each case
 * forks a device process (the test responder, whose TST_REG_MSG register
 * makes it send a message) and kills it at the end.
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>

#include "test_tlpsim_helpers.h"
#include "tlpemu_test.h"

#define INTX_ASSERT(pin) (0x20u + (pin))
#define INTX_DEASSERT(pin) (0x24u + (pin))
#define MSG_ROUTE_RC 0u
#define MSG_ROUTE_LOCAL 4u
#define LOG_MAX 256

/* What the host's callbacks saw, in order. */
struct irq_ev {
	uint8_t msi;		/* 1 MSI, 0 INTx */
	uint8_t pin;
	uint8_t level;
	uint8_t dma_ok;		/* the DMA data was in host memory at that moment */
	uint16_t rid;
	uint32_t data;
};

struct irq_log {
	struct tlpsim_host *host;
	unsigned int n;
	struct irq_ev ev[LOG_MAX];
	/* DMA whose data must be visible when an interrupt arrives. */
	uint64_t dma_addr;
	uint32_t dma_len;
	uint32_t dma_seed;
};

static uint8_t
irq_dma_visible(struct irq_log *l)
{
	const uint8_t *m;
	uint32_t i;

	if (l->dma_len == 0)
		return 0;
	m = tlpsim_host_mem(l->host, l->dma_addr, l->dma_len);
	if (m == NULL)
		return 0;
	for (i = 0; i < l->dma_len; i++)
		if (m[i] != tst_pattern(l->dma_seed, i))
			return 0;
	return 1;
}

static void
intx_cb(void *arg, uint16_t qid, uint16_t rid, uint8_t pin, uint8_t level)
{
	struct irq_log *l = arg;
	struct irq_ev *e;

	RTE_SET_USED(qid);
	if (l->n >= LOG_MAX)
		return;
	e = &l->ev[l->n++];
	e->msi = 0;
	e->rid = rid;
	e->pin = pin;
	e->level = level;
	e->dma_ok = irq_dma_visible(l);
}

static void
msi_cb(void *arg, uint16_t qid, uint64_t addr, uint32_t data)
{
	struct irq_log *l = arg;
	struct irq_ev *e;

	RTE_SET_USED(qid);
	RTE_SET_USED(addr);
	if (l->n >= LOG_MAX)
		return;
	e = &l->ev[l->n++];
	e->msi = 1;
	e->data = data;
	e->dma_ok = irq_dma_visible(l);
}

struct intx_env {
	struct tst_dir dir;
	pid_t dev;
	struct tlpsim_host *host;
	struct irq_log log;
};

static int
env_up(struct intx_env *e, const char *devargs)
{
	struct tlpsim_host_conf conf;
	int ret;

	memset(e, 0, sizeof(*e));
	if (tst_dir_make(&e->dir) != 0)
		return -1;
	e->dev = tst_dev_spawn(e->dir.sock, devargs, 1);
	if (e->dev < 0)
		return -1;
	tst_host_conf(&conf, e->dir.sock);
	conf.intx = intx_cb;
	conf.intx_arg = &e->log;
	conf.msi = msi_cb;
	conf.msi_arg = &e->log;
	ret = tst_host_open(e->dir.sock, &conf, &e->host);
	if (ret != 0)
		fprintf(stderr, "host connect: %s\n", strerror(-ret));
	e->log.host = e->host;
	return ret;
}

static void
env_down(struct intx_env *e)
{
	tlpsim_host_destroy(e->host);
	tst_child_kill(e->dev, SIGKILL);
	tst_dir_remove(&e->dir);
}

/* Have the device send a message; a read after it returns once it is in. */
static int
send_msg(struct tlpsim_host *h, uint16_t rid, uint8_t code, uint8_t route)
{
	uint32_t v;
	int ret;

	ret = tst_reg_write32(h, TST_REG_MSG, code | (uint32_t)route << 8 | (uint32_t)rid << 16);
	/* The message goes upstream before the completion of this read. */
	if (ret == 0)
		ret = tst_reg_read32(h, 0, &v);
	return ret;
}

/* Assert and deassert on two requesters and pins: wires, callbacks, counters. */
static int
intx_levels(const char *devargs)
{
	const uint16_t rid_a = tlp_rid(1, 0, 0), rid_b = tlp_rid(1, 0, 3);
	struct tlpsim_host_stats st;
	struct intx_env e;
	struct irq_ev *ev;

	TEST_ASSERT(env_up(&e, devargs) == 0, "link up");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid_a), 0, "wires start deasserted");
	TEST_ASSERT_EQUAL(send_msg(e.host, rid_a, INTX_ASSERT(0), MSG_ROUTE_LOCAL), 0, "INTA+");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid_a), 0x1, "INTA asserted");
	TEST_ASSERT_EQUAL(send_msg(e.host, rid_b, INTX_ASSERT(2), MSG_ROUTE_LOCAL), 0, "INTC+");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid_b), 0x4, "INTC of the other rid");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid_a), 0x1, "first rid unchanged");
	/* A repeated assert leaves the wire as it is, but is delivered and counted. */
	TEST_ASSERT_EQUAL(send_msg(e.host, rid_a, INTX_ASSERT(0), MSG_ROUTE_LOCAL), 0, "INTA+");
	TEST_ASSERT_EQUAL(send_msg(e.host, rid_a, INTX_DEASSERT(0), MSG_ROUTE_LOCAL), 0, "INTA-");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid_a), 0, "INTA deasserted");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid_b), 0x4, "INTC still asserted");
	TEST_ASSERT_EQUAL(send_msg(e.host, rid_b, INTX_DEASSERT(2), MSG_ROUTE_LOCAL), 0, "INTC-");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid_b), 0, "INTC deasserted");

	TEST_ASSERT_EQUAL(e.log.n, 5, "one callback per INTx message");
	ev = e.log.ev;
	TEST_ASSERT(!ev[0].msi && ev[0].rid == rid_a && ev[0].pin == 0 && ev[0].level == 1, "1");
	TEST_ASSERT(ev[1].rid == rid_b && ev[1].pin == 2 && ev[1].level == 1, "2");
	TEST_ASSERT(ev[2].rid == rid_a && ev[2].pin == 0 && ev[2].level == 1, "3: repeat");
	TEST_ASSERT(ev[3].rid == rid_a && ev[3].pin == 0 && ev[3].level == 0, "4");
	TEST_ASSERT(ev[4].rid == rid_b && ev[4].pin == 2 && ev[4].level == 0, "5");
	tlpsim_host_stats_get(e.host, &st);
	TEST_ASSERT_EQUAL(st.intx_assert, 3, "asserts counted");
	TEST_ASSERT_EQUAL(st.intx_deassert, 2, "deasserts counted");
	TEST_ASSERT_EQUAL(st.msgs_other, 0, "no other messages");
	TEST_ASSERT_EQUAL(st.up_malformed, 0, "nothing malformed");
	env_down(&e);
	return TEST_SUCCESS;
}

static int
test_intx_levels_map(void)
{
	return intx_levels(NULL);
}

static int
test_intx_levels_tlp(void)
{
	return intx_levels(",dma=tlp");
}

/*
 * DMA writes, then INTx and MSI: each interrupt arrives after the data it
 * follows, and the interrupts arrive in the order the device sent them.
 */
static int
intx_order(const char *devargs)
{
	const uint16_t rid = tlp_rid(1, 0, 0);
	uint64_t base = TLPSIM_HOST_MEM_BASE_DEFAULT;
	struct tlpsim_host_stats st;
	struct intx_env e;
	unsigned int i, round;
	uint8_t *m;
	int ret, herr;

	TEST_ASSERT(env_up(&e, devargs) == 0, "link up");
	m = tlpsim_host_mem(e.host, base, 1u << 20);
	TEST_ASSERT(m != NULL, "host memory");
	for (round = 0; round < 20; round++) {
		e.log.dma_addr = base + 0x1003 + round * 0x9000;
		e.log.dma_len = 9000 + round * 17;
		e.log.dma_seed = 40 + round;
		memset(m + (e.log.dma_addr - base), 0, e.log.dma_len);
		ret = tst_dev_dma(e.host, e.log.dma_addr, e.log.dma_len, TLPDEV_DMA_WRITE,
				  e.log.dma_seed, NULL, &herr);
		TEST_ASSERT(ret == 0 && herr == 0, "round %u: DMA write (%d, %d)", round, ret,
			    herr);
		/* Assert, MSI, deassert: three interrupts, in this order. */
		TEST_ASSERT_EQUAL(tst_reg_write32(e.host, TST_REG_MSG,
						  INTX_ASSERT(1) | MSG_ROUTE_LOCAL << 8 |
						  (uint32_t)rid << 16), 0, "assert");
		TEST_ASSERT_EQUAL(tst_reg_write32(e.host, TST_REG_MSI, 500 + round), 0, "MSI");
		TEST_ASSERT_EQUAL(send_msg(e.host, rid, INTX_DEASSERT(1), MSG_ROUTE_LOCAL), 0,
				  "deassert");
	}
	TEST_ASSERT_EQUAL(e.log.n, 60, "every interrupt delivered");
	for (round = 0; round < 20; round++) {
		const struct irq_ev *ev = &e.log.ev[round * 3];

		TEST_ASSERT(!ev[0].msi && ev[0].pin == 1 && ev[0].level == 1 && ev[0].rid == rid,
			    "round %u: INTB asserted first", round);
		TEST_ASSERT(ev[1].msi && ev[1].data == 500 + round, "round %u: then the MSI",
			    round);
		TEST_ASSERT(!ev[2].msi && ev[2].pin == 1 && ev[2].level == 0,
			    "round %u: then INTB deasserted", round);
		for (i = 0; i < 3; i++)
			TEST_ASSERT(ev[i].dma_ok, "round %u: DMA data visible at interrupt %u",
				    round, i);
	}
	tlpsim_host_stats_get(e.host, &st);
	TEST_ASSERT_EQUAL(st.intx_assert, 20, "asserts");
	TEST_ASSERT_EQUAL(st.intx_deassert, 20, "deasserts");
	TEST_ASSERT_EQUAL(st.msi, 20, "MSIs");
	env_down(&e);
	return TEST_SUCCESS;
}

static int
test_intx_order_map(void)
{
	return intx_order(NULL);
}

static int
test_intx_order_tlp(void)
{
	return intx_order(",dma=tlp");
}

/* Messages that are not INTx are counted and dropped; INTx routed wrongly is malformed. */
static int
test_intx_other_msgs(void)
{
	const uint16_t rid = tlp_rid(1, 0, 0);
	struct tlpsim_host_stats st;
	struct intx_env e;

	TEST_ASSERT(env_up(&e, NULL) == 0, "link up");
	/* PM_PME (0x18, to the Root Complex), Unlock (0x00, broadcast), a vendor message. */
	TEST_ASSERT_EQUAL(send_msg(e.host, rid, 0x18, MSG_ROUTE_RC), 0, "PM_PME");
	TEST_ASSERT_EQUAL(send_msg(e.host, rid, 0x7f, 4), 0, "vendor-defined type 1");
	TEST_ASSERT_EQUAL(send_msg(e.host, rid, 0x28, MSG_ROUTE_LOCAL), 0, "past the INTx codes");
	TEST_ASSERT_EQUAL(send_msg(e.host, rid, 0x1f, MSG_ROUTE_LOCAL), 0,
			  "below the INTx codes");
	/* Assert_INTA routed to the Root Complex: malformed, not a wire change. */
	TEST_ASSERT_EQUAL(send_msg(e.host, rid, INTX_ASSERT(0), MSG_ROUTE_RC), 0, "bad route");
	tlpsim_host_stats_get(e.host, &st);
	TEST_ASSERT_EQUAL(st.msgs_other, 4, "other messages counted");
	TEST_ASSERT_EQUAL(st.up_malformed, 1, "wrongly routed INTx counted as malformed");
	TEST_ASSERT_EQUAL(st.intx_assert + st.intx_deassert, 0, "no INTx");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid), 0, "wire untouched");
	TEST_ASSERT_EQUAL(e.log.n, 0, "no callback");
	env_down(&e);
	return TEST_SUCCESS;
}

/* A new link starts with every wire deasserted. */
static int
test_intx_relink(void)
{
	const uint16_t rid = tlp_rid(1, 0, 0);
	struct intx_env e;
	uint32_t v;

	TEST_ASSERT(env_up(&e, NULL) == 0, "link up");
	TEST_ASSERT_EQUAL(send_msg(e.host, rid, INTX_ASSERT(3), MSG_ROUTE_LOCAL), 0, "INTD+");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid), 0x8, "INTD asserted");
	TEST_ASSERT_EQUAL(tlpsim_host_connect(e.host, 20000), 0, "reconnect");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid), 0, "cleared by the new link");
	TEST_ASSERT_EQUAL(tst_reg_read32(e.host, 0, &v), 0, "traffic on the new link");
	TEST_ASSERT_EQUAL(send_msg(e.host, rid, INTX_ASSERT(3), MSG_ROUTE_LOCAL), 0, "INTD+");
	TEST_ASSERT_EQUAL(tlpsim_host_intx_get(e.host, rid), 0x8, "asserted again");
	env_down(&e);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_intx_levels_map),
	TEST_CASE(test_intx_levels_tlp),
	TEST_CASE(test_intx_order_map),
	TEST_CASE(test_intx_order_tlp),
	TEST_CASE(test_intx_other_msgs),
	TEST_CASE(test_intx_relink),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	return tlpemu_test_run("tlpsim_intx", cases, argc, argv);
}
