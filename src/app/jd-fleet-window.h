/* jd-fleet-window.h — one job across the fleet: every target thing's
 * execution in a table (status, execution number and retries, the
 * statusDetails keys as columns with progress bars, times), counts per
 * status as a segmented bar, a filter by status and a search by thing, and
 * bulk cancel and delete of selected executions. Kept live by a
 * JdFleetModel, fed by job events where the identity may read them and by
 * polling otherwise.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-control-plane.h"
#include "jd-fleet-events.h"
#include "jd-fleet-model.h"
#include "jd-fleet-poller.h"

G_BEGIN_DECLS

#define JD_TYPE_FLEET_WINDOW (jd_fleet_window_get_type ())
G_DECLARE_FINAL_TYPE (JdFleetWindow, jd_fleet_window, JD, FLEET_WINDOW, AdwApplicationWindow)

JdFleetWindow *jd_fleet_window_new        (GtkApplication *application,
                                           JdControlPlane *control_plane,
                                           const char     *job_id);
const char    *jd_fleet_window_get_job_id (JdFleetWindow  *self);
/* The open fleet view of @job_id in @application, or NULL. */
JdFleetWindow *jd_fleet_window_find       (GtkApplication *application,
                                           const char     *job_id);
JdFleetModel  *jd_fleet_window_get_model  (JdFleetWindow  *self);
/* Polling bounds in ms (tests use short ones). */
void           jd_fleet_window_set_poll_bounds (JdFleetWindow *self,
                                                guint          min_ms,
                                                guint          max_ms);

/* Follows the job's events as this identity (a new connection); when it
 * may not subscribe, the view polls. jd_fleet_window_new() does this itself
 * for a sandbox session (use_sandbox_events). */
void           jd_fleet_window_set_events_identity (JdFleetWindow *self,
                                                    const char    *host,
                                                    guint16        port,
                                                    const char    *ca_path,
                                                    const char    *cert_path,
                                                    const char    *key_path);
void           jd_fleet_window_use_sandbox_events  (JdFleetWindow *self,
                                                    const char    *sandbox_dir);
JdFleetEvents *jd_fleet_window_get_events (JdFleetWindow  *self);
/* The job as last described (DescribeJob after each poll and job event),
 * or NULL. When it completes, is aborted or canceled, or passes an abort
 * threshold while the window is not focused, the window sends a
 * GNotification (id "job-<jobId>") whose default action is app.show-fleet
 * with the job id. */
JdJob         *jd_fleet_window_get_job    (JdFleetWindow  *self);
JdFleetPoller *jd_fleet_window_get_poller (JdFleetWindow  *self);

G_END_DECLS
