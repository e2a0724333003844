/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The TLP-device class against a fake driver defined here: registration
 * checks, argument validation, counters, events, DMA bookkeeping.
 */

#include <errno.h>
#include <stdlib.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include <tlpdev_driver.h>

#include "tlpemu_test.h"
#include "tlpemu_test_eal.h"

/* The fake driver: one pending request per rx call, a bounded tx ring. */
struct fake_priv {
	unsigned int rx_left;
	unsigned int tx_room;
	unsigned int tx_seen;
	int link;
	int started;
	int closed;
	struct tlpdev_dma_op *dma_pending[8];
	unsigned int dma_n;
	uint32_t msi_data;
};

static void
fake_info_get(struct tlpdev *dev __rte_unused, struct tlpdev_info *info)
{
	info->driver_name = "fake";
	info->max_payload = 256;
}

static int
fake_start(struct tlpdev *dev)
{
	((struct fake_priv *)dev->priv)->started = 1;
	return 0;
}

static int
fake_stop(struct tlpdev *dev)
{
	((struct fake_priv *)dev->priv)->started = 0;
	return 0;
}

static int
fake_close(struct tlpdev *dev)
{
	((struct fake_priv *)dev->priv)->closed = 1;
	return 0;
}

static int
fake_link_get(struct tlpdev *dev)
{
	return ((struct fake_priv *)dev->priv)->link;
}

static uint16_t
fake_rx(struct tlpdev *dev, uint16_t qid __rte_unused, struct tlp_req **reqs, uint16_t n)
{
	struct fake_priv *p = dev->priv;
	uint16_t i;

	for (i = 0; i < n && p->rx_left > 0; i++, p->rx_left--) {
		memset(&reqs[i]->hdr, 0, sizeof(reqs[i]->hdr));
		reqs[i]->hdr.kind = (i & 1) ? TLP_KIND_MWR : TLP_KIND_MRD;
		reqs[i]->hdr.len_dw = 1;
		reqs[i]->data_len = (i & 1) ? 4 : 0;
	}
	return i;
}

static uint16_t
fake_tx(struct tlpdev *dev, uint16_t qid __rte_unused, struct tlp_cpl **cpls __rte_unused,
	uint16_t n)
{
	struct fake_priv *p = dev->priv;
	uint16_t nb = (uint16_t)RTE_MIN(n, p->tx_room);

	p->tx_room -= nb;
	p->tx_seen += nb;
	return nb;
}

static uint16_t
fake_dma_submit(struct tlpdev *dev, uint16_t qid __rte_unused, struct tlpdev_dma_op **ops,
		uint16_t n)
{
	struct fake_priv *p = dev->priv;
	uint16_t i;

	for (i = 0; i < n && p->dma_n < RTE_DIM(p->dma_pending); i++) {
		ops[i]->status = ops[i]->host_addr == 0 ? -EFAULT : 0;
		p->dma_pending[p->dma_n++] = ops[i];
	}
	return i;
}

static uint16_t
fake_dma_complete(struct tlpdev *dev, uint16_t qid __rte_unused, struct tlpdev_dma_op **ops,
		  uint16_t n)
{
	struct fake_priv *p = dev->priv;
	uint16_t i, nb = (uint16_t)RTE_MIN(n, p->dma_n);

	for (i = 0; i < nb; i++)
		ops[i] = p->dma_pending[i];
	memmove(p->dma_pending, p->dma_pending + nb, (p->dma_n - nb) * sizeof(void *));
	p->dma_n -= nb;
	return nb;
}

static int
fake_msi(struct tlpdev *dev, uint16_t qid __rte_unused, uint64_t addr __rte_unused,
	 uint32_t data)
{
	((struct fake_priv *)dev->priv)->msi_data = data;
	return 0;
}

static void
fake_event_poll(struct tlpdev *dev)
{
	struct fake_priv *p = dev->priv;

	if (!p->link) {
		p->link = 1;
		tlpdev_event_post(dev, TLPDEV_EVENT_LINK_UP, 0, 0);
	}
}

static const struct tlpdev_ops fake_ops = {
	.info_get = fake_info_get,
	.start = fake_start,
	.stop = fake_stop,
	.close = fake_close,
	.link_get = fake_link_get,
	.rx_burst = fake_rx,
	.tx_burst = fake_tx,
	.dma_submit = fake_dma_submit,
	.dma_complete = fake_dma_complete,
	.msi_send = fake_msi,
	.event_poll = fake_event_poll,
};

static int
test_allocate_checks(void)
{
	struct tlpdev_ops partial = fake_ops;
	struct tlpdev *dev, *dup;

	partial.msi_send = NULL;
	TEST_ASSERT(tlpdev_allocate("p0", &partial, 0, 1) == NULL, "missing op accepted");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "errno for a missing op");
	TEST_ASSERT(tlpdev_allocate("q0", &fake_ops, 0, 0) == NULL, "0 queues accepted");
	TEST_ASSERT(tlpdev_allocate("q1", &fake_ops, 0, TLPDEV_MAX_QUEUES + 1) == NULL,
		    "too many queues accepted");
	TEST_ASSERT(tlpdev_allocate("", &fake_ops, 0, 1) == NULL, "empty name accepted");

	dev = tlpdev_allocate("fake0", &fake_ops, sizeof(struct fake_priv), 2);
	TEST_ASSERT(dev != NULL, "allocate failed: %d", rte_errno);
	dup = tlpdev_allocate("fake0", &fake_ops, 0, 1);
	TEST_ASSERT(dup == NULL, "duplicate name accepted");
	TEST_ASSERT_EQUAL(rte_errno, EEXIST, "errno for a duplicate");
	TEST_ASSERT_EQUAL(tlpdev_get_by_name("fake0"), dev->id, "lookup");
	TEST_ASSERT(tlpdev_find("fake0") == dev, "find");
	TEST_ASSERT_EQUAL(tlpdev_count(), 1, "count");
	TEST_ASSERT_EQUAL(tlpdev_close(dev->id), 0, "close");
	TEST_ASSERT_EQUAL(tlpdev_count(), 0, "count after close");
	TEST_ASSERT_EQUAL(tlpdev_get_by_name("fake0"), -ENODEV, "lookup after close");
	return TEST_SUCCESS;
}

static int
test_table_full(void)
{
	struct tlpdev *devs[TLPDEV_MAX_DEVS];
	char name[16];
	int i;

	for (i = 0; i < TLPDEV_MAX_DEVS; i++) {
		snprintf(name, sizeof(name), "full%d", i);
		devs[i] = tlpdev_allocate(name, &fake_ops, 0, 1);
		TEST_ASSERT(devs[i] != NULL, "allocate %d", i);
	}
	TEST_ASSERT(tlpdev_allocate("onemore", &fake_ops, 0, 1) == NULL, "table overflow");
	TEST_ASSERT_EQUAL(rte_errno, ENOSPC, "errno when full");
	for (i = 0; i < TLPDEV_MAX_DEVS; i++)
		tlpdev_release(devs[i]);
	TEST_ASSERT_EQUAL(tlpdev_count(), 0, "count after release");
	return TEST_SUCCESS;
}

static int
test_invalid_args(void)
{
	struct tlpdev *dev = tlpdev_allocate("args0", &fake_ops, sizeof(struct fake_priv), 1);
	struct tlpdev_mem_region reg;
	struct tlpdev_info info;
	struct tlpdev_event ev;
	struct tlp_req req, *r = &req;
	uint16_t bad = TLPDEV_MAX_DEVS - 1;

	TEST_ASSERT(dev != NULL, "allocate");
	TEST_ASSERT_EQUAL(tlpdev_info_get(bad, &info), -ENODEV, "info on a bad id");
	TEST_ASSERT_EQUAL(tlpdev_info_get(dev->id, NULL), -EINVAL, "info NULL");
	TEST_ASSERT_EQUAL(tlpdev_start(bad), -ENODEV, "start bad id");
	TEST_ASSERT_EQUAL(tlpdev_event_dequeue(dev->id, NULL), -EINVAL, "event NULL");
	TEST_ASSERT_EQUAL(tlpdev_event_dequeue(bad, &ev), -ENODEV, "event on a bad id");
	TEST_ASSERT_EQUAL(tlpdev_stats_reset(bad), -ENODEV, "stats reset on a bad id");
	TEST_ASSERT(tlpdev_name(bad) == NULL, "name of a bad id");
	TEST_ASSERT_EQUAL(tlpdev_rx_burst(dev->id, 0, &r, 1), 0, "rx while stopped");
	TEST_ASSERT_EQUAL(tlpdev_msi_send(dev->id, 0, 0xfee00000, 1), -ENOTCONN,
			  "msi while stopped");
	TEST_ASSERT_EQUAL(tlpdev_start(dev->id), 0, "start");
	TEST_ASSERT_EQUAL(tlpdev_start(dev->id), -EALREADY, "start twice");
	TEST_ASSERT_EQUAL(tlpdev_rx_burst(dev->id, 1, &r, 1), 0, "rx on a bad queue");
	TEST_ASSERT_EQUAL(tlpdev_msi_send(dev->id, 1, 0xfee00000, 1), -ENODEV, "msi bad queue");
	TEST_ASSERT_EQUAL(tlpdev_msi_send(dev->id, 0, 0xfee00002, 1), -EINVAL, "msi unaligned");
	/* The fake driver has no host_mem_map: optional op answered by the library. */
	TEST_ASSERT_EQUAL(tlpdev_host_mem_map(dev->id, &reg, 1), -ENOTSUP, "optional op");
	TEST_ASSERT_EQUAL(tlpdev_msg_send(dev->id, 0, 0, TLP_MSG_ASSERT_INTA, TLP_MSG_ROUTE_LOCAL),
			  -ENOTSUP, "optional msg_send");
	TEST_ASSERT_EQUAL(tlpdev_msg_send(dev->id, 0, 0, TLP_MSG_ASSERT_INTA, 7), -EINVAL,
			  "reserved routing");
	TEST_ASSERT_EQUAL(tlpdev_dma_sync(dev->id, 0, TLPDEV_DMA_READ, 0x1000, NULL, 4), -EINVAL,
			  "dma NULL buffer");
	TEST_ASSERT_EQUAL(tlpdev_info_get(dev->id, &info), 0, "info");
	TEST_ASSERT(strcmp(info.driver_name, "fake") == 0, "driver name");
	TEST_ASSERT_EQUAL(info.nb_queues, 1, "queues filled by the library");
	TEST_ASSERT_EQUAL(tlpdev_close(dev->id), 0, "close");
	return TEST_SUCCESS;
}

static int
test_counters(void)
{
	struct tlpdev *dev = tlpdev_allocate("cnt0", &fake_ops, sizeof(struct fake_priv), 2);
	struct fake_priv *p;
	struct tlp_req *reqs[8];
	struct tlp_cpl cpl, *cpls[8];
	struct tlpdev_stats st;
	uint16_t i, nb;

	TEST_ASSERT(dev != NULL, "allocate");
	p = dev->priv;
	for (i = 0; i < 8; i++) {
		reqs[i] = malloc(sizeof(struct tlp_req));
		TEST_ASSERT(reqs[i] != NULL, "malloc");
		cpls[i] = &cpl;
	}
	memset(&cpl, 0, sizeof(cpl));
	cpl.hdr.kind = TLP_KIND_CPLD;
	cpl.hdr.len_dw = 2;
	TEST_ASSERT_EQUAL(tlpdev_start(dev->id), 0, "start");
	p->rx_left = 5;
	nb = tlpdev_rx_burst(dev->id, 1, reqs, 8);
	TEST_ASSERT_EQUAL(nb, 5, "rx count");
	p->tx_room = 3;
	TEST_ASSERT_EQUAL(tlpdev_tx_burst(dev->id, 0, cpls, 8), 3, "tx count");
	tlpdev_drv_count_malformed(dev, 0, -TLP_ERR_BE_ZERO);
	tlpdev_drv_count_malformed(dev, 1, 9999);
	TEST_ASSERT_EQUAL(tlpdev_msi_send(dev->id, 1, 0xfee00000, 0x41), 0, "msi");
	TEST_ASSERT_EQUAL(p->msi_data, 0x41, "msi data reached the driver");

	TEST_ASSERT_EQUAL(tlpdev_stats_get(dev->id, &st), 0, "stats");
	TEST_ASSERT_EQUAL(st.rx_tlps[TLP_KIND_MRD], 3, "MRd in");
	TEST_ASSERT_EQUAL(st.rx_tlps[TLP_KIND_MWR], 2, "MWr in");
	TEST_ASSERT_EQUAL(st.rx_bytes, 8, "request bytes");
	TEST_ASSERT_EQUAL(st.tx_tlps[TLP_KIND_CPLD], 3, "CplD out");
	TEST_ASSERT_EQUAL(st.tx_bytes, 24, "completion bytes");
	TEST_ASSERT_EQUAL(st.errors[TLPDEV_ERR_TX_FULL], 1, "short tx counted");
	TEST_ASSERT_EQUAL(st.rx_malformed[TLP_ERR_BE_ZERO], 1, "malformed by reason");
	TEST_ASSERT_EQUAL(st.rx_malformed[TLP_ERR_INVAL], 1, "out-of-range reason clamped");
	TEST_ASSERT_EQUAL(st.msi_sent, 1, "msi counted");
	TEST_ASSERT_EQUAL(st.tx_tlps[TLP_KIND_MWR], 1, "msi is a MWr upstream");
	TEST_ASSERT_EQUAL(tlpdev_stats_reset(dev->id), 0, "reset");
	TEST_ASSERT_EQUAL(tlpdev_stats_get(dev->id, &st), 0, "stats");
	TEST_ASSERT_EQUAL(st.rx_tlps[TLP_KIND_MRD] + st.tx_tlps[TLP_KIND_CPLD] + st.msi_sent, 0,
			  "counters reset");
	TEST_ASSERT_EQUAL(tlpdev_close(dev->id), 0, "close");
	for (i = 0; i < 8; i++)
		free(reqs[i]);
	return TEST_SUCCESS;
}

static int
test_events(void)
{
	struct tlpdev *dev = tlpdev_allocate("ev0", &fake_ops, sizeof(struct fake_priv), 1);
	struct tlpdev_event ev;
	struct tlpdev_stats st;
	unsigned int i;

	TEST_ASSERT(dev != NULL, "allocate");
	TEST_ASSERT_EQUAL(tlpdev_event_dequeue(dev->id, &ev), 0, "no event while stopped");
	TEST_ASSERT_EQUAL(tlpdev_start(dev->id), 0, "start");
	TEST_ASSERT_EQUAL(tlpdev_event_dequeue(dev->id, &ev), 1, "event polled from driver");
	TEST_ASSERT_EQUAL(ev.type, TLPDEV_EVENT_LINK_UP, "link up");
	TEST_ASSERT_EQUAL(ev.seq, 1, "first sequence number");
	TEST_ASSERT_EQUAL(tlpdev_link_get(dev->id), 1, "link state");
	TEST_ASSERT_EQUAL(tlpdev_event_dequeue(dev->id, &ev), 0, "queue drained");

	/* Overflow: the oldest events are dropped and counted. */
	for (i = 0; i < TLPDEV_EVENT_QUEUE_SIZE + 3; i++)
		tlpdev_event_post(dev, TLPDEV_EVENT_FLR, (uint16_t)i, i);
	TEST_ASSERT_EQUAL(tlpdev_event_dequeue(dev->id, &ev), 1, "event");
	TEST_ASSERT_EQUAL(ev.value, 3, "oldest surviving event");
	for (i = 1; i < TLPDEV_EVENT_QUEUE_SIZE; i++) {
		TEST_ASSERT_EQUAL(tlpdev_event_dequeue(dev->id, &ev), 1, "event %u", i);
		TEST_ASSERT_EQUAL(ev.value, i + 3, "event order");
	}
	TEST_ASSERT_EQUAL(tlpdev_event_dequeue(dev->id, &ev), 0, "drained");
	TEST_ASSERT_EQUAL(tlpdev_stats_get(dev->id, &st), 0, "stats");
	TEST_ASSERT_EQUAL(st.errors[TLPDEV_ERR_EVENT_OVERFLOW], 3, "overflow counted");
	TEST_ASSERT_EQUAL(tlpdev_close(dev->id), 0, "close");
	return TEST_SUCCESS;
}

static int
test_dma_bookkeeping(void)
{
	struct tlpdev *dev = tlpdev_allocate("dma0", &fake_ops, sizeof(struct fake_priv), 1);
	struct tlpdev_dma_op ops[3], *p[3], *done[3];
	struct tlpdev_stats st;
	uint8_t buf[16];
	unsigned int i;

	TEST_ASSERT(dev != NULL, "allocate");
	TEST_ASSERT_EQUAL(tlpdev_start(dev->id), 0, "start");
	for (i = 0; i < 3; i++) {
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].host_addr = i == 1 ? 0 : 0x1000;
		ops[i].buf = buf;
		ops[i].len = 16;
		ops[i].dir = i == 2 ? TLPDEV_DMA_WRITE : TLPDEV_DMA_READ;
		p[i] = &ops[i];
	}
	TEST_ASSERT_EQUAL(tlpdev_dma_submit(dev->id, 0, p, 3), 3, "submit");
	TEST_ASSERT_EQUAL(tlpdev_dma_sync(dev->id, 0, TLPDEV_DMA_READ, 0x1000, buf, 4), -EBUSY,
			  "sync with operations outstanding");
	TEST_ASSERT_EQUAL(tlpdev_dma_complete(dev->id, 0, done, 3), 3, "complete");
	TEST_ASSERT(done[1] == &ops[1] && done[1]->status == -EFAULT, "failed op returned");
	TEST_ASSERT_EQUAL(tlpdev_dma_complete(dev->id, 0, done, 3), 0, "nothing left");
	TEST_ASSERT_EQUAL(tlpdev_stats_get(dev->id, &st), 0, "stats");
	TEST_ASSERT_EQUAL(st.dma_read_ops, 1, "only successful reads counted");
	TEST_ASSERT_EQUAL(st.dma_read_bytes, 16, "read bytes");
	TEST_ASSERT_EQUAL(st.dma_write_ops, 1, "writes counted");
	TEST_ASSERT_EQUAL(tlpdev_dma_sync(dev->id, 0, TLPDEV_DMA_WRITE, 0x2000, buf, 4), 0, "sync");
	TEST_ASSERT_EQUAL(tlpdev_dma_sync(dev->id, 0, TLPDEV_DMA_READ, 0, buf, 4), -EFAULT,
			  "sync status");
	TEST_ASSERT_EQUAL(tlpdev_close(dev->id), 0, "close");
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_allocate_checks),
	TEST_CASE(test_table_full),
	TEST_CASE(test_invalid_args),
	TEST_CASE(test_counters),
	TEST_CASE(test_events),
	TEST_CASE(test_dma_bookkeeping),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	int ret;

	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	ret = tlpemu_test_run("tlpdev_class", cases, argc, argv);
	rte_eal_cleanup();
	return ret;
}
