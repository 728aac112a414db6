/* jd-cancel-job-dialog.c — the confirmation to cancel a job.
 *
 * An AdwMessageDialog whose extra child holds the reason code (AWS allows
 * [A-Z0-9_]+, at most 128 characters), the comment (at most 2028 characters)
 * and the Force switch. The destructive "cancel" response is only enabled
 * while the fields are valid; a label under them says what is wrong.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <glib/gi18n.h>

#include "jd-cancel-job-dialog.h"

struct _JdCancelJobDialog
{
  AdwMessageDialog  parent_instance;

  char             *job_id;

  /* Template children */
  AdwEntryRow      *reason_row;
  AdwEntryRow      *comment_row;
  GtkSwitch        *force_switch;
  GtkLabel         *problem_label;
};

G_DEFINE_FINAL_TYPE (JdCancelJobDialog, jd_cancel_job_dialog, ADW_TYPE_MESSAGE_DIALOG)

/**
 * jd_cancel_job_check_reason_code:
 * @reason_code: (nullable): what the user typed
 *
 * Returns: (nullable): %NULL when valid, else why not
 */
const char *
jd_cancel_job_check_reason_code (const char *reason_code)
{
  if (reason_code == NULL || reason_code[0] == '\0')
    return NULL;

  if (strlen (reason_code) > JD_CANCEL_JOB_MAX_REASON_CODE)
    return _("The reason code is longer than 128 characters.");

  for (const char *p = reason_code; *p != '\0'; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
      return _("The reason code may only hold capital letters A–Z, digits and underscores.");

  return NULL;
}

/**
 * jd_cancel_job_check_comment:
 * @comment: (nullable): what the user typed
 *
 * Returns: (nullable): %NULL when valid, else why not
 */
const char *
jd_cancel_job_check_comment (const char *comment)
{
  if (comment == NULL)
    return NULL;

  if (g_utf8_strlen (comment, -1) > JD_CANCEL_JOB_MAX_COMMENT)
    return _("The comment is longer than 2028 characters.");

  return NULL;
}

static void
validate (JdCancelJobDialog *self)
{
  const char *reason_problem = jd_cancel_job_check_reason_code (gtk_editable_get_text (GTK_EDITABLE (self->reason_row)));
  const char *comment_problem = jd_cancel_job_check_comment (gtk_editable_get_text (GTK_EDITABLE (self->comment_row)));
  const char *problem = reason_problem ? reason_problem : comment_problem;

  if (reason_problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->reason_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->reason_row), "error");

  if (comment_problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->comment_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->comment_row), "error");

  gtk_label_set_label (self->problem_label, problem ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), JD_CANCEL_JOB_RESPONSE, problem == NULL);
}

static void
changed_cb (JdCancelJobDialog *self)
{
  validate (self);
}

static void
jd_cancel_job_dialog_finalize (GObject *object)
{
  JdCancelJobDialog *self = JD_CANCEL_JOB_DIALOG (object);

  g_clear_pointer (&self->job_id, g_free);

  G_OBJECT_CLASS (jd_cancel_job_dialog_parent_class)->finalize (object);
}

static void
jd_cancel_job_dialog_class_init (JdCancelJobDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = jd_cancel_job_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-cancel-job-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, JdCancelJobDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, JdCancelJobDialog, comment_row);
  gtk_widget_class_bind_template_child (widget_class, JdCancelJobDialog, force_switch);
  gtk_widget_class_bind_template_child (widget_class, JdCancelJobDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
}

static void
jd_cancel_job_dialog_init (JdCancelJobDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  validate (self);
}

/**
 * jd_cancel_job_dialog_new:
 * @parent: (nullable): the window it is modal to
 *
 * Returns: (transfer none): the dialog, not yet presented
 */
JdCancelJobDialog *
jd_cancel_job_dialog_new (GtkWindow  *parent,
                          const char *job_id)
{
  JdCancelJobDialog *self;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);

  /* Translators: the heading of the dialog that cancels a job */
  heading = g_strdup_printf (_("Cancel %s?"), job_id);
  self = g_object_new (JD_TYPE_CANCEL_JOB_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", heading,
                       NULL);
  self->job_id = g_strdup (job_id);

  return self;
}

const char *
jd_cancel_job_dialog_get_job_id (JdCancelJobDialog *self)
{
  g_return_val_if_fail (JD_IS_CANCEL_JOB_DIALOG (self), NULL);

  return self->job_id;
}

static char *
dup_text_or_null (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  return text[0] != '\0' ? g_strdup (text) : NULL;
}

char *
jd_cancel_job_dialog_dup_reason_code (JdCancelJobDialog *self)
{
  g_return_val_if_fail (JD_IS_CANCEL_JOB_DIALOG (self), NULL);

  return dup_text_or_null (self->reason_row);
}

char *
jd_cancel_job_dialog_dup_comment (JdCancelJobDialog *self)
{
  g_return_val_if_fail (JD_IS_CANCEL_JOB_DIALOG (self), NULL);

  return dup_text_or_null (self->comment_row);
}

gboolean
jd_cancel_job_dialog_get_force (JdCancelJobDialog *self)
{
  g_return_val_if_fail (JD_IS_CANCEL_JOB_DIALOG (self), FALSE);

  return gtk_switch_get_active (self->force_switch);
}

void
jd_cancel_job_dialog_set_reason_code (JdCancelJobDialog *self,
                                      const char        *reason_code)
{
  g_return_if_fail (JD_IS_CANCEL_JOB_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), reason_code ? reason_code : "");
}

void
jd_cancel_job_dialog_set_comment (JdCancelJobDialog *self,
                                  const char        *comment)
{
  g_return_if_fail (JD_IS_CANCEL_JOB_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->comment_row), comment ? comment : "");
}

void
jd_cancel_job_dialog_set_force (JdCancelJobDialog *self,
                                gboolean           force)
{
  g_return_if_fail (JD_IS_CANCEL_JOB_DIALOG (self));

  gtk_switch_set_active (self->force_switch, force);
}

/**
 * jd_cancel_job_dialog_get_problem:
 *
 * Returns: (nullable): what is wrong with the fields, or %NULL
 */
const char *
jd_cancel_job_dialog_get_problem (JdCancelJobDialog *self)
{
  const char *problem;

  g_return_val_if_fail (JD_IS_CANCEL_JOB_DIALOG (self), NULL);

  problem = jd_cancel_job_check_reason_code (gtk_editable_get_text (GTK_EDITABLE (self->reason_row)));
  if (problem == NULL)
    problem = jd_cancel_job_check_comment (gtk_editable_get_text (GTK_EDITABLE (self->comment_row)));

  return problem;
}
