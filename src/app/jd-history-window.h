/* jd-history-window.h — one thing's execution of a job over time: every
 * status change the app saw or fetched, with its time, version and what
 * changed in statusDetails; the `reason` / `stderr` of a FAILED or REJECTED
 * execution on top; and for a QUEUED one, why it is still waiting, from
 * what the app knows (a scheduled start, the rollout rate, a closed
 * maintenance window, another execution ahead of it on the thing).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-control-plane.h"
#include "jd-fleet-model.h"
#include "jd-job.h"

G_BEGIN_DECLS

#define JD_TYPE_HISTORY_WINDOW (jd_history_window_get_type ())
G_DECLARE_FINAL_TYPE (JdHistoryWindow, jd_history_window, JD, HISTORY_WINDOW, AdwWindow)

/* @job, @model and @control_plane are optional: without them the window
 * shows what the row knows. */
JdHistoryWindow *jd_history_window_new (GtkWindow      *parent,
                                              JdFleetRow     *row,
                                              const char     *job_id,
                                              JdJob          *job,
                                              JdFleetModel   *model,
                                              JdControlPlane *control_plane);

/* The "why still queued" reasons found so far (for tests), newest last. */
GStrv               jd_history_window_dup_reasons (JdHistoryWindow *self);

/* The reasons that follow from the job alone, at @now (epoch seconds). */
GStrv               jd_history_window_queued_reasons (JdJob        *job,
                                                         JdFleetModel *model,
                                                         gint64        now);

G_END_DECLS
