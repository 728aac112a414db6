/* jd-history-window.c — one thing's execution of a job over time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-history-window"

#include <glib/gi18n.h>

#include "jd-history-window.h"
#include "jd-format.h"

#define RESOURCE_PREFIX "/io/github/jobdeck/Jobdeck"

struct _JdHistoryWindow
{
  AdwWindow            parent_instance;

  AdwWindowTitle      *window_title;
  GtkLabel            *status_label;
  GtkLabel            *problem_label;
  AdwPreferencesGroup *reasons_group;
  AdwPreferencesGroup *history_group;

  JdFleetRow          *row;
  char                *job_id;
  JdJob               *job;
  JdFleetModel        *model;
  JdControlPlane      *control_plane;
  GCancellable        *cancellable;
  GPtrArray           *reasons;
  guint                n_history_shown;
};

G_DEFINE_FINAL_TYPE (JdHistoryWindow, jd_history_window, ADW_TYPE_WINDOW)

static void
add_reason (JdHistoryWindow *self,
            const char         *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_group_add (self->reasons_group, row);
  gtk_widget_set_visible (GTK_WIDGET (self->reasons_group), TRUE);
  g_ptr_array_add (self->reasons, g_strdup (text));
}

static char *
join_change (char      **items,
             const char *separator)
{
  if (items == NULL || items[0] == NULL)
    return NULL;
  return g_strjoinv (separator, items);
}

static void
show_history (JdHistoryWindow *self)
{
  GPtrArray *history = jd_fleet_row_get_history (self->row);

  for (guint i = self->n_history_shown; i < history->len; i++)
    {
      JdFleetChange *change = g_ptr_array_index (history, i);
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (change->at);
      g_autofree char *time_text = jd_format_exact_time (when);
      g_autofree char *added = join_change (change->added, ", ");
      g_autofree char *changed = join_change (change->changed, ", ");
      g_autofree char *removed = join_change (change->removed, ", ");
      g_autoptr(GString) title = g_string_new (jd_format_status_label (change->status));
      g_autoptr(GString) subtitle = g_string_new (time_text);
      GtkWidget *row = adw_action_row_new ();

      if (change->version_number > 0)
        /* Translators: after a status, e.g. "Failed · version 3". */
        g_string_append_printf (title, _(" · version %d"), (int) change->version_number);
      if (change->execution_number > 0)
        /* Translators: after a status, e.g. "Queued · execution 2" (a retry). */
        g_string_append_printf (title, _(" · execution %d"), (int) change->execution_number);
      if (added != NULL)
        /* Translators: statusDetails keys that appeared. */
        g_string_append_printf (subtitle, _("\nAdded: %s"), added);
      if (changed != NULL)
        g_string_append_printf (subtitle, _("\nChanged: %s"), changed);
      if (removed != NULL)
        g_string_append_printf (subtitle, _("\nRemoved: %s"), removed);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title->str);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_preferences_group_add (self->history_group, row);
    }
  self->n_history_shown = history->len;
}

static void
show_status (JdHistoryWindow *self)
{
  JdExecutionStatus status = jd_fleet_row_get_status (self->row);
  const char *reason = jd_fleet_row_get_detail (self->row, "reason");
  const char *err = jd_fleet_row_get_detail (self->row, "stderr");
  g_autoptr(GString) problem = g_string_new (NULL);
  g_autofree char *text = NULL;

  if (jd_fleet_row_get_retry_attempt (self->row) > 0)
    /* Translators: "Failed, execution 3 (2 retries)". */
    text = g_strdup_printf (_("%s, execution %d (%d retries)"), jd_format_status_label (status),
                            (int) jd_fleet_row_get_execution_number (self->row),
                            jd_fleet_row_get_retry_attempt (self->row));
  else
    text = g_strdup (jd_format_status_label (status));
  gtk_label_set_label (self->status_label, text);

  if (status == JD_EXECUTION_STATUS_FAILED || status == JD_EXECUTION_STATUS_REJECTED ||
      status == JD_EXECUTION_STATUS_TIMED_OUT)
    {
      if (reason != NULL)
        g_string_append (problem, reason);
      if (err != NULL)
        g_string_append_printf (problem, "%s%s", problem->len > 0 ? "\n" : "", err);
    }
  gtk_label_set_label (self->problem_label, problem->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem->len > 0);
}

static void
row_changed_cb (JdFleetRow         *row,
                GParamSpec         *pspec,
                JdHistoryWindow *self)
{
  show_status (self);
  show_history (self);
}

GStrv
jd_history_window_queued_reasons (JdJob        *job,
                                     JdFleetModel *model,
                                     gint64        now)
{
  g_autoptr(GStrvBuilder) reasons = g_strv_builder_new ();
  const JdJobConfig *config;

  g_return_val_if_fail (JD_IS_JOB (job), NULL);

  config = jd_job_get_config (job);
  if (jd_job_get_status (job) == JD_JOB_STATUS_SCHEDULED)
    {
      if (config->start_time > now)
        {
          g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (config->start_time);
          g_autofree char *text = jd_format_exact_time (start);
          g_autofree char *line = g_strdup_printf (_("The job is scheduled: its rollout starts at %s."), text);

          g_strv_builder_add (reasons, line);
        }
      else
        g_strv_builder_add (reasons, _("The job is scheduled and waits for its next maintenance window."));
    }

  if (config->windows->len > 0 && !jd_job_config_window_open (config, now, NULL))
    {
      gint64 next = jd_job_config_next_window (config, now);

      if (next > 0)
        {
          g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (next);
          g_autofree char *text = jd_format_exact_time (start);
          g_autofree char *line = g_strdup_printf (_("The maintenance window is closed; the next one opens at %s."),
                                                   text);

          g_strv_builder_add (reasons, line);
        }
      else
        g_strv_builder_add (reasons, _("The maintenance window is closed and opens no more."));
    }

  if (model != NULL && config->has_rollout)
    {
      guint queued = jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_QUEUED);
      guint total = g_list_model_get_n_items (G_LIST_MODEL (model));
      gint64 rate = jd_job_config_rollout_rate (config, total - queued,
                                                jd_fleet_model_count_status (model, JD_EXECUTION_STATUS_SUCCEEDED));

      if (queued > (guint) rate)
        {
          g_autofree char *line =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "The rollout releases at most %d execution a minute, and %u are still queued.",
                                          "The rollout releases at most %d executions a minute, and %u are still queued.",
                                          (gulong) rate),
                             (int) rate, queued);

          g_strv_builder_add (reasons, line);
        }
    }

  return g_strv_builder_end (reasons);
}

static void
thing_executions_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  JdHistoryWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  GDateTime *mine = NULL;
  guint ahead = 0;
  gboolean explained = self->reasons->len > 0;

  infos = jd_control_plane_list_job_executions_for_thing_finish (JD_CONTROL_PLANE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (infos == NULL)
    {
      g_autofree char *line = g_strdup_printf (_("The thing's other executions could not be read: %s"),
                                               error->message);
      add_reason (self, line);
      return;
    }

  for (guint i = 0; i < infos->len; i++)
    {
      JdJobExecutionInfo *info = g_ptr_array_index (infos, i);

      if (g_strcmp0 (jd_job_execution_info_get_job_id (info), self->job_id) == 0)
        mine = jd_job_execution_info_get_queued_at (info);
    }

  for (guint i = 0; i < infos->len; i++)
    {
      JdJobExecutionInfo *info = g_ptr_array_index (infos, i);
      JdExecutionStatus status = jd_job_execution_info_get_status (info);
      GDateTime *queued = jd_job_execution_info_get_queued_at (info);

      if (g_strcmp0 (jd_job_execution_info_get_job_id (info), self->job_id) == 0)
        continue;
      if (status == JD_EXECUTION_STATUS_IN_PROGRESS)
        {
          g_autofree char *line =
            g_strdup_printf (_("Job %s is in progress on this thing; a device starts its next execution only when it finishes."),
                             jd_job_execution_info_get_job_id (info));
          add_reason (self, line);
          explained = TRUE;
        }
      else if (status == JD_EXECUTION_STATUS_QUEUED && mine != NULL && queued != NULL &&
               g_date_time_compare (queued, mine) < 0)
        ahead++;
    }

  if (ahead > 0)
    {
      g_autofree char *line =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u execution was queued on this thing before this one; $next takes the oldest first.",
                                      "%u executions were queued on this thing before this one; $next takes the oldest first.",
                                      ahead), ahead);
      add_reason (self, line);
      explained = TRUE;
    }

  if (!explained)
    add_reason (self, _("Nothing in the job or on the thing holds it back: its device has not started it yet. "
                        "A device starts its next execution when it connects or when notify-next tells it to."));
}

static void
explain_queued (JdHistoryWindow *self)
{
  if (jd_fleet_row_get_status (self->row) != JD_EXECUTION_STATUS_QUEUED)
    return;

  if (self->job != NULL)
    {
      g_auto(GStrv) reasons = jd_history_window_queued_reasons (self->job, self->model,
                                                                   g_get_real_time () / G_USEC_PER_SEC);

      for (guint i = 0; reasons[i] != NULL; i++)
        add_reason (self, reasons[i]);
    }
  if (self->control_plane != NULL)
    jd_control_plane_list_job_executions_for_thing_async (self->control_plane,
                                                          jd_fleet_row_get_thing_name (self->row),
                                                          JD_EXECUTION_STATUS_UNKNOWN, self->cancellable,
                                                          thing_executions_cb, self);
}

static void
jd_history_window_dispose (GObject *object)
{
  JdHistoryWindow *self = JD_HISTORY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->row != NULL)
    g_signal_handlers_disconnect_by_data (self->row, self);
  g_clear_object (&self->row);
  g_clear_object (&self->job);
  g_clear_object (&self->model);
  g_clear_object (&self->control_plane);
  gtk_widget_dispose_template (GTK_WIDGET (self), JD_TYPE_HISTORY_WINDOW);

  G_OBJECT_CLASS (jd_history_window_parent_class)->dispose (object);
}

static void
jd_history_window_finalize (GObject *object)
{
  JdHistoryWindow *self = JD_HISTORY_WINDOW (object);

  g_free (self->job_id);
  g_ptr_array_unref (self->reasons);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (jd_history_window_parent_class)->finalize (object);
}

static void
jd_history_window_class_init (JdHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_history_window_dispose;
  object_class->finalize = jd_history_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, JdHistoryWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, JdHistoryWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, JdHistoryWindow, problem_label);
  gtk_widget_class_bind_template_child (widget_class, JdHistoryWindow, reasons_group);
  gtk_widget_class_bind_template_child (widget_class, JdHistoryWindow, history_group);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
jd_history_window_init (JdHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->reasons = g_ptr_array_new_with_free_func (g_free);
}

JdHistoryWindow *
jd_history_window_new (GtkWindow      *parent,
                          JdFleetRow     *row,
                          const char     *job_id,
                          JdJob          *job,
                          JdFleetModel   *model,
                          JdControlPlane *control_plane)
{
  JdHistoryWindow *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (JD_IS_FLEET_ROW (row), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  self = g_object_new (JD_TYPE_HISTORY_WINDOW, "transient-for", parent, NULL);
  self->row = g_object_ref (row);
  self->job_id = g_strdup (job_id);
  self->job = job != NULL ? g_object_ref (job) : NULL;
  self->model = model != NULL ? g_object_ref (model) : NULL;
  self->control_plane = control_plane != NULL ? g_object_ref (control_plane) : NULL;

  /* Translators: the history window's title: a thing and a job. */
  title = g_strdup_printf (_("%s · %s"), jd_fleet_row_get_thing_name (row), job_id);
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);

  show_status (self);
  show_history (self);
  explain_queued (self);
  g_signal_connect (row, "notify", G_CALLBACK (row_changed_cb), self);
  return self;
}

GStrv
jd_history_window_dup_reasons (JdHistoryWindow *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (JD_IS_HISTORY_WINDOW (self), NULL);

  for (guint i = 0; i < self->reasons->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->reasons, i));
  return g_strv_builder_end (builder);
}
