/* jd-new-job-dialog.h — the New Job dialog: job id, document, description,
 * targets (things and groups picked from lists), target selection and the
 * fleet settings (JdJobSettings), each validated as the user types;
 * signed files attached to the document (JdAttachFileDialog); or a job
 * template, the account's or AWS's managed ones, with a form for its
 * parameters (JdTemplateChooser).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "jd-job.h"
#include "jd-job-settings.h"
#include "jd-session.h"
#include "jd-target-picker.h"
#include "jd-template-chooser.h"

G_BEGIN_DECLS

#define JD_TYPE_NEW_JOB_DIALOG (jd_new_job_dialog_get_type ())

G_DECLARE_FINAL_TYPE (JdNewJobDialog, jd_new_job_dialog, JD, NEW_JOB_DIALOG, AdwWindow)

JdNewJobDialog *jd_new_job_dialog_new                  (GtkWindow      *parent,
                                                        const char     *default_thing);

gboolean        jd_new_job_dialog_is_valid             (JdNewJobDialog *self);
const char     *jd_new_job_dialog_get_problem          (JdNewJobDialog *self);
char           *jd_new_job_dialog_dup_job_id           (JdNewJobDialog *self);
char           *jd_new_job_dialog_dup_document         (JdNewJobDialog *self);
char           *jd_new_job_dialog_dup_description      (JdNewJobDialog *self);
/* The chosen things' names (groups: dup_groups); CreateJob wants
 * dup_target_arns(), things and groups mixed. */
GStrv           jd_new_job_dialog_dup_targets          (JdNewJobDialog *self);
GStrv           jd_new_job_dialog_dup_groups           (JdNewJobDialog *self);
GStrv           jd_new_job_dialog_dup_target_arns      (JdNewJobDialog *self);
JdTargetPicker *jd_new_job_dialog_get_target_picker    (JdNewJobDialog *self);
JdJobSettings  *jd_new_job_dialog_get_settings         (JdNewJobDialog *self);
JdTemplateChooser *jd_new_job_dialog_get_template_chooser (JdNewJobDialog *self);
JdJobConfig    *jd_new_job_dialog_dup_config           (JdNewJobDialog *self);
/* CONTINUOUS: only with a thing group among the targets. */
gboolean        jd_new_job_dialog_get_continuous       (JdNewJobDialog *self);
void            jd_new_job_dialog_set_continuous       (JdNewJobDialog *self,
                                                        gboolean        continuous);
guint           jd_new_job_dialog_get_timeout_minutes  (JdNewJobDialog *self);

void            jd_new_job_dialog_set_job_id           (JdNewJobDialog *self,
                                                        const char     *job_id);
/* Thing names separated by commas. */
void            jd_new_job_dialog_set_targets          (JdNewJobDialog *self,
                                                        const char     *targets);
void            jd_new_job_dialog_set_document         (JdNewJobDialog *self,
                                                        const char     *document);
void            jd_new_job_dialog_set_session          (JdNewJobDialog *self,
                                                        JdSession      *session);
gboolean        jd_new_job_dialog_insert_signed_file   (JdNewJobDialog *self,
                                                        JsonNode       *fragment,
                                                        GError        **error);
void            jd_new_job_dialog_set_busy             (JdNewJobDialog *self,
                                                        gboolean        busy);
void            jd_new_job_dialog_show_error           (JdNewJobDialog *self,
                                                        const char     *message);
void            jd_new_job_dialog_show_create_error    (JdNewJobDialog *self,
                                                        const GError   *error);

/* CreateJob with everything the dialog holds, through its session. */
void            jd_new_job_dialog_create_async         (JdNewJobDialog      *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
JdJob          *jd_new_job_dialog_create_finish        (JdNewJobDialog      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
