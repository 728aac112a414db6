/* bench-model.c — the app's live model under load, on screen: a window with a
 * GtkListView over a JdExecutionList holding 10,000 executions takes 1,000
 * notify-like updates per second (each a job execution as JSON, parsed and
 * upserted, moving rows between the IN_PROGRESS and QUEUED groups) for
 * BURST_SECONDS, while the window's frame clock runs (a tick callback keeps a
 * frame coming every refresh) and every frame's interval is recorded at
 * GdkFrameClock::after-paint. A stall of the main loop shows as a long frame.
 *
 * The baseline is the same program, window, list view, row factory, data and
 * update rate over a plain GListStore holding the same 10,000 executions,
 * each update replacing its item in place (g_list_store_splice at a known
 * position: no grouping, no ordering, no lookup). Each runs in its own
 * process, so each resident size holds exactly its own data:
 * RSS after filling minus RSS before, per execution.
 *
 * Usage: bench-model           runs both (needs a display) and prints rows
 *        bench-model list|store   one side; prints one line of figures
 *
 * Prints Markdown table rows (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-model"

#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>

#include "jd-bench.h"
#include "jd-execution-list.h"

#define N_EXECUTIONS     10000
#define EVENTS_PER_TICK  10      /* every 10 ms: 1,000 per second */
#define BURST_SECONDS    4
#define SETTLE_MS        1000

typedef struct {
  GMainLoop       *loop;
  JdExecutionList *list;       /* the model under test, or */
  GListStore      *store;      /* the baseline */
  guint            event;
  gint64           max_burst;  /* µs: the longest dispatch of one batch */
  gint64           last_paint;
  gboolean         recording;
  GArray          *frames;     /* double, ms between consecutive frames */
} Run;

static char *
execution_json (guint       index,
                guint       version,
                const char *status)
{
  return g_strdup_printf ("{\"jobId\":\"job-%05u\",\"thingName\":\"BenchThing\",\"status\":\"%s\","
                          "\"statusDetails\":{\"step\":\"%u\"},\"queuedAt\":%u,\"startedAt\":%u,"
                          "\"lastUpdatedAt\":%u,\"versionNumber\":%u,\"executionNumber\":1}",
                          index, status, version, 1790000000 + index, 1790000000 + index,
                          1790000000 + index + version, version);
}

static JdExecution *
parse_execution (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);
  JdExecution *execution;

  if (node == NULL)
    jd_bench_die ("bad JSON: %s", error->message);
  execution = jd_execution_new_from_json (json_node_get_object (node), &error);
  if (execution == NULL)
    jd_bench_die ("bad execution: %s", error->message);
  return execution;
}

static gboolean
burst_cb (gpointer data)
{
  Run *run = data;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < EVENTS_PER_TICK; i++, run->event++)
    {
      guint index = (run->event * 7919u) % N_EXECUTIONS;
      const char *status = run->event % 2 == 0 ? "IN_PROGRESS" : "QUEUED";
      g_autofree char *text = execution_json (index, 2 + run->event, status);
      g_autoptr(JdExecution) execution = parse_execution (text);

      if (run->list != NULL)
        jd_execution_list_upsert (run->list, execution, FALSE);
      else
        g_list_store_splice (run->store, index, 1, (gpointer *) &execution, 1);
    }
  run->max_burst = MAX (run->max_burst, g_get_monotonic_time () - start);
  return G_SOURCE_CONTINUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Run           *run)
{
  gint64 now = g_get_monotonic_time ();

  if (run->recording && run->last_paint != 0)
    {
      double ms = (now - run->last_paint) / 1000.0;

      g_array_append_val (run->frames, ms);
    }
  run->last_paint = now;
}

/* Keeps the frame clock running: a frame every refresh, burst or not. */
static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  return G_SOURCE_CONTINUE;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  data)
{
  gtk_list_item_set_child (item, gtk_label_new (NULL));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  data)
{
  JdExecution *execution = gtk_list_item_get_item (item);
  g_autofree char *text = g_strdup_printf ("%s · %s", jd_execution_get_job_id (execution),
                                           jd_execution_get_status_string (execution));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
wait_ms (GMainLoop *loop,
         guint      ms)
{
  g_timeout_add (ms, quit_cb, loop);
  g_main_loop_run (loop);
}

/* One side, in this process: prints
 * "rss_before rss_after p50 p99 max_frame max_burst events frames". */
static int
run_side (gboolean model)
{
  g_autoptr(GPtrArray) executions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JdExecutionList) list = NULL;
  g_autoptr(GListStore) store = NULL;
  g_autoptr(GtkListItemFactory) factory = NULL;
  GListModel *items;
  GtkWidget *window, *scrolled, *view;
  Run run = { 0 };
  gsize rss_before, rss_after;
  guint burst;

  gtk_init ();
  run.loop = g_main_loop_new (NULL, FALSE);
  run.frames = g_array_new (FALSE, FALSE, sizeof (double));

  rss_before = jd_bench_rss_kib ();
  for (guint i = 0; i < N_EXECUTIONS; i++)
    {
      g_autofree char *text = execution_json (i, 1, i < 10 ? "IN_PROGRESS" : "QUEUED");

      g_ptr_array_add (executions, parse_execution (text));
    }
  if (model)
    {
      list = jd_execution_list_new ();
      jd_execution_list_replace (list, executions);
      run.list = list;
      items = G_LIST_MODEL (list);
    }
  else
    {
      store = g_list_store_new (JD_TYPE_EXECUTION);
      g_list_store_splice (store, 0, 0, executions->pdata, executions->len);
      run.store = store;
      items = G_LIST_MODEL (store);
    }
  g_ptr_array_set_size (executions, 0);
  if (g_list_model_get_n_items (items) != N_EXECUTIONS)
    jd_bench_die ("the model holds %u executions", g_list_model_get_n_items (items));
  rss_after = jd_bench_rss_kib ();

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (items))),
                            g_object_ref (factory));
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_widget_add_tick_callback (window, tick_cb, NULL, NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), &run);

  wait_ms (run.loop, SETTLE_MS);
  run.recording = TRUE;
  burst = g_timeout_add (10, burst_cb, &run);
  wait_ms (run.loop, BURST_SECONDS * 1000);
  g_source_remove (burst);
  run.recording = FALSE;

  if (run.frames->len < 10)
    jd_bench_die ("only %u frames in %u s", run.frames->len, BURST_SECONDS);
  {
    guint n = run.frames->len;
    double p50 = jd_bench_percentile (run.frames, 50);
    double p99 = jd_bench_percentile (run.frames, 99);
    double max = jd_bench_percentile (run.frames, 100);

    printf ("%zu %zu %.3f %.3f %.3f %.3f %u %u\n", rss_before, rss_after, p50, p99, max,
            run.max_burst / 1000.0, run.event, n);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (run.frames);
  g_main_loop_unref (run.loop);
  return 0;
}

typedef struct {
  double rss_before, rss_after, p50, p99, max, burst;
  guint  events, frames;
} Side;

static Side
spawn_side (const char *self,
            const char *which)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *argv[] = { self, which, NULL };
  int status = 0;
  Side side = { 0 };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error))
    jd_bench_die ("%s %s: %s", self, which, error->message);
  if (!g_spawn_check_wait_status (status, NULL) ||
      sscanf (out, "%lf %lf %lf %lf %lf %lf %u %u", &side.rss_before, &side.rss_after, &side.p50,
              &side.p99, &side.max, &side.burst, &side.events, &side.frames) != 8)
    jd_bench_die ("%s %s failed", self, which);
  return side;
}

int
main (int   argc,
      char *argv[])
{
  Side ours, base;
  double bytes_ours, bytes_base;
  char a[64], b[64];

  if (argc == 2 && strcmp (argv[1], "list") == 0)
    return run_side (TRUE);
  if (argc == 2 && strcmp (argv[1], "store") == 0)
    return run_side (FALSE);
  if (argc != 1)
    jd_bench_die ("usage: bench-model [list|store]");

  base = spawn_side (argv[0], "store");
  ours = spawn_side (argv[0], "list");

  g_snprintf (a, sizeof a, "%.1f ms", ours.p99);
  g_snprintf (b, sizeof b, "%.1f ms", base.p99);
  jd_bench_row ("App model on screen: GtkListView over 10,000 executions + 1,000 updates/s "
                "(JdExecutionList vs GListStore replacing in place)",
                "frame time, 99th percentile (lower is better)", a, b, ours.p99 / base.p99, "");
  g_snprintf (a, sizeof a, "%.2f ms", ours.burst);
  g_snprintf (b, sizeof b, "%.2f ms", base.burst);
  jd_bench_row ("App model", "longest dispatch of 10 updates (lower is better)", a, b,
                ours.burst / MAX (base.burst, 0.001), "");
  bytes_ours = (ours.rss_after - ours.rss_before) * 1024.0 / N_EXECUTIONS;
  bytes_base = (base.rss_after - base.rss_before) * 1024.0 / N_EXECUTIONS;
  g_snprintf (a, sizeof a, "%.0f B", bytes_ours);
  g_snprintf (b, sizeof b, "%.0f B", bytes_base);
  jd_bench_row ("App model", "resident size per execution, same 10,000 executions (lower is better)",
                a, b, bytes_ours / MAX (bytes_base, 1), "");
  fprintf (stderr, "model: frames p50 %.1f / %.1f ms, longest %.1f / %.1f ms (model / store); "
           "%u / %u frames, %u / %u updates in %u s\n",
           ours.p50, base.p50, ours.max, base.max, ours.frames, base.frames,
           ours.events, base.events, BURST_SECONDS);
  return 0;
}
