/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "tlpdev_private.h"

static int
tlpdev_tel_list(const char *cmd __rte_unused, const char *params __rte_unused,
		struct rte_tel_data *d)
{
	int i;

	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (i = 0; i < TLPDEV_MAX_DEVS; i++)
		if (tlpdev_table[i] != NULL)
			rte_tel_data_add_array_int(d, i);
	return 0;
}

/* Parse "<id>" into a valid device id, or return -EINVAL. */
static int
tlpdev_tel_parse_id(const char *params)
{
	char *end;
	unsigned long id;

	if (params == NULL || *params == '\0')
		return -EINVAL;
	errno = 0;
	id = strtoul(params, &end, 0);
	if (errno != 0 || *end != '\0' || id >= TLPDEV_MAX_DEVS || !tlpdev_is_valid(id))
		return -EINVAL;
	return (int)id;
}

static void
tlpdev_tel_add(struct rte_tel_data *d, const char *prefix, const char *name, uint64_t v)
{
	char key[RTE_TEL_MAX_STRING_LEN];

	snprintf(key, sizeof(key), "%s%s", prefix, name);
	rte_tel_data_add_dict_u64(d, key, v);
}

static int
tlpdev_tel_stats(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct tlpdev_stats st;
	int id = tlpdev_tel_parse_id(params);
	unsigned int i;

	if (id < 0 || tlpdev_stats_get(id, &st) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	for (i = 0; i < TLP_KIND_MAX; i++) {
		tlpdev_tel_add(d, "rx_", tlp_kind_name(i), st.rx_tlps[i]);
		tlpdev_tel_add(d, "tx_", tlp_kind_name(i), st.tx_tlps[i]);
	}
	for (i = 1; i < TLP_ERR_MAX; i++)
		tlpdev_tel_add(d, "malformed_", tlp_err_name(i), st.rx_malformed[i]);
	for (i = 0; i < TLPDEV_ERR_MAX; i++)
		tlpdev_tel_add(d, "err_", tlpdev_err_name(i), st.errors[i]);
	rte_tel_data_add_dict_u64(d, "rx_bytes", st.rx_bytes);
	rte_tel_data_add_dict_u64(d, "tx_bytes", st.tx_bytes);
	rte_tel_data_add_dict_u64(d, "dma_read_ops", st.dma_read_ops);
	rte_tel_data_add_dict_u64(d, "dma_write_ops", st.dma_write_ops);
	rte_tel_data_add_dict_u64(d, "dma_read_bytes", st.dma_read_bytes);
	rte_tel_data_add_dict_u64(d, "dma_write_bytes", st.dma_write_bytes);
	rte_tel_data_add_dict_u64(d, "msi_sent", st.msi_sent);
	return 0;
}

static int
tlpdev_tel_info(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct tlpdev_info info;
	int id = tlpdev_tel_parse_id(params);

	if (id < 0 || tlpdev_info_get(id, &info) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", tlpdev_name(id));
	rte_tel_data_add_dict_string(d, "driver", info.driver_name != NULL ?
				     info.driver_name : "?");
	rte_tel_data_add_dict_int(d, "nb_queues", info.nb_queues);
	rte_tel_data_add_dict_int(d, "max_payload", info.max_payload);
	rte_tel_data_add_dict_int(d, "max_read_req", info.max_read_req);
	rte_tel_data_add_dict_int(d, "rcb", info.rcb);
	rte_tel_data_add_dict_u64(d, "caps", info.caps);
	rte_tel_data_add_dict_int(d, "link_up", tlpdev_link_get(id) == 1);
	return 0;
}

RTE_INIT(tlpdev_telemetry_init)
{
	rte_telemetry_register_cmd("/tlpdev/list", tlpdev_tel_list,
				   "Returns the ids of the TLP devices.");
	rte_telemetry_register_cmd("/tlpdev/info", tlpdev_tel_info,
				   "Returns information on a TLP device. Parameters: int dev_id");
	rte_telemetry_register_cmd("/tlpdev/stats", tlpdev_tel_stats,
				   "Returns the counters of a TLP device. Parameters: int dev_id");
}
