/* jd-window.h — the main Jobdeck window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-application.h"
#include "jd-device-view.h"
#include "jd-job-watch.h"
#include "jd-session.h"

G_BEGIN_DECLS

#define JD_TYPE_WINDOW (jd_window_get_type ())

G_DECLARE_FINAL_TYPE (JdWindow, jd_window, JD, WINDOW, AdwApplicationWindow)

JdWindow *jd_window_new        (JdApplication *application);
void          jd_window_add_toast          (JdWindow      *self,
                                            const char    *title);
JdSession    *jd_window_get_session        (JdWindow      *self);
/* The jobs created with New Job on this session, watched for their
 * notifications; NULL before the first. */
JdJobWatch   *jd_window_get_job_watch      (JdWindow      *self);
JdDeviceView *jd_window_get_device_view    (JdWindow      *self);
GtkWidget    *jd_window_get_jobs_view      (JdWindow      *self);
GtkWidget    *jd_window_get_events_view    (JdWindow      *self);
void          jd_window_export_events_to   (JdWindow      *self,
                                            GFile         *file);

G_END_DECLS
