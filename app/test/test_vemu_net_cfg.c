/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * virtio-net device model: parameters, device configuration fields per
 * offered feature, feature dependency checks at FEATURES_OK, queue layout,
 * link and announce, and the data-path quiesce handshake at reset.
 */

#include "test_vemu_host.h"
#include "tlpemu_test_eal.h"

#include <virtio_emu_vq.h>

#define V1 VIRTIO_EMU_F(VIRTIO_F_VERSION_1)
#define NF(b) VIRTIO_EMU_F(VIRTIO_NET_F_ ## b)
#define QBASE 0x100000000ull
#define DCFG(f) (VIRTIO_EMU_DEVCFG_OFF + offsetof(struct virtio_net_config, f))

struct evlog {
	unsigned int n[16];
	uint32_t last_arg[16];
};

static void
ev_cb(struct virtio_emu_net *net __rte_unused, enum virtio_emu_net_event ev, uint32_t arg,
      void *cb_arg)
{
	struct evlog *l = cb_arg;

	if ((unsigned int)ev < 16) {
		l->n[ev]++;
		l->last_arg[ev] = arg;
	}
}

static int
test_params(void)
{
	struct virtio_emu_net_params p;
	struct virtio_emu_net *net;

	memset(&p, 0, sizeof(p));
	p.features = V1 | VIRTIO_EMU_F(50);
	TEST_ASSERT(virtio_emu_net_create(&p, NULL, NULL) == NULL, "unsupported feature");
	p.features = NF(MAC);
	TEST_ASSERT(virtio_emu_net_create(&p, NULL, NULL) == NULL, "no VERSION_1");
	p.features = 0;
	p.max_queue_pairs = 4;
	p.features = V1 | NF(MAC);
	TEST_ASSERT(virtio_emu_net_create(&p, NULL, NULL) == NULL, "pairs without MQ");
	p.features = 0;
	p.mac[0] = 1;
	TEST_ASSERT(virtio_emu_net_create(&p, NULL, NULL) == NULL, "multicast MAC");
	p.mac[0] = 0;
	p.mtu = 10;
	TEST_ASSERT(virtio_emu_net_create(&p, NULL, NULL) == NULL, "mtu");
	p.mtu = 0;
	p.mac_table_max = 65;
	TEST_ASSERT(virtio_emu_net_create(&p, NULL, NULL) == NULL, "mac table");
	p.mac_table_max = 0;
	net = virtio_emu_net_create(&p, NULL, NULL);
	TEST_ASSERT(net != NULL, "defaults");
	TEST_ASSERT_EQUAL(virtio_emu_num_queues(virtio_emu_net_pci(net)), 9, "2 x 4 + 1 queues");
	virtio_emu_net_free(net);
	net = virtio_emu_net_create(NULL, NULL, NULL);
	TEST_ASSERT(net != NULL, "NULL params");
	TEST_ASSERT_EQUAL(virtio_emu_num_queues(virtio_emu_net_pci(net)), 3, "1 pair + ctrl");
	TEST_ASSERT_EQUAL(virtio_emu_features_offered(virtio_emu_net_pci(net)) & NF(MQ), 0,
			  "MQ dropped with 1 pair");
	virtio_emu_net_free(net);
	/* Without CTRL_VQ: no control queue, dependent features withdrawn. */
	p.features = VIRTIO_EMU_NET_FEATURES_DEFAULT & ~NF(CTRL_VQ) & ~NF(MQ);
	p.max_queue_pairs = 1;
	net = virtio_emu_net_create(&p, NULL, NULL);
	TEST_ASSERT(net != NULL, "no ctrl vq");
	TEST_ASSERT_EQUAL(virtio_emu_num_queues(virtio_emu_net_pci(net)), 2, "2 queues");
	TEST_ASSERT_EQUAL(virtio_emu_features_offered(virtio_emu_net_pci(net)) &
			  (NF(CTRL_RX) | NF(CTRL_VLAN) | NF(GUEST_ANNOUNCE) | NF(CTRL_MAC_ADDR)), 0,
			  "dependent features withdrawn");
	virtio_emu_net_free(net);
	return TEST_SUCCESS;
}

static int
test_config_fields(void)
{
	struct virtio_emu_net_params p = {
		.mac = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 },
		.max_queue_pairs = 4,
		.mtu = 9000,
		.speed = 100000,
		.duplex = VIRTIO_NET_DUPLEX_FULL,
	};
	struct vh h;

	TEST_ASSERT(vh_setup_net(&h, &p, NULL, NULL) == 0, "setup");
	TEST_ASSERT_EQUAL(h.caps.len[VIRTIO_PCI_CAP_DEVICE_CFG], 24, "config length");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(mac), 4), 0x33221102, "mac lo");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(mac) + 4, 2), 0x5544, "mac hi");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(status), 2), VIRTIO_NET_S_LINK_UP, "link up");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(max_virtqueue_pairs), 2), 4, "pairs");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(mtu), 2), 9000, "mtu");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(speed), 4), 100000, "speed");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(duplex), 1), VIRTIO_NET_DUPLEX_FULL, "duplex");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(supported_hash_types), 4), 0, "RSS fields 0");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(num_queues), 2), 9, "num_queues");
	/* Read-only to the driver. */
	vh_wr(&h, DCFG(mac), 4, 0);
	vh_wr(&h, DCFG(mtu), 2, 1);
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(mac), 4), 0x33221102, "mac RO");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(mtu), 2), 9000, "mtu RO");
	vh_teardown(&h);

	/* Fields of features not offered read 0. */
	p.features = V1 | NF(MAC);
	p.max_queue_pairs = 1;
	TEST_ASSERT(vh_setup_net(&h, &p, NULL, NULL) == 0, "setup");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(status), 2), 0, "no STATUS");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(max_virtqueue_pairs), 2), 0, "no MQ");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(mtu), 2), 0, "no MTU");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(speed), 4), 0, "no SPEED_DUPLEX");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(mac) + 4, 2), 0x5544, "mac still there");
	TEST_ASSERT_EQUAL(vh_dev_features(&h), V1 | NF(MAC), "offered exactly");
	vh_teardown(&h);

	/* Unknown speed/duplex. */
	p.features = 0;
	p.speed = 0;
	p.duplex_unknown = true;
	TEST_ASSERT(vh_setup_net(&h, &p, NULL, NULL) == 0, "setup");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(speed), 4), VIRTIO_NET_SPEED_UNKNOWN, "speed unknown");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(duplex), 1), VIRTIO_NET_DUPLEX_UNKNOWN, "duplex");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* Each dependency rule: the feature alone is refused, with its dependency accepted. */
static int
test_feature_deps(void)
{
	static const struct {
		uint64_t feat;
		uint64_t dep;
	} rules[] = {
		{ NF(GUEST_TSO4), NF(GUEST_CSUM) },
		{ NF(GUEST_TSO6), NF(GUEST_CSUM) },
		{ NF(HOST_TSO4), NF(CSUM) },
		{ NF(HOST_TSO6), NF(CSUM) },
		{ NF(CTRL_RX), NF(CTRL_VQ) },
		{ NF(CTRL_VLAN), NF(CTRL_VQ) },
		{ NF(GUEST_ANNOUNCE), NF(CTRL_VQ) },
		{ NF(CTRL_MAC_ADDR), NF(CTRL_VQ) },
		{ NF(MQ), NF(CTRL_VQ) },
		{ NF(CTRL_RX_EXTRA), NF(CTRL_RX) | NF(CTRL_VQ) },
	};
	struct virtio_emu_net_params p = {
		.max_queue_pairs = 2,
		.features = VIRTIO_EMU_NET_FEATURES_SUPPORTED,
	};
	struct virtio_emu_net_stats st;
	unsigned int i;
	struct vh h;

	TEST_ASSERT(vh_setup_net(&h, &p, NULL, NULL) == 0, "setup");
	for (i = 0; i < RTE_DIM(rules); i++) {
		vh_set_status(&h, 0);
		TEST_ASSERT_EQUAL(vh_negotiate(&h, V1 | rules[i].feat) &
				  VIRTIO_CONFIG_S_FEATURES_OK, 0, "rule %u refused", i);
		vh_set_status(&h, 0);
		TEST_ASSERT(vh_negotiate(&h, V1 | rules[i].feat | rules[i].dep) &
			    VIRTIO_CONFIG_S_FEATURES_OK, "rule %u accepted", i);
	}
	virtio_emu_net_stats_get(h.net, &st);
	TEST_ASSERT_EQUAL(st.features_refused, RTE_DIM(rules), "refusals counted");
	/* Everything offered at once is consistent. */
	vh_set_status(&h, 0);
	TEST_ASSERT(vh_negotiate(&h, vh_dev_features(&h)) & VIRTIO_CONFIG_S_FEATURES_OK, "all");
	/* Linux's usual set. */
	vh_set_status(&h, 0);
	TEST_ASSERT(vh_negotiate(&h, V1 | NF(MAC) | NF(STATUS) | NF(CTRL_VQ) | NF(CTRL_RX) |
				 NF(CTRL_VLAN) | NF(MQ) | NF(MRG_RXBUF) | NF(CSUM) |
				 NF(GUEST_CSUM) | NF(HOST_TSO4) | NF(GUEST_TSO4) |
				 VIRTIO_EMU_F(VIRTIO_F_EVENT_IDX) |
				 VIRTIO_EMU_F(VIRTIO_F_INDIRECT_DESC)) &
		    VIRTIO_CONFIG_S_FEATURES_OK, "linux set");
	vh_teardown(&h);

	/* A withheld feature is refused even when the rest is fine. */
	p.features = VIRTIO_EMU_NET_FEATURES_DEFAULT & ~NF(GUEST_TSO6);
	TEST_ASSERT(vh_setup_net(&h, &p, NULL, NULL) == 0, "setup");
	TEST_ASSERT_EQUAL(vh_negotiate(&h, V1 | NF(GUEST_CSUM) | NF(GUEST_TSO6)) &
			  VIRTIO_CONFIG_S_FEATURES_OK, 0, "withheld");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static int
test_link_announce(void)
{
	struct virtio_emu_net_state st;
	struct evlog ev;
	struct vh h;
	uint8_t mac[6] = { 0x02, 9, 8, 7, 6, 5 };

	memset(&ev, 0, sizeof(ev));
	TEST_ASSERT(vh_setup_net(&h, NULL, ev_cb, &ev) == 0, "setup");
	TEST_ASSERT(vh_negotiate(&h, V1 | NF(STATUS) | NF(CTRL_VQ) | NF(GUEST_ANNOUNCE)) &
		    VIRTIO_CONFIG_S_FEATURES_OK, "negotiate");
	TEST_ASSERT_EQUAL(virtio_emu_net_announce(h.net), -EAGAIN, "not running");
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_DRIVER_OK], 1, "DRIVER_OK event");
	TEST_ASSERT_EQUAL(vh_isr(&h), 0, "no ISR yet");
	TEST_ASSERT_EQUAL(virtio_emu_net_link_set(h.net, false), 0, "link down");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(status), 2), 0, "status");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_generation), 1), 1, "generation");
	TEST_ASSERT_EQUAL(vh_isr(&h), VIRTIO_PCI_ISR_CONFIG, "config interrupt (INTx)");
	virtio_emu_net_link_set(h.net, false);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_generation), 1), 1, "no change, no bump");
	virtio_emu_net_link_set(h.net, true);
	TEST_ASSERT_EQUAL(virtio_emu_net_announce(h.net), 0, "announce");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(status), 2), VIRTIO_NET_S_LINK_UP | VIRTIO_NET_S_ANNOUNCE,
			  "announce bit");
	virtio_emu_net_state_get(h.net, &st);
	TEST_ASSERT(st.driver_ok && st.link_up, "state");
	/* Device-side MAC change. */
	TEST_ASSERT_EQUAL(virtio_emu_net_mac_set(h.net, mac), 0, "mac set");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(mac) + 4, 2), 0x0506, "new mac");
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(config_generation), 1), 4, "generation");
	mac[0] = 3;
	TEST_ASSERT_EQUAL(virtio_emu_net_mac_set(h.net, mac), -EINVAL, "multicast");
	/* Reset: announce dropped, RESET event. */
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_RESET], 1, "RESET event");
	TEST_ASSERT_EQUAL(vh_rd(&h, DCFG(status), 2), VIRTIO_NET_S_LINK_UP, "announce cleared");
	TEST_ASSERT_EQUAL(virtio_emu_net_announce(h.net), -ENOTSUP, "not negotiated now");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* The quiesce handshake of a data queue across a device reset. */
static int
test_qsync_reset(void)
{
	struct virtio_emu_qsync *s;
	struct evlog ev;
	uint32_t seen = 0;
	struct vh h;

	memset(&ev, 0, sizeof(ev));
	TEST_ASSERT(vh_setup_net(&h, NULL, ev_cb, &ev) == 0, "setup");
	s = virtio_emu_net_qsync(h.net, 0);
	TEST_ASSERT(s != NULL, "qsync");
	TEST_ASSERT(virtio_emu_net_qsync(h.net, 3) == NULL, "no queue 3");
	TEST_ASSERT_EQUAL(virtio_emu_net_queue_attach(h.net, 2, true), -EINVAL, "ctrl queue");
	TEST_ASSERT(!virtio_emu_qsync_poll(s, &seen), "stopped before enable");
	TEST_ASSERT_EQUAL(virtio_emu_net_queue_attach(h.net, 0, true), 0, "attach");
	TEST_ASSERT(vh_negotiate(&h, V1) & VIRTIO_CONFIG_S_FEATURES_OK, "negotiate");
	TEST_ASSERT(vh_queue_setup(&h, 0, 64, QBASE) == 0, "q0");
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_QUEUE_ENABLE], 1, "enable event");
	TEST_ASSERT_EQUAL(ev.last_arg[VIRTIO_EMU_NET_EV_QUEUE_ENABLE], 0, "queue 0");
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT(virtio_emu_qsync_poll(s, &seen), "running");
	/* Reset while the lcore is "inside a burst": not complete until it polls again. */
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_QUEUE_STOP], 1, "stop event");
	TEST_ASSERT(vh_status(&h) != 0, "reset waits for the data path");
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT(vh_status(&h) != 0, "still waiting");
	TEST_ASSERT(!virtio_emu_qsync_poll(s, &seen), "next burst: stop");
	tlpemu_test_tlpdev_service(h.t);	/* virtio_emu_net_service() sees the echo */
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset complete");
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_RESET], 1, "reset event");
	TEST_ASSERT(!virtio_emu_qsync_poll(s, &seen), "still stopped");
	/* Re-enable: runs again. A detached queue is quiet at once. */
	TEST_ASSERT(vh_negotiate(&h, V1) & VIRTIO_CONFIG_S_FEATURES_OK, "negotiate");
	TEST_ASSERT(vh_queue_setup(&h, 0, 64, QBASE) == 0, "q0");
	vh_set_status(&h, VH_S_RUN);
	TEST_ASSERT(virtio_emu_qsync_poll(s, &seen), "running again");
	virtio_emu_net_queue_attach(h.net, 0, false);
	vh_set_status(&h, 0);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "detached: immediate");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* NEEDS_RESET from the data path: event for the PMD, driver_ok drops. */
static int
test_needs_reset_event(void)
{
	struct virtio_emu_net_state st;
	struct evlog ev;
	struct vh h;

	memset(&ev, 0, sizeof(ev));
	TEST_ASSERT(vh_setup_net(&h, NULL, ev_cb, &ev) == 0, "setup");
	TEST_ASSERT(vh_negotiate(&h, V1) & VIRTIO_CONFIG_S_FEATURES_OK, "negotiate");
	vh_set_status(&h, VH_S_RUN);
	virtio_emu_set_needs_reset(h.pci, "test");
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(ev.n[VIRTIO_EMU_NET_EV_NEEDS_RESET], 1, "event");
	virtio_emu_net_state_get(h.net, &st);
	TEST_ASSERT(!st.driver_ok, "not running");
	TEST_ASSERT_EQUAL(vh_isr(&h), VIRTIO_PCI_ISR_CONFIG, "config interrupt");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

/* Engine queues of data queues; a per-queue reset waits for the data path. */
static int
test_data_vq_queue_reset(void)
{
	struct virtio_emu_qsync *s;
	uint32_t seen = 0;
	struct vh h;

	TEST_ASSERT(vh_setup_net(&h, NULL, NULL, NULL) == 0, "setup");
	TEST_ASSERT(virtio_emu_net_vq(h.net, 1) == NULL, "none before enable");
	TEST_ASSERT(virtio_emu_net_vq(h.net, 2) == NULL, "never for the control queue");
	TEST_ASSERT_EQUAL(virtio_emu_net_queue_dma_qid_set(h.net, 1, 0), 0, "dma qid");
	TEST_ASSERT_EQUAL(virtio_emu_net_queue_dma_qid_set(h.net, 2, 0), -EINVAL, "ctrl");
	TEST_ASSERT(vh_negotiate(&h, V1 | VIRTIO_EMU_F(VIRTIO_F_RING_RESET)) &
		    VIRTIO_CONFIG_S_FEATURES_OK, "negotiate");
	TEST_ASSERT(vh_queue_setup(&h, 1, 64, QBASE) == 0, "q1");
	TEST_ASSERT(virtio_emu_net_vq(h.net, 1) != NULL, "engine queue");
	TEST_ASSERT_EQUAL(virtio_emu_vq_size(virtio_emu_net_vq(h.net, 1)), 64, "size");
	vh_set_status(&h, VH_S_RUN);
	s = virtio_emu_net_qsync(h.net, 1);
	virtio_emu_net_queue_attach(h.net, 1, true);
	TEST_ASSERT(virtio_emu_qsync_poll(s, &seen), "running");
	vh_cc_wr(&h, CC(queue_select), 2, 1);
	vh_cc_wr(&h, CC(queue_reset), 2, 1);
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_reset), 2), 0, "in progress");
	TEST_ASSERT(virtio_emu_net_vq(h.net, 1) != NULL, "kept while the lcore may use it");
	TEST_ASSERT(!virtio_emu_qsync_poll(s, &seen), "stop seen");
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(vh_cc_rd(&h, CC(queue_reset), 2), 1, "done");
	TEST_ASSERT(virtio_emu_net_vq(h.net, 1) == NULL, "engine queue freed");
	TEST_ASSERT(vh_queue_setup(&h, 1, 32, QBASE) == 0, "re-enabled");
	TEST_ASSERT(virtio_emu_qsync_poll(s, &seen), "running again");
	TEST_ASSERT_EQUAL(virtio_emu_vq_size(virtio_emu_net_vq(h.net, 1)), 32, "new size");
	vh_set_status(&h, 0);
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT(!virtio_emu_qsync_poll(s, &seen), "stopped by reset");
	tlpemu_test_tlpdev_service(h.t);
	TEST_ASSERT_EQUAL(vh_status(&h), 0, "reset");
	TEST_ASSERT(virtio_emu_net_vq(h.net, 1) == NULL, "freed by reset");
	/* A ring outside host memory: the engine refuses it (direct path), enable fails. */
	TEST_ASSERT(vh_negotiate(&h, V1) & VIRTIO_CONFIG_S_FEATURES_OK, "negotiate");
	TEST_ASSERT(vh_queue_setup(&h, 1, 64, 0x1000) != 0, "ring outside host memory");
	TEST_ASSERT(virtio_emu_net_vq(h.net, 1) == NULL, "no engine queue");
	vh_teardown(&h);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_params),
	TEST_CASE(test_config_fields),
	TEST_CASE(test_feature_deps),
	TEST_CASE(test_link_announce),
	TEST_CASE(test_qsync_reset),
	TEST_CASE(test_needs_reset_event),
	TEST_CASE(test_data_vq_queue_reset),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	if (tlpemu_test_eal_init(NULL) != 0)
		return 1;
	return tlpemu_test_run("vemu_net_cfg", cases, argc, argv);
}
