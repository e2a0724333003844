/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

/* libFuzzer target: the virtqueue engine, split (harness in fuzz_vemu_common.c). */

#include <stddef.h>
#include <stdint.h>

int fuzz_vemu_run(int mode, const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_vemu_run(0, data, size);
}
