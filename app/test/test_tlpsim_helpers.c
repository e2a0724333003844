/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include <tlpsim_xfer.h>

#include "test_tlpsim_helpers.h"
#include "tlpemu_test_eal.h"

#define TST_BURST 32u

uint32_t
tst_sum(const void *buf, uint64_t len)
{
	const uint8_t *p = buf;
	uint32_t h = 2166136261u;
	uint64_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

uint64_t
tst_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * What a failing case leaves behind (it returns early) is cleaned up at exit:
 * children still alive are killed, directories removed.
 */
#define TST_MAX_TRACKED 64
static pid_t tst_pids[TST_MAX_TRACKED];
static char tst_dirs[TST_MAX_TRACKED][64];
static pid_t tst_owner;

static void
tst_cleanup(void)
{
	char path[128];
	unsigned int i;

	if (getpid() != tst_owner)
		return;	/* a child that exits normally cleans nothing */
	for (i = 0; i < TST_MAX_TRACKED; i++) {
		/* Only a child of ours not reaped yet: never someone else's pid. */
		if (tst_pids[i] > 0 && waitpid(tst_pids[i], NULL, WNOHANG) == 0) {
			kill(tst_pids[i], SIGKILL);
			waitpid(tst_pids[i], NULL, 0);
		}
		if (tst_dirs[i][0] != '\0') {
			snprintf(path, sizeof(path), "%.63s/link.sock", tst_dirs[i]);
			unlink(path);
			rmdir(tst_dirs[i]);
		}
	}
}

static void
tst_track_init(void)
{
	if (tst_owner == 0) {
		tst_owner = getpid();
		atexit(tst_cleanup);
	}
}

void
tst_track_pid(pid_t pid)
{
	unsigned int i;

	tst_track_init();
	for (i = 0; i < TST_MAX_TRACKED; i++) {
		if (tst_pids[i] <= 0) {
			tst_pids[i] = pid;
			return;
		}
	}
}

int
tst_dir_make(struct tst_dir *d)
{
	unsigned int i;

	tst_track_init();
	snprintf(d->path, sizeof(d->path), "/tmp/tlpsim-test.XXXXXX");
	if (mkdtemp(d->path) == NULL)
		return -errno;
	snprintf(d->sock, sizeof(d->sock), "%s/link.sock", d->path);
	for (i = 0; i < TST_MAX_TRACKED; i++) {
		if (tst_dirs[i][0] == '\0') {
			snprintf(tst_dirs[i], sizeof(tst_dirs[i]), "%s", d->path);
			break;
		}
	}
	return 0;
}

void
tst_dir_remove(struct tst_dir *d)
{
	unsigned int i;

	unlink(d->sock);
	rmdir(d->path);
	for (i = 0; i < TST_MAX_TRACKED; i++)
		if (strcmp(tst_dirs[i], d->path) == 0)
			tst_dirs[i][0] = '\0';
}

static int
tst_count_dir(const char *path)
{
	struct dirent *e;
	DIR *dir = opendir(path);
	int n = 0;

	if (dir == NULL)
		return -1;
	while ((e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1;	/* the directory stream itself */
}

int
tst_count_fds(void)
{
	return tst_count_dir("/proc/self/fd");
}

int
tst_count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0, c;

	if (f == NULL)
		return -1;
	while ((c = fgetc(f)) != EOF)
		if (c == '\n')
			n++;
	fclose(f);
	return n;
}

/* --- the responder ----------------------------------------------------- */

struct tst_resp {
	uint16_t dev_id;
	struct tlpdev_info info;
	uint8_t cfg[TLP_CFG_SPACE_SIZE];
	uint8_t bar[TST_BAR_SIZE];
	uint8_t *dmabuf;
	struct tlp_req *reqs[TST_BURST];
	struct tlp_cpl *cpls[TST_BURST * 4];
	unsigned int link_ups;
	unsigned int link_downs;
	unsigned int idle;
	uint16_t next_q;
	const struct tst_cfg_ops *cfg_ops;	/* NULL: the flat config space */
	void *cfg_ctx;
};

static void
tst_le32_put(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t
tst_le32_get(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void
tst_resp_reset(struct tst_resp *r)
{
	unsigned int i;

	memset(r->cfg, 0, sizeof(r->cfg));
	memset(r->bar, 0, sizeof(r->bar));
	tst_le32_put(&r->cfg[0], TST_VENDOR_ID | TST_DEVICE_ID << 16);
	r->cfg[0x0b] = 0x02;	/* class: network */
	tst_le32_put(&r->cfg[0x10], (uint32_t)TST_BAR);
	for (i = 0; i < 0x100; i++)
		r->bar[i] = (uint8_t)i;
	tst_le32_put(&r->bar[TST_REG_DMA_STATUS], TST_DMA_IDLE);
}

struct tst_resp *
tst_resp_new(uint16_t dev_id)
{
	struct tst_resp *r = calloc(1, sizeof(*r));
	unsigned int i;

	if (r == NULL)
		return NULL;
	r->dev_id = dev_id;
	r->dmabuf = malloc(TST_DMA_MAX);
	for (i = 0; i < RTE_DIM(r->reqs); i++)
		r->reqs[i] = malloc(sizeof(struct tlp_req));
	for (i = 0; i < RTE_DIM(r->cpls); i++)
		r->cpls[i] = malloc(sizeof(struct tlp_cpl));
	tlpdev_info_get(dev_id, &r->info);
	tst_resp_reset(r);
	return r;
}

void
tst_resp_free(struct tst_resp *r)
{
	unsigned int i;

	if (r == NULL)
		return;
	for (i = 0; i < RTE_DIM(r->reqs); i++)
		free(r->reqs[i]);
	for (i = 0; i < RTE_DIM(r->cpls); i++)
		free(r->cpls[i]);
	free(r->dmabuf);
	free(r);
}

unsigned int
tst_resp_link_ups(const struct tst_resp *r)
{
	return r->link_ups;
}

unsigned int
tst_resp_link_downs(const struct tst_resp *r)
{
	return r->link_downs;
}

static void
tst_resp_counters(struct tst_resp *r)
{
	struct tlpdev_stats st;
	uint64_t mal = 0, err = 0;
	unsigned int i;

	tlpdev_stats_get(r->dev_id, &st);
	for (i = 0; i < TLP_ERR_MAX; i++)
		mal += st.rx_malformed[i];
	for (i = 0; i < TLPDEV_ERR_MAX; i++)
		err += st.errors[i];
	memcpy(&r->bar[TST_REG_MALFORMED], &mal, 8);
	memcpy(&r->bar[TST_REG_ERRORS], &err, 8);
	tst_le32_put(&r->bar[TST_REG_LINK_UPS], r->link_ups);
}

static void
tst_resp_dma(struct tst_resp *r)
{
	uint64_t addr;
	uint32_t len = tst_le32_get(&r->bar[TST_REG_DMA_LEN]);
	uint32_t dir = tst_le32_get(&r->bar[TST_REG_DMA_DIR]);
	uint32_t seed = tst_le32_get(&r->bar[TST_REG_DMA_SEED]);
	uint32_t qid = tst_le32_get(&r->bar[TST_REG_DMA_QID]);
	uint32_t i;
	int ret;

	memcpy(&addr, &r->bar[TST_REG_DMA_ADDR], 8);
	if (len == 0 || len > TST_DMA_MAX) {
		ret = -E2BIG;
	} else if (qid >= r->info.nb_queues) {
		ret = -EINVAL;
	} else if (dir == TLPDEV_DMA_WRITE) {
		for (i = 0; i < len; i++)
			r->dmabuf[i] = tst_pattern(seed, i);
		ret = tlpdev_dma_sync(r->dev_id, (uint16_t)qid, TLPDEV_DMA_WRITE, addr, r->dmabuf,
				      len);
	} else {
		memset(r->dmabuf, 0, len);
		ret = tlpdev_dma_sync(r->dev_id, (uint16_t)qid, TLPDEV_DMA_READ, addr, r->dmabuf,
				      len);
		tst_le32_put(&r->bar[TST_REG_DMA_SUM], ret == 0 ? tst_sum(r->dmabuf, len) : 0);
	}
	tst_le32_put(&r->bar[TST_REG_DMA_STATUS], (uint32_t)ret);
}

/* Does [off, off + len) cover register @p reg (4 bytes)? */
static int
tst_covers(uint64_t off, uint64_t len, uint32_t reg)
{
	return off <= reg && reg + 4 <= off + len;
}

static void
tst_resp_mwr(struct tst_resp *r, const struct tlp_req *q)
{
	uint64_t off = q->hdr.addr - TST_BAR;
	uint32_t len = q->data_len, i;
	uint8_t be;

	for (i = 0; i < len; i++) {
		be = i < 4 ? q->hdr.first_be : (i >= len - 4 ? q->hdr.last_be : 0xf);
		if (be & (1u << (i & 3)))
			r->bar[off + i] = q->data[i];
	}
	if (tst_covers(off, len, TST_REG_DMA_GO))
		tst_resp_dma(r);
	if (tst_covers(off, len, TST_REG_MSI))
		tlpdev_msi_send(r->dev_id, 0, TST_MSI_ADDR, tst_le32_get(&r->bar[TST_REG_MSI]));
	if (tst_covers(off, len, TST_REG_MSG)) {
		uint32_t v = tst_le32_get(&r->bar[TST_REG_MSG]);

		tlpdev_msg_send(r->dev_id, 0, (uint16_t)(v >> 16), (uint8_t)v,
				(enum tlp_msg_route)((v >> 8) & 7));
	}
}

/* A config request through the model: one completion into r->cpls[*nb]. */
static void
tst_resp_cfg_model(struct tst_resp *r, const struct tlp_req *q, unsigned int *nb)
{
	const struct tlp_hdr *h = &q->hdr;
	struct tlp_cpl *c = r->cpls[*nb];
	uint8_t fn = (uint8_t)(h->cfg_id & 7);
	uint32_t v = 0;
	int st;

	if (h->kind == TLP_KIND_CFGRD0) {
		st = r->cfg_ops->read(r->cfg_ctx, fn, h->cfg_reg, &v);
	} else {
		memcpy(&v, q->data, 4);
		st = r->cfg_ops->write(r->cfg_ctx, fn, h->cfg_reg, h->first_be, v);
	}
	tlp_cpl_for_req(h, h->cfg_id, (enum tlp_cpl_status)st, &c->hdr);
	if (st == TLP_CPL_SC && h->kind == TLP_KIND_CFGRD0)
		memcpy(c->data, &v, 4);
	(*nb)++;
}

/* Completions answering one request into r->cpls[*nb...]. */
static void
tst_resp_answer(struct tst_resp *r, const struct tlp_req *q, unsigned int *nb)
{
	const struct tlp_hdr *h = &q->hdr;
	struct tlp_cpl *c = r->cpls[*nb];
	uint32_t bc, chunk, mps = r->info.max_payload, rcb = r->info.rcb;
	uint64_t addr, off;
	unsigned int b;

	if (r->cfg_ops != NULL && (h->kind == TLP_KIND_CFGRD0 || h->kind == TLP_KIND_CFGWR0)) {
		tst_resp_cfg_model(r, q, nb);
		return;
	}
	switch (h->kind) {
	case TLP_KIND_CFGRD0:
		if ((h->cfg_id & 7) != 0)
			break;
		tlp_cpl_for_req(h, h->cfg_id, TLP_CPL_SC, &c->hdr);
		memcpy(c->data, &r->cfg[h->cfg_reg], 4);
		(*nb)++;
		return;
	case TLP_KIND_CFGWR0:
		if ((h->cfg_id & 7) != 0)
			break;
		for (b = 0; b < 4; b++)
			if (h->first_be & (1u << b))
				r->cfg[h->cfg_reg + b] = q->data[b];
		tlp_cpl_for_req(h, h->cfg_id, TLP_CPL_SC, &c->hdr);
		(*nb)++;
		return;
	case TLP_KIND_MWR:
		if (h->addr >= TST_BAR && h->addr - TST_BAR < TST_BAR_SIZE &&
		    q->data_len <= TST_BAR_SIZE - (h->addr - TST_BAR))
			tst_resp_mwr(r, q);
		return;
	case TLP_KIND_MRD:
		if (h->addr < TST_BAR || h->addr - TST_BAR >= TST_BAR_SIZE ||
		    (uint64_t)h->len_dw * 4 > TST_BAR_SIZE - (h->addr - TST_BAR))
			break;
		off = h->addr - TST_BAR;
		if (off < TST_REG_LINK_UPS + 4 && off + h->len_dw * 4u > TST_REG_MALFORMED)
			tst_resp_counters(r);
		addr = tlp_req_byte_addr(h);
		bc = tlp_req_byte_count(h);
		/* Split at RCB-aligned boundaries, at most Max_Payload_Size each. */
		while (bc > 0 && *nb < RTE_DIM(r->cpls)) {
			c = r->cpls[*nb];
			tlp_cpl_for_req(h, 0, TLP_CPL_SC, &c->hdr);
			chunk = tlpsim_cpl_chunk(addr, bc, mps, rcb);
			c->hdr.len_dw = (uint16_t)(((addr & 3) + chunk + 3) / 4);
			c->hdr.byte_count = (uint16_t)bc;
			c->hdr.lower_addr = (uint8_t)(addr & 0x7f);
			memcpy(c->data, &r->bar[(addr & ~3ull) - TST_BAR], c->hdr.len_dw * 4u);
			addr += chunk;
			bc -= chunk;
			(*nb)++;
		}
		return;
	default:
		if (!tlp_kind_is_nonposted(h->kind))
			return;
		break;
	}
	tlp_cpl_for_req(h, 0, TLP_CPL_UR, &c->hdr);
	(*nb)++;
}

static unsigned int
tst_resp_queue(struct tst_resp *r, uint16_t qid)
{
	unsigned int i, nb_cpl = 0, sent = 0, tries = 0;
	uint16_t nb;

	nb = tlpdev_rx_burst(r->dev_id, qid, r->reqs, TST_BURST);
	for (i = 0; i < nb; i++) {
		if (nb_cpl + 4096 / 64 > RTE_DIM(r->cpls)) {
			while (sent < nb_cpl && tries++ < 1000000 &&
			       tlpdev_link_get(r->dev_id) == 1)
				sent += tlpdev_tx_burst(r->dev_id, qid, &r->cpls[sent],
							(uint16_t)(nb_cpl - sent));
			nb_cpl = 0;
			sent = 0;
		}
		tst_resp_answer(r, r->reqs[i], &nb_cpl);
	}
	while (sent < nb_cpl && tries++ < 1000000 && tlpdev_link_get(r->dev_id) == 1)
		sent += tlpdev_tx_burst(r->dev_id, qid, &r->cpls[sent], (uint16_t)(nb_cpl - sent));
	return nb;
}

unsigned int
tst_resp_step(struct tst_resp *r)
{
	struct tlpdev_event ev;
	unsigned int total;

	while (tlpdev_event_dequeue(r->dev_id, &ev) == 1) {
		if (ev.type == TLPDEV_EVENT_LINK_UP) {
			r->link_ups++;
			tlpdev_info_get(r->dev_id, &r->info);
		} else if (ev.type == TLPDEV_EVENT_LINK_DOWN) {
			r->link_downs++;
			tst_resp_reset(r);
		}
	}
	/* Queue 0 first, then the others in turn: each answered on its own queue. */
	total = tst_resp_queue(r, 0);
	if (r->info.nb_queues > 1) {
		r->next_q = (uint16_t)(r->next_q % (r->info.nb_queues - 1) + 1);
		total += tst_resp_queue(r, r->next_q);
	}
	if (total == 0) {
		/* Let a host sharing this CPU run. */
		if (++r->idle > 64)
			sched_yield();
		return 0;
	}
	r->idle = 0;
	return total;
}

/* --- processes ---------------------------------------------------------- */

pid_t
tst_dev_spawn(const char *sock, const char *extra_devargs, int core)
{
	return tst_dev_spawn_cfg(sock, extra_devargs, core, NULL, NULL);
}

pid_t
tst_dev_spawn_cfg(const char *sock, const char *extra_devargs, int core,
		  const struct tst_cfg_ops *ops, void *ctx)
{
	pid_t parent = getpid(), pid;
	char vdev[256], lcores[16];
	const char *args[] = {
		"--vdev", vdev, "-l", lcores, "--log-level=pmd.tlpdev.sim:warning", NULL,
	};
	struct tst_resp *r;
	int id;

	fflush(NULL);
	pid = fork();
	if (pid > 0)
		tst_track_pid(pid);
	if (pid != 0)
		return pid;
	/* The child: die with the test. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	snprintf(vdev, sizeof(vdev), "tlp_sim0,path=%s%s", sock,
		 extra_devargs != NULL ? extra_devargs : "");
	snprintf(lcores, sizeof(lcores), "%d", core);
	if (tlpemu_test_eal_init(args) != 0)
		_exit(2);
	id = tlpdev_get_by_name("tlp_sim0");
	if (id < 0 || tlpdev_start((uint16_t)id) != 0)
		_exit(3);
	r = tst_resp_new((uint16_t)id);
	if (r == NULL)
		_exit(4);
	r->cfg_ops = ops;
	r->cfg_ctx = ctx;
	for (;;)
		tst_resp_step(r);
}

int
tst_child_kill(pid_t pid, int sig)
{
	int st;

	unsigned int i;

	if (pid <= 0)
		return -1;
	kill(pid, sig);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	for (i = 0; i < TST_MAX_TRACKED; i++)
		if (tst_pids[i] == pid)
			tst_pids[i] = 0;
	return st;
}

/* --- host side ---------------------------------------------------------- */

void
tst_host_conf(struct tlpsim_host_conf *conf, const char *sock)
{
	tlpsim_host_conf_init(conf);
	conf->socket_path = sock;
	conf->regions[0].size = 16u << 20;
	/* Tests share two CPUs with other tests: be patient. */
	conf->cpl_timeout_ms = 3000;
}

int
tst_host_open(const char *sock, struct tlpsim_host_conf *conf, struct tlpsim_host **hp)
{
	struct tlpsim_host_conf def;
	int ret;

	if (conf == NULL) {
		tst_host_conf(&def, sock);
		conf = &def;
	}
	ret = tlpsim_host_create(conf, hp);
	if (ret != 0)
		return ret;
	ret = tlpsim_host_connect(*hp, 20000);
	if (ret != 0) {
		tlpsim_host_destroy(*hp);
		*hp = NULL;
	}
	return ret;
}

int
tst_reg_read32(struct tlpsim_host *h, uint32_t reg, uint32_t *val)
{
	return tlpsim_host_mmio_read(h, 0, TST_BAR + reg, val, 4);
}

int
tst_reg_read64(struct tlpsim_host *h, uint32_t reg, uint64_t *val)
{
	return tlpsim_host_mmio_read(h, 0, TST_BAR + reg, val, 8);
}

int
tst_reg_write32(struct tlpsim_host *h, uint32_t reg, uint32_t val)
{
	return tlpsim_host_mmio_write(h, 0, TST_BAR + reg, &val, 4);
}

int
tst_reg_write64(struct tlpsim_host *h, uint32_t reg, uint64_t val)
{
	return tlpsim_host_mmio_write(h, 0, TST_BAR + reg, &val, 8);
}

int
tst_dev_dma(struct tlpsim_host *h, uint64_t addr, uint32_t len, int dir, uint32_t seed,
	    uint32_t *sum, int *host_err)
{
	uint32_t status = 0;
	int ret;

	ret = tst_reg_write64(h, TST_REG_DMA_ADDR, addr);
	if (ret == 0)
		ret = tst_reg_write32(h, TST_REG_DMA_LEN, len);
	if (ret == 0)
		ret = tst_reg_write32(h, TST_REG_DMA_DIR, (uint32_t)dir);
	if (ret == 0)
		ret = tst_reg_write32(h, TST_REG_DMA_SEED, seed);
	if (ret == 0)
		ret = tst_reg_write32(h, TST_REG_DMA_GO, 1);
	/* Answered once the DMA is over; polling meanwhile serves its TLPs. */
	if (ret == 0)
		ret = tst_reg_read32(h, TST_REG_DMA_STATUS, &status);
	if (ret == 0 && sum != NULL)
		ret = tst_reg_read32(h, TST_REG_DMA_SUM, sum);
	*host_err = ret;
	return (int32_t)status;
}

void
tst_host_serve_ms(struct tlpsim_host *h, unsigned int ms)
{
	struct tlpsim_host_cpl cpl[16];
	uint64_t end = tst_now_ms() + ms;

	while (tst_now_ms() < end) {
		if (tlpsim_host_poll(h, 0, cpl, RTE_DIM(cpl)) == 0)
			sched_yield();
	}
}

/*
 * Run the program @p prog with @p args (NULL-terminated, at most 38); its
 * stdout into @p out (NUL-terminated, at most @p cap - 1 bytes), stderr
 * inherited. Returns its exit status, or -1.
 */
int
tst_run_capture(const char *prog, const char *const *args, char *out, size_t cap)
{
	const char *argv[40];
	int pfd[2], st, i = 0;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	argv[i++] = prog;
	while (*args != NULL && i < 39)
		argv[i++] = *args++;
	argv[i] = NULL;
	if (pipe(pfd) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execv(prog, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(pfd[1]);
	while (len + 1 < cap && (n = read(pfd[0], out + len, cap - len - 1)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(pfd[0]);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}
