/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The software link across two processes, seen from the device: this
 * process runs EAL with two tlp_sim devices (DMA through the mapping, DMA
 * over TLPs) and the test responder; each case forks host processes (the
 * tlpsim host library) and kills them. The tlpdev API is checked directly:
 * info, host memory mapping, DMA (order, bounds, timeouts), link events; the
 * host dying under traffic (SIGKILL) while another thread copies through the
 * host memory mapping; stop/start; 1000 reconnects without leaks.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>

#include <tlpdev.h>

#include "test_tlpsim_helpers.h"
#include "tlpemu_test.h"
#include "tlpemu_test_eal.h"

#define MEM_BASE TLPSIM_HOST_MEM_BASE_DEFAULT
#define MEM_SIZE (16u << 20)

static struct tst_dir dir;
static char map_sock[128], tlp_sock[128], sync_sock[128];
static uint16_t map_dev, tlp_dev, sync_dev;
static struct tst_resp *map_resp, *tlp_resp, *sync_resp;

/* What a host process does. */
enum host_mode {
	HOST_SERVE,		/* poll forever (serves DMA), reconnect when the link drops */
	HOST_TRAFFIC,		/* same, with config reads all the time */
	HOST_SILENT,		/* connect, then never poll */
	HOST_RECONNECT,		/* connect, read, disconnect: many times; check own leaks */
	HOST_SYNC_ALL,		/* host_sync() with sync_serves_all */
	HOST_SYNC_ONE,		/* host_sync() without */
};

#define RECONNECTS 1000

/* The host's own read on queue 1 in host_sync(). */
#define SYNC_COOKIE 0x5151u

/*
 * A single-threaded host of two link queues that only ever waits on queue 0
 * (sync_serves_all on or off): it asks the responder for a DMA on queue 1
 * and reads the outcome on queue 0, with a read of its own outstanding on
 * queue 1 meanwhile. Exit 0 when what it saw is what @p serve_all predicts.
 */
static void
host_sync(const char *sock, bool serve_all)
{
	struct tlpsim_host_conf conf;
	struct tlpsim_host_req req;
	struct tlpsim_host_cpl cpl;
	struct tlpsim_host *h;
	uint32_t status = 0, sum = 0, reg = 0, v, i;
	uint64_t end;

	tst_host_conf(&conf, sock);
	conf.nb_queues = 2;
	conf.sync_serves_all = serve_all;
	if (tst_host_open(sock, &conf, &h) != 0)
		_exit(10);
	memset(&req, 0, sizeof(req));
	req.hdr.kind = TLP_KIND_MRD;
	req.hdr.addr = TST_BAR + 0x10;
	req.hdr.len_dw = 1;
	req.hdr.first_be = 0xf;
	req.buf = &reg;
	req.buf_len = sizeof(reg);
	req.cookie = SYNC_COOKIE;
	if (tlpsim_host_submit(h, 1, &req, 1) != 1)
		_exit(11);
	/* The responder's DMA on queue 1; queue 0 waits for its status. */
	for (i = 0; i < MEM_SIZE / 4 && i < 4096; i++)
		memcpy(tlpsim_host_mem(h, MEM_BASE + 4 * i, 4), &i, 4);
	if (tst_reg_write64(h, TST_REG_DMA_ADDR, MEM_BASE) != 0 ||
	    tst_reg_write32(h, TST_REG_DMA_LEN, 16384) != 0 ||
	    tst_reg_write32(h, TST_REG_DMA_DIR, TLPDEV_DMA_READ) != 0 ||
	    tst_reg_write32(h, TST_REG_DMA_QID, 1) != 0 ||
	    tst_reg_write32(h, TST_REG_DMA_GO, 1) != 0 ||
	    tst_reg_read32(h, TST_REG_DMA_STATUS, &status) != 0 ||
	    tst_reg_read32(h, TST_REG_DMA_SUM, &sum) != 0)
		_exit(12);
	/* Answered by the host while it waited on queue 0, or timed out on the device. */
	if (serve_all ? status != 0 : (int32_t)status != -ETIMEDOUT)
		_exit(13);
	/* More waits on queue 0: the answer to our queue-1 read arrives meanwhile. */
	for (i = 0; i < 50; i++)
		if (tst_reg_read32(h, 0x20, &v) != 0)
			_exit(14);
	/* Not reported yet, whoever took it off the ring: still outstanding. */
	if (tlpsim_host_outstanding(h, 1) != 1)
		_exit(15);
	end = tst_now_ms() + 3000;
	while (tlpsim_host_poll(h, 1, &cpl, 1) == 0)
		if (tst_now_ms() > end)
			_exit(16);
	if (cpl.cookie != SYNC_COOKIE || cpl.status != 0 || reg != 0x13121110u)
		_exit(17);
	if (tlpsim_host_outstanding(h, 1) != 0 || tlpsim_host_poll(h, 1, &cpl, 1) != 0)
		_exit(18);
	tlpsim_host_destroy(h);
	_exit(0);
}

static void
host_main(const char *sock, enum host_mode mode)
{
	struct tlpsim_host_cpl cpl[32];
	struct tlpsim_host *h;
	unsigned int i;
	int fds, maps;
	uint32_t v;

	if (mode == HOST_SYNC_ALL || mode == HOST_SYNC_ONE)
		host_sync(sock, mode == HOST_SYNC_ALL);
	if (tst_host_open(sock, NULL, &h) != 0)
		_exit(10);
	switch (mode) {
	case HOST_SILENT:
		for (;;)
			pause();
	case HOST_RECONNECT:
		tlpsim_host_disconnect(h);
		fds = tst_count_fds();
		maps = tst_count_maps();
		for (i = 0; i < RECONNECTS; i++) {
			if (tlpsim_host_connect(h, 20000) != 0)
				_exit(11);
			if (tlpsim_host_cfg_read(h, 0, 0, 0, &v) != 0 ||
			    v != (TST_VENDOR_ID | TST_DEVICE_ID << 16))
				_exit(12);
			tlpsim_host_disconnect(h);
		}
		if (tst_count_fds() != fds)
			_exit(13);
		if (tst_count_maps() > maps + 2)
			_exit(14);
		tlpsim_host_destroy(h);
		_exit(0);
	default:
		break;
	}
	for (;;) {
		/* Link lost (device stopped): reconnect until it listens again. */
		for (i = 0; !tlpsim_host_link_up(h) && tlpsim_host_connect(h, 1000) != 0; i++)
			if (i > 100)
				_exit(15);
		if (mode == HOST_TRAFFIC)
			tlpsim_host_cfg_read(h, 0, 0, 0, &v);
		if (tlpsim_host_poll(h, 0, cpl, RTE_DIM(cpl)) == 0)
			sched_yield();
	}
}

static pid_t
host_spawn(const char *sock, enum host_mode mode)
{
	pid_t parent = getpid(), pid;

	fflush(NULL);
	pid = fork();
	if (pid > 0)
		tst_track_pid(pid);
	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	host_main(sock, mode);
	_exit(2);
}

/* Run the responders for @p ms milliseconds. */
static void
pump(unsigned int ms)
{
	uint64_t end = tst_now_ms() + ms;

	while (tst_now_ms() < end) {
		tst_resp_step(map_resp);
		tst_resp_step(tlp_resp);
	}
}

/* Pump until the responder of @p dev saw @p ups link-ups; 0 or -1. */
static int
wait_link_ups(struct tst_resp *r, unsigned int ups, unsigned int ms)
{
	uint64_t end = tst_now_ms() + ms;

	while (tst_resp_link_ups(r) < ups) {
		if (tst_now_ms() > end)
			return -1;
		pump(1);
	}
	return 0;
}

static int
wait_link_downs(struct tst_resp *r, unsigned int downs, unsigned int ms)
{
	uint64_t end = tst_now_ms() + ms;

	while (tst_resp_link_downs(r) < downs) {
		if (tst_now_ms() > end)
			return -1;
		pump(1);
	}
	return 0;
}

/* Complete @p n submitted operations (pumping the other device meanwhile). */
static int
dma_wait(uint16_t dev, struct tlpdev_dma_op **done, unsigned int n, unsigned int ms)
{
	uint64_t end = tst_now_ms() + ms;
	unsigned int got = 0;

	while (got < n) {
		got += tlpdev_dma_complete(dev, 0, &done[got], (uint16_t)(n - got));
		if (tst_now_ms() > end)
			return -1;
		tst_resp_step(dev == map_dev ? tlp_resp : map_resp);
	}
	return 0;
}

static uint64_t
dev_err(uint16_t dev, enum tlpdev_err e)
{
	struct tlpdev_stats st;

	tlpdev_stats_get(dev, &st);
	return st.errors[e];
}

static int
test_dev_dma_map(void)
{
	struct tlpdev_dma_op ops[64], *p[64], *done[64];
	struct tlpdev_mem_region reg[TLPDEV_MAX_MEM_REGIONS];
	static uint8_t bufs[64][4096];
	struct tlpdev_info info;
	unsigned int i, ups = tst_resp_link_ups(map_resp), downs;
	uint64_t bounds;
	uint8_t *m;
	pid_t host;
	int n;

	host = host_spawn(map_sock, HOST_SERVE);
	TEST_ASSERT(wait_link_ups(map_resp, ups + 1, 20000) == 0, "link up");
	TEST_ASSERT_EQUAL(tlpdev_link_get(map_dev), 1, "link_get");
	TEST_ASSERT_EQUAL(tlpdev_info_get(map_dev, &info), 0, "info");
	TEST_ASSERT(strcmp(info.driver_name, "tlp_sim") == 0, "driver name");
	TEST_ASSERT(info.caps & TLPDEV_CAP_HOST_MAP, "mapping offered");
	TEST_ASSERT(info.max_payload == 256 && info.max_read_req == 512 && info.rcb == 64,
		    "link parameters from the host");
	n = tlpdev_host_mem_map(map_dev, reg, RTE_DIM(reg));
	TEST_ASSERT_EQUAL(n, 1, "one region");
	TEST_ASSERT(reg[0].host_addr == MEM_BASE && reg[0].len == MEM_SIZE, "region");
	m = reg[0].va;
	for (i = 0; i < 4096; i++)
		m[i] = (uint8_t)(i * 5);

	/* 64 operations, alternately read and write, some out of bounds. */
	for (i = 0; i < 64; i++) {
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].dir = i & 1 ? TLPDEV_DMA_WRITE : TLPDEV_DMA_READ;
		ops[i].host_addr = MEM_BASE + (i & 1 ? 0x10000 + i * 4096 : i * 16);
		ops[i].len = 100 + i;
		ops[i].buf = bufs[i];
		ops[i].cookie = &ops[i];
		memset(bufs[i], i, sizeof(bufs[i]));
		p[i] = &ops[i];
	}
	ops[10].host_addr = MEM_BASE + MEM_SIZE - 50;			/* crosses the end */
	ops[11].host_addr = MEM_BASE - 4;				/* below */
	ops[12].host_addr = UINT64_MAX - 20;				/* wraps */
	bounds = dev_err(map_dev, TLPDEV_ERR_DMA_BOUNDS);
	TEST_ASSERT_EQUAL(tlpdev_dma_submit(map_dev, 0, p, 64), 64, "submitted");
	TEST_ASSERT(dma_wait(map_dev, done, 64, 5000) == 0, "completed");
	for (i = 0; i < 64; i++) {
		TEST_ASSERT(done[i] == &ops[i], "completion order at %u", i);
		TEST_ASSERT_EQUAL(ops[i].status, i >= 10 && i <= 12 ? -EFAULT : 0, "status %u", i);
	}
	TEST_ASSERT_EQUAL(dev_err(map_dev, TLPDEV_ERR_DMA_BOUNDS) - bounds, 3, "bounds counted");
	for (i = 0; i < 64; i += 2) {
		if (i >= 10 && i <= 12)
			continue;
		TEST_ASSERT_MEM_EQ(bufs[i], m + i * 16, 100 + i, "read %u", i);
	}
	for (i = 1; i < 64; i += 2) {
		if (i >= 10 && i <= 12)
			continue;
		TEST_ASSERT_MEM_EQ(m + 0x10000 + i * 4096, bufs[i], 100 + i, "write %u", i);
	}
	TEST_ASSERT_EQUAL(tlpdev_dma_sync(map_dev, 0, TLPDEV_DMA_READ, MEM_BASE + 3, bufs[0], 9),
			  0, "sync read");
	TEST_ASSERT_MEM_EQ(bufs[0], m + 3, 9, "sync read data");

	downs = tst_resp_link_downs(map_resp);
	tst_child_kill(host, SIGKILL);
	TEST_ASSERT(wait_link_downs(map_resp, downs + 1, 5000) == 0, "link down");
	return TEST_SUCCESS;
}

static int
test_dev_dma_tlp(void)
{
	struct tlpdev_dma_op ops[100], *p[100], *done[100];
	struct tlpdev_mem_region reg[1];
	static uint8_t bufs[100][65536 + 8];
	static uint8_t back[65536 + 8];
	struct tlpdev_info info;
	unsigned int i, ups = tst_resp_link_ups(tlp_resp), downs;
	uint64_t c0, t0;
	pid_t host;

	host = host_spawn(tlp_sock, HOST_SERVE);
	TEST_ASSERT(wait_link_ups(tlp_resp, ups + 1, 20000) == 0, "link up");
	TEST_ASSERT_EQUAL(tlpdev_info_get(tlp_dev, &info), 0, "info");
	TEST_ASSERT(!(info.caps & TLPDEV_CAP_HOST_MAP), "no mapping in dma=tlp");
	TEST_ASSERT_EQUAL(tlpdev_host_mem_map(tlp_dev, reg, 1), -ENOTSUP, "host_mem_map");

	/* Writes then reads of the same ranges, all in flight together. */
	srand(11);
	for (i = 0; i < 100; i++) {
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].dir = i < 50 ? TLPDEV_DMA_WRITE : TLPDEV_DMA_READ;
		ops[i].host_addr = MEM_BASE + (uint64_t)(i % 50) * 0x20000 + (i % 50) * 3;
		ops[i].len = 1 + ((i % 50) * 1301) % 65536;
		ops[i].buf = bufs[i];
		if (i < 50) {
			for (c0 = 0; c0 < ops[i].len; c0++)
				bufs[i][c0] = (uint8_t)rand();
		}
		p[i] = &ops[i];
	}
	TEST_ASSERT_EQUAL(tlpdev_dma_submit(tlp_dev, 0, p, 100), 100, "submitted");
	TEST_ASSERT(dma_wait(tlp_dev, done, 100, 20000) == 0, "completed");
	for (i = 0; i < 100; i++) {
		TEST_ASSERT(done[i] == &ops[i], "completion order at %u", i);
		TEST_ASSERT_EQUAL(ops[i].status, 0, "status %u", i);
		if (i >= 50)
			TEST_ASSERT_MEM_EQ(bufs[i], bufs[i - 50], ops[i].len, "read back %u", i);
	}
	/* Outside host memory: the host answers UR. */
	c0 = dev_err(tlp_dev, TLPDEV_ERR_DMA_CPL_STATUS);
	TEST_ASSERT_EQUAL(tlpdev_dma_sync(tlp_dev, 0, TLPDEV_DMA_READ, MEM_BASE + MEM_SIZE - 8,
					  back, 16), -EIO, "read past the end");
	TEST_ASSERT_EQUAL(dev_err(tlp_dev, TLPDEV_ERR_DMA_CPL_STATUS) - c0, 1, "counted");
	TEST_ASSERT_EQUAL(tlpdev_dma_sync(tlp_dev, 0, TLPDEV_DMA_READ, UINT64_MAX - 8, back, 16),
			  -EFAULT, "read wrapping the bus address space");

	/* A host that never answers: completion timeout (200 ms on tlp_sim1). */
	downs = tst_resp_link_downs(tlp_resp);
	tst_child_kill(host, SIGKILL);
	TEST_ASSERT(wait_link_downs(tlp_resp, downs + 1, 5000) == 0, "link down");
	host = host_spawn(tlp_sock, HOST_SILENT);
	TEST_ASSERT(wait_link_ups(tlp_resp, ups + 2, 20000) == 0, "silent host up");
	c0 = dev_err(tlp_dev, TLPDEV_ERR_DMA_TIMEOUT);
	t0 = tst_now_ms();
	TEST_ASSERT_EQUAL(tlpdev_dma_sync(tlp_dev, 0, TLPDEV_DMA_READ, MEM_BASE, back, 5000),
			  -ETIMEDOUT, "completion timeout");
	TEST_ASSERT(tst_now_ms() - t0 >= 150, "not before the timeout (%lu ms)",
		    (unsigned long)(tst_now_ms() - t0));
	TEST_ASSERT(dev_err(tlp_dev, TLPDEV_ERR_DMA_TIMEOUT) > c0, "timeout counted");

	/* Outstanding reads when the host dies: -ENOTCONN. */
	memset(&ops[0], 0, sizeof(ops[0]));
	ops[0].dir = TLPDEV_DMA_READ;
	ops[0].host_addr = MEM_BASE;
	ops[0].len = 65536;
	ops[0].buf = back;
	TEST_ASSERT_EQUAL(tlpdev_dma_submit(tlp_dev, 0, p, 1), 1, "submit");
	c0 = dev_err(tlp_dev, TLPDEV_ERR_LINK_DOWN);
	downs = tst_resp_link_downs(tlp_resp);
	tst_child_kill(host, SIGKILL);
	TEST_ASSERT(wait_link_downs(tlp_resp, downs + 1, 5000) == 0, "link down");
	TEST_ASSERT(dma_wait(tlp_dev, done, 1, 1000) == 0, "completed at link-down");
	TEST_ASSERT_EQUAL(ops[0].status, -ENOTCONN, "failed with the link");
	TEST_ASSERT_EQUAL(dev_err(tlp_dev, TLPDEV_ERR_LINK_DOWN) - c0, 1, "counted");
	TEST_ASSERT_EQUAL(tlpdev_dma_sync(tlp_dev, 0, TLPDEV_DMA_READ, MEM_BASE, back, 4),
			  -ENOTCONN, "DMA while down");
	return TEST_SUCCESS;
}

/* Run the sync responder until host @p pid exits; its exit status, or -1. */
static int
sync_host_run(pid_t pid, unsigned int ms)
{
	uint64_t end = tst_now_ms() + ms;
	siginfo_t si;
	int st;

	while (tst_now_ms() < end) {
		tst_resp_step(sync_resp);
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid) {
			st = tst_child_kill(pid, 0);
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		}
	}
	tst_child_kill(pid, SIGKILL);
	return -1;
}

/*
 * A host waiting on one queue (a register read) must still answer the
 * device's DMA on its other queues, as a root complex does: the responder
 * runs a DMA on queue 1 before it answers the read on queue 0. With
 * sync_serves_all the DMA completes at once; without, it times out on the
 * device (300 ms). Either way the host's own request on queue 1, answered
 * meanwhile, is reported once, by the poll of queue 1.
 */
static int
test_dev_sync_serves_all(void)
{
	unsigned int ups = tst_resp_link_ups(sync_resp);
	pid_t host;
	int st;

	host = host_spawn(sync_sock, HOST_SYNC_ALL);
	st = sync_host_run(host, 20000);
	TEST_ASSERT_EQUAL(st, 0, "sync_serves_all: host exit %d", st);
	TEST_ASSERT(tst_resp_link_ups(sync_resp) > ups, "link came up");
	host = host_spawn(sync_sock, HOST_SYNC_ONE);
	st = sync_host_run(host, 20000);
	TEST_ASSERT_EQUAL(st, 0, "without: host exit %d", st);
	return TEST_SUCCESS;
}

/* A thread copying through the host memory mapping until told to stop. */
struct copier {
	volatile int stop;
	uint8_t *va;
	uint64_t len;
	uint64_t rounds;
};

static void *
copier_main(void *arg)
{
	struct copier *c = arg;
	static uint8_t buf[65536];
	uint64_t off = 0;

	while (!c->stop) {
		memcpy(buf, c->va + off, sizeof(buf));
		memcpy(c->va + off, buf, sizeof(buf));
		off = (off + sizeof(buf)) % c->len;
		c->rounds++;
	}
	return NULL;
}

static int
test_dev_host_death(void)
{
	struct tlpdev_mem_region reg[1];
	struct tlpdev_stats st;
	struct copier cp;
	pthread_t t;
	unsigned int round, ups, downs;
	uint64_t rx_before, rounds, i;
	uint8_t buf[64];
	pid_t host;

	for (round = 0; round < 3; round++) {
		ups = tst_resp_link_ups(map_resp);
		downs = tst_resp_link_downs(map_resp);
		host = host_spawn(map_sock, HOST_TRAFFIC);
		TEST_ASSERT(wait_link_ups(map_resp, ups + 1, 20000) == 0, "link up %u", round);
		TEST_ASSERT_EQUAL(tlpdev_host_mem_map(map_dev, reg, 1), 1, "mapping");
		memset(&cp, 0, sizeof(cp));
		cp.va = reg[0].va;
		cp.len = reg[0].len;
		TEST_ASSERT(pthread_create(&t, NULL, copier_main, &cp) == 0, "copier");
		tlpdev_stats_get(map_dev, &st);
		rx_before = st.rx_tlps[TLP_KIND_CFGRD0];
		pump(300);
		tlpdev_stats_get(map_dev, &st);
		TEST_ASSERT(st.rx_tlps[TLP_KIND_CFGRD0] > rx_before + 10, "traffic served");
		/* The host dies mid-traffic and mid-copy. */
		kill(host, SIGKILL);
		TEST_ASSERT(wait_link_downs(map_resp, downs + 1, 5000) == 0, "link down");
		waitpid(host, NULL, 0);
		rounds = cp.rounds;
		pump(50);
		TEST_ASSERT(cp.rounds > rounds, "the copier goes on after link-down");
		cp.stop = 1;
		pthread_join(t, NULL);
		TEST_ASSERT_EQUAL(tlpdev_link_get(map_dev), 0, "link_get");
		TEST_ASSERT_EQUAL(tlpdev_host_mem_map(map_dev, reg, 1), -ENOTCONN, "no mapping");
		/* The old range is scratch memory now: readable, writable, zero. */
		for (i = 0; i < 4096; i++)
			TEST_ASSERT_EQUAL(((volatile uint8_t *)cp.va)[i * 4096 % cp.len], 0,
					  "scratch reads zero");
		cp.va[5] = 1;
		TEST_ASSERT_EQUAL(tlpdev_dma_sync(map_dev, 0, TLPDEV_DMA_READ, MEM_BASE, buf, 8),
				  -ENOTCONN, "DMA while down");
		TEST_ASSERT_EQUAL(tst_resp_step(map_resp), 0, "nothing received while down");
	}
	return TEST_SUCCESS;
}

static int
test_dev_stop_start(void)
{
	unsigned int ups = tst_resp_link_ups(map_resp), downs;
	pid_t host;
	int ret = TEST_SUCCESS;

	host = host_spawn(map_sock, HOST_SERVE);
	TEST_ASSERT(wait_link_ups(map_resp, ups + 1, 20000) == 0, "link up");
	downs = tst_resp_link_downs(map_resp);
	TEST_ASSERT_EQUAL(tlpdev_stop(map_dev), 0, "stop");
	TEST_ASSERT_EQUAL(tlpdev_link_get(map_dev), 0, "down when stopped");
	/* Stop posted the link-down; events are read even when stopped. */
	pump(100);
	TEST_ASSERT_EQUAL(tst_resp_link_downs(map_resp), downs + 1, "link-down event");
	TEST_ASSERT_EQUAL(tst_resp_link_ups(map_resp), ups + 1, "no host accepted while stopped");
	TEST_ASSERT_EQUAL(tlpdev_start(map_dev), 0, "start");
	/* The host reconnects by itself. */
	if (wait_link_ups(map_resp, ups + 2, 20000) != 0)
		ret = TEST_FAILED;
	tst_child_kill(host, SIGKILL);
	TEST_ASSERT_EQUAL(ret, TEST_SUCCESS, "host back after start");
	wait_link_downs(map_resp, tst_resp_link_downs(map_resp) + 1, 5000);
	return TEST_SUCCESS;
}

static long
rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int
test_dev_reconnect_1000(void)
{
	unsigned int ups = tst_resp_link_ups(map_resp), downs = tst_resp_link_downs(map_resp);
	int fds, maps, st = -1;
	long rss;
	pid_t host;
	uint64_t end;

	pump(10);
	fds = tst_count_fds();
	maps = tst_count_maps();
	rss = rss_kb();
	host = host_spawn(map_sock, HOST_RECONNECT);
	end = tst_now_ms() + 25000;
	while (waitpid(host, &st, WNOHANG) != host) {
		pump(1);
		TEST_ASSERT(tst_now_ms() < end, "1000 reconnects in time (%u so far)",
			    tst_resp_link_ups(map_resp) - ups);
	}
	pump(20);
	TEST_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "host side clean (status 0x%x)", st);
	TEST_ASSERT_EQUAL(tst_resp_link_ups(map_resp) - ups, RECONNECTS + 1, "link-ups");
	TEST_ASSERT_EQUAL(tst_resp_link_downs(map_resp) - downs, RECONNECTS + 1, "link-downs");
	TEST_ASSERT_EQUAL(tst_count_fds(), fds, "no descriptor leaked");
	TEST_ASSERT(tst_count_maps() <= maps + 2, "no mapping leaked (%d -> %d)", maps,
		    tst_count_maps());
	TEST_ASSERT(rss_kb() - rss < 16384, "RSS grew by %ld kB", rss_kb() - rss);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_dev_dma_map),
	TEST_CASE(test_dev_dma_tlp),
	TEST_CASE(test_dev_host_death),
	TEST_CASE(test_dev_stop_start),
	TEST_CASE(test_dev_reconnect_1000),
	TEST_CASE(test_dev_sync_serves_all),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	char vdev0[256], vdev1[256], vdev2[256];
	const char *args[] = {
		"--vdev", vdev0, "--vdev", vdev1, "--vdev", vdev2, "-l", "0",
		"--log-level=pmd.tlpdev.sim:warning", NULL,
	};
	int ret, id0, id1, id2;

	signal(SIGPIPE, SIG_IGN);
	if (tst_dir_make(&dir) != 0)
		return 1;
	snprintf(map_sock, sizeof(map_sock), "%s/map.sock", dir.path);
	snprintf(tlp_sock, sizeof(tlp_sock), "%s/tlp.sock", dir.path);
	snprintf(vdev0, sizeof(vdev0), "tlp_sim0,path=%s", map_sock);
	snprintf(vdev1, sizeof(vdev1), "tlp_sim1,path=%s,dma=tlp,cpl_timeout_ms=200", tlp_sock);
	snprintf(sync_sock, sizeof(sync_sock), "%s/sync.sock", dir.path);
	snprintf(vdev2, sizeof(vdev2), "tlp_sim2,path=%s,dma=tlp,queues=2,cpl_timeout_ms=300",
		 sync_sock);
	if (tlpemu_test_eal_init(args) != 0)
		return 1;
	id0 = tlpdev_get_by_name("tlp_sim0");
	id1 = tlpdev_get_by_name("tlp_sim1");
	id2 = tlpdev_get_by_name("tlp_sim2");
	if (id0 < 0 || id1 < 0 || id2 < 0 || tlpdev_start((uint16_t)id0) != 0 ||
	    tlpdev_start((uint16_t)id1) != 0 || tlpdev_start((uint16_t)id2) != 0) {
		fprintf(stderr, "no tlp_sim devices\n");
		return 1;
	}
	map_dev = (uint16_t)id0;
	tlp_dev = (uint16_t)id1;
	map_resp = tst_resp_new(map_dev);
	tlp_resp = tst_resp_new(tlp_dev);
	sync_dev = (uint16_t)id2;
	sync_resp = tst_resp_new(sync_dev);
	ret = tlpemu_test_run("tlpsim_dev", cases, argc, argv);
	tst_resp_free(map_resp);
	tst_resp_free(tlp_resp);
	tst_resp_free(sync_resp);
	tlpdev_close(sync_dev);
	unlink(sync_sock);
	tlpdev_close(map_dev);
	tlpdev_close(tlp_dev);
	rte_eal_cleanup();
	unlink(map_sock);
	unlink(tlp_sock);
	rmdir(dir.path);
	return ret;
}
