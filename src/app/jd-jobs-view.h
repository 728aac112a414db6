/* jd-jobs-view.h — the Jobs view: the account's jobs (ListJobs) in a table
 * with a status filter, the selected job's details, Cancel and Delete.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-control-plane.h"

G_BEGIN_DECLS

#define JD_TYPE_JOBS_VIEW (jd_jobs_view_get_type ())

G_DECLARE_FINAL_TYPE (JdJobsView, jd_jobs_view, JD, JOBS_VIEW, GtkWidget)

GtkWidget      *jd_jobs_view_new                (void);
JdControlPlane *jd_jobs_view_get_control_plane  (JdJobsView     *self);
void            jd_jobs_view_set_control_plane  (JdJobsView     *self,
                                                 JdControlPlane *control_plane);
JdJobStatus     jd_jobs_view_get_status_filter  (JdJobsView     *self);
void            jd_jobs_view_set_status_filter  (JdJobsView     *self,
                                                 JdJobStatus     status);
void            jd_jobs_view_refresh            (JdJobsView     *self);
gboolean        jd_jobs_view_get_loading        (JdJobsView     *self);
GListModel     *jd_jobs_view_get_jobs           (JdJobsView     *self);
JdJob          *jd_jobs_view_get_selected_job   (JdJobsView     *self);
gboolean        jd_jobs_view_select_job         (JdJobsView     *self,
                                                 const char     *job_id);

G_END_DECLS
