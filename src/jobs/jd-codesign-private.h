/* jd-codesign-private.h — what jd-codesign.c and jd-codesign-download.c share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-codesign.h"

G_BEGIN_DECLS

/* Bytes read, hashed and written per step: small enough that one step's
 * hashing stays far below a frame (about 0.2 ms for SHA-256 plus SHA-1). */
#define JD_CODESIGN_CHUNK (64 * 1024)

/* Downloads run below redraws and ordinary sources, so a UI stays smooth. */
#define JD_CODESIGN_IO_PRIORITY G_PRIORITY_LOW

G_END_DECLS
