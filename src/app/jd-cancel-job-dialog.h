/* jd-cancel-job-dialog.h — the confirmation to cancel a job (CancelJob):
 * an optional reason code and comment, validated as the user types, and Force.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define JD_CANCEL_JOB_MAX_REASON_CODE 128
#define JD_CANCEL_JOB_MAX_COMMENT     2028

#define JD_TYPE_CANCEL_JOB_DIALOG (jd_cancel_job_dialog_get_type ())

G_DECLARE_FINAL_TYPE (JdCancelJobDialog, jd_cancel_job_dialog, JD, CANCEL_JOB_DIALOG, AdwMessageDialog)

/* The response that cancels the job; the other one is "keep". */
#define JD_CANCEL_JOB_RESPONSE "cancel"

JdCancelJobDialog *jd_cancel_job_dialog_new             (GtkWindow         *parent,
                                                         const char        *job_id);
const char        *jd_cancel_job_dialog_get_job_id      (JdCancelJobDialog *self);

/* NULL when empty. */
char              *jd_cancel_job_dialog_dup_reason_code (JdCancelJobDialog *self);
char              *jd_cancel_job_dialog_dup_comment     (JdCancelJobDialog *self);
gboolean           jd_cancel_job_dialog_get_force       (JdCancelJobDialog *self);
void               jd_cancel_job_dialog_set_reason_code (JdCancelJobDialog *self,
                                                         const char        *reason_code);
void               jd_cancel_job_dialog_set_comment     (JdCancelJobDialog *self,
                                                         const char        *comment);
void               jd_cancel_job_dialog_set_force       (JdCancelJobDialog *self,
                                                         gboolean           force);
/* NULL when the fields are valid, else what is wrong, in words. */
const char        *jd_cancel_job_dialog_get_problem     (JdCancelJobDialog *self);

/* The rules alone: NULL when valid (an empty value is valid: none given). */
const char        *jd_cancel_job_check_reason_code      (const char        *reason_code);
const char        *jd_cancel_job_check_comment          (const char        *comment);

G_END_DECLS
