/* jd-job-list.h — the operator's live GListModel of jobs (ListJobs, all
 * pages, optionally one status), each job's counters filled in by
 * DescribeJob, kept current by polling at a backing-off rate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-control-plane.h"
#include "jd-job.h"

G_BEGIN_DECLS

/* Polling: every JD_JOB_LIST_POLL_MIN_SECONDS after a refresh that changed
 * something, twice as long after each one that did not (or failed), up to
 * JD_JOB_LIST_POLL_MAX_SECONDS. AWS allows ListJobs 10 and DescribeJob 10
 * requests a second per account; this stays far below. */
#define JD_JOB_LIST_POLL_MIN_SECONDS 5
#define JD_JOB_LIST_POLL_MAX_SECONDS 60

#define JD_TYPE_JOB_LIST (jd_job_list_get_type ())
G_DECLARE_FINAL_TYPE (JdJobList, jd_job_list, JD, JOB_LIST, GObject)

JdJobList      *jd_job_list_new                 (void);

JdControlPlane *jd_job_list_get_control_plane   (JdJobList      *self);
void            jd_job_list_set_control_plane   (JdJobList      *self,
                                                 JdControlPlane *control_plane);
JdJobStatus     jd_job_list_get_status_filter   (JdJobList      *self);
void            jd_job_list_set_status_filter   (JdJobList      *self,
                                                 JdJobStatus     status);

/* Lists again now (a refresh still running is cancelled) and starts the
 * polling over at its fastest rate. "refreshed" says how it went. */
void            jd_job_list_refresh             (JdJobList      *self);
gboolean        jd_job_list_get_loading         (JdJobList      *self);
/* When the last refresh succeeded, or NULL. */
GDateTime      *jd_job_list_get_last_refreshed  (JdJobList      *self);

/* Whether it polls by itself; off by default. */
gboolean        jd_job_list_get_following       (JdJobList      *self);
void            jd_job_list_set_following       (JdJobList      *self,
                                                 gboolean        following);
/* Seconds between automatic refreshes at the moment (0 when not following). */
guint           jd_job_list_get_poll_interval   (JdJobList      *self);
/* For tests: the backoff's bounds in milliseconds. */
void            jd_job_list_set_poll_range_ms   (JdJobList      *self,
                                                 guint           min_ms,
                                                 guint           max_ms);

JdJob          *jd_job_list_lookup              (JdJobList      *self,
                                                 const char     *job_id);
/* Merges one ListJobs answer: jobs already listed keep their object and take
 * the news through jd_job_update(); the order is @jobs' order. Emits at most
 * one items-changed. Returns whether anything changed. */
gboolean        jd_job_list_replace             (JdJobList      *self,
                                                 GPtrArray      *jobs);
void            jd_job_list_clear               (JdJobList      *self);

G_END_DECLS
