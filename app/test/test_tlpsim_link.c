/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * The software link across two processes, seen from the host: this process
 * is the host (the tlpsim host library, no EAL); each case forks a device
 * process (EAL, tlp_sim0, the test responder) and kills it at the end.
 * Requests and completions, malformed TLPs, MSI, device DMA in both modes
 * (bounds, split reads, completion timeout), refusal, and the device dying
 * under traffic (SIGKILL) followed by a new device and new traffic.
 */

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_common.h>

#include "test_tlpsim_helpers.h"
#include "tlpemu_test.h"

/* The device of a case, and the host talking to it. */
struct link_env {
	struct tst_dir dir;
	pid_t dev;
	struct tlpsim_host *host;
};

static int
env_up(struct link_env *e, const char *devargs, struct tlpsim_host_conf *conf)
{
	int ret;

	memset(e, 0, sizeof(*e));
	if (tst_dir_make(&e->dir) != 0)
		return -1;
	e->dev = tst_dev_spawn(e->dir.sock, devargs, 1);
	if (e->dev < 0)
		return -1;
	if (conf != NULL)
		conf->socket_path = e->dir.sock;
	ret = tst_host_open(e->dir.sock, conf, &e->host);
	if (ret != 0)
		fprintf(stderr, "host connect: %s\n", strerror(-ret));
	return ret;
}

static void
env_down(struct link_env *e)
{
	tlpsim_host_destroy(e->host);
	tst_child_kill(e->dev, SIGKILL);
	tst_dir_remove(&e->dir);
}

static uint64_t
dev_counter(struct tlpsim_host *h, uint32_t reg)
{
	uint64_t v = UINT64_MAX;

	if (tst_reg_read64(h, reg, &v) != 0)
		return UINT64_MAX;
	return v;
}

/* Register byte @p p after the 61-byte write at 0x41 below. */
static uint8_t
bar_byte(uint32_t p)
{
	return p >= 0x41 && p < 0x41 + 61 ? (uint8_t)(0xa0 ^ (p - 0x41)) : (uint8_t)p;
}

static int
test_link_roundtrip(void)
{
	struct tlpsim_host_req reqs[64];
	struct tlpsim_host_cpl cpls[64];
	uint32_t v, out[64];
	uint8_t buf[512], wr[64];
	struct link_env e;
	unsigned int i, sent = 0, done = 0;
	uint64_t end;
	int ret;

	TEST_ASSERT(env_up(&e, NULL, NULL) == 0, "link up");
	TEST_ASSERT(tlpsim_host_link_up(e.host), "host sees the link");
	TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(e.host, 0, tlp_rid(1, 0, 0), 0, &v), 0, "CfgRd0");
	TEST_ASSERT_EQUAL(v, TST_VENDOR_ID | TST_DEVICE_ID << 16, "vendor and device ID");
	TEST_ASSERT_EQUAL(tlpsim_host_cfg_write(e.host, 0, tlp_rid(1, 0, 0), 0x3c, 0x1, 0xab),
			  0, "CfgWr0");
	TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(e.host, 0, tlp_rid(1, 0, 0), 0x3c, &v), 0, "rd");
	TEST_ASSERT_EQUAL(v & 0xff, 0xab, "config write landed (byte enable 0x1)");
	TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(e.host, 0, tlp_rid(1, 0, 1), 0, &v), -EIO,
			  "function 1 does not exist: UR");

	TEST_ASSERT_EQUAL(tst_reg_read32(e.host, 0, &v), 0, "MRd");
	TEST_ASSERT_EQUAL(v, 0x03020100, "register pattern");
	memset(buf, 0, sizeof(buf));
	TEST_ASSERT_EQUAL(tlpsim_host_mmio_read(e.host, 0, TST_BAR + 5, buf, 3), 0, "3 bytes");
	TEST_ASSERT(buf[0] == 5 && buf[1] == 6 && buf[2] == 7, "unaligned read");
	/* 250 bytes at offset 3: the device splits at RCB and MPS. */
	TEST_ASSERT_EQUAL(tlpsim_host_mmio_read(e.host, 0, TST_BAR + 3, buf, 250), 0, "split");
	for (i = 0; i < 250; i++)
		TEST_ASSERT_EQUAL(buf[i], (uint8_t)(i + 3), "split read byte %u", i);
	for (i = 0; i < sizeof(wr); i++)
		wr[i] = (uint8_t)(0xa0 ^ i);
	TEST_ASSERT_EQUAL(tlpsim_host_mmio_write(e.host, 0, TST_BAR + 0x41, wr, 61), 0, "MWr");
	TEST_ASSERT_EQUAL(tlpsim_host_mmio_read(e.host, 0, TST_BAR + 0x40, buf, 64), 0, "back");
	TEST_ASSERT_EQUAL(buf[0], 0x40, "byte before the write untouched");
	TEST_ASSERT_MEM_EQ(buf + 1, wr, 61, "written bytes");
	TEST_ASSERT_EQUAL(buf[62], 0x7e, "byte after the write untouched");
	TEST_ASSERT_EQUAL(tlpsim_host_mmio_read(e.host, 0, 0xfd000000ull, buf, 4), -EIO,
			  "outside the BAR: UR");

	/* A stream of reads, 32 outstanding, each checked by its cookie. */
	end = tst_now_ms() + 20000;
	while (done < 2000 && tst_now_ms() < end) {
		unsigned int k = 0;

		while (sent - done + k < 32 && sent + k < 2000) {
			i = sent + k;
			memset(&reqs[k], 0, sizeof(reqs[k]));
			reqs[k].hdr.kind = TLP_KIND_MRD;
			reqs[k].hdr.addr = TST_BAR + (i % 64) * 4;
			reqs[k].hdr.len_dw = 1;
			reqs[k].hdr.first_be = 0xf;
			reqs[k].buf = &out[i % 64];
			reqs[k].buf_len = 4;
			reqs[k].cookie = i;
			k++;
		}
		ret = k > 0 ? tlpsim_host_submit(e.host, 0, reqs, (uint16_t)k) : 0;
		TEST_ASSERT(ret >= 0, "submit: %d", ret);
		sent += (unsigned int)ret;
		ret = tlpsim_host_poll(e.host, 0, cpls, RTE_DIM(cpls));
		for (i = 0; i < (unsigned int)ret; i++) {
			uint32_t off = (uint32_t)(cpls[i].cookie % 64) * 4, want = 0, b;

			TEST_ASSERT_EQUAL(cpls[i].status, 0, "read %lu",
					  (unsigned long)cpls[i].cookie);
			for (b = 0; b < 4; b++)
				want |= (uint32_t)bar_byte(off + b) << (8 * b);
			TEST_ASSERT_EQUAL(out[off / 4], want, "data of read at 0x%x", off);
			TEST_ASSERT_EQUAL(cpls[i].bytes, 4, "bytes");
			done++;
		}
	}
	TEST_ASSERT_EQUAL(done, 2000, "all reads completed");
	TEST_ASSERT_EQUAL(dev_counter(e.host, TST_REG_MALFORMED), 0, "no malformed TLPs");
	env_down(&e);
	return TEST_SUCCESS;
}

static int
test_link_malformed(void)
{
	/* Reserved Fmt/Type; MWr whose length disagrees; a completion downstream. */
	static const uint8_t bad_type[12] = { 0x1f, 0, 0, 1 };
	static const uint8_t bad_len[16] = { 0x40, 0, 0, 2, 0, 0, 0, 0xf, 0xfe, 0, 0, 0 };
	static const uint8_t cpl[16] = { 0x4a, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 0 };
	struct tlpsim_host_stats st;
	struct link_env e;
	uint8_t junk[200];
	unsigned int i;
	uint64_t mal, err;
	uint32_t v;

	TEST_ASSERT(env_up(&e, NULL, NULL) == 0, "link up");
	TEST_ASSERT_EQUAL(tlpsim_host_submit_raw(e.host, 0, bad_type, sizeof(bad_type)), 1, "1");
	TEST_ASSERT_EQUAL(tlpsim_host_submit_raw(e.host, 0, bad_len, sizeof(bad_len)), 1, "2");
	TEST_ASSERT_EQUAL(tlpsim_host_submit_raw(e.host, 0, cpl, sizeof(cpl)), 1, "3");
	srand(5);
	for (i = 0; i < 100; i++) {
		unsigned int k, len = 1 + (unsigned int)rand() % sizeof(junk);

		for (k = 0; k < len; k++)
			junk[k] = (uint8_t)rand();
		junk[0] |= 0x1f;	/* never a valid Fmt/Type */
		TEST_ASSERT_EQUAL(tlpsim_host_submit_raw(e.host, 0, junk, len), 1, "junk");
	}
	/* The device dropped and counted all of it, and still answers. */
	TEST_ASSERT_EQUAL(tst_reg_read32(e.host, 0, &v), 0, "still answers");
	TEST_ASSERT_EQUAL(v, 0x03020100, "correctly");
	mal = dev_counter(e.host, TST_REG_MALFORMED);
	err = dev_counter(e.host, TST_REG_ERRORS);
	TEST_ASSERT_EQUAL(mal, 102, "malformed TLPs counted");
	TEST_ASSERT_EQUAL(err, 1, "the completion on the request ring counted");
	tlpsim_host_stats_get(e.host, &st);
	TEST_ASSERT_EQUAL(st.cpl_unexpected + st.up_malformed, 0, "nothing odd came back");
	env_down(&e);
	return TEST_SUCCESS;
}

struct msi_log {
	unsigned int n;
	uint32_t data[256];
	uint64_t addr;
	struct tlpsim_host *host;
	uint64_t dma_addr;
	uint32_t dma_len;
	uint32_t dma_seed;
	unsigned int dma_ok;
};

static void
msi_cb(void *arg, uint16_t qid, uint64_t addr, uint32_t data)
{
	struct msi_log *l = arg;
	const uint8_t *m;
	uint32_t i;

	(void)qid;
	if (l->n < RTE_DIM(l->data))
		l->data[l->n] = data;
	l->n++;
	l->addr = addr;
	/* An MSI after a DMA write: the data must be in memory already. */
	if (l->dma_len != 0 && l->host != NULL) {
		m = tlpsim_host_mem(l->host, l->dma_addr, l->dma_len);
		for (i = 0; m != NULL && i < l->dma_len; i++)
			if (m[i] != tst_pattern(l->dma_seed, i))
				break;
		if (m != NULL && i == l->dma_len)
			l->dma_ok++;
	}
}

static int
test_link_msi(void)
{
	struct tlpsim_host_conf conf;
	struct msi_log log = { 0 };
	struct link_env e;
	unsigned int i;
	uint32_t v;

	tst_host_conf(&conf, NULL);
	conf.msi = msi_cb;
	conf.msi_arg = &log;
	TEST_ASSERT(env_up(&e, NULL, &conf) == 0, "link up");
	for (i = 0; i < 100; i++)
		TEST_ASSERT_EQUAL(tst_reg_write32(e.host, TST_REG_MSI, 1000 + i), 0, "trigger");
	/* A read after the writes: the MSIs come before its completion. */
	TEST_ASSERT_EQUAL(tst_reg_read32(e.host, 0, &v), 0, "read");
	TEST_ASSERT_EQUAL(log.n, 100, "every MSI delivered");
	for (i = 0; i < 100; i++)
		TEST_ASSERT_EQUAL(log.data[i], 1000 + i, "MSI %u data, in order", i);
	TEST_ASSERT_EQUAL(log.addr, TST_MSI_ADDR, "MSI address");
	env_down(&e);
	return TEST_SUCCESS;
}

/* DMA cases shared by both modes. */
static int
dma_cases(struct link_env *e, int tlp_mode, struct msi_log *log)
{
	static const struct { uint64_t off; uint32_t len; } xfers[] = {
		{ 0, 4 }, { 1, 1 }, { 3, 6 }, { 0x1000 - 2, 4 }, { 100, 4096 },
		{ 0x3ffd, 65536 + 7 }, { 0x80001, 300000 }, { 0, 1u << 20 },
	};
	uint64_t base = TLPSIM_HOST_MEM_BASE_DEFAULT, size = 16u << 20;
	uint32_t sum, i, k, seed;
	uint8_t *m = tlpsim_host_mem(e->host, base, size);
	int st, herr;

	TEST_ASSERT(m != NULL, "host memory");
	for (k = 0; k < RTE_DIM(xfers); k++) {
		seed = 17 * k + 1;
		/* Device writes host memory... */
		memset(m + xfers[k].off, 0, xfers[k].len + 16);
		st = tst_dev_dma(e->host, base + xfers[k].off, xfers[k].len, TLPDEV_DMA_WRITE,
				 seed, NULL, &herr);
		TEST_ASSERT_EQUAL(herr, 0, "host side of DMA write %u", k);
		TEST_ASSERT_EQUAL(st, 0, "DMA write %u (%u bytes at +0x%lx)", k, xfers[k].len,
				  (unsigned long)xfers[k].off);
		for (i = 0; i < xfers[k].len; i++)
			if (m[xfers[k].off + i] != tst_pattern(seed, i))
				break;
		TEST_ASSERT_EQUAL(i, xfers[k].len, "DMA write %u data", k);
		TEST_ASSERT_EQUAL(m[xfers[k].off + xfers[k].len], 0, "nothing written beyond");
		/* ...and reads it back. */
		for (i = 0; i < xfers[k].len; i++)
			m[xfers[k].off + i] = (uint8_t)(i * 3 + k);
		st = tst_dev_dma(e->host, base + xfers[k].off, xfers[k].len, TLPDEV_DMA_READ, 0,
				 &sum, &herr);
		TEST_ASSERT_EQUAL(herr, 0, "host side of DMA read %u", k);
		TEST_ASSERT_EQUAL(st, 0, "DMA read %u", k);
		TEST_ASSERT_EQUAL(sum, tst_sum(m + xfers[k].off, xfers[k].len), "read %u data", k);
	}
	/* Outside host memory: -EFAULT with a mapping; UR, so -EIO, over TLPs. */
	st = tst_dev_dma(e->host, base + size - 4, 8, TLPDEV_DMA_READ, 0, &sum, &herr);
	TEST_ASSERT_EQUAL(st, tlp_mode ? -EIO : -EFAULT, "read across the end of memory");
	st = tst_dev_dma(e->host, 0x1000, 4, TLPDEV_DMA_READ, 0, &sum, &herr);
	TEST_ASSERT_EQUAL(st, tlp_mode ? -EIO : -EFAULT, "read below memory");
	st = tst_dev_dma(e->host, 0xfffffffffffff000ull, 0x2000, TLPDEV_DMA_WRITE, 1, NULL, &herr);
	TEST_ASSERT_EQUAL(st, -EFAULT, "a write wrapping the address space");
	st = tst_dev_dma(e->host, base + size - 4, 8, TLPDEV_DMA_WRITE, 1, NULL, &herr);
	if (!tlp_mode)
		TEST_ASSERT_EQUAL(st, -EFAULT, "write across the end of memory");
	TEST_ASSERT(dev_counter(e->host, TST_REG_ERRORS) >= 3, "device counted the errors");
	/* DMA write then MSI: the MSI arrives after the data. */
	log->host = e->host;
	log->dma_addr = base + 0x5003;
	log->dma_len = 5000;
	log->dma_seed = 99;
	st = tst_dev_dma(e->host, log->dma_addr, log->dma_len, TLPDEV_DMA_WRITE, 99, NULL,
			 &herr);
	TEST_ASSERT_EQUAL(st, 0, "DMA write before MSI");
	TEST_ASSERT_EQUAL(tst_reg_write32(e->host, TST_REG_MSI, 7), 0, "MSI");
	TEST_ASSERT_EQUAL(tst_reg_read32(e->host, 0, &sum), 0, "flush");
	TEST_ASSERT_EQUAL(log->dma_ok, 1, "data visible when the MSI arrived");
	return TEST_SUCCESS;
}

static int
test_link_dma_map(void)
{
	struct tlpsim_host_conf conf;
	struct msi_log log = { 0 };
	struct link_env e;
	int ret;

	tst_host_conf(&conf, NULL);
	conf.msi = msi_cb;
	conf.msi_arg = &log;
	TEST_ASSERT(env_up(&e, NULL, &conf) == 0, "link up");
	ret = dma_cases(&e, 0, &log);
	env_down(&e);
	return ret;
}

static int
test_link_dma_tlp(void)
{
	struct tlpsim_host_conf conf;
	struct tlpsim_host_stats st;
	struct msi_log log = { 0 };
	struct link_env e;
	uint32_t sum;
	int ret, s, herr;

	tst_host_conf(&conf, NULL);
	conf.msi = msi_cb;
	conf.msi_arg = &log;
	conf.mps = 128;
	conf.mrrs = 256;
	TEST_ASSERT(env_up(&e, ",dma=tlp,cpl_timeout_ms=300", &conf) == 0, "link up");
	ret = dma_cases(&e, 1, &log);
	if (ret != TEST_SUCCESS)
		goto out;
	tlpsim_host_stats_get(e.host, &st);
	/* 1 MiB at MRRS 256 alone is 4096 reads, split further at RCB. */
	TEST_ASSERT(st.dma_reads > 4096, "reads went over the link (%lu)",
		    (unsigned long)st.dma_reads);
	TEST_ASSERT(st.dma_ur >= 2, "out-of-memory reads answered UR");

	/* A host that does not answer: the device's completion timeout fires. */
	TEST_ASSERT_EQUAL(tst_reg_write64(e.host, TST_REG_DMA_ADDR, TLPSIM_HOST_MEM_BASE_DEFAULT),
			  0, "addr");
	TEST_ASSERT_EQUAL(tst_reg_write32(e.host, TST_REG_DMA_LEN, 4096), 0, "len");
	TEST_ASSERT_EQUAL(tst_reg_write32(e.host, TST_REG_DMA_DIR, TLPDEV_DMA_READ), 0, "dir");
	TEST_ASSERT_EQUAL(tst_reg_write32(e.host, TST_REG_DMA_GO, 1), 0, "go");
	usleep(1000 * 1000);	/* not polling: nobody serves the reads */
	TEST_ASSERT_EQUAL(tst_reg_read32(e.host, TST_REG_DMA_STATUS, (uint32_t *)&s), 0, "st");
	TEST_ASSERT_EQUAL(s, -ETIMEDOUT, "DMA read timed out on the device");
	/* The late completions are absorbed; the next DMA works. */
	s = tst_dev_dma(e.host, TLPSIM_HOST_MEM_BASE_DEFAULT + 64, 3000, TLPDEV_DMA_READ, 0,
			&sum, &herr);
	TEST_ASSERT_EQUAL(s, 0, "DMA after the timeout");
	TEST_ASSERT_EQUAL(sum, tst_sum(tlpsim_host_mem(e.host, TLPSIM_HOST_MEM_BASE_DEFAULT + 64,
						       3000), 3000), "its data");
out:
	env_down(&e);
	return ret;
}

static int
test_link_tag10(void)
{
	struct tlpsim_host_conf conf;
	struct link_env e;
	uint8_t *m;
	uint32_t sum, i;
	int s, herr;

	tst_host_conf(&conf, NULL);
	conf.tag10 = 1;
	conf.mrrs = 128;
	TEST_ASSERT(env_up(&e, ",dma=tlp", &conf) == 0, "link up");
	m = tlpsim_host_mem(e.host, TLPSIM_HOST_MEM_BASE_DEFAULT, 1u << 20);
	for (i = 0; i < (1u << 20); i++)
		m[i] = (uint8_t)(i ^ (i >> 9));
	/* 8192 reads through 768 ten-bit tags. */
	s = tst_dev_dma(e.host, TLPSIM_HOST_MEM_BASE_DEFAULT, 1u << 20, TLPDEV_DMA_READ, 0, &sum,
			&herr);
	TEST_ASSERT_EQUAL(s, 0, "DMA read with 10-bit tags");
	TEST_ASSERT_EQUAL(sum, tst_sum(m, 1u << 20), "data");
	TEST_ASSERT_EQUAL(tst_reg_read32(e.host, 0x10, &sum), 0, "host requests use 10-bit tags");
	TEST_ASSERT_EQUAL(sum, 0x13121110, "data");
	env_down(&e);
	return TEST_SUCCESS;
}

static int
test_link_queues(void)
{
	struct tlpsim_host_conf conf;
	struct link_env e;
	unsigned int q, i;
	uint32_t v;

	tst_host_conf(&conf, NULL);
	conf.nb_queues = 4;
	TEST_ASSERT(env_up(&e, ",queues=4", &conf) == 0, "link up");
	for (i = 0; i < 50; i++) {
		for (q = 0; q < 4; q++) {
			TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(e.host, (uint16_t)q, 0, 0, &v), 0,
					  "queue %u", q);
			TEST_ASSERT_EQUAL(v, TST_VENDOR_ID | TST_DEVICE_ID << 16, "data");
			TEST_ASSERT_EQUAL(tlpsim_host_mmio_read(e.host, (uint16_t)q,
								TST_BAR + 4 * q, &v, 4), 0, "mmio");
			TEST_ASSERT_EQUAL(v, 0x03020100u + 0x04040404u * q, "mmio data");
		}
	}
	TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(e.host, 4, 0, 0, &v), -EINVAL, "no queue 4");
	env_down(&e);
	return TEST_SUCCESS;
}

static int
test_link_refused(void)
{
	struct tlpsim_host_conf conf;
	struct tlpsim_host *h;
	struct tst_dir dir;
	const char *reason;
	pid_t dev;
	int code, ret;

	TEST_ASSERT(tst_dir_make(&dir) == 0, "dir");
	dev = tst_dev_spawn(dir.sock, ",queues=2", 1);
	tst_host_conf(&conf, dir.sock);
	conf.nb_queues = 3;
	TEST_ASSERT_EQUAL(tlpsim_host_create(&conf, &h), 0, "create");
	ret = tlpsim_host_connect(h, 20000);
	TEST_ASSERT_EQUAL(ret, -ECONNREFUSED, "refused");
	reason = tlpsim_host_refusal(h, &code);
	TEST_ASSERT_EQUAL(code, TLPSIM_REFUSE_QUEUES, "reason code");
	TEST_ASSERT(strstr(reason, "3 queues") != NULL, "reason '%s'", reason);
	TEST_ASSERT(!tlpsim_host_link_up(h), "no link");
	tlpsim_host_destroy(h);
	/* The device listens on. */
	conf.nb_queues = 2;
	TEST_ASSERT_EQUAL(tst_host_open(dir.sock, &conf, &h), 0, "the right host gets in");
	tlpsim_host_destroy(h);
	tst_child_kill(dev, SIGKILL);
	tst_dir_remove(&dir);
	return TEST_SUCCESS;
}

/* Traffic until the device dies; returns outcomes seen, or -1 on a wrong one. */
static int
traffic_until_down(struct tlpsim_host *h, pid_t dev, unsigned int kill_after_ms)
{
	struct tlpsim_host_req reqs[16];
	struct tlpsim_host_cpl cpls[64];
	uint64_t start = tst_now_ms(), killed = 0;
	unsigned int i, ok = 0, lost = 0;
	int n;

	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < RTE_DIM(reqs); i++) {
		reqs[i].hdr.kind = TLP_KIND_MRD;
		reqs[i].hdr.addr = TST_BAR;
		reqs[i].hdr.len_dw = 1;
		reqs[i].hdr.first_be = 0xf;
	}
	for (;;) {
		if (killed == 0 && tst_now_ms() - start > kill_after_ms) {
			kill(dev, SIGKILL);
			killed = tst_now_ms();
		}
		n = tlpsim_host_submit(h, 0, reqs, RTE_DIM(reqs));
		if (n < 0 && n != -ENOTCONN)
			return -1;
		n = tlpsim_host_poll(h, 0, cpls, RTE_DIM(cpls));
		for (i = 0; i < (unsigned int)n; i++) {
			if (cpls[i].status == 0)
				ok++;
			else if (cpls[i].status == -ENOTCONN || cpls[i].status == -ETIMEDOUT)
				lost++;
			else
				return -1;
		}
		if (killed && !tlpsim_host_link_up(h) && tlpsim_host_outstanding(h, 0) == 0)
			break;
		if (killed && tst_now_ms() - killed > 10000)
			return -1;	/* link-down never noticed */
	}
	return ok > 0 ? (int)ok : -1;
}

static int
test_link_device_death(void)
{
	struct tlpsim_host_stats st;
	struct link_env e;
	unsigned int round;
	uint32_t v;
	int ret;

	TEST_ASSERT(env_up(&e, NULL, NULL) == 0, "link up");
	for (round = 0; round < 3; round++) {
		ret = traffic_until_down(e.host, e.dev, 200);
		TEST_ASSERT(ret > 0, "round %u: traffic, then link-down observed", round);
		waitpid(e.dev, NULL, 0);
		tlpsim_host_stats_get(e.host, &st);
		TEST_ASSERT_EQUAL(st.link_downs, round + 1, "link-downs counted");
		TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(e.host, 0, 0, 0, &v), -ENOTCONN,
				  "requests fail while down");
		/* A new device on the same path; the host reconnects. */
		e.dev = tst_dev_spawn(e.dir.sock, NULL, 1);
		TEST_ASSERT(e.dev > 0, "new device");
		TEST_ASSERT_EQUAL(tlpsim_host_connect(e.host, 20000), 0, "reconnect %u", round);
		TEST_ASSERT_EQUAL(tlpsim_host_cfg_read(e.host, 0, 0, 0, &v), 0, "traffic again");
		TEST_ASSERT_EQUAL(v, TST_VENDOR_ID | TST_DEVICE_ID << 16, "right data");
		TEST_ASSERT_EQUAL(dev_counter(e.host, TST_REG_LINK_UPS), 1, "a fresh device");
	}
	env_down(&e);
	return TEST_SUCCESS;
}

static const struct tlpemu_test_case cases[] = {
	TEST_CASE(test_link_roundtrip),
	TEST_CASE(test_link_malformed),
	TEST_CASE(test_link_msi),
	TEST_CASE(test_link_dma_map),
	TEST_CASE(test_link_dma_tlp),
	TEST_CASE(test_link_tag10),
	TEST_CASE(test_link_queues),
	TEST_CASE(test_link_refused),
	TEST_CASE(test_link_device_death),
	{ NULL, NULL },
};

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	return tlpemu_test_run("tlpsim_link", cases, argc, argv);
}
