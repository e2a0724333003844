/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef PCIFN_PRIVATE_H
#define PCIFN_PRIVATE_H

/* Internal to lib/pcifn; never installed. */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_log.h>

#include "pcifn.h"
#include "pcifn_regs.h"

extern int pcifn_logtype;
#define PCIFN_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, pcifn_logtype, "pcifn: " fmt "\n", ##__VA_ARGS__)

#define PCIFN_CFG_SIZE 4096u
/* Bursts of pcifn_service(). */
#define PCIFN_BURST 32u
/* Completion slots per queue: one 4 KiB read cut at RCB 64 / MPS 128 needs 33. */
#define PCIFN_CPL_SLOTS 64u
/* Retry budget for completions the link does not take (PCIe default timeout). */
#define PCIFN_TX_TIMEOUT_MS 50u

/* A memory BAR as decoded from the config space. */
struct pcifn_bar_state {
	uint64_t size;		/* 0: not implemented (or upper half of a 64-bit BAR) */
	uint64_t base;		/* assigned address, 0: unassigned */
	uint8_t is64;
};

struct pcifn {
	struct pcifn_params params;
	const struct pcifn_ops *ops;
	void *ctx;
	int id;				/* telemetry id */
	struct pcifn_group *grp;	/* NULL when not in a group */
	uint8_t fn_num;
	uint16_t cur_qid;		/* queue of the request being handled */
	uint16_t rid;			/* captured bus/device | function number */

	/* Capability offsets (0: absent). */
	uint8_t cap_pm;
	uint8_t cap_exp;
	uint8_t cap_msix;
	uint8_t cap_last;		/* last capability in the chain */
	uint8_t cap_free;		/* first free config byte for the next capability */
	uint8_t nb_vendor_caps;
	uint16_t ext_last;		/* last extended capability (0: none) */
	uint16_t ext_free;		/* next free extended config offset */

	/* Decoded state, refreshed after each config write. */
	struct pcifn_bar_state bars[PCIFN_NB_BARS];
	bool decode;			/* Memory Space Enable and D0 */
	bool bme;			/* Bus Master Enable (as last notified) */
	uint16_t mps;			/* effective Max_Payload_Size, bytes */
	uint16_t rcb;			/* read completion boundary, bytes */
	/* MSI-X state read by data-path threads: accessed atomically. */
	uint8_t msix_enabled;
	uint8_t msix_fmask;
	uint8_t resetting;		/* reset in progress: no DMA, MSI or INTx */
	uint8_t reset_kind;
	uint64_t reset_start;		/* timer cycles */

	/* INTx: level set by the owner, state last told to the host. */
	bool intx_level;
	bool intx_wire;
	bool intx_dirty;		/* a message is owed to the host */
	bool msix_retry;		/* pending bits of unmasked vectors to send */

	/* Regions sorted by (bar, offset); MSI-X table and PBA are built-in ones. */
	struct pcifn_region regions[PCIFN_MAX_REGIONS + 2];
	unsigned int nb_regions;

	/* MSI-X table and pending bits (one bit per vector, set atomically). */
	struct pcifn_msix_entry *msix_table;
	uint64_t *msix_pba;

	struct pcifn_stats stats;
	/* Host-programmed state changed (pcifn_state_gen()); atomic. */
	uint32_t state_gen;

	/* Owner hooks on config DWs. */
	struct {
		uint16_t start;		/* first hooked byte */
		uint16_t end;		/* one past the last */
		const struct pcifn_cfg_hook_ops *ops;
		void *ctx;
	} cfg_hooks[PCIFN_MAX_CFG_HOOKS];
	unsigned int nb_cfg_hooks;

	/* Config space: current value, reset value and per-bit semantics. */
	uint8_t cfg[PCIFN_CFG_SIZE];
	uint8_t cfg_reset[PCIFN_CFG_SIZE];
	uint8_t wmask[PCIFN_CFG_SIZE];	/* bits the host may write */
	uint8_t w1cmask[PCIFN_CFG_SIZE];	/* bits the host clears by writing 1 */
	uint8_t sticky[PCIFN_CFG_SIZE];	/* bits kept across FLR and hot reset */
};

/* Per-queue service state of a group. */
struct pcifn_queue {
	struct tlp_req *reqs[PCIFN_BURST];
	struct tlp_cpl *cpls[PCIFN_CPL_SLOTS];
	unsigned int nb_cpls;
	uint8_t cpl_fn[PCIFN_CPL_SLOTS];	/* function number of each completion */
	uint8_t rbuf[TLP_MAX_DATA + 8];	/* read data, from the request's DW address */
};

struct pcifn_group {
	uint16_t dev_id;
	uint16_t nb_queues;
	uint8_t nb_fns;
	uint8_t link_up;
	struct pcifn *fns[PCIFN_GROUP_MAX_FNS];
	struct pcifn_queue *queues[TLPDEV_MAX_QUEUES];
};

/* pcifn_group.c */
struct pcifn_queue *pcifn_group_queue(struct pcifn_group *grp, uint16_t qid);

/* Little-endian access to config bytes. */
static inline uint16_t
pcifn_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
pcifn_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

static inline void
pcifn_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
pcifn_put_le32(uint8_t *p, uint32_t v)
{
	pcifn_put_le16(p, (uint16_t)v);
	pcifn_put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline uint16_t
pcifn_cfg16(const struct pcifn *fn, unsigned int off)
{
	return pcifn_le16(&fn->cfg[off]);
}

/* Set a register's reset value and its semantics (16-bit little-endian). */
void pcifn_cfg_def16(struct pcifn *fn, unsigned int off, uint16_t val, uint16_t wmask,
		     uint16_t w1c);
void pcifn_cfg_def32(struct pcifn *fn, unsigned int off, uint32_t val, uint32_t wmask,
		     uint32_t w1c);

/* pcifn_cfg.c */
void pcifn_cfg_init(struct pcifn *fn);
void pcifn_cfg_refresh(struct pcifn *fn, bool notify, uint16_t qid);
bool pcifn_cfg_write(struct pcifn *fn, uint16_t reg, uint8_t be, const uint8_t *data,
		     uint16_t qid);
void pcifn_cfg_set_status(struct pcifn *fn, uint16_t bits);
void pcifn_cfg_set_devsta(struct pcifn *fn, uint16_t bits);
void pcifn_cfg_restore(struct pcifn *fn, bool keep_sticky);
uint32_t pcifn_cfg_host_read(struct pcifn *fn, uint16_t reg);

/* pcifn_cap.c */
int pcifn_cap_init(struct pcifn *fn);
int pcifn_cap_walk(const uint8_t *cfg, uint8_t *ids, unsigned int max);

/* pcifn_bar.c */
int pcifn_bar_check_params(const struct pcifn_params *p);
void pcifn_bar_init(struct pcifn *fn);
void pcifn_bar_decode(struct pcifn *fn);
int pcifn_bar_match(const struct pcifn *fn, uint64_t addr, uint64_t len, uint64_t *off);
int pcifn_bar_read(struct pcifn *fn, unsigned int bar, uint64_t off, const struct tlp_hdr *h,
		   uint8_t *buf);
void pcifn_bar_write(struct pcifn *fn, unsigned int bar, uint64_t off, const struct tlp_hdr *h,
		     const uint8_t *data, uint16_t qid);
int pcifn_region_insert(struct pcifn *fn, const struct pcifn_region *r);

/* pcifn_msix.c */
int pcifn_msix_init(struct pcifn *fn);
void pcifn_msix_fini(struct pcifn *fn);
void pcifn_msix_reset(struct pcifn *fn);
void pcifn_msix_ctrl_changed(struct pcifn *fn, uint16_t qid);
void pcifn_msix_flush(struct pcifn *fn, uint16_t qid);
extern const struct pcifn_region_ops pcifn_msix_table_ops;
extern const struct pcifn_region_ops pcifn_msix_pba_ops;

/* pcifn_intx.c */
void pcifn_intx_sync(struct pcifn *fn, uint16_t qid);

/* pcifn_flr.c */
void pcifn_reset_start(struct pcifn *fn, enum pcifn_reset_kind kind, uint16_t qid);

/* pcifn_state.c */
void pcifn_state_touch(struct pcifn *fn);

/* pcifn.c */
void pcifn_stat_add(uint64_t *counter, uint64_t n);

/* pcifn_telemetry.c: the table of functions. */
int pcifn_table_add(struct pcifn *fn);
void pcifn_table_del(struct pcifn *fn);

#endif /* PCIFN_PRIVATE_H */
