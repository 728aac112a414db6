/* jd-delete-job-dialog.h — the confirmation to delete a job (DeleteJob), with
 * a Force check for a job that is not finished yet.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-job.h"

G_BEGIN_DECLS

#define JD_TYPE_DELETE_JOB_DIALOG (jd_delete_job_dialog_get_type ())

G_DECLARE_FINAL_TYPE (JdDeleteJobDialog, jd_delete_job_dialog, JD, DELETE_JOB_DIALOG, AdwMessageDialog)

/* The response that deletes the job; the other one is "keep". */
#define JD_DELETE_JOB_RESPONSE "delete"

/* @job's status decides whether Force is needed (not for COMPLETED or
 * CANCELED); when it is, it is ticked, and Delete is enabled only with it. */
JdDeleteJobDialog *jd_delete_job_dialog_new         (GtkWindow         *parent,
                                                     JdJob             *job);
const char        *jd_delete_job_dialog_get_job_id  (JdDeleteJobDialog *self);
gboolean           jd_delete_job_dialog_get_force   (JdDeleteJobDialog *self);
void               jd_delete_job_dialog_set_force   (JdDeleteJobDialog *self,
                                                     gboolean           force);
/* Whether the Force check is shown. */
gboolean           jd_delete_job_dialog_offers_force (JdDeleteJobDialog *self);

G_END_DECLS
