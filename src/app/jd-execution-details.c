/* jd-execution-details.c — the details pane of one job execution.
 *
 * It shows what the JdExecution says and follows its notify signals, so a reply
 * or a notify event that changes the object changes the pane. Its times tick
 * with the app's clock while it is mapped (every second while the step
 * timeout counts down). The buttons are plain action buttons for the Device
 * view's "exec.*" actions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "jd-cells.h"
#include "jd-execution-details.h"
#include "jd-format.h"
#include "jd-signed-files.h"

struct _JdExecutionDetails
{
  GtkWidget         parent_instance;

  JdExecution      *execution;
  GPtrArray        *detail_rows;
  GPtrArray        *history_rows;
  JdExecutionHistory *history;
  char             *queue_note;
  guint             clock_id;
  JdClockResolution clock_resolution;
  GDateTime        *deadline;        /* when the step timer runs out, as last reported */
  gint64            last_timeout;    /* approximateSecondsBeforeTimedOut it came from */

  /* Template children */
  GtkScrolledWindow *scroller;

  /* Template children */
  GtkWidget        *toolbar_box;
  GtkWidget        *start_button;
  GtkWidget        *succeed_button;
  GtkLabel         *job_id_label;
  GtkLabel         *status_label;
  GtkLabel         *next_label;
  GtkLabel         *summary_label;
  GtkLabel         *note_label;
  AdwPreferencesGroup *history_group;
  AdwActionRow     *queued_row;
  AdwActionRow     *started_row;
  AdwActionRow     *updated_row;
  AdwActionRow     *timeout_row;
  AdwPreferencesGroup *details_group;
  AdwActionRow     *no_details_row;
  GtkSourceView    *document_view;
  JdSignedFiles    *signed_files;
};

G_DEFINE_FINAL_TYPE (JdExecutionDetails, jd_execution_details, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EXECUTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_time_row (AdwActionRow *row,
              GDateTime    *when)
{
  g_autoptr(GDateTime) now = jd_clock_dup_now (jd_clock_get_default ());
  g_autofree char *relative = jd_format_relative_time (when, now);
  g_autofree char *exact = jd_format_exact_time (when);

  adw_action_row_set_subtitle (row, relative);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), exact);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
refresh_status_details (JdExecutionDetails *self)
{
  GHashTable *details = self->execution ? jd_execution_get_status_details (self->execution) : NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < self->detail_rows->len; i++)
    adw_preferences_group_remove (self->details_group, g_ptr_array_index (self->detail_rows, i));
  g_ptr_array_set_size (self->detail_rows, 0);

  if (details != NULL)
    {
      g_hash_table_iter_init (&iter, details);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (keys, key);
      g_ptr_array_sort (keys, compare_keys);
    }

  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), k);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_hash_table_lookup (details, k));
      adw_preferences_group_add (self->details_group, row);
      g_ptr_array_add (self->detail_rows, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->no_details_row), keys->len == 0);
}

static void
refresh_history (JdExecutionDetails *self)
{
  GPtrArray *entries = self->history ? jd_execution_history_get_entries (self->history) : NULL;

  for (guint i = 0; i < self->history_rows->len; i++)
    adw_preferences_group_remove (self->history_group, g_ptr_array_index (self->history_rows, i));
  g_ptr_array_set_size (self->history_rows, 0);

  /* Newest first. */
  for (guint i = entries ? entries->len : 0; i > 0; i--)
    {
      JdHistoryEntry *entry = g_ptr_array_index (entries, i - 1);
      g_autoptr(GDateTime) local = g_date_time_to_local (entry->at);
      g_autofree char *when = g_date_time_format (local, "%H:%M:%S");
      g_autofree char *title = NULL;
      g_autoptr(GString) subtitle = g_string_new (when);
      GtkWidget *row = adw_action_row_new ();

      if (entry->version_number >= 0)
        /* Translators: a history entry, e.g. "In Progress · version 2" */
        title = g_strdup_printf (_("%s · version %lld"), jd_format_status_label (entry->status),
                                 (long long) entry->version_number);
      else
        title = g_strdup (jd_format_status_label (entry->status));

      for (guint k = 0; entry->added[k] != NULL; k++)
        /* Translators: a status detail added, "key=value" */
        {
          g_string_append_c (subtitle, '\n');
          g_string_append_printf (subtitle, _("+ %s"), entry->added[k]);
        }
      for (guint k = 0; entry->changed[k] != NULL; k++)
        g_string_append_printf (subtitle, "\n%s", entry->changed[k]);
      for (guint k = 0; entry->removed[k] != NULL; k++)
        /* Translators: a status detail removed, its key */
        {
          g_string_append_c (subtitle, '\n');
          g_string_append_printf (subtitle, _("− %s"), entry->removed[k]);
        }

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_preferences_group_add (self->history_group, row);
      g_ptr_array_add (self->history_rows, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->history_group), self->history_rows->len > 0);
}

/* Why it failed, prominent; or why a queued execution still waits. */
static void
refresh_note (JdExecutionDetails *self)
{
  JdExecution *e = self->execution;
  JdExecutionStatus status = e ? jd_execution_get_status (e) : JD_EXECUTION_STATUS_UNKNOWN;
  GHashTable *details = e ? jd_execution_get_status_details (e) : NULL;
  const char *reason = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (self->note_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->note_label), "dim-label");

  if ((status == JD_EXECUTION_STATUS_FAILED || status == JD_EXECUTION_STATUS_REJECTED) && details != NULL)
    {
      reason = g_hash_table_lookup (details, "reason");
      if (reason == NULL)
        reason = g_hash_table_lookup (details, "stderr");
    }

  if (reason != NULL)
    {
      gtk_label_set_label (self->note_label, reason);
      gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->note_label), TRUE);
    }
  else if (status == JD_EXECUTION_STATUS_QUEUED && self->queue_note != NULL)
    {
      gtk_label_set_label (self->note_label, self->queue_note);
      gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "dim-label");
      gtk_widget_set_visible (GTK_WIDGET (self->note_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->note_label), FALSE);
}

static void
refresh_times (JdExecutionDetails *self)
{
  JdExecution *e = self->execution;

  if (e == NULL)
    return;

  set_time_row (self->queued_row, jd_execution_get_queued_at (e));
  set_time_row (self->started_row, jd_execution_get_started_at (e));
  set_time_row (self->updated_row, jd_execution_get_last_updated_at (e));

  gtk_widget_set_visible (GTK_WIDGET (self->timeout_row), self->deadline != NULL);
  if (self->deadline != NULL)
    {
      g_autofree char *text = jd_cells_format_countdown (self->deadline, NULL);
      g_autofree char *exact = jd_format_exact_time (self->deadline);

      adw_action_row_set_subtitle (self->timeout_row, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->timeout_row), exact);
    }
}

static void
clock_tick_cb (gpointer user_data)
{
  refresh_times (user_data);
}

/* Tick only while shown: every second for a countdown, else for "min ago". */
static void
update_clock (JdExecutionDetails *self)
{
  gboolean wants = self->execution != NULL && gtk_widget_get_mapped (GTK_WIDGET (self));
  JdClockResolution resolution = self->deadline != NULL ? JD_CLOCK_SECONDS : JD_CLOCK_MINUTES;

  if (self->clock_id != 0 && (!wants || resolution != self->clock_resolution))
    {
      jd_clock_unwatch (jd_clock_get_default (), self->clock_id);
      self->clock_id = 0;
    }
  if (wants && self->clock_id == 0)
    {
      self->clock_resolution = resolution;
      self->clock_id = jd_clock_watch (jd_clock_get_default (), resolution, clock_tick_cb, self);
    }
}

static void
jd_execution_details_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (jd_execution_details_parent_class)->map (widget);
  refresh_times (JD_EXECUTION_DETAILS (widget));
  update_clock (JD_EXECUTION_DETAILS (widget));
}

static void
jd_execution_details_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (jd_execution_details_parent_class)->unmap (widget);
  update_clock (JD_EXECUTION_DETAILS (widget));
}

static void
refresh (JdExecutionDetails *self)
{
  JdExecution *e = self->execution;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->document_view));
  g_autofree char *summary = NULL;
  g_autofree char *document = NULL;
  gint64 timeout;

  if (e == NULL)
    {
      gtk_label_set_label (self->job_id_label, "");
      gtk_text_buffer_set_text (buffer, "", 0);
      jd_signed_files_set_document (self->signed_files, NULL);
      refresh_status_details (self);
      update_clock (self);
      return;
    }

  gtk_label_set_label (self->job_id_label, jd_execution_get_job_id (e));

  /* The likely next step is the suggested one: start what is queued, finish
   * what runs. */
  if (jd_execution_get_status (e) == JD_EXECUTION_STATUS_QUEUED)
    {
      gtk_widget_add_css_class (self->start_button, "suggested-action");
      gtk_widget_remove_css_class (self->succeed_button, "suggested-action");
    }
  else
    {
      gtk_widget_remove_css_class (self->start_button, "suggested-action");
      gtk_widget_add_css_class (self->succeed_button, "suggested-action");
    }
  jd_format_status_pill (self->status_label, jd_execution_get_status (e));
  gtk_widget_set_visible (GTK_WIDGET (self->next_label), jd_execution_get_is_next (e));

  /* Translators: e.g. "Version 2 · Execution 1" */
  summary = g_strdup_printf (_("Version %lld · Execution %lld"),
                             (long long) jd_execution_get_version_number (e),
                             (long long) jd_execution_get_execution_number (e));
  gtk_label_set_label (self->summary_label, summary);

  /* A new report of the seconds left sets the deadline; the clock counts. */
  timeout = jd_execution_get_approximate_seconds_before_timed_out (e);
  if (timeout != self->last_timeout)
    {
      g_clear_pointer (&self->deadline, g_date_time_unref);
      if (timeout > 0)
        {
          g_autoptr(GDateTime) now = jd_clock_dup_now (jd_clock_get_default ());
          self->deadline = g_date_time_add_seconds (now, timeout);
        }
      self->last_timeout = timeout;
    }
  if (jd_execution_get_status (e) != JD_EXECUTION_STATUS_IN_PROGRESS)
    g_clear_pointer (&self->deadline, g_date_time_unref);

  refresh_times (self);
  update_clock (self);

  refresh_status_details (self);
  refresh_note (self);

  jd_signed_files_set_document (self->signed_files, jd_execution_get_job_document (e));
  document = jd_format_json_pretty (jd_execution_get_job_document (e));
  gtk_source_buffer_set_highlight_syntax (GTK_SOURCE_BUFFER (buffer), document[0] != '\0');
  if (document[0] != '\0')
    gtk_text_buffer_set_text (buffer, document, -1);
  else if (jd_execution_status_is_pending (jd_execution_get_status (e)))
    gtk_text_buffer_set_text (buffer, _("Loading…"), -1);
  else
    gtk_text_buffer_set_text (buffer, _("A finished execution’s document is in the Jobs view."), -1);
}

static void
execution_notify_cb (JdExecutionDetails *self)
{
  refresh (self);
}

static void
jd_execution_details_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  JdExecutionDetails *self = JD_EXECUTION_DETAILS (object);

  switch (prop_id)
    {
    case PROP_EXECUTION:
      g_value_set_object (value, self->execution);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_execution_details_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  JdExecutionDetails *self = JD_EXECUTION_DETAILS (object);

  switch (prop_id)
    {
    case PROP_EXECUTION:
      jd_execution_details_set_execution (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_execution_details_dispose (GObject *object)
{
  JdExecutionDetails *self = JD_EXECUTION_DETAILS (object);
  GtkWidget *child;

  jd_execution_details_set_execution (self, NULL);
  jd_execution_details_set_history (self, NULL);
  if (self->clock_id != 0)
    jd_clock_unwatch (jd_clock_get_default (), self->clock_id);
  self->clock_id = 0;
  g_clear_pointer (&self->deadline, g_date_time_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_EXECUTION_DETAILS);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jd_execution_details_parent_class)->dispose (object);
}

static void
jd_execution_details_finalize (GObject *object)
{
  JdExecutionDetails *self = JD_EXECUTION_DETAILS (object);

  g_clear_pointer (&self->detail_rows, g_ptr_array_unref);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);
  g_free (self->queue_note);

  G_OBJECT_CLASS (jd_execution_details_parent_class)->finalize (object);
}

static void
jd_execution_details_class_init (JdExecutionDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_execution_details_dispose;
  object_class->finalize = jd_execution_details_finalize;
  object_class->get_property = jd_execution_details_get_property;
  object_class->set_property = jd_execution_details_set_property;
  widget_class->map = jd_execution_details_map;
  widget_class->unmap = jd_execution_details_unmap;

  properties[PROP_EXECUTION] =
    g_param_spec_object ("execution", NULL, NULL,
                         JD_TYPE_EXECUTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_source_init ();
  g_type_ensure (JD_TYPE_SIGNED_FILES);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-execution-details.ui");
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, scroller);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, toolbar_box);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, start_button);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, succeed_button);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, job_id_label);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, status_label);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, next_label);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, summary_label);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, note_label);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, history_group);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, queued_row);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, started_row);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, updated_row);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, details_group);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, no_details_row);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, document_view);
  gtk_widget_class_bind_template_child (widget_class, JdExecutionDetails, signed_files);
}

static void
jd_execution_details_init (JdExecutionDetails *self)
{
  self->detail_rows = g_ptr_array_new ();
  self->history_rows = g_ptr_array_new ();
  self->last_timeout = -1;

  gtk_widget_init_template (GTK_WIDGET (self));

  jd_format_json_view (self->document_view);
  refresh (self);
}

GtkWidget *
jd_execution_details_new (void)
{
  return g_object_new (JD_TYPE_EXECUTION_DETAILS, NULL);
}

/**
 * jd_execution_details_get_execution:
 *
 * Returns: (transfer none) (nullable): the execution shown
 */
JdExecution *
jd_execution_details_get_execution (JdExecutionDetails *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION_DETAILS (self), NULL);

  return self->execution;
}

void
jd_execution_details_set_execution (JdExecutionDetails *self,
                                    JdExecution        *execution)
{
  g_return_if_fail (JD_IS_EXECUTION_DETAILS (self));
  g_return_if_fail (execution == NULL || JD_IS_EXECUTION (execution));

  if (self->execution == execution)
    return;

  if (self->execution != NULL)
    g_signal_handlers_disconnect_by_func (self->execution, execution_notify_cb, self);

  g_set_object (&self->execution, execution);
  self->last_timeout = -1;
  g_clear_pointer (&self->deadline, g_date_time_unref);

  /* Another execution: start reading it from the top. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);

  if (self->execution != NULL)
    g_signal_connect_object (self->execution, "notify", G_CALLBACK (execution_notify_cb),
                             self, G_CONNECT_SWAPPED);

  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXECUTION]);
}

static void
history_changed_cb (JdExecutionDetails *self)
{
  refresh_history (self);
}

/**
 * jd_execution_details_set_history:
 * @history: (nullable): what the app saw of the shown execution
 */
void
jd_execution_details_set_history (JdExecutionDetails *self,
                                  JdExecutionHistory *history)
{
  g_return_if_fail (JD_IS_EXECUTION_DETAILS (self));

  if (self->history == history)
    return;

  if (self->history != NULL)
    g_signal_handlers_disconnect_by_func (self->history, history_changed_cb, self);
  g_set_object (&self->history, history);
  if (history != NULL)
    g_signal_connect_object (history, "changed", G_CALLBACK (history_changed_cb), self, G_CONNECT_SWAPPED);
  refresh_history (self);
}

/**
 * jd_execution_details_set_queue_note:
 * @note: (nullable): why a queued execution still waits, from what the app knows
 */
void
jd_execution_details_set_queue_note (JdExecutionDetails *self,
                                     const char         *note)
{
  g_return_if_fail (JD_IS_EXECUTION_DETAILS (self));

  if (g_strcmp0 (self->queue_note, note) == 0)
    return;
  g_free (self->queue_note);
  self->queue_note = g_strdup (note);
  refresh_note (self);
}

/**
 * jd_execution_details_get_signed_files:
 *
 * Returns: (transfer none): the document's signed files and their verdicts
 */
JdSignedFiles *
jd_execution_details_get_signed_files (JdExecutionDetails *self)
{
  g_return_val_if_fail (JD_IS_EXECUTION_DETAILS (self), NULL);

  return self->signed_files;
}
