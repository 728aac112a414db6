/* jd-new-job-dialog.h — the New Job dialog: job id, document, description,
 * targets, target selection and timeout, each validated as the user types;
 * signed files attached to the document (JdAttachFileDialog).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "jd-session.h"

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
GStrv           jd_new_job_dialog_dup_targets          (JdNewJobDialog *self);
gboolean        jd_new_job_dialog_get_continuous       (JdNewJobDialog *self);
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

G_END_DECLS
