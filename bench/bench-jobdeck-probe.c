/* bench-jobdeck-probe.c — Jobdeck's own main() (src/app/main.c) plus the
 * first-frame hook (jd-bench-frame.h): the real application and window, built
 * from the same library as the jobdeck executable, quitting on its window's
 * first frame.
 *
 * With JD_BENCH_PENDING=N it waits instead for the Device view's list
 * (bench-app-pending): on the first GdkFrameClock::after-paint of a frame
 * whose layout had the Device view mapped and its pending table holding at
 * least N rows (N = 0: the thing's jobs client synced, i.e. the pending
 * executions were fetched and there were none), it prints
 * "list-us <µs since JD_BENCH_T0>"; then, JD_BENCH_SETTLE_MS later (default
 * 3000), it returns freed memory to the system (malloc_trim) and prints
 * "rss-kb <VmRSS of this process>", and closes the window as a user would
 * (the window stops its sandbox, then the application quits). When the list
 * is not shown JD_BENCH_LIST_TIMEOUT_MS (default 30000) after the start, it
 * prints "list-missing <rows> <synced: 0 or 1>" and closes the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-jobdeck-probe"

#include <glib/gi18n.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "jd-application.h"
#include "jd-bench-frame.h"
#include "jd-window.h"

typedef struct {
  JdWindow *window;
  guint     n_wanted;
  gboolean  laid_out;   /* this frame's layout had the list */
  gboolean  reported;
} ListWatch;

static ListWatch watch;

/* The mapped GtkColumnView under @widget with at least @n rows, if any. */
static GtkWidget *
find_mapped_table (GtkWidget *widget,
                   guint      n)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (GTK_IS_COLUMN_VIEW (widget))
    {
      GtkSelectionModel *model = gtk_column_view_get_model (GTK_COLUMN_VIEW (widget));

      if (model != NULL && g_list_model_get_n_items (G_LIST_MODEL (model)) >= n)
        return widget;
      return NULL;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_mapped_table (child, n);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
list_shown (void)
{
  JdDeviceView *view = jd_window_get_device_view (watch.window);
  JdJobsClient *client = jd_device_view_get_jobs_client (view);
  GListModel *model = jd_device_view_get_model (view);

  if (client == NULL || model == NULL || !gtk_widget_get_mapped (GTK_WIDGET (view)))
    return FALSE;
  if (watch.n_wanted == 0)
    return jd_jobs_client_get_synced (client);
  return g_list_model_get_n_items (model) >= watch.n_wanted &&
         find_mapped_table (GTK_WIDGET (view), watch.n_wanted) != NULL;
}

static gsize
rss_kb (void)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) ||
      (line = strstr (text, "\nVmRSS:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

static gboolean
give_up_cb (gpointer data)
{
  JdDeviceView *view;
  GListModel *model;

  if (watch.reported || watch.window == NULL)
    return G_SOURCE_REMOVE;
  watch.reported = TRUE;
  view = jd_window_get_device_view (watch.window);
  model = jd_device_view_get_model (view);
  printf ("list-missing %u %d\n", model != NULL ? g_list_model_get_n_items (model) : 0,
          jd_device_view_get_jobs_client (view) != NULL &&
          jd_jobs_client_get_synced (jd_device_view_get_jobs_client (view)));
  fflush (stdout);
  gtk_window_close (GTK_WINDOW (watch.window));
  return G_SOURCE_REMOVE;
}

static gboolean
settled_cb (gpointer data)
{
  /* What the startup freed would otherwise count for whichever side
   * happened to free more. */
  malloc_trim (0);
  printf ("rss-kb %" G_GSIZE_FORMAT "\n", rss_kb ());
  fflush (stdout);
  gtk_window_close (GTK_WINDOW (watch.window));
  return G_SOURCE_REMOVE;
}

/* Runs after GTK's own layout handler (connected at realize, before ours). */
static void
layout_cb (GdkFrameClock *clock)
{
  if (!watch.reported)
    watch.laid_out = list_shown ();
}

static void
after_paint_cb (GdkFrameClock *clock)
{
  const char *t0 = g_getenv ("JD_BENCH_T0");
  const char *settle = g_getenv ("JD_BENCH_SETTLE_MS");
  gint64 now = g_get_monotonic_time ();

  if (watch.reported || !watch.laid_out)
    return;
  watch.reported = TRUE;
  printf ("list-us %" G_GINT64_FORMAT "\n",
          t0 != NULL ? now - g_ascii_strtoll (t0, NULL, 10) : (gint64) -1);
  fflush (stdout);
  g_timeout_add (settle != NULL ? (guint) g_ascii_strtoull (settle, NULL, 10) : 3000, settled_cb, NULL);
}

/* With nothing pending, syncing changes no widget: ask for a frame. */
static void
synced_cb (JdJobsClient *client)
{
  gtk_widget_queue_draw (GTK_WIDGET (watch.window));
}

static void
jobs_client_cb (JdDeviceView *view)
{
  JdJobsClient *client = jd_device_view_get_jobs_client (view);

  if (client != NULL)
    g_signal_connect (client, "notify::synced", G_CALLBACK (synced_cb), NULL);
  gtk_widget_queue_draw (GTK_WIDGET (watch.window));
}

static void
realized_cb (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "layout", G_CALLBACK (layout_cb), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window)
{
  if (!JD_IS_WINDOW (window) || watch.window != NULL)
    return;
  watch.window = JD_WINDOW (window);
  /* The device view takes its jobs client (and model) when the session
   * connects; the model is set with it. */
  g_signal_connect (jd_window_get_device_view (watch.window), "notify::model",
                    G_CALLBACK (jobs_client_cb), NULL);
  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    realized_cb (GTK_WIDGET (window));
  else
    g_signal_connect (window, "realize", G_CALLBACK (realized_cb), NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JdApplication) app = NULL;
  const char *pending = g_getenv ("JD_BENCH_PENDING");

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = jd_application_new ();
  if (pending != NULL)
    {
      /* The first frame is still printed, but the list ends the run. */
      g_setenv ("JD_BENCH_STAY", "1", TRUE);
      watch.n_wanted = (guint) g_ascii_strtoull (pending, NULL, 10);
      g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
      {
        const char *limit = g_getenv ("JD_BENCH_LIST_TIMEOUT_MS");

        g_timeout_add (limit != NULL ? (guint) g_ascii_strtoull (limit, NULL, 10) : 30000, give_up_cb, NULL);
      }
    }
  jd_bench_frame_watch_application (GTK_APPLICATION (app));
  return g_application_run (G_APPLICATION (app), argc, argv);
}
