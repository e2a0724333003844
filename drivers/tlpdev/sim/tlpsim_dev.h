/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPSIM_DEV_H
#define TLPSIM_DEV_H

/*
 * Device side of the software PCIe link (the tlp_sim vdev). Internal to the
 * driver; never installed.
 *
 * Threads: the control path (probe, start/stop/close, event_poll) runs in one
 * thread; each queue's bursts and DMA calls run in one lcore at a time. The
 * control path publishes a link generation (odd: up) after setting up or
 * before tearing down the link memory; a queue compares it with the one it
 * last saw at the start of every burst and resets its state when it changed.
 * A burst marks itself with in_burst, so that the control path never maps a
 * new link under a burst still running on the old one.
 */

#include <stdalign.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_log.h>

#include <tlpdev_driver.h>

#include "tlpsim_proto.h"
#include "tlpsim_ring.h"
#include "tlpsim_xfer.h"

extern int tlpsim_logtype;
#define TLPSIM_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, tlpsim_logtype, "tlp_sim: " fmt "\n", ##__VA_ARGS__)

#define TLPSIM_DEV_DRIVER_NAME "tlp_sim"

/* DMA modes (devarg dma=). */
enum tlpsim_dev_dma_mode {
	TLPSIM_DMA_MAP = 0,	/* memcpy through the mapping of host memory */
	TLPSIM_DMA_TLP = 1,	/* MRd/MWr TLPs over the link */
};

/* Defaults of the devargs and of the link before a host proposes its own. */
#define TLPSIM_DEV_CPL_TIMEOUT_MS_DEFAULT 50u
#define TLPSIM_DEV_MPS_DEFAULT 256u
#define TLPSIM_DEV_MRRS_DEFAULT 512u
#define TLPSIM_DEV_RCB_DEFAULT 64u

/* DMA operations in flight per queue (a power of two). */
#define TLPSIM_DEV_DMA_FIFO 1024u
/* Tag table size (tags 0..255, or 256..1023 with 10-bit tags). */
#define TLPSIM_DEV_TAGS 1024u
/* Control-path polling period of the sockets. */
#define TLPSIM_DEV_POLL_US 1000u
/* A connected host has this long to send its hello. */
#define TLPSIM_DEV_HELLO_TIMEOUT_MS 2000u

/* Devargs, validated. */
struct tlpsim_dev_args {
	char path[108];
	uint16_t nb_queues;
	uint8_t dma_mode;
	uint32_t ring_slots;
	uint32_t cpl_timeout_ms;
};

/* Parameters of one link, as the host proposed them. */
struct tlpsim_dev_link {
	uint16_t mps;
	uint16_t mrrs;
	uint16_t rcb;
	uint16_t host_rid;
	uint16_t dev_rid;
	uint8_t tag10;
	unsigned int nb_regions;
	struct tlpdev_mem_region regions[TLPSIM_MAX_REGIONS];
};

/* One DMA operation in the queue's FIFO. */
struct tlpsim_dev_dma_slot {
	struct tlpdev_dma_op *op;
	uint32_t issued;	/* bytes turned into TLPs (DMA over TLPs) */
	uint16_t pending;	/* read requests waiting for completions */
	int32_t status;		/* first error, 0 so far */
};

/* Tag states (DMA over TLPs). */
enum tlpsim_dev_tag_state {
	TLPSIM_DEV_TAG_FREE = 0,
	TLPSIM_DEV_TAG_BUSY,	/* read request waiting for its completions */
	TLPSIM_DEV_TAG_QUAR,	/* failed or timed out: late completions absorbed */
};

/* One outstanding read request (DMA over TLPs). */
struct tlpsim_dev_tag {
	struct tlpsim_rd rd;
	uint64_t deadline;	/* TSC: completion timeout (BUSY), end of quarantine */
	uint32_t slot;		/* FIFO index of its operation */
	uint8_t state;
};

struct tlpsim_dev_priv;

struct tlpsim_dev_queue {
	/* Owned by the lcore polling the queue. */
	struct tlpsim_ring req;		/* consumer: downstream requests */
	struct tlpsim_ring dcpl;	/* consumer: completions of our DMA reads */
	struct tlpsim_ring up;		/* producer: upstream */
	struct tlpsim_dev_priv *priv;
	struct tlpdev *dev;
	uint16_t qid;
	uint32_t gen;			/* link generation last seen */
	struct tlpsim_dev_link link;	/* copy of the link parameters */
	/* DMA FIFO, free-running indices: head <= issue <= tail. */
	uint32_t fifo_head;		/* next to hand back */
	uint32_t fifo_issue;		/* first not fully turned into TLPs */
	uint32_t fifo_tail;		/* next free */
	struct tlpsim_dev_dma_slot *fifo;
	/* DMA over TLPs. */
	struct tlpsim_dev_tag *tags;
	uint16_t *free_tags;
	uint16_t nb_free;
	uint16_t nb_busy;		/* BUSY or QUAR tags */
	uint64_t next_scan;		/* TSC of the next timeout scan */
	/* Written by the lcore, read by the control path. */
	alignas(RTE_CACHE_LINE_SIZE) uint32_t in_burst;
} __rte_cache_aligned;

enum tlpsim_dev_state {
	TLPSIM_DEV_DOWN = 0,	/* listening */
	TLPSIM_DEV_HELLO,	/* a host connected, hello awaited */
	TLPSIM_DEV_UP,		/* link up */
};

struct tlpsim_dev_priv {
	struct tlpdev *dev;
	struct tlpsim_dev_args args;
	struct tlpsim_dev_queue *q;	/* args.nb_queues entries */
	/* Link generation: odd while up. Written by the control path only. */
	uint32_t link_gen;
	/* No membarrier(): bursts fence themselves (see tlpsim_dev_enter()). */
	uint8_t burst_fence;
	/* Control path only below. */
	uint8_t state;
	int listen_fd;
	int peer_fd;
	uint32_t peer_pid;
	uint64_t hello_deadline;	/* TSC */
	uint64_t next_poll;		/* TSC */
	uint64_t timeout_tsc;		/* completion timeout in TSC cycles */
	uint64_t scan_tsc;		/* timeout scan period */
	struct tlpsim_dev_link link;	/* current link */
	/* Fixed address ranges the link memory is mapped into. */
	uint8_t *ring_va;
	uint64_t ring_len;
	uint8_t *mem_va;		/* map mode only */
	uint64_t mem_len;
	uint64_t mem_used;		/* mapped by the current/last link */
};

static inline struct tlpsim_dev_priv *
tlpsim_dev_priv(struct tlpdev *dev)
{
	return dev->priv;
}

/* tlpsim_dev_link.c: link management (control path). */
int tlpsim_dev_link_init(struct tlpsim_dev_priv *priv);
void tlpsim_dev_link_fini(struct tlpsim_dev_priv *priv);
void tlpsim_dev_link_down(struct tlpsim_dev_priv *priv, const char *why);
void tlpsim_dev_event_poll(struct tlpdev *dev);
int tlpsim_dev_link_get(struct tlpdev *dev);
void tlpsim_dev_info_get(struct tlpdev *dev, struct tlpdev_info *info);
int tlpsim_dev_start(struct tlpdev *dev);
int tlpsim_dev_stop(struct tlpdev *dev);
int tlpsim_dev_close(struct tlpdev *dev);
int tlpsim_dev_host_mem_map(struct tlpdev *dev, struct tlpdev_mem_region *regions,
			    unsigned int max);

/* tlpsim_dev_rxtx.c: bursts (lcore). */
void tlpsim_dev_queue_relink(struct tlpsim_dev_queue *q, uint32_t gen);
uint16_t tlpsim_dev_rx_burst(struct tlpdev *dev, uint16_t qid, struct tlp_req **reqs,
			     uint16_t n);
uint16_t tlpsim_dev_tx_burst(struct tlpdev *dev, uint16_t qid, struct tlp_cpl **cpls,
			     uint16_t n);
int tlpsim_dev_msi_send(struct tlpdev *dev, uint16_t qid, uint64_t addr, uint32_t data);
int tlpsim_dev_msg_send(struct tlpdev *dev, uint16_t qid, const struct tlp_hdr *msg);

/* tlpsim_dev_dma_map.c: DMA through the mapping. */
uint16_t tlpsim_dev_dma_submit_map(struct tlpdev *dev, uint16_t qid,
				   struct tlpdev_dma_op **ops, uint16_t n);
uint16_t tlpsim_dev_dma_complete_map(struct tlpdev *dev, uint16_t qid,
				     struct tlpdev_dma_op **ops, uint16_t n);

/* tlpsim_dev_dma_tlp.c: DMA over TLPs. */
uint16_t tlpsim_dev_dma_submit_tlp(struct tlpdev *dev, uint16_t qid,
				   struct tlpdev_dma_op **ops, uint16_t n);
uint16_t tlpsim_dev_dma_complete_tlp(struct tlpdev *dev, uint16_t qid,
				     struct tlpdev_dma_op **ops, uint16_t n);
int tlpsim_dev_dma_flush_writes(struct tlpsim_dev_queue *q);
void tlpsim_dev_dma_tlp_reset(struct tlpsim_dev_queue *q);

/* Shared by both DMA modes. */
uint16_t tlpsim_dev_dma_complete_fifo(struct tlpsim_dev_queue *q, struct tlpdev_dma_op **ops,
				      uint16_t n);

/*
 * Enter a burst on a queue: mark it, then follow the link generation.
 * Returns 1 when the link is up. Always pair with tlpsim_dev_leave().
 */
static inline int
tlpsim_dev_enter(struct tlpsim_dev_queue *q)
{
	uint32_t g;

	__atomic_store_n(&q->in_burst, 1, __ATOMIC_RELAXED);
	/*
	 * The in_burst store must be visible before the generation is read;
	 * the control path changes the generation and only then reads in_burst:
	 * either it sees us in the burst, or we see its new generation. With
	 * membarrier() the control path forces that full barrier on every
	 * thread when it needs it, and the burst needs only a compiler barrier;
	 * without it, a full fence here.
	 */
	if (unlikely(q->priv->burst_fence))
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	else
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	/* Acquire: the link memory of a new generation is mapped before we use it. */
	g = __atomic_load_n(&q->priv->link_gen, __ATOMIC_ACQUIRE);
	if (unlikely(g != q->gen))
		tlpsim_dev_queue_relink(q, g);
	return (g & 1) != 0;
}

static inline void
tlpsim_dev_leave(struct tlpsim_dev_queue *q)
{
	/* Release: our accesses to the link memory are done before the control path sees 0. */
	__atomic_store_n(&q->in_burst, 0, __ATOMIC_RELEASE);
}

#endif /* TLPSIM_DEV_H */
