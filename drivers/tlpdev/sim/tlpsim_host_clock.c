/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The tlpemu authors
 */

#include <pthread.h>
#include <time.h>

#include "tlpsim_host_priv.h"

/*
 * The host's clock is the TSC on x86 (invariant on every machine this runs on:
 * constant_tsc, nonstop_tsc), calibrated once per process against
 * CLOCK_MONOTONIC; elsewhere CLOCK_MONOTONIC itself in nanoseconds.
 */

static uint64_t tlpsim_clock_hz_val;
static pthread_once_t tlpsim_clock_once = PTHREAD_ONCE_INIT;

static uint64_t
tlpsim_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t
tlpsim_host_clock(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	return tlpsim_mono_ns();
#endif
}

static void
tlpsim_clock_calibrate(void)
{
#if defined(__x86_64__) || defined(__i386__)
	uint64_t t0, c0, t1, c1;

	t0 = tlpsim_mono_ns();
	c0 = tlpsim_host_clock();
	do {
		t1 = tlpsim_mono_ns();
	} while (t1 - t0 < 20000000ull);
	c1 = tlpsim_host_clock();
	tlpsim_clock_hz_val = (uint64_t)((double)(c1 - c0) * 1e9 / (double)(t1 - t0));
	if (tlpsim_clock_hz_val == 0)
		tlpsim_clock_hz_val = 1;
#else
	tlpsim_clock_hz_val = 1000000000ull;
#endif
}

uint64_t
tlpsim_host_clock_hz(void)
{
	pthread_once(&tlpsim_clock_once, tlpsim_clock_calibrate);
	return tlpsim_clock_hz_val;
}

uint64_t
tlpsim_host_clock_ns(uint64_t ticks)
{
	uint64_t hz = tlpsim_host_clock_hz();

	return (uint64_t)((double)ticks * 1e9 / (double)hz);
}
