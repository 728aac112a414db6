/* test-live.c — the window stays live and right on a real local sandbox
 * (mosquitto + the jobs service, started by the app, time scaled so a
 * one-minute step timeout runs out in six seconds), driven as a person would:
 * documents arrive without asking, relative times and the countdown tick (and
 * nothing ticks when nothing shows a time), Started fills in, a live timeout
 * moves the Next marker where `$next` points and says so in a toast and under
 * Recent, the focused row is the one acted on, Fail sends a reason, dialogs
 * open on their first field, toasts stay off the action bar, a narrow window
 * opens details with one click, and the Events view searches, exports what it
 * shows, keeps the newest event in sight and keeps its history. An
 * execution's history and why a queued one still waits show in its details.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <gtksourceview/gtksource.h>

#include "jd-application.h"
#include "jd-cells.h"
#include "jd-codesign.h"
#include "jd-events-view.h"
#include "jd-execution-details.h"
#include "jd-file-store.h"
#include "jd-sandbox-session.h"
#include "jd-test-ui.h"
#include "jd-update-dialog.h"
#include "jd-window.h"

static JdApplication *app;
static JdWindow *window;

/* ---- helpers ---- */

static JdSession *
session (void)
{
  return jd_window_get_session (window);
}

static JdDeviceView *
device_view (void)
{
  return jd_window_get_device_view (window);
}

static JdEventsView *
events_view (void)
{
  return JD_EVENTS_VIEW (jd_window_get_events_view (window));
}

static JdJobsClient *
client (void)
{
  return jd_session_get_jobs_client (session ());
}

static gboolean
session_connected (gpointer data)
{
  JdSession *s = session ();

  return s != NULL && jd_session_get_state (s) == JD_SESSION_STATE_CONNECTED &&
         jd_session_get_control_plane (s) != NULL &&
         jd_jobs_client_get_synced (jd_session_get_jobs_client (s));
}

static JdExecution *
find_pending (const char *job_id)
{
  GListModel *model = jd_device_view_get_model (device_view ());

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(JdExecution) e = g_list_model_get_item (model, i);

      if (g_strcmp0 (jd_execution_get_job_id (e), job_id) == 0)
        return e;
    }
  return NULL;
}

static JdExecution *
find_recent (const char *job_id)
{
  GListModel *model = jd_device_view_get_recent (device_view ());

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(JdExecution) e = g_list_model_get_item (model, i);

      if (g_strcmp0 (jd_execution_get_job_id (e), job_id) == 0)
        return e;
    }
  return NULL;
}

static gboolean
pending_present (gpointer data)
{
  return find_pending (data) != NULL;
}

static gboolean
pending_gone (gpointer data)
{
  return find_pending (data) == NULL;
}

static gboolean
shows (gpointer data)
{
  return jd_test_ui_tree_shows (GTK_WIDGET (window), data);
}

static GtkWidget *
find_widget (GtkWidget *root,
             gboolean (*match) (GtkWidget *widget, gpointer data),
             gpointer   data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_type (GtkWidget *widget,
         gpointer   data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data)) && gtk_widget_get_mapped (widget);
}

static gboolean
has_css_name (GtkWidget *widget,
              gpointer   data)
{
  return g_strcmp0 (gtk_widget_get_css_name (widget), data) == 0 && gtk_widget_get_mapped (widget);
}

static gboolean
shows_execution (GtkWidget *widget,
                 gpointer   data)
{
  return g_object_get_data (G_OBJECT (widget), "jd-execution") == data;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

typedef struct {
  gboolean  done;
  GError   *error;
  gpointer  result;
} Result;

static gboolean
result_done (gpointer data)
{
  return ((Result *) data)->done;
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;

  r->result = jd_control_plane_create_job_finish (JD_CONTROL_PLANE (object), result, &r->error);
  r->done = TRUE;
}

static void
updated_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;

  r->result = jd_jobs_client_update_finish (JD_JOBS_CLIENT (object), result, &r->error);
  r->done = TRUE;
}

static void
described_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *r = user_data;

  r->result = jd_jobs_client_describe_finish (JD_JOBS_CLIENT (object), result, &r->error);
  r->done = TRUE;
}

static void
described_info_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Result *r = user_data;

  r->result = jd_control_plane_describe_job_execution_finish (JD_CONTROL_PLANE (object), result, &r->error);
  r->done = TRUE;
}

static gboolean
all_documents (gpointer data)
{
  GListModel *model = jd_device_view_get_model (device_view ());

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(JdExecution) e = g_list_model_get_item (model, i);

      if (jd_execution_get_job_document (e) == NULL)
        return FALSE;
    }
  return g_list_model_get_n_items (model) > 0;
}

/* ---- tests ---- */

/* Three jobs made at once by the operator; every pending execution's job
 * document arrives without anyone asking (only the head's came with
 * notify-next before). */
static void
test_documents (void)
{
  g_autofree char *arn = NULL;
  const char *ids[] = { "Job1", "Job2", "Job3" };
  Result r[3] = { { 0 } };

  g_application_activate (G_APPLICATION (app));
  window = JD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  g_assert_true (jd_test_ui_wait_for (session_connected, NULL, 30000));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "device");

  arn = jd_session_dup_thing_arn (session (), "MyThing");
  g_assert_nonnull (arn);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      const char *targets[] = { arn, NULL };
      g_autofree char *document = g_strdup_printf ("{\"operation\":\"step-%u\"}", i + 1);

      jd_control_plane_create_job_async (jd_session_get_control_plane (session ()), ids[i], targets, document,
                                         NULL, JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, created_cb, &r[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_assert_true (jd_test_ui_wait_for (result_done, &r[i], 10000));
      g_assert_no_error (r[i].error);
      g_clear_object (&r[i].result);
      g_assert_true (jd_test_ui_wait_for (pending_present, (gpointer) ids[i], 10000));
    }

  g_assert_true (jd_test_ui_wait_for (all_documents, NULL, 10000));
  g_assert_false (jd_test_ui_tree_shows (GTK_WIDGET (window), "(not loaded yet — Reload asks for it)"));
}

/* Relative times tick with the one clock, which runs no timer when nothing
 * shows a relative time. */
static void
test_clock (void)
{
  JdClock *clock = jd_clock_get_default ();

  jd_test_ui_spin (200);
  g_assert_cmpuint (jd_clock_get_interval (clock), >, 0);
  g_assert_false (shows ((gpointer) "5 min ago"));

  /* Five minutes on: the table's Queued cells and the pane say so. */
  jd_clock_set_offset_for_tests (clock, 5 * G_TIME_SPAN_MINUTE);
  jd_test_ui_spin (50);
  g_assert_cmpuint (jd_test_ui_count_labels (GTK_WIDGET (device_view ()), "5 min ago"), >=, 3);
  g_assert_true (shows ((gpointer) "5 min ago"));
  jd_clock_set_offset_for_tests (clock, 0);
  jd_test_ui_spin (50);
  g_assert_false (shows ((gpointer) "5 min ago"));

  /* The Events view shows clock times only: nothing watches, no timer. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "events");
  jd_test_ui_spin (200);
  g_assert_cmpuint (jd_clock_get_n_watches (clock), ==, 0);
  g_assert_cmpuint (jd_clock_get_interval (clock), ==, 0);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "device");
  jd_test_ui_spin (200);
  g_assert_cmpuint (jd_clock_get_interval (clock), ==, 30);
}

static gboolean
started_known (gpointer data)
{
  JdExecution *e = find_pending (data);

  return e != NULL && jd_execution_get_started_at (e) != NULL;
}

static AdwActionRow *
details_row (const char *title)
{
  GtkWidget *details = find_widget (GTK_WIDGET (device_view ()), is_type,
                                    GSIZE_TO_POINTER (JD_TYPE_EXECUTION_DETAILS));

  {
    GtkWidget *stack[256];
    guint n = 0;

    if (details == NULL)
      return NULL;
    stack[n++] = details;
    while (n > 0)
      {
        GtkWidget *w = stack[--n];

        if (ADW_IS_ACTION_ROW (w) &&
            g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0)
          return ADW_ACTION_ROW (w);
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL && n < G_N_ELEMENTS (stack);
             c = gtk_widget_get_next_sibling (c))
          stack[n++] = c;
      }
  }
  return NULL;
}

/* Start: "Started" fills in at once, in the model and in the pane. */
static void
test_started (void)
{
  AdwActionRow *row;

  g_assert_true (jd_device_view_select_job (device_view (), "Job1"));
  gtk_widget_activate_action (GTK_WIDGET (device_view ()), "exec.start", NULL);
  g_assert_true (jd_test_ui_wait_for (started_known, (gpointer) "Job1", 5000));
  jd_test_ui_spin (50);

  row = details_row ("Started");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "just now");
}

static gboolean
is_next_and_head (gpointer data)
{
  GListModel *model = jd_device_view_get_model (device_view ());
  g_autoptr(JdExecution) head = g_list_model_get_n_items (model) ? g_list_model_get_item (model, 0) : NULL;

  return head != NULL && g_strcmp0 (jd_execution_get_job_id (head), data) == 0 &&
         jd_execution_get_is_next (head);
}

static gboolean
recent_has_timed_out (gpointer data)
{
  JdExecution *e = find_recent (data);

  return e != NULL && jd_execution_get_status (e) == JD_EXECUTION_STATUS_TIMED_OUT;
}

/* A one-minute step timeout (six seconds here): the pane counts down every
 * second; when it runs out the execution leaves with a toast, waits under
 * Recent, and the Next marker is where `$next` points. */
static void
test_timeout (void)
{
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;
  Result r = { 0 };
  Result next = { 0 };
  AdwActionRow *row;
  g_autofree char *first = NULL;
  int first_seconds = 0, later_seconds = 0;

  options.step_timeout_in_minutes = 1;
  options.include_job_execution_state = TRUE;
  jd_jobs_client_update_async (client (), "Job1", JD_EXECUTION_STATUS_IN_PROGRESS, &options, NULL, updated_cb, &r);
  g_assert_true (jd_test_ui_wait_for (result_done, &r, 5000));
  g_assert_no_error (r.error);
  g_clear_object (&r.result);

  /* The reply's approximateSecondsBeforeTimedOut may come by a describe. */
  jd_jobs_client_describe_async (client (), "Job1", -1, FALSE, NULL, described_cb, &next);
  g_assert_true (jd_test_ui_wait_for (result_done, &next, 5000));
  g_clear_object (&next.result);
  memset (&next, 0, sizeof next);
  jd_test_ui_spin (50);

  row = details_row ("Times Out In");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row)));
  g_assert_cmpuint (jd_clock_get_interval (jd_clock_get_default ()), ==, 1);
  first = g_strdup (adw_action_row_get_subtitle (row));
  g_assert_cmpint (sscanf (first, "About %d", &first_seconds), ==, 1);
  jd_test_ui_spin (2200);
  g_assert_cmpint (sscanf (adw_action_row_get_subtitle (row), "About %d", &later_seconds), ==, 1);
  g_assert_cmpint (later_seconds, <, first_seconds);

  /* It runs out: gone, said, kept, and Job2 is next, as `$next` says. */
  g_assert_true (jd_test_ui_wait_for (pending_gone, (gpointer) "Job1", 15000));
  g_assert_true (jd_test_ui_wait_for (shows, (gpointer) "Job1 timed out", 5000));
  g_assert_true (jd_test_ui_wait_for (recent_has_timed_out, (gpointer) "Job1", 5000));
  g_assert_true (jd_test_ui_wait_for (is_next_and_head, (gpointer) "Job2", 5000));
  g_assert_false (jd_execution_get_is_next (find_pending ("Job3")));

  jd_jobs_client_describe_async (client (), "$next", -1, FALSE, NULL, described_cb, &next);
  g_assert_true (jd_test_ui_wait_for (result_done, &next, 5000));
  g_assert_no_error (next.error);
  g_assert_cmpstr (jd_execution_get_job_id (next.result), ==, "Job2");
  g_clear_object (&next.result);

  /* Recent opens it. */
  g_assert_true (jd_device_view_show_recent (device_view (), "Job1"));
  jd_test_ui_spin (50);
  g_assert_cmpstr (jd_execution_get_job_id (jd_device_view_get_selected_execution (device_view ())), ==, "Job1");
  g_assert_true (jd_test_ui_wait_for (shows, (gpointer) "Timed Out", 2000));
  g_assert_true (jd_device_view_select_job (device_view (), "Job2"));
}

static gboolean
status_is (gpointer data)
{
  JdExecution *e = find_pending ("Job3");

  return e != NULL && (int) jd_execution_get_status (e) == GPOINTER_TO_INT (data);
}

/* The focused row is the selected one, and the one actions act on. */
static void
test_focus (void)
{
  JdExecution *job3 = find_pending ("Job3");
  GtkWidget *cell, *row;

  g_assert_true (jd_device_view_select_job (device_view (), "Job2"));
  jd_test_ui_spin (50);
  cell = find_widget (GTK_WIDGET (device_view ()), shows_execution, job3);
  g_assert_nonnull (cell);
  /* Up from the cell to the focusable row. */
  for (row = cell; row != NULL && !gtk_widget_get_focusable (row); row = gtk_widget_get_parent (row))
    ;
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_grab_focus (row));
  jd_test_ui_spin (50);
  g_assert_true (jd_device_view_get_selected_execution (device_view ()) == job3);

  gtk_widget_activate_action (GTK_WIDGET (device_view ()), "exec.start", NULL);
  g_assert_true (jd_test_ui_wait_for (status_is, GINT_TO_POINTER (JD_EXECUTION_STATUS_IN_PROGRESS), 5000));
  g_assert_cmpint (jd_execution_get_status (find_pending ("Job2")), ==, JD_EXECUTION_STATUS_QUEUED);

  /* Why is Job2 still queued? Job3, in progress, is ahead of it. */
  g_assert_true (jd_device_view_select_job (device_view (), "Job2"));
  g_assert_true (jd_test_ui_wait_for (shows, (gpointer) "1 execution ahead of it in $next order, 1 of them in "
                                      "progress: the device finishes those first.", 3000));
}

/* Another row: the pane starts from the top. */
static void
test_details_scroll (void)
{
  GtkWidget *details = find_widget (GTK_WIDGET (device_view ()), is_type,
                                    GSIZE_TO_POINTER (JD_TYPE_EXECUTION_DETAILS));
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (find_widget (details, is_type,
                                                                  GSIZE_TO_POINTER (GTK_TYPE_SCROLLED_WINDOW)));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 400);
  jd_test_ui_spin (300);
  g_assert_true (jd_device_view_select_job (device_view (), "Job2"));
  jd_test_ui_spin (100);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment), >, 50);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 50);

  g_assert_true (jd_device_view_select_job (device_view (), "Job3"));
  jd_test_ui_spin (100);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  jd_test_ui_spin (200);
}

/* A dialog's focus is set once it is shown, which takes longer under load. */
static gboolean
has_focus (gpointer dialog)
{
  return gtk_window_get_focus (dialog) != NULL;
}

/* The Update dialog opens on its first field, the status. */
static void
test_dialog_focus (void)
{
  GtkWindow *dialog;
  GtkWidget *focus;
  GtkWidget *status_row;

  gtk_widget_activate_action (GTK_WIDGET (device_view ()), "exec.update", NULL);
  g_assert_true (jd_test_ui_wait_for (dialog_shown, GSIZE_TO_POINTER (JD_TYPE_UPDATE_DIALOG), 5000));
  dialog = find_toplevel (JD_TYPE_UPDATE_DIALOG);
  g_assert_true (jd_test_ui_wait_for (has_focus, dialog, 5000));
  focus = gtk_window_get_focus (dialog);
  status_row = find_widget (GTK_WIDGET (dialog), is_type, GSIZE_TO_POINTER (ADW_TYPE_COMBO_ROW));
  g_assert_nonnull (focus);
  g_assert_nonnull (status_row);
  g_assert_true (focus == status_row || gtk_widget_is_ancestor (focus, status_row));
  gtk_window_destroy (dialog);
  jd_test_ui_spin (50);
}

static gboolean
recent_failed (gpointer data)
{
  JdExecution *e = find_recent (data);

  return e != NULL && jd_execution_get_status (e) == JD_EXECUTION_STATUS_FAILED;
}

/* Fail asks for a reason and sends it as statusDetails "reason". */
/* Asked of the entry's own text widget, never through the window's focus
 * pointer: while the dialog is being mapped, GTK 4.8 can hand out a focus
 * widget that is already gone (a CI run saw gtk_widget_is_ancestor refuse
 * it). */
static gboolean
focus_in_entry (gpointer data)
{
  GtkWidget *entry = g_object_get_data (G_OBJECT (data), "jd-entry");
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (entry));

  return gtk_widget_has_focus (entry) || (text != NULL && gtk_widget_has_focus (GTK_WIDGET (text)));
}

static void
test_fail_reason (void)
{
  GtkWindow *dialog;
  GtkWidget *entry;
  Result r = { 0 };
  JdJobExecutionInfo *info;

  g_assert_true (jd_device_view_select_job (device_view (), "Job3"));
  gtk_widget_activate_action (GTK_WIDGET (device_view ()), "exec.fail", NULL);
  g_assert_true (jd_test_ui_wait_for (dialog_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000));
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_true (jd_test_ui_wait_for (has_focus, dialog, 5000));
  entry = find_widget (GTK_WIDGET (dialog), is_type, GSIZE_TO_POINTER (GTK_TYPE_ENTRY));
  g_assert_nonnull (entry);
  /* It opens on the reason (the focus is set once the dialog is mapped,
   * which may come after it is active). */
  g_object_set_data (G_OBJECT (dialog), "jd-entry", entry);
  g_assert_true (jd_test_ui_wait_for (focus_in_entry, dialog, 5000));
  gtk_editable_set_text (GTK_EDITABLE (entry), "disk full");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "fail");

  g_assert_true (jd_test_ui_wait_for (pending_gone, (gpointer) "Job3", 10000));
  g_assert_true (jd_test_ui_wait_for (shows, (gpointer) "Job3 failed", 5000));
  g_assert_true (jd_test_ui_wait_for (recent_failed, (gpointer) "Job3", 5000));

  /* Its history: queued, started, failed with the reason added; the reason
   * stands out. */
  g_assert_true (jd_device_view_show_recent (device_view (), "Job3"));
  /* The history follows the failed update's notifications: wait for it. */
  g_assert_true (jd_test_ui_wait_for (shows, (gpointer) "disk full", 5000));
  g_assert_true (shows ((gpointer) "History"));
  g_assert_true (shows ((gpointer) "Queued · version 1"));
  g_assert_true (shows ((gpointer) "In Progress · version 2"));
  {
    GtkWidget *details = find_widget (GTK_WIDGET (device_view ()), is_type,
                                      GSIZE_TO_POINTER (JD_TYPE_EXECUTION_DETAILS));
    GtkWidget *stack[512];
    guint n = 0;
    gboolean found = FALSE;

    stack[n++] = details;
    while (n > 0 && !found)
      {
        GtkWidget *w = stack[--n];

        if (ADW_IS_ACTION_ROW (w) &&
            g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), "Failed · version") &&
            strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (w)), "+ reason=disk full") != NULL)
          found = TRUE;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL && n < G_N_ELEMENTS (stack);
             c = gtk_widget_get_next_sibling (c))
          stack[n++] = c;
      }
    g_assert_true (found);
  }

  jd_control_plane_describe_job_execution_async (jd_session_get_control_plane (session ()), "MyThing", "Job3", -1,
                                                 NULL, described_info_cb, &r);
  g_assert_true (jd_test_ui_wait_for (result_done, &r, 5000));
  g_assert_no_error (r.error);
  info = r.result;
  g_assert_cmpstr (g_hash_table_lookup (jd_job_execution_info_get_status_details (info), "reason"), ==,
                   "disk full");
  g_object_unref (info);
}

/* A toast sits above the details' action bar, not on it. */
static void
test_toast_placement (void)
{
  GtkWidget *toast, *bar;
  graphene_rect_t toast_bounds, bar_bounds;

  g_assert_true (jd_device_view_select_job (device_view (), "Job2"));
  jd_window_add_toast (window, "Placement");
  jd_test_ui_spin (600);
  toast = find_widget (GTK_WIDGET (window), has_css_name, (gpointer) "toast");
  bar = find_widget (GTK_WIDGET (device_view ()), is_type, GSIZE_TO_POINTER (GTK_TYPE_ACTION_BAR));
  g_assert_nonnull (toast);
  g_assert_nonnull (bar);
  g_assert_true (gtk_widget_compute_bounds (toast, GTK_WIDGET (window), &toast_bounds));
  g_assert_true (gtk_widget_compute_bounds (bar, GTK_WIDGET (window), &bar_bounds));
  g_assert_cmpfloat (toast_bounds.origin.y + toast_bounds.size.height, <=, bar_bounds.origin.y);
}

static gboolean
folded (gpointer data)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (find_widget (GTK_WIDGET (device_view ()), is_type,
                                                  GSIZE_TO_POINTER (ADW_TYPE_LEAFLET)));

  return leaflet != NULL && adw_leaflet_get_folded (leaflet) == GPOINTER_TO_INT (data);
}

/* At 360 px: one click opens a row's details; only the essential columns. */
static void
test_narrow (void)
{
  GtkColumnView *view;
  GListModel *columns;
  AdwLeaflet *leaflet;
  guint visible = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 700);
  g_assert_true (jd_test_ui_wait_for (folded, GINT_TO_POINTER (TRUE), 5000));
  jd_test_ui_spin (200);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, 360);

  leaflet = ADW_LEAFLET (find_widget (GTK_WIDGET (device_view ()), is_type, GSIZE_TO_POINTER (ADW_TYPE_LEAFLET)));
  adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  jd_test_ui_spin (400);
  view = GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (device_view ()), is_type,
                                       GSIZE_TO_POINTER (GTK_TYPE_COLUMN_VIEW)));
  g_assert_nonnull (view);
  g_assert_true (gtk_column_view_get_single_click_activate (view));
  columns = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (gtk_column_view_column_get_visible (column))
        {
          visible++;
          g_assert_true (g_str_equal (gtk_column_view_column_get_title (column), "Job") ||
                         g_str_equal (gtk_column_view_column_get_title (column), "Status"));
        }
    }
  g_assert_cmpuint (visible, ==, 2);

  g_signal_emit_by_name (view, "activate", 0);
  jd_test_ui_spin (400);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "details");

  /* The Events table keeps Time, direction and Kind; nothing cut off. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "events");
  jd_test_ui_spin (400);
  view = GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (events_view ()), is_type,
                                       GSIZE_TO_POINTER (GTK_TYPE_COLUMN_VIEW)));
  columns = gtk_column_view_get_columns (view);
  {
    int width = 0;

    for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

        if (gtk_column_view_column_get_visible (column))
          width += gtk_column_view_column_get_fixed_width (column);
        else
          g_assert_true (g_str_equal (gtk_column_view_column_get_title (column), "Job") ||
                         g_str_equal (gtk_column_view_column_get_title (column), "Topic"));
      }
    g_assert_cmpint (width, <=, gtk_widget_get_width (GTK_WIDGET (view)));
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "device");

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  g_assert_true (jd_test_ui_wait_for (folded, GINT_TO_POINTER (FALSE), 5000));
  jd_test_ui_spin (200);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    if (*p == '\n')
      n++;
  return n;
}

static gboolean
file_has_lines (gpointer data)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (data, &text, NULL, NULL) && count_lines (text) > 0;
}

/* Search, a job-id column, export of what is shown (every line parsed on its
 * own), and a placeholder that is not highlighted as JSON. */
static void
test_events (void)
{
  JdEventsView *view = events_view ();
  g_autofree char *jsonl = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "jobdeck-live-export.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *written = NULL;
  GtkSourceView *payload;
  guint all, shown;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "events");
  jd_test_ui_spin (200);

  payload = GTK_SOURCE_VIEW (find_widget (GTK_WIDGET (view), is_type, GSIZE_TO_POINTER (GTK_SOURCE_TYPE_VIEW)));
  g_assert_nonnull (payload);
  g_assert_false (gtk_source_buffer_get_highlight_syntax (
                    GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (payload)))));

  all = jd_events_view_get_n_shown (view);
  g_assert_cmpuint (all, >, 5);
  jd_events_view_set_search (view, "job3");
  shown = jd_events_view_get_n_shown (view);
  g_assert_cmpuint (shown, >, 0);
  g_assert_cmpuint (shown, <, all);
  g_assert_true (jd_test_ui_wait_for (shows, (gpointer) "Job3", 2000));

  jsonl = jd_events_view_export_text (view, JD_EVENTS_EXPORT_JSON_LINES);
  g_assert_cmpuint (count_lines (jsonl), ==, shown);
  lines = g_strsplit (jsonl, "\n", -1);
  for (guint i = 0; i < shown; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (lines[i], NULL);
      JsonObject *object;

      g_assert_nonnull (node);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      object = json_node_get_object (node);
      g_assert_true (json_object_has_member (object, "topic"));
      g_assert_true (json_object_has_member (object, "payload"));
      g_assert_null (strchr (lines[i], '\n'));
    }
  g_assert_cmpstr (lines[shown], ==, "");

  csv = jd_events_view_export_text (view, JD_EVENTS_EXPORT_CSV);
  g_assert_true (g_str_has_prefix (csv, "time,direction,kind,job_id,topic,payload\r\n"));
  g_assert_cmpuint (count_lines (csv), ==, shown + 1);

  /* The window's export writes the same, without blocking. */
  g_unlink (path);
  jd_window_export_events_to (window, file);
  g_assert_true (jd_test_ui_wait_for (file_has_lines, path, 5000));
  jd_test_ui_spin (100);
  g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, jsonl);
  g_unlink (path);

  jd_events_view_set_search (view, NULL);
  g_assert_cmpuint (jd_events_view_get_n_shown (view), ==, all);
}

static GtkAdjustment *
events_adjustment (void)
{
  GtkWidget *column_view = find_widget (GTK_WIDGET (events_view ()), is_type,
                                        GSIZE_TO_POINTER (GTK_TYPE_COLUMN_VIEW));

  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (column_view));
}

static gboolean
n_new_at_least (gpointer data)
{
  return jd_events_view_get_n_new (events_view ()) >= GPOINTER_TO_UINT (data);
}

static void
make_events (guint n)
{
  for (guint i = 0; i < n; i++)
    {
      Result r = { 0 };

      jd_jobs_client_describe_async (client (), "Job2", -1, FALSE, NULL, described_cb, &r);
      g_assert_true (jd_test_ui_wait_for (result_done, &r, 5000));
      g_clear_object (&r.result);
      g_clear_error (&r.error);
    }
}

static gboolean
adjustment_at_top (gpointer adjustment)
{
  return gtk_adjustment_get_value (adjustment) < 1;
}

/* At the top, the newest event stays in sight; scrolled away, a button
 * counts what came and brings it back. */
static void
test_events_newest (void)
{
  GtkAdjustment *adjustment;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 500);
  make_events (20);
  jd_test_ui_spin (300);
  adjustment = events_adjustment ();
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment) + 100);

  gtk_adjustment_set_value (adjustment, 0);
  jd_test_ui_spin (100);
  make_events (3);
  jd_test_ui_spin (300);
  g_assert_true (jd_events_view_get_at_top (events_view ()));
  g_assert_true (jd_test_ui_wait_for (adjustment_at_top, adjustment, 3000));
  g_assert_cmpuint (jd_events_view_get_n_new (events_view ()), ==, 0);

  gtk_adjustment_set_value (adjustment, 120);
  jd_test_ui_spin (100);
  make_events (2);
  g_assert_true (jd_test_ui_wait_for (n_new_at_least, GUINT_TO_POINTER (4), 3000));
  g_assert_true (jd_test_ui_wait_for (shows, (gpointer) "4 new events", 3000));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 50);

  /* The button brings the newest back. */
  {
    GtkWidget *button = find_widget (GTK_WIDGET (events_view ()), is_type, GSIZE_TO_POINTER (GTK_TYPE_REVEALER));

    g_assert_nonnull (button);
    g_signal_emit_by_name (gtk_revealer_get_child (GTK_REVEALER (button)), "clicked");
  }
  g_assert_true (jd_test_ui_wait_for (adjustment_at_top, adjustment, 3000));
  g_assert_cmpuint (jd_events_view_get_n_new (events_view ()), ==, 0);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
}

static gboolean
log_has_at_least (gpointer data)
{
  JdEventLog *log = g_object_get_data (data, "log");
  guint want = GPOINTER_TO_UINT (g_object_get_data (data, "want"));

  return g_list_model_get_n_items (G_LIST_MODEL (log)) >= want;
}

/* The history goes to a file (off the main loop) and comes back into a new
 * log, bounded by its cap. */
static void
test_history (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "jobdeck", "events", "MyThing.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *text = NULL;
  g_autoptr(JdEventLog) log = jd_event_log_new (0);
  g_autoptr(JdEventLog) small = jd_event_log_new (5);
  GtkWidget *view;
  guint lines;

  jd_events_view_save_history (events_view ());
  g_assert_true (jd_test_ui_wait_for (file_has_lines, path, 5000));
  jd_test_ui_spin (300);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = count_lines (text);
  g_assert_cmpuint (lines, >, 20);

  view = g_object_ref_sink (jd_events_view_new ());
  jd_events_view_set_event_log (JD_EVENTS_VIEW (view), log);
  jd_events_view_set_history_file (JD_EVENTS_VIEW (view), file);
  g_object_set_data (G_OBJECT (view), "log", log);
  g_object_set_data (G_OBJECT (view), "want", GUINT_TO_POINTER (lines));
  g_assert_true (jd_test_ui_wait_for (log_has_at_least, view, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, lines);

  /* Bounded: a log of five keeps the newest five. */
  jd_events_view_set_history_file (JD_EVENTS_VIEW (view), NULL);
  jd_events_view_set_event_log (JD_EVENTS_VIEW (view), small);
  jd_events_view_set_history_file (JD_EVENTS_VIEW (view), file);
  g_object_set_data (G_OBJECT (view), "log", small);
  g_object_set_data (G_OBJECT (view), "want", GUINT_TO_POINTER (5));
  g_assert_true (jd_test_ui_wait_for (log_has_at_least, view, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (small)), ==, 5);
  {
    g_autoptr(JdEvent) newest = g_list_model_get_item (G_LIST_MODEL (small), 4);
    g_autoptr(JdEvent) from_file = g_list_model_get_item (G_LIST_MODEL (log), lines - 1);

    g_assert_cmpstr (jd_event_get_topic (newest), ==, jd_event_get_topic (from_file));
    g_assert_true (g_date_time_equal (jd_event_get_time (newest), jd_event_get_time (from_file)));
  }

  jd_events_view_set_history_file (JD_EVENTS_VIEW (view), NULL);
  g_object_unref (view);
}

static gboolean
window_gone (gpointer data)
{
  return window == NULL;
}

static gboolean
is_type_anywhere (GtkWidget *widget,
                  gpointer   data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

static gboolean
signed_files_failed (gpointer data)
{
  GtkWidget *details = find_widget (GTK_WIDGET (device_view ()), is_type_anywhere,
                                    GSIZE_TO_POINTER (JD_TYPE_EXECUTION_DETAILS));

  g_assert_nonnull (details);
  return jd_signed_files_get_state (jd_execution_details_get_signed_files (JD_EXECUTION_DETAILS (details))) ==
         JD_SIGNED_FILES_FAILED;
}

/* The shown message dialog with @heading (an earlier test's may still be
 * open: adw_message_dialog_response() does not close it). */
static GtkWindow *
find_message_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), heading) == 0)
        return w;
    }
  return NULL;
}

static gboolean
message_dialog_shown (gpointer heading)
{
  return find_message_dialog (heading) != NULL;
}

static gboolean
recent_rejected (gpointer data)
{
  JdExecution *e = find_recent (data);

  return e != NULL && jd_execution_get_status (e) == JD_EXECUTION_STATUS_REJECTED;
}

/* Issue 13: Start on a job whose signed file does not verify asks first;
 * Reject, the default, reports REJECTED with reason sig_check_failed. */
static void
test_signed_start (void)
{
  g_autofree char *arn = jd_session_dup_thing_arn (session (), "MyThing");
  const char *targets[] = { arn, NULL };
  Result r = { 0 };
  GtkWindow *dialog;
  JdJobExecutionInfo *info;

  jd_control_plane_create_job_async (jd_session_get_control_plane (session ()), "Signed1", targets,
                                     "{\"afr_ota\":{\"protocols\":[\"HTTP\"],\"files\":[{\"filepath\":\"/fw/app.bin\","
                                     "\"filesize\":4,\"fileid\":0,\"certfile\":\"cs.pem\","
                                     "\"update_data_url\":\"https://127.0.0.1:1/app.bin\","
                                     "\"auth_scheme\":\"aws.s3.presigned\",\"sig-sha256-ecdsa\":\"Zg===\"}]}}",
                                     NULL, JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, created_cb, &r);
  g_assert_true (jd_test_ui_wait_for (result_done, &r, 10000));
  g_assert_no_error (r.error);
  g_clear_object (&r.result);
  g_assert_true (jd_test_ui_wait_for (pending_present, (gpointer) "Signed1", 10000));
  g_assert_true (jd_device_view_select_job (device_view (), "Signed1"));
  g_assert_true (jd_test_ui_wait_for (signed_files_failed, NULL, 5000));

  gtk_widget_activate_action (GTK_WIDGET (device_view ()), "exec.start", NULL);
  g_assert_true (jd_test_ui_wait_for (message_dialog_shown, (gpointer) "Start Signed1?", 5000));
  dialog = find_message_dialog ("Start Signed1?");
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), ==, "reject");
  /* Nothing was sent yet: it is still queued. */
  g_assert_cmpint (jd_execution_get_status (find_pending ("Signed1")), ==, JD_EXECUTION_STATUS_QUEUED);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "reject");
  gtk_window_destroy (dialog);

  g_assert_true (jd_test_ui_wait_for (pending_gone, (gpointer) "Signed1", 10000));
  g_assert_true (jd_test_ui_wait_for (recent_rejected, (gpointer) "Signed1", 10000));
  /* What AWS holds: REJECTED with the reason devices give. */
  r = (Result) { 0 };
  jd_control_plane_describe_job_execution_async (jd_session_get_control_plane (session ()), "MyThing", "Signed1", -1,
                                                 NULL, described_info_cb, &r);
  g_assert_true (jd_test_ui_wait_for (result_done, &r, 5000));
  g_assert_no_error (r.error);
  info = r.result;
  g_assert_cmpint (jd_job_execution_info_get_status (info), ==, JD_EXECUTION_STATUS_REJECTED);
  g_assert_cmpstr (g_hash_table_lookup (jd_job_execution_info_get_status_details (info), "reason"), ==,
                   "sig_check_failed");
  g_object_unref (info);
}

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Result *r = user_data;

  r->result = jd_file_store_import_finish (JD_FILE_STORE (object), result, &r->error);
  r->done = TRUE;
}

static gboolean
signed_files_settled (gpointer data)
{
  GtkWidget *details = find_widget (GTK_WIDGET (device_view ()), is_type_anywhere,
                                    GSIZE_TO_POINTER (JD_TYPE_EXECUTION_DETAILS));
  JdSignedFilesState state = jd_signed_files_get_state (jd_execution_details_get_signed_files (JD_EXECUTION_DETAILS (details)));

  return state == JD_SIGNED_FILES_VERIFIED || state == JD_SIGNED_FILES_FAILED;
}

static gboolean
pending_in_progress (gpointer job_id)
{
  JdExecution *e = find_pending (job_id);

  return e != NULL && jd_execution_get_status (e) == JD_EXECUTION_STATUS_IN_PROGRESS;
}

/* Whether the service holds statusDetails progress @want for MyThing's
 * Signed2 (asked anew each time). */
static gboolean
service_progress_is (gpointer want)
{
  Result r = { 0 };
  gboolean same;

  jd_control_plane_describe_job_execution_async (jd_session_get_control_plane (session ()), "MyThing", "Signed2", -1,
                                                 NULL, described_info_cb, &r);
  g_assert_true (jd_test_ui_wait_for (result_done, &r, 5000));
  g_assert_no_error (r.error);
  same = g_strcmp0 (g_hash_table_lookup (jd_job_execution_info_get_status_details (r.result), "progress"), want) == 0
         && jd_job_execution_info_get_status (r.result) == JD_EXECUTION_STATUS_IN_PROGRESS;
  g_object_unref (r.result);
  return same;
}

/* Issue 13, end to end on the sandbox: a file in its file store, signed
 * with its code-signing identity, referenced by AWS's presigned-URL
 * placeholder; the device downloads it through the URL the service
 * substitutes, verifies it against the session's trusted certificate, and
 * Start then starts at once. */
static void
test_signed_verified (void)
{
  JdSandbox *sandbox = jd_sandbox_session_get_sandbox (JD_SANDBOX_SESSION (session ()));
  g_autoptr(JdSandboxInfo) info = jd_sandbox_dup_info (sandbox);
  g_autofree char *arn = jd_session_dup_thing_arn (session (), "MyThing");
  const char *targets[] = { arn, NULL };
  g_autofree char *path = NULL;
  g_autofree char *placeholder = NULL;
  g_autofree char *document = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(JsonNode) fragment = NULL;
  g_autoptr(GError) error = NULL;
  guint8 bytes[4096];
  Result r = { 0 };
  GtkWidget *details;
  int fd;

  g_assert_nonnull (info->codesign_certificate_path);
  g_assert_cmpstr (jd_session_get_codesign_certificate (session ()), ==, info->codesign_certificate_path);

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (guint8) g_random_int ();
  fd = g_file_open_tmp ("jobdeck-fw-XXXXXX.bin", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, (const char *) bytes, sizeof bytes, &error));
  file = g_file_new_for_path (path);
  jd_file_store_import_async (jd_sandbox_get_file_store (sandbox), file, "fw-live.bin", NULL, imported_cb, &r);
  g_assert_true (jd_test_ui_wait_for (result_done, &r, 10000));
  g_assert_no_error (r.error);
  placeholder = r.result;
  fragment = jd_codesign_sign_file (path, info->codesign_key_path, NULL, info->codesign_certificate_path,
                                    JD_CODESIGN_SHAPE_AFR_OTA, placeholder, NULL, &error);
  g_assert_no_error (error);
  document = json_to_string (fragment, FALSE);

  r = (Result) { 0 };
  jd_control_plane_create_job_async (jd_session_get_control_plane (session ()), "Signed2", targets, document,
                                     NULL, JD_TARGET_SELECTION_SNAPSHOT, 0, NULL, created_cb, &r);
  g_assert_true (jd_test_ui_wait_for (result_done, &r, 10000));
  g_assert_no_error (r.error);
  g_clear_object (&r.result);
  g_assert_true (jd_test_ui_wait_for (pending_present, (gpointer) "Signed2", 10000));
  g_assert_true (jd_device_view_select_job (device_view (), "Signed2"));

  details = find_widget (GTK_WIDGET (device_view ()), is_type_anywhere, GSIZE_TO_POINTER (JD_TYPE_EXECUTION_DETAILS));
  g_assert_nonnull (details);
  jd_signed_files_verify (jd_execution_details_get_signed_files (JD_EXECUTION_DETAILS (details)));
  g_assert_true (jd_test_ui_wait_for (signed_files_settled, NULL, 15000 * jd_test_slowdown ()));
  g_assert_cmpstr (jd_signed_files_get_problem (jd_execution_details_get_signed_files (JD_EXECUTION_DETAILS (details))),
                   ==, NULL);
  g_assert_cmpint (jd_signed_files_get_state (jd_execution_details_get_signed_files (JD_EXECUTION_DETAILS (details))),
                   ==, JD_SIGNED_FILES_VERIFIED);

  /* Verified: Start asks nothing. */
  gtk_widget_activate_action (GTK_WIDGET (device_view ()), "exec.start", NULL);
  g_assert_true (jd_test_ui_wait_for (pending_in_progress, (gpointer) "Signed2", 10000));
  g_assert_null (find_message_dialog ("Start Signed2?"));

  /* Verified again while IN_PROGRESS, as an OTA agent downloads: AWS
   * learns the download's progress in statusDetails, the whole file last. */
  jd_signed_files_verify (jd_execution_details_get_signed_files (JD_EXECUTION_DETAILS (details)));
  g_assert_true (jd_test_ui_wait_for (signed_files_settled, NULL, 15000 * jd_test_slowdown ()));
  g_assert_true (jd_test_ui_wait_for (service_progress_is, (gpointer) "4096/4096", 10000));
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = jd_test_ui_make_data_home ();
  g_autoptr(GError) error = NULL;
  int ret;

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run the UI tests under Xvfb (build-aux/jobdeck.sh test)\n");
      return 0;
    }
  g_setenv ("LANGUAGE", "C", TRUE);
  /* A minute of the sandbox's timers lasts six seconds. */
  g_setenv ("JOBDECK_TIME_SCALE", "0.1", TRUE);
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  app = jd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/app/live/documents", test_documents);
  g_test_add_func ("/app/live/clock", test_clock);
  g_test_add_func ("/app/live/started", test_started);
  g_test_add_func ("/app/live/timeout-next-recent", test_timeout);
  g_test_add_func ("/app/live/focus", test_focus);
  g_test_add_func ("/app/live/details-scroll", test_details_scroll);
  g_test_add_func ("/app/live/dialog-focus", test_dialog_focus);
  g_test_add_func ("/app/live/fail-reason", test_fail_reason);
  g_test_add_func ("/app/live/toast-placement", test_toast_placement);
  g_test_add_func ("/app/live/narrow", test_narrow);
  g_test_add_func ("/app/live/events", test_events);
  g_test_add_func ("/app/live/events-newest", test_events_newest);
  g_test_add_func ("/app/live/history", test_history);
  g_test_add_func ("/app/live/signed-start", test_signed_start);
  g_test_add_func ("/app/live/signed-verified", test_signed_verified);
  ret = g_test_run ();

  if (window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
      gtk_window_close (GTK_WINDOW (window));
      g_assert_true (jd_test_ui_wait_for (window_gone, NULL, 15000));
    }
  g_clear_object (&app);
  jd_test_ui_remove_tree (data_home);
  return ret;
}
