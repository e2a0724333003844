/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#ifndef TLPSIM_PROTO_H
#define TLPSIM_PROTO_H

/**
 * @file
 * Software PCIe link: the handshake between the host side and the device side
 * and the layout of the shared link memory. Used by both sides; needs no EAL.
 *
 * The device side listens on a UNIX SOCK_SEQPACKET socket; the host connects
 * and sends one struct tlpsim_hello with, as SCM_RIGHTS, the ring memfd first
 * and then one memfd per host memory region. The device validates all of it
 * (the host is untrusted), maps what it needs and answers one struct
 * tlpsim_ack: status 0, the link is up; otherwise a refusal code and reason,
 * and the device closes the connection and keeps listening. The socket stays
 * open while the link is up: its hang-up is the link going down. Either side
 * may send struct tlpsim_bye before closing.
 *
 * Ring memfd layout: a 4 KiB control page (struct tlpsim_ctrl), then per
 * queue three rings of the same size: downstream requests (host -> device),
 * downstream completions answering the device's DMA reads (host -> device),
 * upstream completions and device requests (device -> host).
 *
 * Every memfd must be sealed against shrinking (F_SEAL_SHRINK) so that the
 * peer cannot make a mapping fault by truncating it.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tlpsim_ring.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Magic of every message and of the control page: "TLPS". */
#define TLPSIM_MAGIC 0x534c5054u
/** Protocol version; a different version is refused. */
#define TLPSIM_VERSION 1u
/** Most host memory regions. */
#define TLPSIM_MAX_REGIONS 8u
/** Most queues. */
#define TLPSIM_MAX_QUEUES 16u
/** Most host memory the device side maps, summed over the regions. */
#define TLPSIM_MAX_HOST_MEM (64ull << 30)
/** Alignment of region bus addresses and sizes. */
#define TLPSIM_REGION_ALIGN 4096u
/** Size of the control page at the start of the ring memfd. */
#define TLPSIM_CTRL_SIZE 4096u
/** The MSI address window of the host: writes there are interrupts. */
#define TLPSIM_MSI_BASE 0xfee00000ull
#define TLPSIM_MSI_SIZE 0x100000ull
/** Largest message on the socket. */
#define TLPSIM_MSG_MAX 1024u

/** Message types. */
enum tlpsim_msg_type {
	TLPSIM_MSG_HELLO = 1,	/**< host -> device, with memfds */
	TLPSIM_MSG_ACK = 2,	/**< device -> host */
	TLPSIM_MSG_BYE = 3,	/**< either way, before an orderly close */
};

/** Rings of one queue, in layout order. */
enum tlpsim_ring_id {
	TLPSIM_RING_REQ = 0,	/**< downstream requests */
	TLPSIM_RING_DCPL = 1,	/**< downstream completions for device DMA reads */
	TLPSIM_RING_UP = 2,	/**< upstream: completions, DMA requests, MSI */
	TLPSIM_RINGS_PER_QUEUE = 3,
};

/** Hello flags. */
#define TLPSIM_HELLO_F_TAG10 (1u << 0)	/**< host completes 10-bit tags */
#define TLPSIM_HELLO_F_ALL TLPSIM_HELLO_F_TAG10

/** One host memory region. */
struct tlpsim_region {
	uint64_t bus_addr;	/**< first bus address */
	uint64_t size;		/**< bytes */
};

/** Common header of every message. */
struct tlpsim_msg_hdr {
	uint32_t magic;		/**< TLPSIM_MAGIC */
	uint16_t version;	/**< TLPSIM_VERSION */
	uint16_t type;		/**< enum tlpsim_msg_type */
	uint32_t size;		/**< bytes of the whole message */
	uint32_t rsvd;		/**< zero */
};

/** Host -> device: the link proposal. */
struct tlpsim_hello {
	struct tlpsim_msg_hdr hdr;
	uint16_t nb_queues;	/**< must match the device's queues */
	uint16_t nb_regions;	/**< 1..TLPSIM_MAX_REGIONS; one memfd each */
	uint32_t ring_slots;	/**< slots per ring, must match the device's */
	uint64_t ring_mem_size;	/**< bytes of the ring memfd, tlpsim_layout_size() */
	uint16_t mps;		/**< Max_Payload_Size, 128..4096 */
	uint16_t mrrs;		/**< Max_Read_Request_Size, 128..4096 */
	uint16_t rcb;		/**< read completion boundary, 64 or 128 */
	uint16_t flags;		/**< TLPSIM_HELLO_F_* */
	uint16_t host_rid;	/**< the root port's ID (completer of DMA reads) */
	uint16_t dev_rid;	/**< the ID the host gave the device (requester of DMA) */
	uint32_t host_pid;	/**< for logs */
	struct tlpsim_region regions[TLPSIM_MAX_REGIONS];
};

/** Refusal codes (struct tlpsim_ack::status); 0 is acceptance. */
enum tlpsim_refuse {
	TLPSIM_OK = 0,
	TLPSIM_REFUSE_PROTO,		/**< bad magic, type, size or reserved field */
	TLPSIM_REFUSE_VERSION,		/**< unsupported version */
	TLPSIM_REFUSE_QUEUES,		/**< queue count differs from the device's */
	TLPSIM_REFUSE_RING,		/**< ring size invalid or different */
	TLPSIM_REFUSE_LINK_PARAM,	/**< MPS, MRRS, RCB or flags invalid */
	TLPSIM_REFUSE_REGIONS,		/**< region table invalid */
	TLPSIM_REFUSE_FDS,		/**< wrong number of memfds */
	TLPSIM_REFUSE_MEMFD,		/**< a memfd not sealed, not regular or too short */
	TLPSIM_REFUSE_MAP,		/**< mapping failed on the device side */
	TLPSIM_REFUSE_BUSY,		/**< another host is attached */
	TLPSIM_REFUSE_MAX,
};

/** Device -> host: the answer to a hello. */
struct tlpsim_ack {
	struct tlpsim_msg_hdr hdr;
	int32_t status;		/**< enum tlpsim_refuse */
	uint16_t nb_queues;	/**< the device's queue count */
	uint16_t rsvd;
	uint32_t ring_slots;	/**< the device's ring size */
	uint32_t dev_pid;	/**< for logs */
	char reason[128];	/**< NUL-terminated explanation */
};

/** Either way: orderly close. */
struct tlpsim_bye {
	struct tlpsim_msg_hdr hdr;
};

/** Control page at offset 0 of the ring memfd, written by the host. */
struct tlpsim_ctrl {
	uint32_t magic;		/**< TLPSIM_MAGIC */
	uint32_t version;	/**< TLPSIM_VERSION */
	uint32_t nb_queues;	/**< as in the hello */
	uint32_t ring_slots;	/**< as in the hello */
	uint64_t ring_mem_size;	/**< as in the hello */
};

_Static_assert(sizeof(struct tlpsim_msg_hdr) == 16, "message header");
_Static_assert(offsetof(struct tlpsim_hello, regions) == 48, "hello layout");
_Static_assert(sizeof(struct tlpsim_hello) == 48 + 16 * TLPSIM_MAX_REGIONS, "hello size");
_Static_assert(sizeof(struct tlpsim_ack) == 160, "ack size");
_Static_assert(sizeof(struct tlpsim_hello) <= TLPSIM_MSG_MAX, "message size");
_Static_assert(sizeof(struct tlpsim_ctrl) <= TLPSIM_CTRL_SIZE, "control page");

/** Bytes of the ring memfd for @p nb_queues queues of rings of @p slots slots. */
static inline uint64_t
tlpsim_layout_size(unsigned int nb_queues, uint32_t slots)
{
	return TLPSIM_CTRL_SIZE +
		(uint64_t)nb_queues * TLPSIM_RINGS_PER_QUEUE * tlpsim_ring_mem_size(slots);
}

/** Where ring @p id of queue @p qid starts in the ring memory at @p base. */
static inline void *
tlpsim_layout_ring(void *base, unsigned int qid, enum tlpsim_ring_id id, uint32_t slots)
{
	return (uint8_t *)base + TLPSIM_CTRL_SIZE +
		((uint64_t)qid * TLPSIM_RINGS_PER_QUEUE + id) * tlpsim_ring_mem_size(slots);
}

/** Fill a message header. */
void tlpsim_msg_hdr_init(struct tlpsim_msg_hdr *h, enum tlpsim_msg_type type, size_t size);

/** What the device side accepts, for tlpsim_hello_check(). */
struct tlpsim_expect {
	uint16_t nb_queues;	/**< required queue count */
	uint32_t ring_slots;	/**< required ring size */
	uint64_t max_host_mem;	/**< most host memory summed over regions */
};

/**
 * Validate a hello message as received.
 *
 * @param msg
 *   The received bytes.
 * @param len
 *   How many.
 * @param nb_fds
 *   How many file descriptors came with it.
 * @param exp
 *   What the device requires.
 * @param reason
 *   Filled with an explanation on refusal.
 * @return
 *   TLPSIM_OK or an enum tlpsim_refuse.
 */
int tlpsim_hello_check(const void *msg, size_t len, unsigned int nb_fds,
		       const struct tlpsim_expect *exp, char *reason, size_t reason_len);

/**
 * Check that @p fd is a regular file sealed against shrinking, at least
 * @p size bytes long.
 * @return 0, or -EBADF, -EPERM (not sealed), -EMSGSIZE (too short).
 */
int tlpsim_memfd_check(int fd, uint64_t size);

/**
 * Create a memfd of @p size bytes sealed against shrinking and growing.
 * @return the fd, or a negative errno.
 */
int tlpsim_memfd_create(const char *name, uint64_t size);

/** Short name of a refusal code. */
const char *tlpsim_refuse_name(int code);

/**
 * Send a message with file descriptors.
 * @return 0 or a negative errno.
 */
int tlpsim_msg_send(int sock, const void *msg, size_t len, const int *fds, unsigned int nb_fds);

/**
 * Receive one message with up to @p max_fds file descriptors (the caller
 * owns and closes what is returned in @p fds; extra descriptors are closed).
 *
 * @param flags
 *   recvmsg() flags (MSG_DONTWAIT).
 * @return
 *   Message length, 0 on hang-up, or a negative errno (-EAGAIN: nothing yet;
 *   -EMSGSIZE: truncated message or descriptors, already closed).
 */
ssize_t tlpsim_msg_recv(int sock, void *msg, size_t cap, int *fds, unsigned int max_fds,
			unsigned int *nb_fds, int flags);

/**
 * Reserve @p len bytes of address space (inaccessible).
 * @return the address, or NULL with errno set.
 */
void *tlpsim_va_reserve(uint64_t len);

/**
 * Map @p len bytes of @p fd shared and read-write at exactly @p addr.
 * @return 0 or a negative errno.
 */
int tlpsim_va_map_fd(void *addr, uint64_t len, int fd);

/**
 * Replace @p len bytes at @p addr with private zero-filled scratch memory, so
 * that accesses in flight neither fault nor reach the peer.
 * @return 0 or a negative errno.
 */
int tlpsim_va_scratch(void *addr, uint64_t len);

/** Give back the address space got from tlpsim_va_reserve(). */
void tlpsim_va_release(void *addr, uint64_t len);

#ifdef __cplusplus
}
#endif

#endif /* TLPSIM_PROTO_H */
