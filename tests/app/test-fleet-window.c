/* test-fleet-window.c — the fleet window against a real sandbox while
 * simulated devices run the job: rows fill from polling, progress from
 * statusDetails becomes a column, counts match the service's
 * jobProcessDetails, the status filter and the search, and bulk cancel of
 * selected executions. Without a sandbox: events with new statusDetails
 * keys become columns (added from idle callbacks, one per key) that show
 * the values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "jd-application.h"
#include "jd-fleet.h"
#include "jd-jobs-error.h"
#include "jd-history-window.h"
#include "jd-fleet-window.h"
#include "jd-observer-identity.h"
#include "jd-segment-bar.h"
#include "jd-service.h"
#include "jd-test-sandbox.h"
#include "jd-test-ui.h"

#define N_THINGS 8
#define DOC \
  "{\"version\":\"1.0\",\"steps\":[" \
  "{\"action\":{\"name\":\"Download\",\"type\":\"runHandler\",\"input\":{\"handler\":\"download-file.sh\"}}}," \
  "{\"action\":{\"name\":\"Install\",\"type\":\"runHandler\",\"input\":{\"handler\":\"install.sh\"}}}]}"

#define WAIT_UNTIL(cond, msec)                                           \
  G_STMT_START {                                                         \
    gint64 _deadline = g_get_monotonic_time () + (gint64) (msec) * jd_test_slowdown () * 1000; \
    while (!(cond) && g_get_monotonic_time () < _deadline)               \
      jd_test_spin (10);                                                 \
    if (!(cond))                                                         \
      g_error ("timed out waiting for %s", #cond);                       \
  } G_STMT_END

typedef struct {
  JdTestSandbox *sandbox;
  char          *things[N_THINGS + 1];
} Fixture;

static JdStore *
store (Fixture *f)
{
  return jd_service_get_store (jd_sandbox_get_service (jd_test_sandbox_get_sandbox (f->sandbox)));
}

static void
create_job (Fixture    *f,
            const char *job_id)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  JdStoreJobSpec spec = { 0 };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_THINGS; i++)
    g_ptr_array_add (targets, g_strdup_printf ("arn:aws:iot:us-east-1:123456789012:thing/%s", f->things[i]));
  g_ptr_array_add (targets, NULL);
  spec.job_id = job_id;
  spec.targets = (const char * const *) targets->pdata;
  spec.thing_names = (const char * const *) f->things;
  spec.document = DOC;
  jd_store_job_free (jd_store_create_job (store (f), &spec, &error));
  g_assert_no_error (error);
}

static JdControlPlane *
control_plane (Fixture *f)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", jd_sandbox_get_https_port (sandbox));
  g_autoptr(JdCredentials) creds = jd_credentials_new (jd_sandbox_get_access_key_id (sandbox),
                                                       jd_sandbox_get_secret_access_key (sandbox),
                                                       NULL, JD_SANDBOX_REGION);
  g_autoptr(GError) error = NULL;
  JdControlPlane *cp = jd_control_plane_new (JD_SANDBOX_REGION, url, jd_sandbox_get_ca_path (sandbox),
                                             creds, &error);

  g_assert_no_error (error);
  return cp;
}

static JdFleet *
start_fleet (Fixture *f,
             guint    step_ms,
             double   success_rate)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  JdDeviceBehavior b = JD_DEVICE_BEHAVIOR_INIT;
  JdFleet *fleet = jd_fleet_new ("127.0.0.1", jd_sandbox_get_mqtt_port (sandbox),
                                 jd_sandbox_get_ca_path (sandbox), 99);

  b.step_min_ms = b.step_max_ms = step_ms;
  b.success_rate = success_rate;
  jd_fleet_set_behavior (fleet, &b);
  for (guint i = 0; i < N_THINGS; i++)
    {
      g_autofree char *cert = NULL;
      g_autofree char *key = NULL;

      g_assert_true (jd_sandbox_get_thing_files (sandbox, f->things[i], &cert, &key));
      jd_fleet_add_device (fleet, f->things[i], cert, key, NULL);
    }
  jd_fleet_start (fleet);
  WAIT_UNTIL (jd_fleet_count_online (fleet) == N_THINGS, 15000);
  return fleet;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < N_THINGS; i++)
    f->things[i] = g_strdup_printf ("Unit%02u", i);
  f->sandbox = jd_test_sandbox_new ((const char * const *) f->things, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  jd_test_sandbox_free (f->sandbox);
  for (guint i = 0; i < N_THINGS; i++)
    g_free (f->things[i]);
}

static guint
n_shown (JdFleetWindow *window)
{
  GtkWidget *view = GTK_WIDGET (g_object_get_data (G_OBJECT (window), "test-view"));

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view))));
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

static gboolean
column_titled (GtkColumnView *view,
               const char    *title)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_follows_rollout (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JdControlPlane) cp = control_plane (f);
  g_autoptr(JdFleet) fleet = NULL;
  JdFleetWindow *window;
  GtkColumnView *view;
  JdSegmentBar *bar;
  JdFleetModel *model;
  g_autoptr(GError) error = NULL;
  JdStoreJob *job;
  GtkDropDown *dropdown;
  GtkEditable *search;

  create_job (f, "ota-1");
  window = jd_fleet_window_new (NULL, cp, "ota-1");
  jd_fleet_window_set_poll_bounds (window, 100, 400);
  gtk_window_present (GTK_WINDOW (window));
  view = GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW));
  g_object_set_data (G_OBJECT (window), "test-view", view);
  bar = JD_SEGMENT_BAR (find_widget (GTK_WIDGET (window), JD_TYPE_SEGMENT_BAR));
  model = jd_fleet_window_get_model (window);

  /* Every target appears, queued, before any device runs. */
  WAIT_UNTIL (n_shown (window) == N_THINGS, 10000);
  g_assert_cmpuint (jd_segment_bar_get_count (bar, JD_EXECUTION_STATUS_QUEUED), ==, N_THINGS);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (window), "Unit00"));

  /* Devices run it; half fail. Progress becomes a column. */
  fleet = start_fleet (f, 150, 0.5);
  WAIT_UNTIL (column_titled (view, "progress"), 15000);
  g_assert_true (column_titled (view, "step"));
  job = jd_store_get_job (store (f), "ota-1", &error);
  g_assert_no_error (error);
  while (job->n_succeeded + job->n_failed < N_THINGS)
    {
      jd_store_job_free (job);
      jd_test_spin (50);
      job = jd_store_get_job (store (f), "ota-1", &error);
      g_assert_no_error (error);
    }
  WAIT_UNTIL (jd_segment_bar_get_count (bar, JD_EXECUTION_STATUS_SUCCEEDED) == (guint) job->n_succeeded &&
              jd_segment_bar_get_count (bar, JD_EXECUTION_STATUS_FAILED) == (guint) job->n_failed, 10000);
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_QUEUED), ==, 0);
  g_assert_cmpint (job->n_failed, >, 0);
  g_assert_cmpint (job->n_succeeded, >, 0);

  /* The status filter shows only the failed; the search narrows further. */
  dropdown = GTK_DROP_DOWN (find_widget (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));
  gtk_drop_down_set_selected (dropdown, 4);   /* Failed */
  WAIT_UNTIL (n_shown (window) == (guint) job->n_failed, 5000);
  gtk_drop_down_set_selected (dropdown, 0);
  search = GTK_EDITABLE (find_widget (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY));
  gtk_editable_set_text (search, "unit03");
  WAIT_UNTIL (n_shown (window) == 1, 5000);
  gtk_editable_set_text (search, "");
  WAIT_UNTIL (n_shown (window) == N_THINGS, 5000);
  jd_store_job_free (job);

  jd_fleet_stop (fleet);
  gtk_window_destroy (GTK_WINDOW (window));
  jd_test_spin (50);
}

static AdwMessageDialog *
find_dialog (void)
{
  g_autoptr(GListModel) toplevels = gtk_window_get_toplevels ();

  g_object_ref (toplevels);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static void
test_bulk_cancel (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JdControlPlane) cp = control_plane (f);
  JdFleetWindow *window;
  GtkColumnView *view;
  GtkSelectionModel *selection;
  AdwMessageDialog *dialog = NULL;

  create_job (f, "bulk");
  window = jd_fleet_window_new (NULL, cp, "bulk");
  jd_fleet_window_set_poll_bounds (window, 100, 400);
  gtk_window_present (GTK_WINDOW (window));
  view = GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW));
  g_object_set_data (G_OBJECT (window), "test-view", view);
  WAIT_UNTIL (n_shown (window) == N_THINGS, 10000);

  /* Nothing selected: the actions are off. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "fleet.cancel-selected", NULL) &&
                  find_dialog () != NULL);

  selection = gtk_column_view_get_model (view);
  gtk_selection_model_select_range (selection, 0, 3, TRUE);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (window), "3 selected"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "fleet.cancel-selected", NULL));
  WAIT_UNTIL ((dialog = find_dialog ()) != NULL, 5000);
  adw_message_dialog_response (dialog, "confirm");
  /* The toast says so once the three cancels are answered (looked for first:
   * a toast goes after a few seconds, and the checks below take time under
   * sanitizers). */
  WAIT_UNTIL (jd_test_ui_tree_shows (GTK_WIDGET (window), "Canceled 3 executions"), 10000);

  for (guint i = 0; i < N_THINGS; i++)
    {
      JdExecutionStatus want = i < 3 ? JD_EXECUTION_STATUS_CANCELED : JD_EXECUTION_STATUS_QUEUED;
      g_autoptr(GError) error = NULL;
      JdStoreExecution *e;
      gint64 deadline = g_get_monotonic_time () + (gint64) 10 * jd_test_slowdown () * G_USEC_PER_SEC;

      for (;;)
        {
          e = jd_store_get_execution (store (f), f->things[i], "bulk", -1, &error);
          g_assert_no_error (error);
          if (e->status == want || g_get_monotonic_time () > deadline)
            break;
          jd_store_execution_free (e);
          jd_test_spin (20);
        }
      g_assert_cmpint (e->status, ==, want);
      jd_store_execution_free (e);
    }
  WAIT_UNTIL (jd_fleet_model_count_status (jd_fleet_window_get_model (window), JD_EXECUTION_STATUS_CANCELED) == 3,
              10000);

  gtk_window_destroy (GTK_WINDOW (window));
  jd_test_spin (50);
}

static GtkWindow *
find_history (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (JD_IS_HISTORY_WINDOW (window))
        return GTK_WINDOW (window);
    }
  return NULL;
}

/* Whether an action row in @widget's tree has a subtitle containing @words. */
static gboolean
subtitle_mentions (GtkWidget  *widget,
                   const char *words)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)) ?: "", words) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (subtitle_mentions (child, words))
      return TRUE;
  return FALSE;
}

static gboolean
reasons_mention (JdHistoryWindow *history,
                 const char         *words)
{
  g_auto(GStrv) reasons = jd_history_window_dup_reasons (history);

  for (guint i = 0; reasons[i] != NULL; i++)
    if (strstr (reasons[i], words) != NULL)
      return TRUE;
  return FALSE;
}

/* A queued execution says why it waits: another job runs on the thing. A
 * finished one shows its history with statusDetails changes and its reason. */
static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JdControlPlane) cp = control_plane (f);
  g_autoptr(JdFleet) fleet = NULL;
  JdFleetWindow *window;
  GtkColumnView *view;
  GtkWindow *history;
  JdFleetRow *row;
  GPtrArray *changes;

  create_job (f, "first");
  create_job (f, "second");
  /* Devices that never finish a step: "first" runs, "second" waits. */
  fleet = start_fleet (f, 600000, 1.0);

  window = jd_fleet_window_new (NULL, cp, "second");
  jd_fleet_window_set_poll_bounds (window, 100, 400);
  gtk_window_present (GTK_WINDOW (window));
  view = GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW));
  g_object_set_data (G_OBJECT (window), "test-view", view);
  WAIT_UNTIL (n_shown (window) == N_THINGS, 10000);

  g_signal_emit_by_name (view, "activate", 0);
  WAIT_UNTIL ((history = find_history ()) != NULL, 5000);
  WAIT_UNTIL (reasons_mention (JD_HISTORY_WINDOW (history), "Job first is in progress on this thing"), 10000);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (history), "Why Is This Still Queued?"));
  gtk_window_destroy (history);

  /* Cancel "first" on Unit00: its device moves on to "second" and reports
   * progress, which the history shows as a change of statusDetails. */
  {
    g_autoptr(GError) error = NULL;

    jd_store_job_free (jd_store_cancel_job (store (f), "first", TRUE, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  row = jd_fleet_model_lookup (jd_fleet_window_get_model (window), "Unit00");
  WAIT_UNTIL (jd_fleet_row_get_status (row) == JD_EXECUTION_STATUS_IN_PROGRESS &&
              jd_fleet_row_get_detail (row, "progress") != NULL, 15000);
  changes = jd_fleet_row_get_history (row);
  g_assert_cmpuint (changes->len, >=, 2);
  g_signal_emit_by_name (view, "activate", 0);
  WAIT_UNTIL ((history = find_history ()) != NULL, 5000);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (history), "In Progress"));
  g_assert_true (subtitle_mentions (GTK_WIDGET (history), "\nAdded: "));
  g_assert_true (subtitle_mentions (GTK_WIDGET (history), "progress="));
  gtk_window_destroy (history);

  jd_fleet_stop (fleet);
  gtk_window_destroy (GTK_WINDOW (window));
  jd_test_spin (50);
}

/* A visible label in @widget's tree whose text starts with @prefix. */
static gboolean
label_starts_with (GtkWidget  *widget,
                   const char *prefix)
{
  if (!GTK_IS_ROOT (widget) && !gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_starts_with (child, prefix))
      return TRUE;
  return FALSE;
}

static JdFleetEventsState
events_state (JdFleetWindow *window)
{
  JdFleetEvents *events = jd_fleet_window_get_events (window);

  return events != NULL ? jd_fleet_events_get_state (events) : JD_FLEET_EVENTS_STOPPED;
}

/* With the sandbox's fleet events on, the window follows them as the
 * observer identity: devices run the job and every change shows without a
 * poll (the next one is minutes away), and the mode says Live. */
static void
test_live_from_events (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JdControlPlane) cp = control_plane (f);
  g_autoptr(JdFleet) fleet = NULL;
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  JdFleetWindow *window;
  JdFleetPoller *poller;
  JdFleetEvents *events;
  JdFleetModel *model;
  guint lists, describes;

  jd_sandbox_set_fleet_events (sandbox, TRUE);
  create_job (f, "live-1");
  window = jd_fleet_window_new (NULL, cp, "live-1");
  /* The first poll fills the rows; the next would be ten minutes away (live
   * mode waits at least the upper bound). */
  jd_fleet_window_set_poll_bounds (window, 600000, 600000);
  jd_fleet_window_use_sandbox_events (window, jd_sandbox_get_data_dir (sandbox));
  gtk_window_present (GTK_WINDOW (window));
  g_object_set_data (G_OBJECT (window), "test-view", find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW));
  model = jd_fleet_window_get_model (window);
  poller = jd_fleet_window_get_poller (window);

  WAIT_UNTIL (n_shown (window) == N_THINGS && jd_fleet_poller_get_last_refresh (poller) != NULL, 10000);
  /* Subscribed; Live once the first event comes. */
  WAIT_UNTIL (events_state (window) == JD_FLEET_EVENTS_SUBSCRIBED, 10000);
  events = jd_fleet_window_get_events (window);
  lists = jd_fleet_poller_get_n_lists (poller);
  describes = jd_fleet_poller_get_n_describes (poller);
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_QUEUED), ==, N_THINGS);

  /* Devices outside the app run the job; the rows follow. */
  fleet = start_fleet (f, 100, 1.0);
  WAIT_UNTIL (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_SUCCEEDED) == N_THINGS, 20000);
  for (guint i = 0; i < N_THINGS; i++)
    {
      JdFleetRow *row = jd_fleet_model_lookup (model, f->things[i]);

      g_assert_nonnull (row);
      g_assert_nonnull (jd_fleet_row_get_detail (row, "progress"));
      g_assert_cmpuint (jd_fleet_row_get_history (row)->len, >=, 2);
    }
  /* Only events explain it: no list or describe since. */
  g_assert_cmpuint (jd_fleet_poller_get_n_lists (poller), ==, lists);
  g_assert_cmpuint (jd_fleet_poller_get_n_describes (poller), ==, describes);
  /* One terminal event each (AWS sends none for progress). */
  g_assert_cmpuint (jd_fleet_events_get_n_applied (events), >=, N_THINGS);
  g_assert_cmpuint (jd_fleet_events_get_n_rejected (events), ==, 0);
  /* Columns come from an idle callback after the key's first event. */
  WAIT_UNTIL (column_titled (GTK_COLUMN_VIEW (g_object_get_data (G_OBJECT (window), "test-view")), "progress"), 2000);
  g_assert_cmpint (jd_fleet_events_get_state (events), ==, JD_FLEET_EVENTS_LIVE);
  g_assert_true (jd_test_ui_tree_shows (GTK_WIDGET (window), "Live"));
  g_assert_false (label_starts_with (GTK_WIDGET (window), "Polling every"));
  g_assert_true (jd_fleet_poller_get_live (poller));
  g_assert_cmpuint (jd_fleet_poller_get_interval (poller), >=, JD_FLEET_POLL_LIVE_MS);

  jd_fleet_stop (fleet);
  gtk_window_destroy (GTK_WINDOW (window));
  jd_test_spin (50);
}

/* A thing's identity may not read job events: the subscription is refused
 * and the window polls, and says so. */
static void
test_polling_when_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JdControlPlane) cp = control_plane (f);
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  JdFleetWindow *window;
  JdFleetEvents *events;
  JdFleetPoller *poller;

  jd_sandbox_set_fleet_events (sandbox, TRUE);
  create_job (f, "polled-1");
  window = jd_fleet_window_new (NULL, cp, "polled-1");
  jd_fleet_window_set_poll_bounds (window, 100, 400);
  g_assert_true (jd_sandbox_get_thing_files (sandbox, f->things[N_THINGS - 1], &cert, &key));
  jd_fleet_window_set_events_identity (window, JD_SANDBOX_HOST, jd_sandbox_get_mqtt_port (sandbox),
                                       jd_sandbox_get_ca_path (sandbox), cert, key);
  gtk_window_present (GTK_WINDOW (window));
  g_object_set_data (G_OBJECT (window), "test-view", find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW));
  poller = jd_fleet_window_get_poller (window);
  events = jd_fleet_window_get_events (window);

  jd_fleet_events_set_grace (events, 1);

  /* The broker grants the subscription (mosquitto drops what the ACL
   * forbids at delivery): no event, so still polling. */
  WAIT_UNTIL (jd_fleet_events_get_state (events) == JD_FLEET_EVENTS_SUBSCRIBED, 10000);
  WAIT_UNTIL (n_shown (window) == N_THINGS, 10000);
  g_assert_false (jd_fleet_poller_get_live (poller));
  g_assert_true (label_starts_with (GTK_WIDGET (window), "Polling every"));
  g_assert_false (jd_test_ui_tree_shows (GTK_WIDGET (window), "Live"));

  /* A cancel in the service shows by polling; no event says so, and the
   * window gives up on events. */
  {
    g_autoptr(GError) error = NULL;

    jd_store_job_free (jd_store_cancel_job (store (f), "polled-1", FALSE, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  WAIT_UNTIL (jd_fleet_model_count_status (jd_fleet_window_get_model (window), JD_EXECUTION_STATUS_CANCELED) == N_THINGS,
              10000);
  WAIT_UNTIL (jd_fleet_events_get_state (events) == JD_FLEET_EVENTS_UNAVAILABLE, 10000);
  g_assert_error ((GError *) jd_fleet_events_get_error (events), JD_JOBS_ERROR, JD_JOBS_ERROR_SUBSCRIPTION_REFUSED);
  g_assert_cmpuint (jd_fleet_events_get_n_applied (events), ==, 0);
  g_assert_false (jd_fleet_poller_get_live (poller));
  g_assert_true (label_starts_with (GTK_WIDGET (window), "Polling every"));
  g_assert_false (jd_test_ui_tree_shows (GTK_WIDGET (window), "Live"));

  gtk_window_destroy (GTK_WINDOW (window));
  jd_test_spin (50);
}

/* A notification server on the private session bus (org.gtk.Notifications,
 * which GApplication's GTK backend talks to when its name has an owner):
 * what the app sent, as sent. */
typedef struct {
  GPtrArray *sent;      /* GVariant (ssa{sv}) */
  gboolean   owned;
} Notifications;

static const char notifications_xml[] =
  "<node><interface name='org.gtk.Notifications'>"
  "<method name='AddNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='a{sv}' direction='in'/></method>"
  "<method name='RemoveNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/></method>"
  "</interface></node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *path,
                         const char            *interface,
                         const char            *method,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               data)
{
  Notifications *n = data;

  if (g_str_equal (method, "AddNotification"))
    g_ptr_array_add (n->sent, g_variant_ref (parameters));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         data)
{
  ((Notifications *) data)->owned = TRUE;
}

static guint
count_fleet_windows (GtkApplication *application)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    n += JD_IS_FLEET_WINDOW (l->data);
  return n;
}

/* The watched job completes while its window is not focused: one
 * notification, with the counts, whose default action opens the view. */
static void
test_notifies_completion (Fixture       *f,
                          gconstpointer  data)
{
  static const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  g_autoptr(JdControlPlane) cp = control_plane (f);
  g_autoptr(JdFleet) fleet = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_autoptr(JdApplication) app = NULL;
  Notifications n = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref), FALSE };
  JdFleetWindow *window;
  GtkWidget *elsewhere;
  JdFleetPoller *poller;
  guint object_id, owner_id, lists;
  const char *app_id, *id, *title, *body, *action;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GVariant) target = NULL;

  g_assert_no_error (error);
  object_id = g_dbus_connection_register_object (bus, "/org/gtk/Notifications", info->interfaces[0],
                                                 &vtable, &n, NULL, &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (bus, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                           name_acquired_cb, NULL, &n, NULL);
  WAIT_UNTIL (n.owned, 5000);

  app = jd_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  create_job (f, "notify-1");
  window = jd_fleet_window_new (GTK_APPLICATION (app), cp, "notify-1");
  jd_fleet_window_set_poll_bounds (window, 100, 400);
  gtk_window_present (GTK_WINDOW (window));
  g_object_set_data (G_OBJECT (window), "test-view", find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW));
  poller = jd_fleet_window_get_poller (window);
  WAIT_UNTIL (n_shown (window) == N_THINGS && jd_fleet_window_get_job (window) != NULL, 10000);
  g_assert_cmpint (jd_job_get_status (jd_fleet_window_get_job (window)), ==, JD_JOB_STATUS_IN_PROGRESS);
  /* The user looks elsewhere: another window takes the focus. */
  elsewhere = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (elsewhere));
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (elsewhere)) && !gtk_window_is_active (GTK_WINDOW (window)), 5000);
  g_assert_cmpuint (n.sent->len, ==, 0);

  fleet = start_fleet (f, 50, 1.0);
  WAIT_UNTIL (n.sent->len > 0, 30000);
  g_variant_get (g_ptr_array_index (n.sent, 0), "(&s&s@a{sv})", &app_id, &id, &dict);
  g_assert_cmpstr (app_id, ==, g_application_get_application_id (G_APPLICATION (app)));
  g_assert_cmpstr (id, ==, "job-notify-1");
  g_assert_true (g_variant_lookup (dict, "title", "&s", &title));
  g_assert_cmpstr (title, ==, "Job notify-1 completed");
  g_assert_true (g_variant_lookup (dict, "body", "&s", &body));
  g_assert_cmpstr (body, ==, "8 succeeded, 0 failed, rejected or timed out");
  g_assert_true (g_variant_lookup (dict, "default-action", "&s", &action));
  g_assert_cmpstr (action, ==, "app.show-fleet");
  target = g_variant_lookup_value (dict, "default-action-target", NULL);
  g_assert_nonnull (target);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "notify-1");
  /* The list follows; the notification did not wait for it. */
  WAIT_UNTIL (jd_fleet_model_count_status (jd_fleet_window_get_model (window), JD_EXECUTION_STATUS_SUCCEEDED)
              == N_THINGS, 10000);

  /* Later rounds see the job completed again: no second notification. */
  lists = jd_fleet_poller_get_n_lists (poller);
  WAIT_UNTIL (jd_fleet_poller_get_n_lists (poller) >= lists + 3, 10000);
  g_assert_cmpuint (n.sent->len, ==, 1);

  /* The notification's action brings this window forward, no second one. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "show-fleet"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-fleet", g_variant_new_string ("notify-1"));
  g_assert_cmpuint (count_fleet_windows (GTK_APPLICATION (app)), ==, 1);

  jd_fleet_stop (fleet);
  gtk_window_destroy (GTK_WINDOW (elsewhere));
  gtk_window_destroy (GTK_WINDOW (window));
  jd_test_spin (50);
  g_bus_unown_name (owner_id);
  g_dbus_connection_unregister_object (bus, object_id);
  g_ptr_array_unref (n.sent);
}

static void
identity_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static JdObserverIdentity *
read_identity (const char  *dir,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  jd_observer_identity_ensure_async (dir, NULL, identity_cb, &result);
  WAIT_UNTIL (result != NULL, 5000);
  return jd_observer_identity_ensure_finish (result, error);
}

/* The app takes the observer identity from sandbox.json, as the sandbox
 * issued it: a folder with sandbox.json alone (no CA key to issue with)
 * does; a sandbox.json of an older version, without the entry, says so. */
static void
test_observer_identity (Fixture       *f,
                        gconstpointer  data)
{
  JdSandbox *sandbox = jd_test_sandbox_get_sandbox (f->sandbox);
  g_autoptr(JdSandboxInfo) info = NULL;
  g_autoptr(JdObserverIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jobdeck-observer-XXXXXX", &error);
  g_autofree char *info_path = NULL;

  g_assert_no_error (error);
  info = jd_sandbox_info_load (jd_sandbox_get_data_dir (sandbox), &error);
  g_assert_no_error (error);
  g_assert_true (jd_sandbox_info_save (info, dir, &error));
  g_assert_no_error (error);

  identity = read_identity (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (identity->host, ==, JD_SANDBOX_HOST);
  g_assert_cmpuint (identity->port, ==, jd_sandbox_get_mqtt_port (sandbox));
  g_assert_cmpstr (identity->ca_path, ==, jd_sandbox_get_ca_path (sandbox));
  g_assert_cmpstr (identity->cert_path, ==, jd_sandbox_get_observer_cert_path (sandbox));
  g_assert_cmpstr (identity->key_path, ==, jd_sandbox_get_observer_key_path (sandbox));
  g_clear_pointer (&identity, jd_observer_identity_free);

  g_clear_pointer (&info->observer_name, g_free);
  g_clear_pointer (&info->observer_certificate_path, g_free);
  g_clear_pointer (&info->observer_key_path, g_free);
  g_assert_true (jd_sandbox_info_save (info, dir, &error));
  g_assert_no_error (error);
  identity = read_identity (dir, &error);
  g_assert_null (identity);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_SANDBOX_INFO_INVALID);
  g_assert_nonnull (strstr (error->message, "older version"));

  info_path = jd_sandbox_info_dup_path (dir);
  g_assert_cmpint (g_unlink (info_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

#define DETAIL_JOB "details-1"
#define DETAIL_ROWS 300   /* more than the ~200 rows a view keeps */

static void
apply_event (JdFleetModel *model,
             guint         thing,
             guint         version,
             const char   *details)
{
  g_autofree char *json = g_strdup_printf (
    "{\"eventType\":\"JOB_EXECUTION\",\"operation\":\"updated\",\"jobId\":\"" DETAIL_JOB "\","
    "\"thingArn\":\"arn:aws:iot:us-east-1:123456789012:thing/thing-%03u\",\"status\":\"IN_PROGRESS\","
    "\"timestamp\":%u,\"executionNumber\":1,\"versionNumber\":%u,\"statusDetails\":%s}",
    thing, 1790000000 + version, version, details);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (node);
  g_assert_true (jd_fleet_model_apply_event (model, "$aws/events/jobExecution/" DETAIL_JOB "/updated",
                                             json_node_get_object (node), &error));
  g_assert_no_error (error);
}

static guint
n_columns (GtkColumnView *view)
{
  return g_list_model_get_n_items (gtk_column_view_get_columns (view));
}

static void
assert_column_title (GtkColumnView *view,
                     guint          position,
                     const char    *title)
{
  g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (gtk_column_view_get_columns (view), position);

  g_assert_nonnull (column);
  g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, title);
}

/* The first event with statusDetails makes a column per key, after the
 * five fixed ones, in the keys' order, and the cells show the values (a
 * progress value as a bar); an event with many new keys makes one column
 * each, once; rows without a key show nothing in its column. */
static void
test_detail_columns (void)
{
  g_autoptr(JdCredentials) creds = jd_credentials_new ("AKIDTEST", "test-secret", NULL, "us-east-1");
  g_autoptr(GError) error = NULL;
  /* Nobody answers: the first poll fails, the next is an hour away. */
  g_autoptr(JdControlPlane) cp = jd_control_plane_new ("us-east-1", "https://127.0.0.1:9", NULL, creds, &error);
  g_autoptr(GString) many = g_string_new ("{\"progress\":\"7/10\"");
  JdFleetWindow *window;
  GtkColumnView *view;
  JdFleetModel *model;

  g_assert_no_error (error);
  window = jd_fleet_window_new (NULL, cp, DETAIL_JOB);
  jd_fleet_window_set_poll_bounds (window, 3600 * 1000, 3600 * 1000);
  model = jd_fleet_window_get_model (window);
  for (guint i = 0; i < DETAIL_ROWS; i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"thingArn\":\"arn:aws:iot:us-east-1:123456789012:thing/thing-%03u\",\"jobExecutionSummary\":"
        "{\"status\":\"QUEUED\",\"queuedAt\":1790000000,\"lastUpdatedAt\":1790000000,\"executionNumber\":1}}", i);
      g_autoptr(JsonNode) node = json_from_string (json, NULL);
      g_autoptr(JdJobExecutionInfo) info = jd_job_execution_info_new_from_json (json_node_get_object (node),
                                                                                DETAIL_JOB, NULL, &error);

      g_assert_no_error (error);
      jd_fleet_model_merge_summary (model, info);
    }
  jd_fleet_model_flush (model);
  gtk_window_present (GTK_WINDOW (window));
  view = GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW));
  g_object_set_data (G_OBJECT (window), "test-view", view);
  WAIT_UNTIL (n_shown (window) == DETAIL_ROWS, 5000);
  jd_test_spin (100);
  g_assert_cmpuint (n_columns (view), ==, 5);

  /* The first event with details: two keys, two columns. */
  apply_event (model, 0, 2, "{\"step\":\"step 3\",\"progress\":\"40/100\"}");
  WAIT_UNTIL (n_columns (view) == 7, 2000);
  jd_test_spin (100);
  g_assert_cmpuint (n_columns (view), ==, 7);
  assert_column_title (view, 5, "progress");
  assert_column_title (view, 6, "step");
  /* The cells show the row's values: a label, and the progress as a bar's text. */
  WAIT_UNTIL (jd_test_ui_tree_shows (GTK_WIDGET (view), "step 3"), 2000);
  WAIT_UNTIL (jd_test_ui_tree_shows (GTK_WIDGET (view), "40/100"), 2000);
  g_assert_nonnull (find_widget (GTK_WIDGET (view), GTK_TYPE_PROGRESS_BAR));
  g_assert_cmpuint (jd_test_ui_count_labels (GTK_WIDGET (view), "step 3"), ==, 1);

  /* A later value replaces it in the same cell; a progress value that
   * stops being one shows as text. */
  apply_event (model, 0, 3, "{\"step\":\"step 4\",\"progress\":\"done\"}");
  WAIT_UNTIL (jd_test_ui_tree_shows (GTK_WIDGET (view), "step 4") &&
              jd_test_ui_tree_shows (GTK_WIDGET (view), "done"), 2000);
  g_assert_false (jd_test_ui_tree_shows (GTK_WIDGET (view), "step 3"));
  g_assert_false (jd_test_ui_tree_shows (GTK_WIDGET (view), "40/100"));

  /* Another row with 30 new keys at once: a column each, once, in the
   * keys' order. */
  for (guint k = 0; k < 30; k++)
    g_string_append_printf (many, ",\"k%02u\":\"value %u\"", k, k);
  g_string_append (many, "}");
  apply_event (model, 1, 2, many->str);
  /* ...and one more key while those are being added: its column comes
   * after theirs. */
  while (n_columns (view) == 7)
    g_main_context_iteration (NULL, TRUE);
  /* (One column per idle callback, not all at once.) */
  g_assert_cmpuint (n_columns (view), <, 7 + 30);
  apply_event (model, 2, 2, "{\"aa\":\"last\"}");
  WAIT_UNTIL (n_columns (view) == 7 + 30 + 1, 5000);
  jd_test_spin (100);
  g_assert_cmpuint (n_columns (view), ==, 7 + 30 + 1);
  for (guint k = 0; k < 30; k++)
    {
      g_autofree char *expected = g_strdup_printf ("k%02u", k);

      assert_column_title (view, 7 + k, expected);
    }
  assert_column_title (view, 37, "aa");
  WAIT_UNTIL (jd_test_ui_tree_shows (GTK_WIDGET (view), "value 29") &&
              jd_test_ui_tree_shows (GTK_WIDGET (view), "last") &&
              jd_test_ui_tree_shows (GTK_WIDGET (view), "7/10"), 2000);
  g_assert_cmpuint (jd_test_ui_count_labels (GTK_WIDGET (view), "value 29"), ==, 1);

  /* Counts and the status filter are the model's, as before. */
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_IN_PROGRESS), ==, 3);
  g_assert_cmpuint (jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_QUEUED), ==, DETAIL_ROWS - 3);
  g_assert_cmpuint (n_shown (window), ==, DETAIL_ROWS);

  gtk_window_destroy (GTK_WINDOW (window));
  jd_test_spin (50);
}

int
main (int   argc,
      char *argv[])
{
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run the UI tests under Xvfb (build-aux/jobdeck.sh test)\n");
      return 0;
    }
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/app/fleet-window/follows-rollout", Fixture, NULL, fixture_setup, test_follows_rollout, fixture_teardown);
  g_test_add ("/app/fleet-window/history", Fixture, NULL, fixture_setup, test_history, fixture_teardown);
  g_test_add ("/app/fleet-window/live-from-events", Fixture, NULL, fixture_setup, test_live_from_events, fixture_teardown);
  g_test_add ("/app/fleet-window/polling-when-refused", Fixture, NULL, fixture_setup, test_polling_when_refused,
              fixture_teardown);
  g_test_add ("/app/fleet-window/notifies-completion", Fixture, NULL, fixture_setup, test_notifies_completion,
              fixture_teardown);
  g_test_add ("/app/fleet-window/bulk-cancel", Fixture, NULL, fixture_setup, test_bulk_cancel, fixture_teardown);
  g_test_add ("/app/fleet-window/observer-identity", Fixture, NULL, fixture_setup, test_observer_identity,
              fixture_teardown);
  g_test_add_func ("/app/fleet-window/detail-columns", test_detail_columns);

  return g_test_run ();
}
