/* jd-bench-frame.c — the cold-start hook (see jd-bench-frame.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-bench-frame"

#include <stdio.h>

#include "jd-bench-frame.h"

static gboolean reported;

static void
after_paint_cb (GdkFrameClock *clock,
                GtkApplication *application)
{
  const char *t0 = g_getenv ("JD_BENCH_T0");
  gint64 now = g_get_monotonic_time ();

  if (reported)
    return;
  reported = TRUE;
  printf ("first-frame-us %" G_GINT64_FORMAT "\n",
          t0 != NULL ? now - g_ascii_strtoll (t0, NULL, 10) : (gint64) -1);
  fflush (stdout);
  if (g_getenv ("JD_BENCH_STAY") == NULL)
    g_application_quit (G_APPLICATION (application));
}

static void
realized_cb (GtkWidget      *window,
             GtkApplication *application)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), application);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window)
{
  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    realized_cb (GTK_WIDGET (window), application);
  else
    g_signal_connect (window, "realize", G_CALLBACK (realized_cb), application);
}

void
jd_bench_frame_watch_application (GtkApplication *application)
{
  g_signal_connect (application, "window-added", G_CALLBACK (window_added_cb), NULL);
}
