/* jd-window-actions.c — the window's actions (win.*): the session (profile,
 * reconnect, restart), New Job, Start Next and Refresh (which the Device and
 * Jobs views carry out), the Events view's export and clear, switching views
 * and showing a toast's details. The Device view owns its own exec.* actions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-format.h"
#include "jd-new-job-dialog.h"
#include "jd-window-private.h"

static void
show_details_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  JdWindow *self = user_data;
  const char *title, *details;
  GtkWidget *dialog;

  g_variant_get (parameter, "(&s&s)", &title, &details);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), title, details);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
profile_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  JdWindow *self = user_data;
  g_autofree char *current = g_settings_get_string (self->settings, "active-profile");
  const char *id = g_variant_get_string (parameter, NULL);

  g_simple_action_set_state (action, parameter);
  if (g_strcmp0 (current, id) == 0 && self->session != NULL)
    return;

  g_settings_set_string (self->settings, "active-profile", id);
  _jd_window_start_session (self);
}

static void
start_next_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  JdWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack, "device");
  jd_device_view_start_next (self->device_view);
}

static void
refresh_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  JdWindow *self = user_data;

  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "jobs") == 0)
    jd_jobs_view_refresh (self->jobs_view);
  else
    jd_device_view_refresh (self->device_view);
}

static void
reconnect_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  _jd_window_retry (user_data);
}

static void
restart_session_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  _jd_window_start_session (user_data);
}

static void
new_job_created_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JdWindow) self = user_data;
  JdNewJobDialog *dialog = JD_NEW_JOB_DIALOG (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(JdJob) job = jd_new_job_dialog_create_finish (dialog, result, &error);
  const char *job_id;
  g_autofree char *title = NULL;

  /* A refusal is already shown in the dialog, at its field. */
  if (job == NULL)
    return;
  job_id = jd_job_get_job_id (job);
  /* Translators: %s is a job id */
  title = g_strdup_printf (_("Created %s"), job_id);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
  /* Watched for its notifications, whichever view is shown. */
  if (self->job_watch == NULL && self->session != NULL && jd_session_get_control_plane (self->session) != NULL)
    self->job_watch = jd_job_watch_new (GTK_WINDOW (self), jd_session_get_control_plane (self->session));
  if (self->job_watch != NULL)
    jd_job_watch_add (self->job_watch, job_id);
  jd_jobs_view_select_job (self->jobs_view, job_id);
  jd_jobs_view_refresh (self->jobs_view);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
new_job_create_cb (JdNewJobDialog *dialog,
                   JdWindow       *self)
{
  jd_new_job_dialog_create_async (dialog, self->cancellable, new_job_created_cb, g_object_ref (self));
}

static void
new_job_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  JdWindow *self = user_data;
  JdNewJobDialog *dialog;

  dialog = jd_new_job_dialog_new (GTK_WINDOW (self), self->session ? jd_session_get_thing_name (self->session) : NULL);
  g_signal_connect_object (dialog, "create-requested", G_CALLBACK (new_job_create_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_events_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  JdWindow *self = user_data;

  jd_events_view_export (self->events_view);
}

static void
clear_events_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  JdWindow *self = user_data;

  if (_jd_window_jobs_client (self) != NULL)
    jd_event_log_clear (jd_jobs_client_get_event_log (_jd_window_jobs_client (self)));
}

static void
show_view_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  JdWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
}

static const GActionEntry win_entries[] = {
  { "new-job", new_job_action },
  { "start-next", start_next_action },
  { "refresh", refresh_action },
  { "reconnect", reconnect_action },
  { "restart-session", restart_session_action },
  { "export-events", export_events_action },
  { "clear-events", clear_events_action },
  { "show-view", show_view_action, "s" },
  { "show-details", show_details_action, "(ss)" },
  { "profile", profile_action, "s", "''" },
};

void
_jd_window_add_actions (JdWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);
}
