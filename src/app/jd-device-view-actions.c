/* jd-device-view-actions.c — what the Device view does as the device: the
 * exec.* actions on the shown execution (Start — asking first when its
 * signed files did not verify —, Succeed, Fail with a reason, Reject,
 * Update…, Describe), Start Next and Refresh, with their shortcuts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jd-codesign.h"
#include "jd-device-view-private.h"
#include "jd-format.h"
#include "jd-jobs-error.h"
#include "jd-update-dialog.h"


void
_jd_device_view_update_actions (JdDeviceView *self)
{
  JdExecution *e = _jd_device_view_shown_execution (self);
  JdExecutionStatus status = e ? jd_execution_get_status (e) : JD_EXECUTION_STATUS_UNKNOWN;
  gboolean queued = status == JD_EXECUTION_STATUS_QUEUED;
  gboolean running = status == JD_EXECUTION_STATUS_IN_PROGRESS;
  /* Each step is an MQTT request: none can work while the broker is out of reach. */
  gboolean online = self->client != NULL &&
    jd_mqtt_connection_get_state (jd_jobs_client_get_connection (self->client)) == JD_MQTT_STATE_CONNECTED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "exec.start", online && queued);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "exec.succeed", online && running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "exec.fail", online && (queued || running));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "exec.reject", online && (queued || running));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "exec.update", online && (queued || running));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "exec.describe", online && (queued || running));
}

typedef struct {
  JdDeviceView      *view;
  char              *job_id;
  JdExecutionStatus  status;
  JdUpdateDialog    *dialog;   /* nullable */
} UpdateRequest;

static void
update_request_free (UpdateRequest *request)
{
  g_clear_object (&request->view);
  g_clear_object (&request->dialog);
  g_free (request->job_id);
  g_free (request);
}

static void
describe_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdDeviceView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_describe_finish (JD_JOBS_CLIENT (object), result, &error);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    jd_format_toast_error (GTK_WIDGET (self), _("Could not reload the execution"), error);
}

static void
describe_job (JdDeviceView *self,
              const char   *job_id)
{
  if (self->client == NULL || job_id == NULL)
    return;

  jd_jobs_client_describe_async (self->client, job_id, -1, TRUE,
                                 self->cancellable, describe_done_cb, g_object_ref (self));
}

static void
reload_clicked_cb (AdwToast *toast,
                   gpointer  user_data)
{
  JdDeviceView *self = g_object_get_data (G_OBJECT (toast), "jd-view");

  if (self != NULL)
    describe_job (self, user_data);
}

static void
update_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  UpdateRequest *request = user_data;
  JdDeviceView *self = request->view;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_update_finish (JD_JOBS_CLIENT (object), result, &error);

  if (request->dialog != NULL)
    jd_update_dialog_set_busy (request->dialog, FALSE);

  if (execution != NULL)
    {
      /* Translators: e.g. "Job1: Succeeded" */
      g_autofree char *title = g_strdup_printf (_("%s: %s"), request->job_id,
                                                jd_format_status_label (request->status));

      /* The update's reply carries no startedAt; ask for it at once. */
      if (request->status == JD_EXECUTION_STATUS_IN_PROGRESS && jd_execution_get_started_at (execution) == NULL)
        describe_job (self, request->job_id);

      /* Leaving the list is said by the list. */
      if (jd_execution_status_is_pending (request->status))
        jd_format_add_toast (GTK_WIDGET (self), adw_toast_new (title));
      if (request->dialog != NULL)
        gtk_window_destroy (GTK_WINDOW (request->dialog));
    }
  else if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_VERSION_MISMATCH))
    {
      /* Translators: %s is a job id */
      g_autofree char *title = g_strdup_printf (_("%s changed elsewhere; nothing was sent over it"), request->job_id);
      AdwToast *toast = adw_toast_new (title);

      adw_toast_set_button_label (toast, _("_Reload"));
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      g_object_set_data_full (G_OBJECT (toast), "jd-view", g_object_ref (self), g_object_unref);
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (reload_clicked_cb),
                             g_strdup (request->job_id), (GClosureNotify) (void (*) (void)) g_free, 0);
      jd_format_add_toast (GTK_WIDGET (self), toast);
      if (request->dialog != NULL)
        jd_update_dialog_show_error (request->dialog,
                                     _("The execution changed elsewhere since it was loaded. Reload it, then try again."));
      describe_job (self, request->job_id);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s is a job id */
      g_autofree char *title = g_strdup_printf (_("Could not update %s"), request->job_id);

      if (request->dialog != NULL)
        {
          const char *code = jd_jobs_error_get_aws_code (error);
          g_autofree char *text = code ? g_strdup_printf ("%s: %s", code, error->message)
                                       : g_strdup (error->message);
          jd_update_dialog_show_error (request->dialog, text);
        }
      else
        jd_format_toast_error (GTK_WIDGET (self), title, error);
    }

  update_request_free (request);
}

static void
send_update (JdDeviceView      *self,
             JdExecution       *e,
             JdExecutionStatus  status,
             GHashTable        *details,
             gint64             step_timeout,
             JdUpdateDialog    *dialog)
{
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;
  UpdateRequest *request;

  g_assert (self->client != NULL);

  options.status_details = details;
  options.step_timeout_in_minutes = step_timeout;
  options.expected_version = jd_execution_get_version_number (e);
  options.include_job_execution_state = TRUE;

  request = g_new0 (UpdateRequest, 1);
  request->view = g_object_ref (self);
  request->job_id = g_strdup (jd_execution_get_job_id (e));
  request->status = status;
  request->dialog = dialog ? g_object_ref (dialog) : NULL;

  if (dialog != NULL)
    jd_update_dialog_set_busy (dialog, TRUE);

  jd_jobs_client_update_async (self->client, request->job_id, status, &options,
                               self->cancellable, update_done_cb, request);
}

/* ---- download progress, as OTA agents report it ---- */

static void send_progress (JdDeviceView *self,
                           GHashTable   *details);

static void
progress_sent_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdDeviceView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_update_finish (JD_JOBS_CLIENT (object), result, &error);
  GHashTable *pending;

  /* A lost report is not worth a toast: the next one (or the device's
   * final update) says more. */
  if (execution == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Download progress of %s not reported: %s", self->progress_job_id, error->message);
  self->progress_in_flight = FALSE;
  pending = g_steal_pointer (&self->progress_pending);
  if (pending != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    send_progress (self, pending);
  g_clear_pointer (&pending, g_hash_table_unref);
}

static void
send_progress (JdDeviceView *self,
               GHashTable   *details)
{
  JdUpdateOptions options = JD_UPDATE_OPTIONS_INIT;

  /* No expected version: a progress report must not fail over (or make
   * fail) an update the user sends meanwhile. */
  options.status_details = details;
  self->progress_in_flight = TRUE;
  jd_jobs_client_update_async (self->client, self->progress_job_id, JD_EXECUTION_STATUS_IN_PROGRESS, &options,
                               self->cancellable, progress_sent_cb, g_object_ref (self));
}

/* A verification's download went on: while the shown execution is
 * IN_PROGRESS, its statusDetails get `progress: "received/total"` at the
 * core's rate (jd_codesign_progress_due), the other keys kept. */
void
_jd_device_view_report_download (JdDeviceView *self,
                                 guint64       received,
                                 gint64        total)
{
  JdExecution *e = _jd_device_view_shown_execution (self);
  gint64 now = g_get_monotonic_time ();
  GHashTable *current;
  GHashTable *details;
  GHashTableIter iter;
  gpointer key, value;

  if (e == NULL || self->client == NULL || jd_execution_get_status (e) != JD_EXECUTION_STATUS_IN_PROGRESS)
    return;
  if (g_strcmp0 (self->progress_job_id, jd_execution_get_job_id (e)) != 0 || received < self->progress_reported)
    {
      g_free (self->progress_job_id);
      self->progress_job_id = g_strdup (jd_execution_get_job_id (e));
      self->progress_reported = 0;
      self->progress_reported_at = 0;
      g_clear_pointer (&self->progress_pending, g_hash_table_unref);
    }
  if (!jd_codesign_progress_due (self->progress_reported, self->progress_reported_at, received, total, now))
    return;
  self->progress_reported = received;
  self->progress_reported_at = now;

  details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  current = jd_execution_get_status_details (e);
  if (current != NULL)
    {
      g_hash_table_iter_init (&iter, current);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (details, g_strdup (key), g_strdup (value));
    }
  g_hash_table_insert (details, g_strdup ("progress"), jd_codesign_format_progress (received, total));

  if (self->progress_in_flight)
    {
      g_clear_pointer (&self->progress_pending, g_hash_table_unref);
      self->progress_pending = details;
      return;
    }
  send_progress (self, details);
  g_hash_table_unref (details);
}

/* Start on a document whose signed files did not verify (or are not
 * verified yet) asks first, as AWS's device workflow requires a device to
 * verify before it proceeds: Reject (reason sig_check_failed) or Verify is
 * the default, Start Anyway the exception. */
static void
start_check_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         JdDeviceView     *self)
{
  JdExecution *e = g_object_get_data (G_OBJECT (dialog), "jd-execution");
  g_autoptr(GHashTable) details = NULL;

  if (e == NULL || self->client == NULL || e != _jd_device_view_shown_execution (self))
    return;

  if (g_strcmp0 (response, "start") == 0)
    send_update (self, e, JD_EXECUTION_STATUS_IN_PROGRESS, NULL, 0, NULL);
  else if (g_strcmp0 (response, "reject") == 0)
    {
      details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (details, g_strdup ("reason"), g_strdup (JD_CODESIGN_REJECT_REASON));
      send_update (self, e, JD_EXECUTION_STATUS_REJECTED, details, 0, NULL);
    }
  else if (g_strcmp0 (response, "verify") == 0)
    jd_signed_files_verify (jd_execution_details_get_signed_files (self->details));
}

static gboolean
start_needs_asking (JdDeviceView *self,
                    JdExecution  *e)
{
  JdSignedFiles *files = jd_execution_details_get_signed_files (self->details);
  JdSignedFilesState state = jd_signed_files_get_state (files);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (state == JD_SIGNED_FILES_NONE || state == JD_SIGNED_FILES_VERIFIED)
    return FALSE;

  /* Translators: %s is a job id */
  heading = g_strdup_printf (_("Start %s?"), jd_execution_get_job_id (e));
  if (state == JD_SIGNED_FILES_FAILED)
    /* Translators: %s says which file and why, e.g. "/fw/a.bin: the signature does not match" */
    body = g_strdup_printf (_("Its signed files did not verify (%s). A device rejects such a job "
                              "with the reason “sig_check_failed”."),
                            jd_signed_files_get_problem (files));
  else
    body = g_strdup (_("Its signed files are not verified yet. A device verifies them before it runs a job."));

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "start", _("_Start Anyway"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "start", ADW_RESPONSE_DESTRUCTIVE);
  if (state == JD_SIGNED_FILES_FAILED)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "reject", _("_Reject"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reject", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "reject");
    }
  else
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "verify", _("_Verify"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "verify", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "verify");
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "verify",
                                               state == JD_SIGNED_FILES_UNCHECKED);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "jd-execution", g_object_ref (e), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (start_check_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
exec_status_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  JdDeviceView *self = JD_DEVICE_VIEW (widget);
  JdExecution *e = _jd_device_view_shown_execution (self);
  JdExecutionStatus status;

  if (e == NULL || self->client == NULL)
    return;

  if (g_str_equal (action_name, "exec.start") && start_needs_asking (self, e))
    return;
  if (g_str_equal (action_name, "exec.start"))
    status = JD_EXECUTION_STATUS_IN_PROGRESS;
  else if (g_str_equal (action_name, "exec.succeed"))
    status = JD_EXECUTION_STATUS_SUCCEEDED;
  else
    status = JD_EXECUTION_STATUS_REJECTED;

  send_update (self, e, status, NULL, 0, NULL);
}

/* Fail asks for an optional reason, sent as statusDetails "reason" beside
 * the details the execution has. */
static void
fail_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  JdDeviceView     *self)
{
  JdExecution *e = g_object_get_data (G_OBJECT (dialog), "jd-execution");
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "jd-entry");
  g_autoptr(GHashTable) details = NULL;
  const char *reason;

  if (g_strcmp0 (response, "fail") != 0 || e == NULL || self->client == NULL)
    return;

  reason = gtk_editable_get_text (entry);
  if (reason[0] != '\0')
    {
      GHashTable *old = jd_execution_get_status_details (e);
      GHashTableIter iter;
      gpointer key, value;

      details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      if (old != NULL)
        {
          g_hash_table_iter_init (&iter, old);
          while (g_hash_table_iter_next (&iter, &key, &value))
            g_hash_table_insert (details, g_strdup (key), g_strdup (value));
        }
      g_hash_table_insert (details, g_strdup ("reason"), g_strdup (reason));
    }

  send_update (self, e, JD_EXECUTION_STATUS_FAILED, details, 0, NULL);
}

static void
exec_fail_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  JdDeviceView *self = JD_DEVICE_VIEW (widget);
  JdExecution *e = _jd_device_view_shown_execution (self);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  GtkWidget *entry;

  if (e == NULL || self->client == NULL)
    return;

  /* Translators: %s is a job id */
  heading = g_strdup_printf (_("Fail %s?"), jd_execution_get_job_id (e));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                                   _("The reason is sent as the status detail “reason”. Leave it empty to send none."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason (optional)"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "fail", _("_Fail"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "fail", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "fail");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "jd-execution", g_object_ref (e), g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "jd-entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (fail_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
update_dialog_send_cb (JdUpdateDialog *dialog,
                       JdDeviceView   *self)
{
  g_autoptr(GHashTable) details = jd_update_dialog_dup_status_details (dialog);

  if (self->client == NULL)
    {
      jd_update_dialog_show_error (dialog, _("Not connected: the update cannot be sent now."));
      return;
    }

  send_update (self, jd_update_dialog_get_execution (dialog), jd_update_dialog_get_status (dialog),
               details, jd_update_dialog_get_step_timeout (dialog), dialog);
}

static void
exec_update_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  JdDeviceView *self = JD_DEVICE_VIEW (widget);
  JdExecution *e = _jd_device_view_shown_execution (self);
  JdUpdateDialog *dialog;

  if (e == NULL)
    return;

  dialog = jd_update_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), e);
  g_signal_connect_object (dialog, "send-requested", G_CALLBACK (update_dialog_send_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
exec_describe_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  JdDeviceView *self = JD_DEVICE_VIEW (widget);
  JdExecution *e = _jd_device_view_shown_execution (self);

  if (e != NULL)
    describe_job (self, jd_execution_get_job_id (e));
}

static void
start_next_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JdDeviceView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JdExecution) execution = jd_jobs_client_start_next_finish (JD_JOBS_CLIENT (object), result, &error);
  g_autofree char *title = NULL;

  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        jd_format_toast_error (GTK_WIDGET (self), _("Could not start the next job"), error);
      return;
    }

  if (execution == NULL)
    {
      jd_format_add_toast (GTK_WIDGET (self), adw_toast_new (_("No job is waiting")));
      return;
    }

  /* Translators: %s is a job id */
  title = g_strdup_printf (_("Started %s"), jd_execution_get_job_id (execution));
  jd_format_add_toast (GTK_WIDGET (self), adw_toast_new (title));
  jd_device_view_select_job (self, jd_execution_get_job_id (execution));
}

static void
get_pending_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(JdDeviceView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) pending = jd_jobs_client_get_pending_finish (JD_JOBS_CLIENT (object), result, &error);

  if (pending == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    jd_format_toast_error (GTK_WIDGET (self), _("Could not refresh the pending jobs"), error);
}

void
_jd_device_view_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "exec.start", NULL, exec_status_action);
  gtk_widget_class_install_action (widget_class, "exec.succeed", NULL, exec_status_action);
  gtk_widget_class_install_action (widget_class, "exec.fail", NULL, exec_fail_action);
  gtk_widget_class_install_action (widget_class, "exec.reject", NULL, exec_status_action);
  gtk_widget_class_install_action (widget_class, "exec.update", NULL, exec_update_action);
  gtk_widget_class_install_action (widget_class, "exec.describe", NULL, exec_describe_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, GDK_CONTROL_MASK, "exec.update", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "exec.describe", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "exec.describe", NULL);
}

/**
 * jd_device_view_start_next:
 *
 * StartNextPendingJobExecution, then selects what started.
 */
void
jd_device_view_start_next (JdDeviceView *self)
{
  g_return_if_fail (JD_IS_DEVICE_VIEW (self));

  if (self->client == NULL)
    return;

  jd_jobs_client_start_next_async (self->client, NULL, JD_JOBS_STEP_TIMEOUT_UNSET,
                                   self->cancellable, start_next_done_cb, g_object_ref (self));
}

/**
 * jd_device_view_refresh:
 *
 * Asks for the pending executions again.
 */
void
jd_device_view_refresh (JdDeviceView *self)
{
  g_return_if_fail (JD_IS_DEVICE_VIEW (self));

  if (self->client == NULL)
    return;

  jd_jobs_client_get_pending_async (self->client, self->cancellable,
                                    get_pending_done_cb, g_object_ref (self));
}

void
jd_device_view_set_codesign_trust (JdDeviceView *self,
                                   const char   *certificate_path,
                                   const char   *ca_path)
{
  g_return_if_fail (JD_IS_DEVICE_VIEW (self));

  jd_signed_files_set_trust (jd_execution_details_get_signed_files (self->details), certificate_path, ca_path);
}
