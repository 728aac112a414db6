/* jd-jobs-view-actions.c — the Jobs view's own actions: jobs.refresh,
 * jobs.cancel (with its dialog) and jobs.delete (with its dialog), and when
 * each is enabled.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-aws-error.h"
#include "jd-cancel-job-dialog.h"
#include "jd-delete-job-dialog.h"
#include "jd-fleet-window.h"
#include "jd-jobs-view-private.h"

/* One cancel or delete in flight: keeps the view alive until it answered. */
typedef struct {
  JdJobsView *self;
  char       *job_id;
} Op;

static Op *
op_new (JdJobsView *self,
        const char *job_id)
{
  Op *op = g_new0 (Op, 1);

  op->self = g_object_ref (self);
  op->job_id = g_strdup (job_id);
  self->n_actions++;
  _jd_jobs_view_update_loading (self);
  return op;
}

static void
op_free (Op *op)
{
  JdJobsView *self = op->self;

  g_assert (self->n_actions > 0);
  self->n_actions--;
  if (!self->disposed)
    _jd_jobs_view_update_loading (self);
  g_free (op->job_id);
  g_object_unref (op->self);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

/* Whether the request failed (or the view is gone); says why unless it was
 * cancelled. @title: the toast's words, "Could not … Job1". */
static gboolean
op_failed (Op           *op,
           const GError *error,
           char         *title)
{
  g_autofree char *owned_title = title;
  g_autofree char *details = NULL;

  if (error == NULL)
    return op->self->disposed;
  if (op->self->disposed || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TRUE;

  details = jd_aws_error_details (error);
  _jd_jobs_view_show_message (op->self, owned_title, details);
  return TRUE;
}

static void
cancel_job_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  jd_control_plane_cancel_job_finish (JD_CONTROL_PLANE (object), result, &error);
  if (op_failed (op, error, error ? g_strdup_printf (_("Could not cancel %s"), op->job_id) : NULL))
    return;

  /* Translators: a job was canceled, e.g. "Canceled Job1" */
  title = g_strdup_printf (_("Canceled %s"), op->job_id);
  _jd_jobs_view_show_message (op->self, title, NULL);
  jd_jobs_view_refresh (op->self);
}

static void
cancel_response_cb (JdCancelJobDialog *dialog,
                    const char        *response,
                    JdJobsView        *self)
{
  JdControlPlane *control_plane = jd_job_list_get_control_plane (self->jobs);
  g_autofree char *reason_code = NULL;
  g_autofree char *comment = NULL;

  if (g_strcmp0 (response, JD_CANCEL_JOB_RESPONSE) != 0 || control_plane == NULL)
    return;

  /* The response is disabled while the fields are invalid; a caller that
   * forces it anyway gets the problem in words, not a bad request. */
  if (jd_cancel_job_dialog_get_problem (dialog) != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could not cancel %s"),
                                                jd_cancel_job_dialog_get_job_id (dialog));

      _jd_jobs_view_show_message (self, title, jd_cancel_job_dialog_get_problem (dialog));
      return;
    }

  reason_code = jd_cancel_job_dialog_dup_reason_code (dialog);
  comment = jd_cancel_job_dialog_dup_comment (dialog);
  jd_control_plane_cancel_job_async (control_plane,
                                     jd_cancel_job_dialog_get_job_id (dialog),
                                     jd_cancel_job_dialog_get_force (dialog),
                                     reason_code, comment,
                                     self->actions_cancellable, cancel_job_cb,
                                     op_new (self, jd_cancel_job_dialog_get_job_id (dialog)));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  JdJobsView *self = JD_JOBS_VIEW (widget);
  JdJob *job = _jd_jobs_view_selected_job (self);
  JdCancelJobDialog *dialog;

  if (job == NULL || jd_job_list_get_control_plane (self->jobs) == NULL)
    return;

  dialog = jd_cancel_job_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), jd_job_get_job_id (job));
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_job_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  jd_control_plane_delete_job_finish (JD_CONTROL_PLANE (object), result, &error);
  if (op_failed (op, error, error ? g_strdup_printf (_("Could not delete %s"), op->job_id) : NULL))
    return;

  /* Translators: a job was deleted, e.g. "Deleted Job1" */
  title = g_strdup_printf (_("Deleted %s"), op->job_id);
  _jd_jobs_view_show_message (op->self, title, NULL);
  jd_jobs_view_refresh (op->self);
}

static void
delete_response_cb (JdDeleteJobDialog *dialog,
                    const char        *response,
                    JdJobsView        *self)
{
  JdControlPlane *control_plane = jd_job_list_get_control_plane (self->jobs);
  const char *job_id = jd_delete_job_dialog_get_job_id (dialog);

  if (g_strcmp0 (response, JD_DELETE_JOB_RESPONSE) != 0 || control_plane == NULL)
    return;

  jd_control_plane_delete_job_async (control_plane, job_id,
                                     jd_delete_job_dialog_get_force (dialog),
                                     self->actions_cancellable, delete_job_cb,
                                     op_new (self, job_id));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  JdJobsView *self = JD_JOBS_VIEW (widget);
  JdJob *job = _jd_jobs_view_selected_job (self);
  JdDeleteJobDialog *dialog;

  if (job == NULL || jd_job_list_get_control_plane (self->jobs) == NULL)
    return;

  dialog = jd_delete_job_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), job);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_executions_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  JdJobsView *self = JD_JOBS_VIEW (widget);
  JdJob *job = _jd_jobs_view_selected_job (self);
  JdControlPlane *control_plane = jd_job_list_get_control_plane (self->jobs);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkApplication *application = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;
  JdFleetWindow *fleet;

  if (job == NULL || control_plane == NULL)
    return;

  /* One window per job: bring an open one forward. */
  if (application != NULL)
    for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
      if (JD_IS_FLEET_WINDOW (l->data) &&
          g_strcmp0 (jd_fleet_window_get_job_id (l->data), jd_job_get_job_id (job)) == 0)
        {
          gtk_window_present (l->data);
          return;
        }

  fleet = jd_fleet_window_new (application, control_plane, jd_job_get_job_id (job));
  gtk_window_present (GTK_WINDOW (fleet));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  jd_jobs_view_refresh (JD_JOBS_VIEW (widget));
}

void
_jd_jobs_view_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "jobs.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "jobs.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "jobs.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "jobs.show-executions", NULL, show_executions_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "jobs.show-executions", NULL);
}

void
_jd_jobs_view_update_actions (JdJobsView *self)
{
  JdJob *job = _jd_jobs_view_selected_job (self);
  JdJobStatus status = job ? jd_job_get_status (job) : JD_JOB_STATUS_UNKNOWN;
  gboolean connected = jd_job_list_get_control_plane (self->jobs) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "jobs.refresh", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "jobs.cancel",
                                 connected && job != NULL &&
                                 (status == JD_JOB_STATUS_IN_PROGRESS || status == JD_JOB_STATUS_SCHEDULED));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "jobs.show-executions", connected && job != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "jobs.delete",
                                 connected && job != NULL && status != JD_JOB_STATUS_DELETION_IN_PROGRESS);
}
