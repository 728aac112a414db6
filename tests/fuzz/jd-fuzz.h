/* jd-fuzz.h — what every fuzz target shares: the libFuzzer entry point and a
 * strict log setup (a critical or a warning on fuzzed input is a finding).
 *
 * With -Dfuzzing=true each target links libFuzzer; otherwise it links
 * jd-fuzz-replay.c, a GTest program that feeds every file of the target's
 * seed corpus to LLVMFuzzerTestOneInput.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

int  LLVMFuzzerTestOneInput (const uint8_t *data,
                             size_t         size);

/* Makes criticals and warnings abort, once. */
void jd_fuzz_init_logging   (void);

G_END_DECLS
