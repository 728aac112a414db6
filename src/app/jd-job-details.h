/* jd-job-details.h — one job's details in the Jobs view: status with its
 * outcome, cancellation, targets, times, the fleet settings (rollout, abort,
 * retries, scheduling) in words, counts by status, the document and the
 * executions. It follows the job object it is given (JdJobList keeps it
 * current) and loads the document and executions itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-control-plane.h"

G_BEGIN_DECLS

#define JD_TYPE_JOB_DETAILS (jd_job_details_get_type ())

G_DECLARE_FINAL_TYPE (JdJobDetails, jd_job_details, JD, JOB_DETAILS, GtkWidget)

GtkWidget      *jd_job_details_new                (void);
JdJob          *jd_job_details_get_job            (JdJobDetails   *self);
/* @job: (nullable): a listed job; its document and executions are loaded
 * through @control_plane. */
void            jd_job_details_set_job            (JdJobDetails   *self,
                                                   JdControlPlane *control_plane,
                                                   JdJob          *job);
gboolean        jd_job_details_get_loading        (JdJobDetails   *self);
/* Updates the relative times. */
void            jd_job_details_tick               (JdJobDetails   *self);

/* A job's fleet settings in words, one criterion a line; NULL when unset. */
char           *jd_job_details_rollout_words      (const JdJobConfig *config);
char           *jd_job_details_abort_words        (const JdJobConfig *config);
char           *jd_job_details_retry_words        (const JdJobConfig *config);
char           *jd_job_details_schedule_words     (const JdJobConfig *config);

G_END_DECLS
