/* bench-model.c — the app's live model under load: a JdExecutionList holding
 * 10,000 executions takes a burst of 1,000 notify-like updates per second
 * (each a job execution as JSON, parsed and upserted, moving rows between the
 * IN_PROGRESS and QUEUED groups) while a 1 ms timeout records the longest
 * gap of the main loop. The baseline runs the same loop and parses the same
 * messages into an empty GListStore (no model). Also the resident size with
 * the 10,000 executions against the same process before the model exists.
 *
 * Prints Markdown table rows (see jd-bench.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-model"

#include <stdio.h>

#include "jd-bench.h"
#include "jd-execution-list.h"

#define N_EXECUTIONS     10000
#define EVENTS_PER_TICK  10      /* every 10 ms: 1,000 per second */
#define BURST_SECONDS    3

typedef struct {
  GMainLoop       *loop;
  JdExecutionList *list;       /* NULL in the baseline */
  GListStore      *store;      /* the baseline's empty store */
  guint            event;
  gint64           last_tick;
  gint64           max_gap;    /* µs */
  gint64           max_burst;  /* µs: the longest burst dispatch itself */
  guint            changes;
} Run;

static char *
execution_json (guint index,
                guint version,
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
tick_cb (gpointer data)
{
  Run *run = data;
  gint64 now = g_get_monotonic_time ();

  if (run->last_tick != 0)
    run->max_gap = MAX (run->max_gap, now - run->last_tick);
  run->last_tick = now;
  return G_SOURCE_CONTINUE;
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
        {
          g_list_store_append (run->store, execution);
          g_list_store_remove (run->store, 0);
        }
    }
  run->max_burst = MAX (run->max_burst, g_get_monotonic_time () - start);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Run        *run)
{
  run->changes++;
}

/* Runs the loop for BURST_SECONDS with the burst on; returns the longest gap in ms. */
static double
run_burst (Run *run)
{
  guint tick, burst;

  run->loop = g_main_loop_new (NULL, FALSE);
  run->last_tick = 0;
  run->max_gap = 0;
  tick = g_timeout_add (1, tick_cb, run);
  burst = g_timeout_add (10, burst_cb, run);
  g_timeout_add_seconds (BURST_SECONDS, quit_cb, run->loop);
  g_main_loop_run (run->loop);
  g_source_remove (tick);
  g_source_remove (burst);
  g_main_loop_unref (run->loop);
  return run->max_gap / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) executions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JdExecutionList) list = NULL;
  g_autoptr(GListStore) store = NULL;
  Run base = { 0 }, ours = { 0 };
  gsize rss_base, rss_model;
  double stall_base, stall_ours, fill_ms;
  gint64 start;
  char a[64], b[64];

  /* Baseline first, so its resident size is not inflated by the model. */
  store = g_list_store_new (JD_TYPE_EXECUTION);
  base.store = store;
  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), &base);
  stall_base = run_burst (&base);
  rss_base = jd_bench_rss_kib ();

  for (guint i = 0; i < N_EXECUTIONS; i++)
    {
      g_autofree char *text = execution_json (i, 1, i < 10 ? "IN_PROGRESS" : "QUEUED");

      g_ptr_array_add (executions, parse_execution (text));
    }
  list = jd_execution_list_new ();
  ours.list = list;
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &ours);
  start = g_get_monotonic_time ();
  jd_execution_list_replace (list, executions);
  fill_ms = jd_bench_elapsed (start) * 1000;
  g_ptr_array_set_size (executions, 0);
  if (g_list_model_get_n_items (G_LIST_MODEL (list)) != N_EXECUTIONS)
    jd_bench_die ("the model holds %u executions", g_list_model_get_n_items (G_LIST_MODEL (list)));
  rss_model = jd_bench_rss_kib ();

  stall_ours = run_burst (&ours);
  if (ours.event != base.event && ABS ((int) ours.event - (int) base.event) > (int) (base.event / 10))
    fprintf (stderr, "model: %u events vs %u in the baseline\n", ours.event, base.event);

  g_snprintf (a, sizeof a, "%.1f ms", stall_ours);
  g_snprintf (b, sizeof b, "%.1f ms", stall_base);
  jd_bench_row ("App model: 10,000 executions + 1,000 updates/s (vs empty GListStore)",
                "longest main-loop stall (lower is better)", a, b, stall_ours / stall_base,
                stall_ours < 16.0 ? "< 16 ms ✓" : "< 16 ms ✗");
  g_snprintf (a, sizeof a, "%.2f ms", ours.max_burst / 1000.0);
  g_snprintf (b, sizeof b, "%.2f ms", base.max_burst / 1000.0);
  jd_bench_row ("App model", "longest dispatch of 10 updates (lower is better)", a, b,
                (double) ours.max_burst / MAX (base.max_burst, 1), "");
  g_snprintf (a, sizeof a, "%.1f MiB", rss_model / 1024.0);
  g_snprintf (b, sizeof b, "%.1f MiB", rss_base / 1024.0);
  jd_bench_row ("App model", "RSS with 10,000 executions (lower is better)", a, b,
                (double) rss_model / rss_base, "");
  fprintf (stderr, "model: %.0f bytes per execution; filling 10,000 took %.1f ms in one dispatch; "
           "%u/%u updates, %u/%u items-changed\n",
           (rss_model - rss_base) * 1024.0 / N_EXECUTIONS, fill_ms, ours.event, base.event,
           ours.changes, base.changes);
  return 0;
}
