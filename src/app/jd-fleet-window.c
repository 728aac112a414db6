/* jd-fleet-window.c — one job across the fleet, live.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-fleet-window"

#include <string.h>

#include <glib/gi18n.h>

#include "jd-history-window.h"
#include "jd-fleet-events.h"
#include "jd-fleet-poller.h"
#include "jd-cells.h"
#include "jd-fleet-window.h"
#include "jd-format.h"
#include "jd-job-notification.h"
#include "jd-observer-identity.h"
#include "jd-segment-bar.h"
#include "jd-window.h"

#define RESOURCE_PREFIX "/io/github/jobdeck/Jobdeck"
#define N_STATUSES (JD_EXECUTION_STATUS_CANCELED + 1)
#define SUMMARY_MS 100

typedef enum {
  COLUMN_THING,
  COLUMN_STATUS,
  COLUMN_EXECUTION,
  COLUMN_STARTED,
  COLUMN_UPDATED,
  COLUMN_DETAIL = 100,   /* + index into detail_keys */
} Column;

/* The status filter's entries, in the drop-down's order. */
static const JdExecutionStatus filter_statuses[] = {
  JD_EXECUTION_STATUS_UNKNOWN,       /* all */
  JD_EXECUTION_STATUS_QUEUED,
  JD_EXECUTION_STATUS_IN_PROGRESS,
  JD_EXECUTION_STATUS_SUCCEEDED,
  JD_EXECUTION_STATUS_FAILED,
  JD_EXECUTION_STATUS_TIMED_OUT,
  JD_EXECUTION_STATUS_REJECTED,
  JD_EXECUTION_STATUS_REMOVED,
  JD_EXECUTION_STATUS_CANCELED,
};

struct _JdFleetWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  JdSegmentBar         *segment_bar;
  GtkLabel             *counts_label;
  GtkLabel             *mode_label;
  GtkLabel             *source_label;
  GtkLabel             *settings_label;
  GtkLabel             *selection_label;
  GtkSearchEntry       *search_entry;
  GtkDropDown          *status_dropdown;
  GtkStack             *stack;
  GtkColumnView        *column_view;

  JdControlPlane       *control_plane;
  char                 *job_id;
  JdFleetModel         *model;
  JdFleetPoller        *poller;
  JdFleetEvents        *events;          /* NULL: polling only */
  JdJob                *job;             /* the last DescribeJob */
  JdJobStatus           seen_status;     /* the job's status when last described */
  gboolean              tripped;         /* an abort threshold was passed */
  gboolean              tripped_known;
  gboolean              describing;
  GtkCustomFilter      *filter;
  GtkFilterListModel   *filtered;
  GtkMultiSelection    *selection;
  GPtrArray            *detail_keys;     /* keys shown as columns */
  GHashTable           *detail_columns;  /* the same keys, as a set */
  GQueue                new_keys;        /* keys waiting for their column */
  gboolean              keys_changed;    /* the model may have keys not shown */
  guint                 columns_id;
  GHashTable           *time_cells;      /* GtkListItem → column */
  guint                 clock_id;
  guint                 refilter_id;
  guint                 summary_id;
  GCancellable         *cancellable;

  /* A bulk action under way. */
  guint                 bulk_pending;
  guint                 bulk_done;
  guint                 bulk_failed;
  char                 *bulk_first_error;
  gboolean              bulk_is_delete;
};

G_DEFINE_FINAL_TYPE (JdFleetWindow, jd_fleet_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_summary  (JdFleetWindow *self);
static void update_settings (JdFleetWindow *self);

/* ---- cells ---- */

/* Which row properties a column shows. */
static gboolean
column_shows (int         column,
              const char *property)
{
  switch (column)
    {
    case COLUMN_THING:
      return FALSE;
    case COLUMN_STATUS:
      return g_str_equal (property, "status");
    case COLUMN_EXECUTION:
      return g_str_equal (property, "execution-number") || g_str_equal (property, "retry-attempt");
    case COLUMN_STARTED:
      return g_str_equal (property, "started-at");
    case COLUMN_UPDATED:
      return g_str_equal (property, "last-updated-at");
    default:
      return g_str_equal (property, "status-details");
    }
}

static void
refresh_cell (JdFleetWindow *self,
              GtkListItem   *item,
              int            column)
{
  JdFleetRow *row = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) now = NULL;
  GDateTime *when;

  if (row == NULL)
    return;

  switch (column)
    {
    case COLUMN_THING:
      gtk_label_set_label (GTK_LABEL (child), jd_fleet_row_get_thing_name (row));
      break;

    case COLUMN_STATUS:
      jd_format_status_pill (GTK_LABEL (child), jd_fleet_row_get_status (row));
      break;

    case COLUMN_EXECUTION:
      if (jd_fleet_row_get_execution_number (row) < 1)
        text = g_strdup ("—");
      else if (jd_fleet_row_get_retry_attempt (row) > 0)
        /* Translators: an execution number and how many retries it took. */
        text = g_strdup_printf (_("#%d · retry %d"), (int) jd_fleet_row_get_execution_number (row),
                                jd_fleet_row_get_retry_attempt (row));
      else
        text = g_strdup_printf ("#%d", (int) jd_fleet_row_get_execution_number (row));
      gtk_label_set_label (GTK_LABEL (child), text);
      break;

    case COLUMN_STARTED:
    case COLUMN_UPDATED:
      when = column == COLUMN_STARTED ? jd_fleet_row_get_started_at (row)
                                      : jd_fleet_row_get_last_updated_at (row);
      now = g_date_time_new_now_local ();
      if (when != NULL)
        {
          g_autofree char *exact = jd_format_exact_time (when);

          text = jd_format_relative_time (when, now);
          jd_cells_set_tooltip (child, exact);
        }
      gtk_label_set_label (GTK_LABEL (child), text != NULL ? text : "—");
      break;

    default:
      {
        guint index = (guint) column - COLUMN_DETAIL;
        const char *key = index < self->detail_keys->len ? g_ptr_array_index (self->detail_keys, index) : NULL;
        const char *value = key != NULL ? jd_fleet_row_get_detail (row, key) : NULL;
        GtkWidget *label, *bar;
        double fraction;

        /* A detail cell gets its widgets with the first value it shows: a
         * new column makes a cell for every row the view keeps (~200) at
         * once, and most rows do not have the new key yet. */
        if (child == NULL && value == NULL)
          break;
        if (child == NULL)
          {
            child = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
            label = gtk_label_new (NULL);
            gtk_label_set_xalign (GTK_LABEL (label), 0);
            gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
            gtk_widget_set_hexpand (label, TRUE);
            gtk_box_append (GTK_BOX (child), label);
            gtk_list_item_set_child (item, child);
          }
        label = gtk_widget_get_first_child (child);
        bar = gtk_widget_get_next_sibling (label);
        fraction = jd_fleet_parse_progress (value);

        gtk_label_set_label (GTK_LABEL (label), value != NULL ? value : "");
        jd_cells_set_tooltip (child, value);
        /* Likewise the bar, with the first progress value. */
        if (bar == NULL && fraction >= 0)
          {
            bar = gtk_progress_bar_new ();
            gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (bar), TRUE);
            gtk_widget_set_hexpand (bar, TRUE);
            gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
            gtk_box_append (GTK_BOX (child), bar);
          }
        if (bar != NULL)
          gtk_widget_set_visible (bar, fraction >= 0);
        gtk_widget_set_visible (label, fraction < 0);
        if (fraction >= 0)
          {
            gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (bar), fraction);
            gtk_progress_bar_set_text (GTK_PROGRESS_BAR (bar), value);
          }
      }
      break;
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          JdFleetWindow            *self)
{
  int column = jd_format_column_of (GTK_LIST_ITEM_FACTORY (factory));
  GtkWidget *child;

  /* A detail cell's widgets come from refresh_cell(), with a value. */
  if (column >= COLUMN_DETAIL)
    return;

  child = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (child), 0);
  gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
  if (column == COLUMN_THING)
    gtk_widget_add_css_class (child, "job-id");
  else if (column == COLUMN_STATUS)
    gtk_widget_set_halign (child, GTK_ALIGN_START);
  else
    gtk_widget_add_css_class (child, "dim-label");
  gtk_list_item_set_child (item, child);
}

static void
row_notify_cb (JdFleetRow  *row,
               GParamSpec  *pspec,
               GtkListItem *item)
{
  JdFleetWindow *self = g_object_get_data (G_OBJECT (item), "jd-fleet-window");
  int column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "jd-fleet-column"));

  if (column_shows (column, pspec->name))
    refresh_cell (self, item, column);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         JdFleetWindow            *self)
{
  int column = jd_format_column_of (GTK_LIST_ITEM_FACTORY (factory));
  JdFleetRow *row = gtk_list_item_get_item (item);
  gulong id;

  g_object_set_data (G_OBJECT (item), "jd-fleet-window", self);
  g_object_set_data (G_OBJECT (item), "jd-fleet-column", GINT_TO_POINTER (column));
  if (column != COLUMN_THING)
    {
      id = g_signal_connect (row, "notify", G_CALLBACK (row_notify_cb), item);
      g_object_set_data (G_OBJECT (item), "jd-fleet-handler", GSIZE_TO_POINTER (id));
    }
  if (column == COLUMN_STARTED || column == COLUMN_UPDATED)
    g_hash_table_insert (self->time_cells, item, GINT_TO_POINTER (column));
  refresh_cell (self, item, column);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           JdFleetWindow            *self)
{
  JdFleetRow *row = gtk_list_item_get_item (item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "jd-fleet-handler"));

  if (id != 0 && row != NULL)
    g_signal_handler_disconnect (row, id);
  g_object_set_data (G_OBJECT (item), "jd-fleet-handler", NULL);
  g_hash_table_remove (self->time_cells, item);
}

static const JdColumnCallbacks column_callbacks = {
  G_CALLBACK (setup_cb), G_CALLBACK (bind_cb), G_CALLBACK (unbind_cb),
};

/* New statusDetails keys become columns, after the fixed ones, one
 * column per idle callback: adding a column makes and binds a cell for
 * every row the view keeps (~200 of them, a few ms), and one event may
 * bring many new keys. */
static gboolean
add_detail_column_cb (gpointer user_data)
{
  JdFleetWindow *self = user_data;
  char *key;

  if (g_queue_is_empty (&self->new_keys) && self->keys_changed)
    {
      g_auto(GStrv) keys = jd_fleet_model_dup_detail_keys (self->model);

      self->keys_changed = FALSE;
      for (guint i = 0; keys[i] != NULL; i++)
        if (!g_hash_table_contains (self->detail_columns, keys[i]))
          g_queue_push_tail (&self->new_keys, g_strdup (keys[i]));
    }

  key = g_queue_pop_head (&self->new_keys);
  if (key != NULL)
    {
      g_ptr_array_add (self->detail_keys, key);
      g_hash_table_add (self->detail_columns, key);
      jd_format_add_column (self->column_view, key, COLUMN_DETAIL + (int) self->detail_keys->len - 1,
                            FALSE, 140, &column_callbacks, self);
    }

  if (!g_queue_is_empty (&self->new_keys) || self->keys_changed)
    return G_SOURCE_CONTINUE;
  self->columns_id = 0;
  return G_SOURCE_REMOVE;
}

/* At idle priority: frames, events and input come first. */
static void
queue_detail_columns (JdFleetWindow *self)
{
  self->keys_changed = TRUE;
  if (self->columns_id == 0)
    self->columns_id = g_idle_add (add_detail_column_cb, self);
}

static gboolean
clock_tick_cb (gpointer user_data)
{
  JdFleetWindow *self = user_data;
  GHashTableIter iter;
  gpointer item, column;

  g_hash_table_iter_init (&iter, self->time_cells);
  while (g_hash_table_iter_next (&iter, &item, &column))
    refresh_cell (self, item, GPOINTER_TO_INT (column));
  update_summary (self);
  return G_SOURCE_CONTINUE;
}

/* ---- summary, filter, selection ---- */

static void
update_summary (JdFleetWindow *self)
{
  guint counts[N_STATUSES] = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);
  guint total = 0;
  const GError *error;
  GDateTime *last;

  for (guint i = 0; i < N_STATUSES; i++)
    {
      counts[i] = jd_fleet_model_count_status (self->model, i);
      total += counts[i];
    }
  jd_segment_bar_set_counts (self->segment_bar, counts);

  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u thing", "%u things", total), total);
  for (guint i = 1; i < G_N_ELEMENTS (filter_statuses); i++)
    {
      JdExecutionStatus status = filter_statuses[i];

      if (counts[status] > 0)
        /* Translators: a status and how many executions have it, e.g. "Succeeded 12". */
        g_string_append_printf (text, _(" · %s %u"), jd_format_status_label (status), counts[status]);
    }
  gtk_label_set_label (self->counts_label, text->str);
  gtk_stack_set_visible_child_name (self->stack, total > 0 ? "table" : "empty");

  error = jd_fleet_poller_get_error (self->poller);
  last = jd_fleet_poller_get_last_refresh (self->poller);
  g_string_truncate (text, 0);
  if (self->events != NULL && jd_fleet_events_get_state (self->events) == JD_FLEET_EVENTS_LIVE)
    /* Translators: the fleet view follows the job's events as they happen. */
    gtk_label_set_label (self->mode_label, _("Live"));
  else
    {
      guint seconds = (jd_fleet_poller_get_interval (self->poller) + 999) / 1000;
      g_autofree char *mode = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Polling every %u second",
                                                            "Polling every %u seconds", seconds), seconds);

      gtk_label_set_label (self->mode_label, mode);
    }
  if (self->events != NULL)
    switch (jd_fleet_events_get_state (self->events))
      {
      case JD_FLEET_EVENTS_CONNECTING:
        g_string_append (text, _("Connecting to job events…"));
        break;
      case JD_FLEET_EVENTS_SUBSCRIBED:
        g_string_append (text, _("Waiting for the first job event"));
        break;
      case JD_FLEET_EVENTS_INTERRUPTED:
        g_string_append (text, _("Job events interrupted, reconnecting"));
        break;
      case JD_FLEET_EVENTS_STOPPED:
      case JD_FLEET_EVENTS_LIVE:
      case JD_FLEET_EVENTS_UNAVAILABLE:
      default:
        break;
      }
  if (error != NULL)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, _("Could not refresh: %s"), error->message);
    }
  else if (last != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *when = jd_format_relative_time (last, now);

      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: when the executions were last fetched in full, "fetched just now". */
      g_string_append_printf (text, _("fetched %s"), when);
    }
  gtk_label_set_label (self->source_label, text->str);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  JdFleetWindow *self = user_data;
  JdFleetRow *row = item;
  guint selected = gtk_drop_down_get_selected (self->status_dropdown);
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected < G_N_ELEMENTS (filter_statuses) &&
      jd_fleet_row_get_status (row) != filter_statuses[selected])
    return FALSE;
  if (search != NULL && search[0] != '\0')
    {
      g_autofree char *haystack = g_utf8_casefold (jd_fleet_row_get_thing_name (row), -1);
      g_autofree char *needle = g_utf8_casefold (search, -1);

      if (strstr (haystack, needle) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
filter_changed_cb (JdFleetWindow *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static gboolean
refilter_cb (gpointer user_data)
{
  JdFleetWindow *self = user_data;

  self->refilter_id = 0;
  filter_changed_cb (self);
  return G_SOURCE_REMOVE;
}

static gboolean
summary_cb (gpointer user_data)
{
  JdFleetWindow *self = user_data;

  self->summary_id = 0;
  update_summary (self);
  update_settings (self);
  return G_SOURCE_REMOVE;
}

static void
counts_changed_cb (JdFleetModel  *model,
                   JdFleetWindow *self)
{
  /* Events may change a thousand rows a second: the counts, the bar and the
   * labels follow at most every SUMMARY_MS, not per change. */
  if (self->summary_id == 0)
    self->summary_id = g_timeout_add (SUMMARY_MS, summary_cb, self);
  /* A row that changed status may now pass or fail the status filter; at
   * most a few times a second. */
  if (gtk_drop_down_get_selected (self->status_dropdown) > 0 && self->refilter_id == 0)
    self->refilter_id = g_timeout_add (250, refilter_cb, self);
}

static void
items_changed_cb (GListModel    *model,
                  guint          position,
                  guint          removed,
                  guint          added,
                  JdFleetWindow *self)
{
  update_summary (self);
  queue_detail_columns (self);
}

/* ---- notifications ---- */

/* A desktop notification about the watched job when the user looks
 * elsewhere (words and sending in jd-job-notification.c); its default
 * action opens this view again (app.show-fleet). */
static void
notify_job (JdFleetWindow *self,
            const char    *title,
            const char    *body)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (application == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;
  jd_job_notification_send (G_APPLICATION (application), self->job_id, title, body);
}

/* The job ended since it was last described: completed, aborted (canceled
 * with a reason code, as an abort criterion does) or canceled. */
static void
job_status_changed (JdFleetWindow *self,
                    JdJobStatus    before,
                    JdJob         *job)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  JdAbortCounts counts = { 0 };

  /* Without jobProcessDetails, the counts the view holds. */
  counts.succeeded = jd_fleet_model_count_status (self->model, JD_EXECUTION_STATUS_SUCCEEDED);
  counts.failed = jd_fleet_model_count_status (self->model, JD_EXECUTION_STATUS_FAILED);
  counts.rejected = jd_fleet_model_count_status (self->model, JD_EXECUTION_STATUS_REJECTED);
  counts.timed_out = jd_fleet_model_count_status (self->model, JD_EXECUTION_STATUS_TIMED_OUT);
  if (jd_job_notification_for_status (before, job, &counts, &title, &body))
    notify_job (self, title, body);
}

/* The job's rollout, abort, retry and timeout settings, and how close the
 * job is to each abort threshold. */
static void
update_settings (JdFleetWindow *self)
{
  const JdJobConfig *config;
  g_autoptr(GString) text = g_string_new (NULL);
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  guint queued = jd_fleet_model_count_status (self->model, JD_EXECUTION_STATUS_QUEUED);
  guint succeeded = jd_fleet_model_count_status (self->model, JD_EXECUTION_STATUS_SUCCEEDED);
  JdAbortCounts counts = { 0 };
  gboolean near = FALSE, tripped = FALSE;

  if (self->job == NULL)
    return;
  config = jd_job_get_config (self->job);

  if (config->has_rollout)
    {
      gint64 rate = jd_job_config_rollout_rate (config, total - queued, succeeded);

      /* Translators: the rollout's current rate and how many wait. */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Rollout: %d a minute now, %u queued",
                                                 "Rollout: %d a minute now, %u queued", (gulong) rate),
                              (int) rate, queued);
      if (config->has_exponential)
        /* Translators: after the rollout rate: how it grows. */
        g_string_append_printf (text, _(" (×%.1f per step)"), config->increment_factor);
    }

  counts.succeeded = succeeded;
  counts.failed = jd_fleet_model_count_status (self->model, JD_EXECUTION_STATUS_FAILED);
  counts.rejected = jd_fleet_model_count_status (self->model, JD_EXECUTION_STATUS_REJECTED);
  counts.timed_out = jd_fleet_model_count_status (self->model, JD_EXECUTION_STATUS_TIMED_OUT);
  for (guint i = 0; i < config->abort_criteria->len; i++)
    {
      const JdAbortCriterion *c = &g_array_index (config->abort_criteria, JdAbortCriterion, i);
      gint64 done = counts.succeeded + counts.failed + counts.rejected + counts.timed_out;
      gint64 bad = c->failure_type == JD_FAILURE_TYPE_FAILED ? counts.failed
                 : c->failure_type == JD_FAILURE_TYPE_REJECTED ? counts.rejected
                 : c->failure_type == JD_FAILURE_TYPE_TIMED_OUT ? counts.timed_out
                 : counts.failed + counts.rejected + counts.timed_out;
      double share = done > 0 ? 100.0 * bad / done : 0;
      g_autofree char *line = jd_job_notification_describe_criterion (c, &counts);

      if (text->len > 0)
        g_string_append (text, "\n");
      g_string_append (text, line);
      /* "Near" is the view's warning colour only; whether it tripped is
       * the core's rule, below. */
      if (share >= 0.75 * c->threshold_percentage)
        near = TRUE;
    }
  tripped = jd_job_notification_tripped (self->job, &counts, NULL);

  if (config->retry_criteria->len > 0)
    {
      if (text->len > 0)
        g_string_append (text, "\n");
      g_string_append (text, _("Retries:"));
      for (guint i = 0; i < config->retry_criteria->len; i++)
        {
          const JdRetryCriterion *c = &g_array_index (config->retry_criteria, JdRetryCriterion, i);

          g_string_append_printf (text, " %s ×%d", jd_failure_type_to_string (c->failure_type), c->retries);
        }
    }
  if (config->in_progress_timeout > 0)
    {
      if (text->len > 0)
        g_string_append (text, "\n");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Times out %d minute after it starts",
                                                 "Times out %d minutes after it starts",
                                                 (gulong) config->in_progress_timeout),
                              (int) config->in_progress_timeout);
    }

  /* Passing a threshold while the job runs is worth a notification; one
   * that was passed when the view opened is not news. */
  if (self->tripped_known && tripped && !self->tripped &&
      jd_job_get_status (self->job) == JD_JOB_STATUS_IN_PROGRESS)
    {
      g_autofree char *title = jd_job_notification_threshold_title (self->job_id);

      notify_job (self, title, text->str);
    }
  self->tripped = tripped;
  self->tripped_known = TRUE;

  gtk_label_set_label (self->settings_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_label), text->len > 0);
  gtk_widget_remove_css_class (GTK_WIDGET (self->settings_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->settings_label), "error");
  if (tripped)
    gtk_widget_add_css_class (GTK_WIDGET (self->settings_label), "error");
  else if (near)
    gtk_widget_add_css_class (GTK_WIDGET (self->settings_label), "warning");
}

static void
described_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = jd_control_plane_describe_job_only_finish (JD_CONTROL_PLANE (source), result, &error);
  JdFleetWindow *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = JD_FLEET_WINDOW (user_data);
  self->describing = FALSE;
  if (job == NULL)
    return;   /* the poller's error line says what is wrong */
  g_set_object (&self->job, job);
  update_settings (self);
  job_status_changed (self, self->seen_status, job);
  self->seen_status = jd_job_get_status (job);
}

static void
poller_changed_cb (JdFleetPoller *poller,
                   GParamSpec    *pspec,
                   JdFleetWindow *self)
{
  update_summary (self);
  queue_detail_columns (self);
  update_settings (self);
  /* A poll that saw an execution end which no event reported: the
   * events do not come after all (jd_fleet_events_verify()). */
  if (g_strcmp0 (pspec->name, "last-refresh") == 0 && self->events != NULL)
    jd_fleet_events_verify (self->events);
  /* The job's settings and counters, once per round. */
  if (g_strcmp0 (pspec->name, "last-refresh") == 0 && !self->describing)
    {
      self->describing = TRUE;
      jd_control_plane_describe_job_only_async (self->control_plane, self->job_id, self->cancellable,
                                           described_cb, self);
    }
}

static void
activated_cb (GtkColumnView *view,
              guint          position,
              JdFleetWindow *self)
{
  g_autoptr(JdFleetRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  JdHistoryWindow *history;

  if (row == NULL)
    return;
  history = jd_history_window_new (GTK_WINDOW (self), row, self->job_id, self->job, self->model,
                                      self->control_plane);
  gtk_window_present (GTK_WINDOW (history));
}

static GPtrArray *
selected_rows (JdFleetWindow *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (rows, g_list_model_get_item (G_LIST_MODEL (self->selection), position));
  return rows;
}

static void
selection_changed_cb (GtkSelectionModel *model,
                      guint              position,
                      guint              n_items,
                      JdFleetWindow     *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (model);
  guint64 n = gtk_bitset_get_size (set);
  g_autofree char *text = NULL;

  if (n > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u selected", "%u selected", (gulong) n), (guint) n);
  gtk_label_set_label (self->selection_label, text != NULL ? text : "");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fleet.cancel-selected", n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fleet.delete-selected", n > 0);
}

/* ---- bulk actions ---- */

static void
bulk_step_done (JdFleetWindow *self,
                GError        *error)
{
  self->bulk_done++;
  if (error != NULL)
    {
      self->bulk_failed++;
      if (self->bulk_first_error == NULL)
        self->bulk_first_error = g_strdup (error->message);
    }
  if (self->bulk_done < self->bulk_pending)
    return;

  {
    guint ok = self->bulk_done - self->bulk_failed;
    g_autofree char *title = NULL;

    if (self->bulk_failed == 0)
      title = g_strdup_printf (self->bulk_is_delete
                               ? g_dngettext (GETTEXT_PACKAGE, "Deleted %u execution", "Deleted %u executions", ok)
                               : g_dngettext (GETTEXT_PACKAGE, "Canceled %u execution", "Canceled %u executions", ok),
                               ok);
    else
      /* Translators: "3 of 5 done; the first failure: <AWS's message>". */
      title = g_strdup_printf (_("%u of %u done; the first failure: %s"), ok, self->bulk_done,
                               self->bulk_first_error);
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
  }
  self->bulk_pending = self->bulk_done = self->bulk_failed = 0;
  g_clear_pointer (&self->bulk_first_error, g_free);
  jd_fleet_poller_refresh (self->poller);
}

static void
cancel_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  jd_control_plane_cancel_job_execution_finish (JD_CONTROL_PLANE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  bulk_step_done (JD_FLEET_WINDOW (user_data), error);
}

static void
delete_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  jd_control_plane_delete_job_execution_finish (JD_CONTROL_PLANE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  bulk_step_done (JD_FLEET_WINDOW (user_data), error);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     JdFleetWindow    *self)
{
  gboolean is_delete = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "jd-is-delete"));
  GtkCheckButton *force = g_object_get_data (G_OBJECT (dialog), "jd-force");
  g_autoptr(GPtrArray) rows = NULL;

  if (g_strcmp0 (response, "confirm") != 0 || self->bulk_pending > 0)
    return;

  rows = selected_rows (self);
  self->bulk_is_delete = is_delete;
  self->bulk_pending = rows->len;
  for (guint i = 0; i < rows->len; i++)
    {
      JdFleetRow *row = g_ptr_array_index (rows, i);

      if (is_delete)
        jd_control_plane_delete_job_execution_async (self->control_plane, jd_fleet_row_get_thing_name (row),
                                                     self->job_id, MAX (1, jd_fleet_row_get_execution_number (row)),
                                                     gtk_check_button_get_active (force), self->cancellable,
                                                     delete_done_cb, self);
      else
        jd_control_plane_cancel_job_execution_async (self->control_plane, jd_fleet_row_get_thing_name (row),
                                                     self->job_id, gtk_check_button_get_active (force), -1, NULL,
                                                     self->cancellable, cancel_done_cb, self);
    }
}

static void
confirm_bulk (JdFleetWindow *self,
              gboolean       is_delete)
{
  g_autoptr(GPtrArray) rows = selected_rows (self);
  AdwMessageDialog *dialog;
  GtkWidget *force;
  g_autofree char *heading = NULL;
  gboolean any_running = FALSE;

  if (rows->len == 0)
    return;
  for (guint i = 0; i < rows->len; i++)
    {
      JdExecutionStatus s = jd_fleet_row_get_status (g_ptr_array_index (rows, i));

      if (s == JD_EXECUTION_STATUS_IN_PROGRESS || (is_delete && s == JD_EXECUTION_STATUS_QUEUED))
        any_running = TRUE;
    }

  heading = g_strdup_printf (is_delete
                             ? g_dngettext (GETTEXT_PACKAGE, "Delete %u Execution?", "Delete %u Executions?", rows->len)
                             : g_dngettext (GETTEXT_PACKAGE, "Cancel %u Execution?", "Cancel %u Executions?", rows->len),
                             rows->len);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
    is_delete
    ? _("Deleted executions are gone for good. Executions that have not finished can only be deleted with Force.")
    : _("Queued executions are canceled at once. In-progress ones need Force, and their devices can then no longer report on them.")));
  force = gtk_check_button_new_with_mnemonic (is_delete ? _("_Force (also executions that have not finished)")
                                                        : _("_Force (also in-progress executions)"));
  /* Offer what will work: Force when a selected execution needs it. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (force), any_running);
  adw_message_dialog_set_extra_child (dialog, force);
  adw_message_dialog_add_responses (dialog, "close", _("_Keep"), "confirm",
                                    is_delete ? _("_Delete") : _("_Cancel Executions"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  g_object_set_data (G_OBJECT (dialog), "jd-is-delete", GINT_TO_POINTER (is_delete));
  g_object_set_data (G_OBJECT (dialog), "jd-force", force);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  confirm_bulk (JD_FLEET_WINDOW (widget), FALSE);
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  confirm_bulk (JD_FLEET_WINDOW (widget), TRUE);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  jd_fleet_poller_refresh (JD_FLEET_WINDOW (widget)->poller);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (JD_FLEET_WINDOW (widget)->search_entry));
}

/* ---- job events ---- */

static void
events_state_cb (JdFleetEvents *events,
                 GParamSpec    *pspec,
                 JdFleetWindow *self)
{
  JdFleetEventsState state = jd_fleet_events_get_state (events);

  /* While events flow the poller only makes a safety refresh; when they
   * stop it catches up at once. */
  jd_fleet_poller_set_live (self->poller, state == JD_FLEET_EVENTS_LIVE);
  update_summary (self);
}

static void
describe_job (JdFleetWindow *self)
{
  if (self->describing)
    return;
  self->describing = TRUE;
  jd_control_plane_describe_job_only_async (self->control_plane, self->job_id, self->cancellable,
                                            described_cb, self);
}

/* The job completed, was canceled or deleted: its status and reason code
 * come from DescribeJob, as when polling. */
static void
job_event_cb (JdFleetEvents *events,
              const char    *operation,
              JsonObject    *payload,
              JdFleetWindow *self)
{
  describe_job (self);
}

static void
observer_identity_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JdObserverIdentity) identity = jd_observer_identity_ensure_finish (result, &error);
  JdFleetWindow *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = JD_FLEET_WINDOW (user_data);
  if (identity == NULL)
    {
      /* Polling goes on; say why there are no events. */
      g_debug ("no observer identity: %s", error->message);
      return;
    }
  jd_fleet_window_set_events_identity (self, identity->host, identity->port, identity->ca_path,
                                       identity->cert_path, identity->key_path);
}

/* The session of the application's main window, if there is one. */
static JdSession *
find_session (GtkApplication *application)
{
  if (application == NULL)
    return NULL;
  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (JD_IS_WINDOW (l->data) && jd_window_get_session (l->data) != NULL)
      return jd_window_get_session (l->data);
  return NULL;
}

/* ---- GObject ---- */

static void
jd_fleet_window_dispose (GObject *object)
{
  JdFleetWindow *self = JD_FLEET_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_handle_id (&self->refilter_id, g_source_remove);
  g_clear_handle_id (&self->summary_id, g_source_remove);
  g_clear_handle_id (&self->columns_id, g_source_remove);
  if (self->poller != NULL)
    {
      jd_fleet_poller_stop (self->poller);
      g_signal_handlers_disconnect_by_data (self->poller, self);
    }
  if (self->events != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->events, self);
      jd_fleet_events_stop (self->events);
    }
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), JD_TYPE_FLEET_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->events);
  g_clear_object (&self->poller);
  g_clear_object (&self->model);
  g_clear_object (&self->job);
  g_clear_object (&self->control_plane);

  G_OBJECT_CLASS (jd_fleet_window_parent_class)->dispose (object);
}

static void
jd_fleet_window_finalize (GObject *object)
{
  JdFleetWindow *self = JD_FLEET_WINDOW (object);

  g_free (self->job_id);
  g_free (self->bulk_first_error);
  g_queue_clear_full (&self->new_keys, g_free);
  g_hash_table_unref (self->detail_columns);
  g_ptr_array_unref (self->detail_keys);
  g_hash_table_unref (self->time_cells);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (jd_fleet_window_parent_class)->finalize (object);
}

static void
jd_fleet_window_class_init (JdFleetWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_fleet_window_dispose;
  object_class->finalize = jd_fleet_window_finalize;

  g_type_ensure (JD_TYPE_SEGMENT_BAR);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-fleet-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, segment_bar);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, counts_label);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, mode_label);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, source_label);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, settings_label);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, selection_label);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, JdFleetWindow, column_view);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);

  gtk_widget_class_install_action (widget_class, "fleet.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "fleet.cancel-selected", NULL, cancel_selected_action);
  gtk_widget_class_install_action (widget_class, "fleet.delete-selected", NULL, delete_selected_action);
  gtk_widget_class_install_action (widget_class, "fleet.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "fleet.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "fleet.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "fleet.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "fleet.delete-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
jd_fleet_window_init (JdFleetWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->detail_keys = g_ptr_array_new_with_free_func (g_free);
  self->detail_columns = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&self->new_keys);
  self->time_cells = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();

  jd_format_add_column (self->column_view, _("Thing"), COLUMN_THING, FALSE, 160, &column_callbacks, self);
  jd_format_add_column (self->column_view, _("Status"), COLUMN_STATUS, FALSE, 110, &column_callbacks, self);
  jd_format_add_column (self->column_view, _("Execution"), COLUMN_EXECUTION, FALSE, 110, &column_callbacks, self);
  jd_format_add_column (self->column_view, _("Started"), COLUMN_STARTED, FALSE, 100, &column_callbacks, self);
  jd_format_add_column (self->column_view, _("Updated"), COLUMN_UPDATED, FALSE, 100, &column_callbacks, self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fleet.cancel-selected", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fleet.delete-selected", FALSE);
}

JdFleetWindow *
jd_fleet_window_new (GtkApplication *application,
                     JdControlPlane *control_plane,
                     const char     *job_id)
{
  JdFleetWindow *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (JD_IS_CONTROL_PLANE (control_plane), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  self = g_object_new (JD_TYPE_FLEET_WINDOW, "application", application, NULL);
  self->control_plane = g_object_ref (control_plane);
  self->job_id = g_strdup (job_id);
  adw_window_title_set_title (self->window_title, job_id);
  /* Translators: the window title, with a job id. */
  title = g_strdup_printf (_("Executions of %s"), job_id);
  gtk_window_set_title (GTK_WINDOW (self), title);

  self->model = jd_fleet_model_new (job_id);
  self->poller = jd_fleet_poller_new (control_plane, self->model);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->model)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  /* Filtering 10,000 rows runs in steps, never in one long stall. */
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect (self->model, "counts-changed", G_CALLBACK (counts_changed_cb), self);
  g_signal_connect_swapped (self->model, "detail-keys-changed", G_CALLBACK (queue_detail_columns), self);
  g_signal_connect (self->model, "items-changed", G_CALLBACK (items_changed_cb), self);
  g_signal_connect (self->poller, "notify", G_CALLBACK (poller_changed_cb), self);
  g_signal_connect (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (self->column_view, "activate", G_CALLBACK (activated_cb), self);

  self->clock_id = g_timeout_add_seconds (15, clock_tick_cb, self);
  update_summary (self);
  jd_fleet_poller_start (self->poller);

  /* Where the identity may read job events (the sandbox's observer), the
   * view is live; elsewhere it polls. */
  {
    JdSession *session = find_session (application);

    if (session != NULL && jd_session_get_is_sandbox (session) && jd_session_get_sandbox_dir (session) != NULL)
      jd_fleet_window_use_sandbox_events (self, jd_session_get_sandbox_dir (session));
  }
  return self;
}

JdFleetWindow *
jd_fleet_window_find (GtkApplication *application,
                      const char     *job_id)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (JD_IS_FLEET_WINDOW (l->data) && g_strcmp0 (JD_FLEET_WINDOW (l->data)->job_id, job_id) == 0)
      return l->data;
  return NULL;
}

const char *
jd_fleet_window_get_job_id (JdFleetWindow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_WINDOW (self), NULL);
  return self->job_id;
}

JdFleetModel *
jd_fleet_window_get_model (JdFleetWindow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_WINDOW (self), NULL);
  return self->model;
}

void
jd_fleet_window_set_poll_bounds (JdFleetWindow *self,
                                 guint          min_ms,
                                 guint          max_ms)
{
  g_return_if_fail (JD_IS_FLEET_WINDOW (self));
  jd_fleet_poller_set_bounds (self->poller, min_ms, max_ms);
}

/**
 * jd_fleet_window_set_events_identity:
 *
 * Follows the job's events over a connection of its own to @host with the
 * given identity. If the identity may not subscribe, the view keeps
 * polling.
 */
void
jd_fleet_window_set_events_identity (JdFleetWindow *self,
                                     const char    *host,
                                     guint16        port,
                                     const char    *ca_path,
                                     const char    *cert_path,
                                     const char    *key_path)
{
  g_autoptr(JdMqttConnection) connection = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *client_id = NULL;

  g_return_if_fail (JD_IS_FLEET_WINDOW (self));
  g_return_if_fail (host != NULL && cert_path != NULL && key_path != NULL);

  if (self->events != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->events, self);
      jd_fleet_events_stop (self->events);
      g_clear_object (&self->events);
      jd_fleet_poller_set_live (self->poller, FALSE);
    }

  /* AWS takes the client id as given (one connection per id); the
   * sandbox's broker takes the certificate's name. */
  client_id = g_strdup_printf ("jobdeck-fleet-%.8s", uuid);
  connection = jd_mqtt_connection_new (host, port, client_id);
  jd_mqtt_connection_set_tls_files (connection, ca_path, cert_path, key_path, NULL);
  self->events = jd_fleet_events_new (self->model, connection);
  g_signal_connect (self->events, "notify::state", G_CALLBACK (events_state_cb), self);
  g_signal_connect (self->events, "job-event", G_CALLBACK (job_event_cb), self);
  jd_fleet_events_start (self->events);
  update_summary (self);
}

/**
 * jd_fleet_window_use_sandbox_events:
 * @sandbox_dir: the folder of a running sandbox
 *
 * Follows the job's events as the sandbox's observer identity (which the
 * sandbox issued at start; its sandbox.json is read off the main loop).
 */
void
jd_fleet_window_use_sandbox_events (JdFleetWindow *self,
                                    const char    *sandbox_dir)
{
  g_return_if_fail (JD_IS_FLEET_WINDOW (self));
  g_return_if_fail (sandbox_dir != NULL);

  jd_observer_identity_ensure_async (sandbox_dir, self->cancellable, observer_identity_cb, self);
}

/**
 * jd_fleet_window_get_events:
 *
 * Returns: (transfer none) (nullable): what follows the job's events
 */
JdFleetEvents *
jd_fleet_window_get_events (JdFleetWindow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_WINDOW (self), NULL);
  return self->events;
}

/**
 * jd_fleet_window_get_poller:
 *
 * Returns: (transfer none): the poller
 */
JdFleetPoller *
jd_fleet_window_get_poller (JdFleetWindow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_WINDOW (self), NULL);
  return self->poller;
}

/**
 * jd_fleet_window_get_job:
 *
 * Returns: (transfer none) (nullable): the job as last described
 */
JdJob *
jd_fleet_window_get_job (JdFleetWindow *self)
{
  g_return_val_if_fail (JD_IS_FLEET_WINDOW (self), NULL);
  return self->job;
}
