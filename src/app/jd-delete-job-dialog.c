/* jd-delete-job-dialog.c — the confirmation to delete a job.
 *
 * AWS deletes a finished (COMPLETED or CANCELED) job as asked; any other job
 * needs force=true, and its devices may be in the middle of it. So the Force
 * check appears only for such a job, already ticked, with the risk in words
 * (how many devices are working on it, when the counters are known); Delete
 * without it is never offered, since AWS would refuse it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-delete-job-dialog.h"

struct _JdDeleteJobDialog
{
  AdwMessageDialog  parent_instance;

  char             *job_id;

  /* Template children */
  GtkCheckButton   *force_check;
};

G_DEFINE_FINAL_TYPE (JdDeleteJobDialog, jd_delete_job_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
force_toggled_cb (JdDeleteJobDialog *self)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), JD_DELETE_JOB_RESPONSE,
                                           !gtk_widget_get_visible (GTK_WIDGET (self->force_check)) ||
                                           gtk_check_button_get_active (self->force_check));
}

static void
jd_delete_job_dialog_finalize (GObject *object)
{
  JdDeleteJobDialog *self = JD_DELETE_JOB_DIALOG (object);

  g_clear_pointer (&self->job_id, g_free);

  G_OBJECT_CLASS (jd_delete_job_dialog_parent_class)->finalize (object);
}

static void
jd_delete_job_dialog_class_init (JdDeleteJobDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = jd_delete_job_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-delete-job-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, JdDeleteJobDialog, force_check);
}

static void
jd_delete_job_dialog_init (JdDeleteJobDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->force_check, "toggled", G_CALLBACK (force_toggled_cb), self, G_CONNECT_SWAPPED);
}

/**
 * jd_delete_job_dialog_new:
 * @parent: (nullable): the window it is modal to
 * @job: the job to delete
 *
 * Returns: (transfer none): the dialog, not yet presented
 */
JdDeleteJobDialog *
jd_delete_job_dialog_new (GtkWindow *parent,
                          JdJob     *job)
{
  JdDeleteJobDialog *self;
  g_autofree char *heading = NULL;
  const JdJobProcessDetails *counts;
  JdJobStatus status;
  gboolean finished;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (JD_IS_JOB (job), NULL);

  status = jd_job_get_status (job);
  finished = status == JD_JOB_STATUS_COMPLETED || status == JD_JOB_STATUS_CANCELED;
  counts = jd_job_get_process_details (job);

  /* Translators: the heading of the dialog that deletes a job */
  heading = g_strdup_printf (_("Delete %s?"), jd_job_get_job_id (job));
  self = g_object_new (JD_TYPE_DELETE_JOB_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", heading,
                       NULL);
  self->job_id = g_strdup (jd_job_get_job_id (job));

  if (finished)
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                                 _("The job and the record of its executions are removed for good."));
  else if (counts != NULL && counts->in_progress > 0)
    {
      g_autofree char *body =
        /* Translators: the body of the dialog that deletes a running job */
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "This job is not finished and %u device is working on it. AWS deletes it only with Force, and that device may fail.",
                                      "This job is not finished and %u devices are working on it. AWS deletes it only with Force, and those devices may fail.",
                                      counts->in_progress),
                         counts->in_progress);

      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
    }
  else
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                                 _("This job is not finished. AWS deletes it only with Force, and devices working on it may fail."));
  gtk_widget_set_visible (GTK_WIDGET (self->force_check), !finished);
  /* The only delete that can work is the forced one: it is the one offered. */
  gtk_check_button_set_active (self->force_check, !finished);
  force_toggled_cb (self);

  return self;
}

const char *
jd_delete_job_dialog_get_job_id (JdDeleteJobDialog *self)
{
  g_return_val_if_fail (JD_IS_DELETE_JOB_DIALOG (self), NULL);

  return self->job_id;
}

gboolean
jd_delete_job_dialog_get_force (JdDeleteJobDialog *self)
{
  g_return_val_if_fail (JD_IS_DELETE_JOB_DIALOG (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->force_check)) &&
         gtk_check_button_get_active (self->force_check);
}

void
jd_delete_job_dialog_set_force (JdDeleteJobDialog *self,
                                gboolean           force)
{
  g_return_if_fail (JD_IS_DELETE_JOB_DIALOG (self));

  gtk_check_button_set_active (self->force_check, force);
}

gboolean
jd_delete_job_dialog_offers_force (JdDeleteJobDialog *self)
{
  g_return_val_if_fail (JD_IS_DELETE_JOB_DIALOG (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->force_check));
}
