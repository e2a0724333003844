/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/*
 * Persisted transport state: the virtio registers the driver programmed and
 * the PCI function under them, saved on control changes and loaded by a
 * restarted device process, which then answers DEVICE_NEEDS_RESET.
 *
 * Layout (little-endian, packed): header (magic, version, sizes, CRC-32C of
 * everything after the CRC field, identity, registers), one record per queue,
 * then the pcifn state (pcifn_state_save(), with its own CRC).
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_hash_crc.h>

#include "virtio_emu_pci_private.h"

#define VEMU_STATE_MAGIC 0x54534556u	/* "VEST" */

struct vemu_state_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_len;
	uint32_t total_len;
	uint32_t crc;		/* CRC-32C of the bytes after this field */
	/* Identity: must match the transport restored into. */
	uint16_t device_type;
	uint16_t num_queues;
	uint16_t queue_size_max;
	uint16_t msix_vectors;
	uint64_t offered;
	/* Registers. */
	uint64_t driver_features;
	uint64_t negotiated;
	uint32_t dfselect;
	uint32_t gfselect;
	uint16_t msix_config;
	uint16_t queue_select;
	uint8_t status;
	uint8_t generation;
	uint16_t rsvd;
	uint32_t queue_rec_len;
	uint32_t pcifn_len;
} __attribute__((packed));

struct vemu_state_queue {
	uint16_t size;
	uint16_t msix_vector;
	uint8_t enabled;
	uint8_t reset_done;
	uint16_t rsvd;
	uint64_t desc;
	uint64_t driver;
	uint64_t device;
} __attribute__((packed));

#define VEMU_STATE_CRC_OFF (offsetof(struct vemu_state_hdr, crc) + sizeof(uint32_t))

#define VEMU_STATE_REFUSE(fmt, ...) do { \
	VEMU_PCI_LOG(WARNING, "state refused: " fmt, ##__VA_ARGS__); \
	return -EINVAL; \
} while (0)

uint64_t
virtio_emu_pci_state_gen(const struct virtio_emu_pci *dev)
{
	if (dev == NULL)
		return 0;
	return (uint64_t)__atomic_load_n(&dev->state_gen, __ATOMIC_ACQUIRE) << 32 |
		pcifn_state_gen(dev->fn);
}

int
virtio_emu_pci_state_save(const struct virtio_emu_pci *dev, void *buf, size_t len)
{
	struct vemu_state_hdr h;
	struct vemu_state_queue q;
	const struct vemu_queue *vq;
	size_t need, off;
	uint8_t *b = buf;
	int fn_len, ret;
	unsigned int i;

	if (dev == NULL)
		return -EINVAL;
	fn_len = pcifn_state_save(dev->fn, NULL, 0);
	if (fn_len < 0)
		return fn_len;
	need = sizeof(h) + (size_t)dev->p.num_queues * sizeof(q) + (size_t)fn_len;
	if (buf == NULL)
		return (int)need;
	if (len < need)
		return -ENOSPC;
	memset(&h, 0, sizeof(h));
	h.magic = VEMU_STATE_MAGIC;
	h.version = VIRTIO_EMU_STATE_VERSION;
	h.hdr_len = sizeof(h);
	h.total_len = (uint32_t)need;
	h.device_type = dev->p.device_type;
	h.num_queues = dev->p.num_queues;
	h.queue_size_max = dev->p.queue_size_max;
	h.msix_vectors = dev->p.msix_vectors;
	h.offered = dev->offered;
	h.driver_features = dev->driver_features;
	h.negotiated = dev->negotiated;
	h.dfselect = dev->dfselect;
	h.gfselect = dev->gfselect;
	h.msix_config = dev->msix_config;
	h.queue_select = dev->queue_select;
	h.status = __atomic_load_n(&dev->status, __ATOMIC_ACQUIRE);
	h.generation = dev->generation;
	h.queue_rec_len = sizeof(q);
	h.pcifn_len = (uint32_t)fn_len;
	off = sizeof(h);
	for (i = 0; i < dev->p.num_queues; i++) {
		vq = &dev->queues[i];
		memset(&q, 0, sizeof(q));
		q.size = vq->size;
		q.msix_vector = vq->msix_vector;
		q.enabled = vq->enabled && !vq->stopping;
		q.reset_done = vq->reset_done;
		q.desc = vq->desc;
		q.driver = vq->driver;
		q.device = vq->device;
		memcpy(b + off, &q, sizeof(q));
		off += sizeof(q);
	}
	ret = pcifn_state_save(dev->fn, b + off, len - off);
	if (ret < 0)
		return ret;
	memcpy(b, &h, sizeof(h));
	h.crc = rte_hash_crc(b + VEMU_STATE_CRC_OFF, need - VEMU_STATE_CRC_OFF, 0);
	memcpy(b + offsetof(struct vemu_state_hdr, crc), &h.crc, sizeof(h.crc));
	return (int)need;
}

/* The driver features as FEATURES_OK would have checked them. */
static int
vemu_state_check_features(const struct virtio_emu_pci *dev, uint64_t f)
{
	if ((f & ~dev->offered) != 0)
		VEMU_STATE_REFUSE("driver features 0x%" PRIx64 " not offered", f & ~dev->offered);
	if ((f & VIRTIO_EMU_F(VIRTIO_F_VERSION_1)) == 0)
		VEMU_STATE_REFUSE("negotiated features lack VERSION_1");
	if ((f & VIRTIO_EMU_F(VIRTIO_F_NOTIF_CONFIG_DATA)) != 0 &&
	    (f & VIRTIO_EMU_F(VIRTIO_F_NOTIFICATION_DATA)) == 0)
		VEMU_STATE_REFUSE("NOTIF_CONFIG_DATA without NOTIFICATION_DATA");
	if (dev->ops->features_check != NULL && dev->ops->features_check(dev->ctx, f) != 0)
		VEMU_STATE_REFUSE("the device refuses features 0x%" PRIx64, f);
	return 0;
}

static int
vemu_state_check_status(uint8_t st)
{
	if ((st & ~VIRTIO_CONFIG_S_DEFINED) != 0)
		VEMU_STATE_REFUSE("reserved status bits 0x%02x", st);
	if ((st & VIRTIO_CONFIG_S_FEATURES_OK) && !(st & VIRTIO_CONFIG_S_DRIVER))
		VEMU_STATE_REFUSE("status 0x%02x: FEATURES_OK without DRIVER", st);
	if ((st & VIRTIO_CONFIG_S_DRIVER_OK) && !(st & VIRTIO_CONFIG_S_FEATURES_OK))
		VEMU_STATE_REFUSE("status 0x%02x: DRIVER_OK without FEATURES_OK", st);
	return 0;
}

static bool
vemu_state_vector_ok(const struct virtio_emu_pci *dev, uint16_t v)
{
	return v == VIRTIO_MSI_NO_VECTOR || v < dev->p.msix_vectors;
}

/* One queue record; @p fok: FEATURES_OK set in the saved status. */
static int
vemu_state_check_queue(const struct virtio_emu_pci *dev, const struct vemu_state_hdr *h,
		       unsigned int i, const struct vemu_state_queue *q)
{
	bool packed = (h->negotiated & VIRTIO_EMU_F(VIRTIO_F_RING_PACKED)) != 0;
	bool fok = (h->status & VIRTIO_CONFIG_S_FEATURES_OK) != 0;
	uint64_t desc_len, drv_len, dev_len;

	if (q->size > dev->p.queue_size_max || (!packed && q->size != 0 &&
						 !rte_is_power_of_2(q->size)))
		VEMU_STATE_REFUSE("queue %u size %u (max %u, %s)", i, q->size,
				  dev->p.queue_size_max, packed ? "packed" : "split");
	if (!vemu_state_vector_ok(dev, q->msix_vector))
		VEMU_STATE_REFUSE("queue %u vector %u of %u", i, q->msix_vector,
				  dev->p.msix_vectors);
	if (q->enabled > 1 || q->reset_done > 1 || q->rsvd != 0)
		VEMU_STATE_REFUSE("queue %u flags", i);
	if (!q->enabled)
		return 0;
	if (!fok || q->size == 0)
		VEMU_STATE_REFUSE("queue %u enabled without FEATURES_OK or size", i);
	if ((q->desc & ((packed ? VIRTIO_PACKED_DESC_ALIGN : VIRTIO_SPLIT_DESC_ALIGN) - 1)) ||
	    (q->driver & ((packed ? VIRTIO_PACKED_EVENT_ALIGN : VIRTIO_SPLIT_AVAIL_ALIGN) - 1)) ||
	    (q->device & ((packed ? VIRTIO_PACKED_EVENT_ALIGN : VIRTIO_SPLIT_USED_ALIGN) - 1)))
		VEMU_STATE_REFUSE("queue %u rings misaligned", i);
	/* Each area must fit below 2^64 (a wrap would alias low memory). */
	desc_len = (uint64_t)q->size * 16u;
	drv_len = packed ? 4u : 6u + 2u * (uint64_t)q->size;
	dev_len = packed ? 4u : 6u + 8u * (uint64_t)q->size;
	if (q->desc > UINT64_MAX - desc_len || q->driver > UINT64_MAX - drv_len ||
	    q->device > UINT64_MAX - dev_len)
		VEMU_STATE_REFUSE("queue %u ring beyond the address space", i);
	return 0;
}

int
virtio_emu_pci_state_restore(struct virtio_emu_pci *dev, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	struct vemu_state_hdr h;
	struct vemu_state_queue q;
	struct vemu_queue *vq;
	unsigned int i;
	size_t need;
	uint32_t crc;
	uint8_t st;
	int ret;

	if (dev == NULL || buf == NULL)
		return -EINVAL;
	if (len < sizeof(h))
		VEMU_STATE_REFUSE("%zu bytes, shorter than a header", len);
	memcpy(&h, b, sizeof(h));
	if (h.magic != VEMU_STATE_MAGIC)
		VEMU_STATE_REFUSE("bad magic 0x%08x", h.magic);
	if (h.version != VIRTIO_EMU_STATE_VERSION)
		VEMU_STATE_REFUSE("version %u, this library reads %u", h.version,
				  VIRTIO_EMU_STATE_VERSION);
	if (h.hdr_len != sizeof(h) || h.queue_rec_len != sizeof(q) ||
	    h.num_queues != dev->p.num_queues || h.pcifn_len > VIRTIO_EMU_STATE_MAX_LEN)
		VEMU_STATE_REFUSE("layout (header %u, queue record %u, %u queues, function %u)",
				  h.hdr_len, h.queue_rec_len, h.num_queues, h.pcifn_len);
	need = sizeof(h) + (size_t)h.num_queues * sizeof(q) + h.pcifn_len;
	if (h.total_len != need || len != need)
		VEMU_STATE_REFUSE("length %zu, header says %u, layout %zu", len, h.total_len,
				  need);
	crc = rte_hash_crc(b + VEMU_STATE_CRC_OFF, need - VEMU_STATE_CRC_OFF, 0);
	if (crc != h.crc)
		VEMU_STATE_REFUSE("CRC 0x%08x, computed 0x%08x", h.crc, crc);
	if (h.device_type != dev->p.device_type || h.queue_size_max != dev->p.queue_size_max ||
	    h.msix_vectors != dev->p.msix_vectors)
		VEMU_STATE_REFUSE("made by another device (type %u, queue size %u, %u vectors)",
				  h.device_type, h.queue_size_max, h.msix_vectors);
	if (h.offered != dev->offered)
		VEMU_STATE_REFUSE("offered features 0x%" PRIx64 ", this device offers 0x%" PRIx64,
				  h.offered, dev->offered);
	if ((h.driver_features & ~dev->offered) != 0)
		VEMU_STATE_REFUSE("driver features 0x%" PRIx64 " not offered",
				  h.driver_features & ~dev->offered);
	if (vemu_state_check_status(h.status) != 0)
		return -EINVAL;
	if ((h.status & VIRTIO_CONFIG_S_FEATURES_OK) != 0) {
		if (h.negotiated != h.driver_features)
			VEMU_STATE_REFUSE("negotiated 0x%" PRIx64 " differs from driver features",
					  h.negotiated);
		if (vemu_state_check_features(dev, h.negotiated) != 0)
			return -EINVAL;
	} else if (h.negotiated != 0) {
		VEMU_STATE_REFUSE("negotiated features without FEATURES_OK");
	}
	if (!vemu_state_vector_ok(dev, h.msix_config))
		VEMU_STATE_REFUSE("msix_config %u of %u", h.msix_config, dev->p.msix_vectors);
	for (i = 0; i < h.num_queues; i++) {
		memcpy(&q, b + sizeof(h) + i * sizeof(q), sizeof(q));
		if (vemu_state_check_queue(dev, &h, i, &q) != 0)
			return -EINVAL;
	}
	/* The function last: once it is restored, nothing may fail any more. */
	ret = pcifn_state_restore(dev->fn, b + sizeof(h) + (size_t)h.num_queues * sizeof(q),
				  h.pcifn_len);
	if (ret != 0)
		return ret;

	dev->driver_features = h.driver_features;
	dev->negotiated = h.negotiated;
	dev->dfselect = h.dfselect;
	dev->gfselect = h.gfselect;
	dev->msix_config = h.msix_config;
	dev->queue_select = h.queue_select;
	dev->generation = h.generation;
	for (i = 0; i < h.num_queues; i++) {
		memcpy(&q, b + sizeof(h) + i * sizeof(q), sizeof(q));
		vq = &dev->queues[i];
		vemu_pci_queue_defaults(dev, vq);
		vq->size = q.size;
		vq->msix_vector = q.msix_vector;
		vq->desc = q.desc;
		vq->driver = q.driver;
		vq->device = q.device;
		vq->reset_done = q.reset_done;
		/* Not resumed: no ring progress survived the crash. */
		vq->enabled = 0;
	}
	st = h.status;
	if (st != 0) {
		st |= VIRTIO_CONFIG_S_NEEDS_RESET;
		dev->stats.needs_reset++;
	}
	__atomic_store_n(&dev->status, st, __ATOMIC_RELEASE);
	vemu_pci_state_touch(dev);
	VEMU_PCI_LOG(NOTICE, "state restored: status 0x%02x, features 0x%" PRIx64 "%s", st,
		     h.negotiated, st != 0 ? ", DEVICE_NEEDS_RESET set" : "");
	return st != 0 ? 1 : 0;
}

int
virtio_emu_pci_state_notify(struct virtio_emu_pci *dev)
{
	if (dev == NULL)
		return -EINVAL;
	vemu_pci_config_irq(dev);
	return 0;
}

static int
vemu_state_write_all(int fd, const uint8_t *b, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
vemu_state_tmp_path(const char *path, char *tmp, size_t len)
{
	if (path == NULL || path[0] == '\0')
		return -EINVAL;
	if ((size_t)snprintf(tmp, len, "%s.tmp", path) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int
virtio_emu_pci_state_save_file(const struct virtio_emu_pci *dev, const char *path)
{
	char tmp[PATH_MAX];
	uint8_t *buf;
	int len, fd, ret;

	ret = vemu_state_tmp_path(path, tmp, sizeof(tmp));
	if (ret != 0 || dev == NULL)
		return ret != 0 ? ret : -EINVAL;
	len = virtio_emu_pci_state_save(dev, NULL, 0);
	if (len < 0)
		return len;
	buf = malloc((size_t)len);
	if (buf == NULL)
		return -ENOMEM;
	ret = virtio_emu_pci_state_save(dev, buf, (size_t)len);
	if (ret < 0)
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = vemu_state_write_all(fd, buf, (size_t)len);
	if (close(fd) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) != 0)
		ret = -errno;
	if (ret != 0) {
		unlink(tmp);
		VEMU_PCI_LOG(ERR, "cannot save state to %s: %s", path, strerror(-ret));
	}
out:
	free(buf);
	return ret < 0 ? ret : 0;
}

int
virtio_emu_pci_state_load_file(struct virtio_emu_pci *dev, const char *path)
{
	struct stat sb;
	uint8_t *buf;
	size_t got = 0;
	ssize_t n;
	int fd, ret;

	if (dev == NULL || path == NULL)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) != 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > VIRTIO_EMU_STATE_MAX_LEN) {
		close(fd);
		VEMU_PCI_LOG(WARNING, "state refused: %s is not a regular file of at most %u "
			     "bytes", path, VIRTIO_EMU_STATE_MAX_LEN);
		return S_ISREG(sb.st_mode) ? -EFBIG : -EINVAL;
	}
	buf = malloc(sb.st_size > 0 ? (size_t)sb.st_size : 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	ret = virtio_emu_pci_state_restore(dev, buf, got);
	free(buf);
	return ret;
}

int
virtio_emu_pci_state_remove(const char *path)
{
	char tmp[PATH_MAX];
	int ret;

	ret = vemu_state_tmp_path(path, tmp, sizeof(tmp));
	if (ret != 0)
		return ret;
	(void)unlink(tmp);
	if (unlink(path) != 0 && errno != ENOENT)
		return -errno;
	return 0;
}
