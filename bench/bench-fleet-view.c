/* bench-fleet-view.c — the fleet view under load, on screen: a JdFleetWindow
 * (the app's own window: JdFleetModel, its filter and selection, a
 * GtkColumnView with the fixed columns plus one per statusDetails key, the
 * segment bar and the counts) holding 10,000 rows takes 1,000 job execution
 * events per second (each parsed from JSON and applied with
 * jd_fleet_model_apply_event(): status, versionNumber, statusDetails
 * progress and step, so counts, cells and the summary all change) for
 * BURST_SECONDS (every 10 ms, the events due since the last dispatch: a
 * frame that holds the loop up makes the next dispatch bigger), while the
 * window's frame clock runs (a tick callback keeps a
 * frame coming every refresh). Recorded: every frame's interval at
 * GdkFrameClock::after-paint (a stall of the main loop shows as a long
 * frame), and the longest dispatch of the events due (the main-loop time the
 * model and the view's handlers take synchronously), the first apart: it
 * makes the view add its statusDetails columns. The view adds them from
 * idle callbacks, outside that dispatch, so a 1 ms timer at high priority
 * also records every gap of the main loop, less the time the frame clock
 * spent painting in it (before-paint to after-paint): the longest is the
 * longest stretch of anything else (a dispatch of events, an idle callback
 * of the view) that held the loop, over the whole run and in the first
 * second of events, when the columns come.
 *
 * "fleet-keys" runs the fleet view with every event in the first second
 * also carrying one of KEYS_EXTRA more statusDetails keys: that many new
 * columns at once.
 *
 * The baseline is the same rate of the same events, parsed the same way, into
 * a plain GListStore holding the same 10,000 rows shown by a GtkColumnView
 * with the same number of label columns, each event replacing its row's item
 * in place (g_list_store_splice at a known position: no merge, no counts, no
 * summary, no filter). Each side runs in its own process.
 *
 * Usage: bench-fleet-view             runs both (needs a display) and prints rows
 *        bench-fleet-view fleet|store  one side; prints one line of figures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "bench-fleet-view"

#include <adwaita.h>
#include <stdio.h>
#include <string.h>

#include "jd-bench.h"
#include "jd-fleet-window.h"

#define N_ROWS           10000
#define N_COLUMNS        7       /* the fleet view's: 5 fixed + progress + step */
#define EVENTS_PER_SEC   1000
#define TICK_MS          10      /* events due are applied every 10 ms */
#define BURST_SECONDS    4
#define SETTLE_MS        1500
#define GAP_MS           1       /* the gap timer's period */
#define KEYS_EXTRA       40      /* fleet-keys: new statusDetails keys in the first second */
#define JOB_ID           "bench-fleet"
#define ARN              "arn:aws:iot:us-east-1:123456789012:thing/"

typedef struct {
  GMainLoop    *loop;
  JdFleetModel *model;        /* the fleet view's, or */
  GListStore   *store;        /* the baseline */
  guint         event;
  gint64        started;      /* when the events began */
  gint64        max_burst;    /* µs, after the first batch */
  gint64        first_burst;  /* µs: the first batch (the fleet view adds its detail columns) */
  GArray       *bursts;       /* double, ms per dispatch of one batch */
  gint64        last_paint;
  gboolean      recording;
  GArray       *frames;       /* double, ms between consecutive frames */
  gboolean      many_keys;    /* fleet-keys */
  GtkColumnView *view;        /* the fleet view's table */
  gint64        columns_at;   /* µs after the start when all columns were there */
  gint64        last_gap_tick;
  gint64        paint_start;
  gint64        painted;      /* µs spent painting since the last gap tick */
  gint64        max_gap;      /* µs, the longest gap less painting */
  gint64        max_gap_first_second;
} Run;

static const char *const statuses[] = { "IN_PROGRESS", "SUCCEEDED", "IN_PROGRESS", "FAILED", "QUEUED" };

static char *
event_json (guint    index,
            guint    event,
            gboolean many_keys)
{
  g_autofree char *extra = many_keys && event < EVENTS_PER_SEC
                           ? g_strdup_printf (",\"key%02u\":\"v%u\"", event % KEYS_EXTRA, event)
                           : g_strdup ("");

  return g_strdup_printf ("{\"eventType\":\"JOB_EXECUTION\",\"operation\":\"updated\",\"jobId\":\"" JOB_ID "\","
                          "\"thingArn\":\"" ARN "thing-%05u\",\"status\":\"%s\",\"timestamp\":%u,"
                          "\"executionNumber\":1,\"versionNumber\":%u,"
                          "\"statusDetails\":{\"progress\":\"%u/100\",\"step\":\"step %u\"%s}}",
                          index, statuses[event % G_N_ELEMENTS (statuses)], 1790000000 + event,
                          2 + event, event % 101, event % 7, extra);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    jd_bench_die ("bad JSON: %s", error != NULL ? error->message : text);
  return json_object_ref (json_node_get_object (node));
}

/* What the baseline keeps per row: the text its columns show. */
static GObject *
baseline_item (JsonObject *event)
{
  JsonObject *details = json_object_get_object_member (event, "statusDetails");
  g_autofree char *text = g_strdup_printf ("%s\t%s\t%" G_GINT64_FORMAT "\t%s\t%s",
                                           json_object_get_string_member (event, "thingArn"),
                                           json_object_get_string_member (event, "status"),
                                           json_object_get_int_member (event, "versionNumber"),
                                           json_object_get_string_member (details, "progress"),
                                           json_object_get_string_member (details, "step"));

  return G_OBJECT (gtk_string_object_new (text));
}

static gboolean
burst_cb (gpointer data)
{
  Run *run = data;
  gint64 start = g_get_monotonic_time ();
  guint due = (guint) ((start - run->started) * EVENTS_PER_SEC / G_USEC_PER_SEC);
  gboolean first = run->event == 0;

  /* 1,000 a second whatever the loop does: when a frame held it up, what
   * came meanwhile is applied at once, as MQTT messages would be. */
  for (; run->event < due; run->event++)
    {
      guint index = (run->event * 7919u) % N_ROWS;
      g_autofree char *text = event_json (index, run->event, run->many_keys);
      g_autoptr(JsonObject) event = parse_object (text);

      if (run->model != NULL)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *topic = g_strdup_printf ("$aws/events/jobExecution/" JOB_ID "/%s",
                                                    statuses[run->event % G_N_ELEMENTS (statuses)]);

          if (!jd_fleet_model_apply_event (run->model, topic, event, &error))
            jd_bench_die ("event refused: %s", error != NULL ? error->message : "not this job's");
        }
      else
        {
          g_autoptr(GObject) item = baseline_item (event);

          g_list_store_splice (run->store, index, 1, (gpointer *) &item, 1);
        }
    }
  {
    gint64 took = g_get_monotonic_time () - start;
    double ms = took / 1000.0;

    if (first)
      run->first_burst = took;
    else
      {
        run->max_burst = MAX (run->max_burst, took);
        g_array_append_val (run->bursts, ms);
      }
  }
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
  if (run->paint_start != 0)
    run->painted += now - run->paint_start;
  run->paint_start = 0;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Run           *run)
{
  run->paint_start = g_get_monotonic_time ();
}

/* Every GAP_MS at high priority: how long the loop was held since the last
 * tick by anything but painting (the timer's own period included). */
static gboolean
gap_cb (gpointer data)
{
  Run *run = data;
  gint64 now = g_get_monotonic_time ();

  if (run->recording && run->last_gap_tick != 0)
    {
      gint64 gap = now - run->last_gap_tick - run->painted;

      run->max_gap = MAX (run->max_gap, gap);
      if (run->event > 0 && now - run->started < G_USEC_PER_SEC)
        run->max_gap_first_second = MAX (run->max_gap_first_second, gap);
    }
  if (run->view != NULL && run->columns_at == 0 &&
      g_list_model_get_n_items (gtk_column_view_get_columns (run->view)) >= N_COLUMNS + (run->many_keys ? KEYS_EXTRA : 0))
    run->columns_at = now - run->started;
  run->last_gap_tick = now;
  run->painted = 0;
  return G_SOURCE_CONTINUE;
}

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
  GtkStringObject *object = gtk_list_item_get_item (item);
  g_auto(GStrv) fields = g_strsplit (gtk_string_object_get_string (object), "\t", -1);
  guint column = GPOINTER_TO_UINT (data);
  guint n = g_strv_length (fields);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), fields[MIN (column, n - 1)]);
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

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
fleet_window (Run *run)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdCredentials) creds = jd_credentials_new ("AKIDBENCH", "bench-secret", NULL, "us-east-1");
  /* A control plane nobody answers: the first poll fails at once, the
   * next is an hour away; only events change the rows. */
  g_autoptr(JdControlPlane) cp = jd_control_plane_new ("us-east-1", "https://127.0.0.1:9", NULL, creds, &error);
  JdFleetWindow *window;

  if (cp == NULL)
    jd_bench_die ("control plane: %s", error->message);
  window = jd_fleet_window_new (NULL, cp, JOB_ID);
  jd_fleet_window_set_poll_bounds (window, 3600 * 1000, 3600 * 1000);
  run->model = jd_fleet_window_get_model (window);
  for (guint i = 0; i < N_ROWS; i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"thingArn\":\"" ARN "thing-%05u\",\"jobExecutionSummary\":{\"status\":\"QUEUED\","
        "\"queuedAt\":1790000000,\"lastUpdatedAt\":1790000000,\"executionNumber\":1,\"retryAttempt\":0}}", i);
      g_autoptr(JsonObject) o = parse_object (json);
      g_autoptr(JdJobExecutionInfo) info = jd_job_execution_info_new_from_json (o, JOB_ID, NULL, &error);

      if (info == NULL)
        jd_bench_die ("summary: %s", error->message);
      jd_fleet_model_merge_summary (run->model, info);
    }
  jd_fleet_model_flush (run->model);
  if (g_list_model_get_n_items (G_LIST_MODEL (run->model)) != N_ROWS)
    jd_bench_die ("the model holds %u rows", g_list_model_get_n_items (G_LIST_MODEL (run->model)));
  run->view = GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW));
  if (run->view == NULL)
    jd_bench_die ("the fleet window has no column view");
  return GTK_WIDGET (window);
}

static GtkWidget *
store_window (Run *run)
{
  GtkWidget *window, *scrolled, *view;

  run->store = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  for (guint i = 0; i < N_ROWS; i++)
    {
      g_autofree char *text = g_strdup_printf (ARN "thing-%05u\tQUEUED\t1\t\t", i);
      g_autoptr(GtkStringObject) item = gtk_string_object_new (text);

      g_list_store_append (run->store, item);
    }
  view = gtk_column_view_new (GTK_SELECTION_MODEL (gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (run->store)))));
  gtk_widget_add_css_class (view, "data-table");
  for (guint c = 0; c < N_COLUMNS; c++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autofree char *title = g_strdup_printf ("Column %u", c);
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GUINT_TO_POINTER (c));
      column = gtk_column_view_column_new (title, g_object_ref (factory));
      gtk_column_view_column_set_fixed_width (column, 120);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (view), column);
    }
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  window = adw_window_new ();
  adw_window_set_content (ADW_WINDOW (window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 620);
  return window;
}

/* One side, in this process: prints "p50 p99 max_frame max_burst p99_burst
 * first_burst max_gap max_gap_first_second columns_at events frames". */
static int
run_side (gboolean fleet,
          gboolean many_keys)
{
  GtkWidget *window;
  Run run = { 0 };
  guint burst, gap;

  adw_init ();
  run.loop = g_main_loop_new (NULL, FALSE);
  run.frames = g_array_new (FALSE, FALSE, sizeof (double));
  run.bursts = g_array_new (FALSE, FALSE, sizeof (double));
  run.many_keys = many_keys;

  window = fleet ? fleet_window (&run) : store_window (&run);
  gtk_widget_add_tick_callback (window, tick_cb, NULL, NULL);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "before-paint", G_CALLBACK (before_paint_cb), &run);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), &run);
  gap = g_timeout_add_full (G_PRIORITY_HIGH, GAP_MS, gap_cb, &run, NULL);

  wait_ms (run.loop, SETTLE_MS);
  run.recording = TRUE;
  run.started = g_get_monotonic_time ();
  burst = g_timeout_add (TICK_MS, burst_cb, &run);
  wait_ms (run.loop, BURST_SECONDS * 1000);
  g_source_remove (burst);
  g_source_remove (gap);
  run.recording = FALSE;
  if (fleet && run.columns_at == 0)
    jd_bench_die ("the fleet view did not add its statusDetails columns in %u s", BURST_SECONDS);

  if (run.frames->len < 10)
    jd_bench_die ("only %u frames in %u s", run.frames->len, BURST_SECONDS);
  {
    guint n = run.frames->len;
    double p50 = jd_bench_percentile (run.frames, 50);
    double p99 = jd_bench_percentile (run.frames, 99);
    double max = jd_bench_percentile (run.frames, 100);

    double burst_p99 = jd_bench_percentile (run.bursts, 99);

    printf ("%.3f %.3f %.3f %.3f %.3f %.3f %.3f %.3f %.3f %u %u\n", p50, p99, max, run.max_burst / 1000.0, burst_p99,
            run.first_burst / 1000.0, run.max_gap / 1000.0, run.max_gap_first_second / 1000.0,
            run.columns_at / 1000.0, run.event, n);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&run.store);
  g_array_unref (run.frames);
  g_array_unref (run.bursts);
  g_main_loop_unref (run.loop);
  return 0;
}

typedef struct {
  double p50, p99, max, burst, burst_p99, first, gap, gap_first, columns_at;
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
      sscanf (out, "%lf %lf %lf %lf %lf %lf %lf %lf %lf %u %u", &side.p50, &side.p99, &side.max, &side.burst,
              &side.burst_p99, &side.first, &side.gap, &side.gap_first, &side.columns_at,
              &side.events, &side.frames) != 11)
    jd_bench_die ("%s %s failed", self, which);
  return side;
}

int
main (int   argc,
      char *argv[])
{
  Side ours, base, keys;
  char a[64], b[64];

  if (argc == 2 && strcmp (argv[1], "fleet") == 0)
    return run_side (TRUE, FALSE);
  if (argc == 2 && strcmp (argv[1], "fleet-keys") == 0)
    return run_side (TRUE, TRUE);
  if (argc == 2 && strcmp (argv[1], "store") == 0)
    return run_side (FALSE, FALSE);
  if (argc != 1)
    jd_bench_die ("usage: bench-fleet-view [fleet|fleet-keys|store]");

  base = spawn_side (argv[0], "store");
  ours = spawn_side (argv[0], "fleet");
  keys = spawn_side (argv[0], "fleet-keys");

  g_snprintf (a, sizeof a, "%.2f ms", ours.burst);
  g_snprintf (b, sizeof b, "%.2f ms", base.burst);
  jd_bench_row ("Fleet view on screen: JdFleetWindow with 10,000 rows + 1,000 job execution events/s "
                "(vs a GListStore of the same rows replacing in place under a 7-column GtkColumnView)",
                "longest main-loop stall: one dispatch of the events due, after the first (lower is better)", a, b,
                ours.burst / MAX (base.burst, 0.001), "< 16 ms");
  g_snprintf (a, sizeof a, "%.2f ms", ours.first);
  g_snprintf (b, sizeof b, "%.2f ms", base.first);
  jd_bench_row ("Fleet view", "the first dispatch (its events bring the 2 statusDetails keys)",
                a, b, ours.first / MAX (base.first, 0.001), "< 16 ms");
  g_snprintf (a, sizeof a, "%.2f ms", ours.gap_first);
  g_snprintf (b, sizeof b, "%.2f ms", base.gap_first);
  jd_bench_row ("Fleet view", "longest main-loop gap but painting in the first second of events, when the view "
                "adds its 2 statusDetails columns from idle callbacks (1 ms timer at high priority, its period "
                "included; lower is better)", a, b, ours.gap_first / MAX (base.gap_first, 0.001), "< 16 ms");
  g_snprintf (a, sizeof a, "%.2f ms", ours.gap);
  g_snprintf (b, sizeof b, "%.2f ms", base.gap);
  jd_bench_row ("Fleet view", "longest main-loop gap but painting, whole run (lower is better)", a, b,
                ours.gap / MAX (base.gap, 0.001), "< 16 ms");
  g_snprintf (a, sizeof a, "%.2f ms", ours.burst_p99);
  g_snprintf (b, sizeof b, "%.2f ms", base.burst_p99);
  jd_bench_row ("Fleet view", "dispatch of the events due, 99th percentile (lower is better)", a, b,
                ours.burst_p99 / MAX (base.burst_p99, 0.001), "");
  g_snprintf (a, sizeof a, "%.1f ms", ours.max);
  g_snprintf (b, sizeof b, "%.1f ms", base.max);
  jd_bench_row ("Fleet view", "longest frame interval (lower is better)", a, b, ours.max / base.max, "");
  g_snprintf (a, sizeof a, "%.1f ms", ours.p99);
  g_snprintf (b, sizeof b, "%.1f ms", base.p99);
  jd_bench_row ("Fleet view", "frame time, 99th percentile (lower is better)", a, b, ours.p99 / base.p99, "");
  fprintf (stderr, "fleet-view: frames p50 %.1f / %.1f ms (fleet / store); %u / %u frames, %u / %u events in %u s; "
           "the 2 columns were there %.0f ms after the first event\n",
           ours.p50, base.p50, ours.frames, base.frames, ours.events, base.events, BURST_SECONDS, ours.columns_at);
  fprintf (stderr, "fleet-view: with %u more new statusDetails keys in the first second: first dispatch %.2f ms, "
           "longest dispatch after it %.2f ms, longest gap but painting %.2f ms (first second %.2f ms), "
           "all %u columns there %.0f ms after the first event\n",
           KEYS_EXTRA, keys.first, keys.burst, keys.gap, keys.gap_first, N_COLUMNS + KEYS_EXTRA, keys.columns_at);
  return 0;
}
