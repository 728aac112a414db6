/* jd-service-main.h — the jobdeck-service command line, kept in the library so
 * that main.c stays a few lines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses the options, runs the sandbox until SIGINT/SIGTERM; returns the exit
 * status (0 after a clean stop). */
int jd_service_main (int    argc,
                     char **argv);

G_END_DECLS
