/* jd-job-watch.h — the jobs the user watches (those created with New Job in
 * this session), described now and then whether or not any view shows
 * them, so that a job that completes, is aborted or canceled, or passes an
 * abort threshold while the main window is not the active one gets a
 * desktop notification (jd-job-notification.c) even with no fleet view
 * open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jd-control-plane.h"

G_BEGIN_DECLS

#define JD_TYPE_JOB_WATCH (jd_job_watch_get_type ())
G_DECLARE_FINAL_TYPE (JdJobWatch, jd_job_watch, JD, JOB_WATCH, GObject)

/* @window: the main window (weak): notifications only while it is not the
 * active one, sent through its application. */
JdJobWatch *jd_job_watch_new                (GtkWindow      *window,
                                             JdControlPlane *control_plane);
void        jd_job_watch_add                (JdJobWatch     *self,
                                             const char     *job_id);
guint       jd_job_watch_get_n_watched      (JdJobWatch     *self);
/* Whether a timer or a DescribeJob is pending: FALSE when nothing is watched. */
gboolean    jd_job_watch_get_busy           (JdJobWatch     *self);
/* Notifications sent so far. */
guint       jd_job_watch_get_n_sent         (JdJobWatch     *self);
/* Rounds of DescribeJob started so far, and the current interval in ms
 * (after the round under way, or until the pending one). */
guint       jd_job_watch_get_n_rounds       (JdJobWatch     *self);
guint       jd_job_watch_get_interval       (JdJobWatch     *self);
/* The interval's bounds in ms: the first after a change, the longest while
 * nothing changes (2000 and 60000; tests use short ones). */
void        jd_job_watch_set_interval_bounds (JdJobWatch    *self,
                                              guint          min_ms,
                                              guint          max_ms);

G_END_DECLS
