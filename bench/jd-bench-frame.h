/* jd-bench-frame.h — the cold-start hook shared by bench-hello and
 * bench-jobdeck-probe: when the first window added to the application paints
 * its first frame (GdkFrameClock::after-paint), print
 * "first-frame-us <µs since JD_BENCH_T0>" on stdout and quit the application
 * (unless JD_BENCH_STAY is set: the idle benchmark keeps the window open).
 * JD_BENCH_T0 is the launcher's g_get_monotonic_time() just before it spawned
 * this process (the clock is system-wide).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void jd_bench_frame_watch_application (GtkApplication *application);

G_END_DECLS
