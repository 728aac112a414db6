/* jd-fleet-poller.h — keeps a JdFleetModel current where the identity may
 * not read job events (real AWS accounts, mostly): ListJobExecutionsForJob
 * for every row, then DescribeJobExecution only for rows that changed (their
 * statusDetails), within AWS's rate limits (10 requests a second for each of
 * the two), every few seconds while things change and backing off to a
 * minute while nothing does, and further on throttling.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-control-plane.h"
#include "jd-fleet-model.h"

G_BEGIN_DECLS

#define JD_FLEET_POLL_MIN_MS        2000
#define JD_FLEET_POLL_MAX_MS        60000
#define JD_FLEET_DESCRIBES_PER_SEC  10
#define JD_FLEET_DESCRIBES_IN_FLIGHT 4
/* While job events arrive (JdFleetEvents is live), a slower refresh: AWS
 * sends job execution events only for terminal statuses and deletions, so
 * an in-progress execution's statusDetails still come from polling, and
 * the refresh also catches an event the broker lost. */
#define JD_FLEET_POLL_LIVE_MS       30000

#define JD_TYPE_FLEET_POLLER (jd_fleet_poller_get_type ())
G_DECLARE_FINAL_TYPE (JdFleetPoller, jd_fleet_poller, JD, FLEET_POLLER, GObject)

JdFleetPoller *jd_fleet_poller_new          (JdControlPlane *control_plane,
                                             JdFleetModel   *model);
/* Bounds of the interval (tests use short ones). */
void           jd_fleet_poller_set_bounds   (JdFleetPoller  *self,
                                             guint           min_ms,
                                             guint           max_ms);
void           jd_fleet_poller_start        (JdFleetPoller  *self);
void           jd_fleet_poller_stop         (JdFleetPoller  *self);
/* Polls now and goes back to the shortest interval. */
void           jd_fleet_poller_refresh      (JdFleetPoller  *self);

/* Whether events keep the model current ("live"): then one poll every
 * JD_FLEET_POLL_LIVE_MS (or the upper bound, if longer) catches what events
 * missed; going back to FALSE polls at once and at the shortest interval. */
void           jd_fleet_poller_set_live     (JdFleetPoller  *self,
                                             gboolean        live);
gboolean       jd_fleet_poller_get_live     (JdFleetPoller  *self);

/* The wait before the next poll, in ms (a property: "interval"). */
guint          jd_fleet_poller_get_interval (JdFleetPoller  *self);
/* When the last poll finished ("last-refresh"), or NULL. */
GDateTime     *jd_fleet_poller_get_last_refresh (JdFleetPoller *self);
/* The last poll's error ("error"), or NULL. */
const GError  *jd_fleet_poller_get_error    (JdFleetPoller  *self);
/* Requests made so far, for tests and the rate shown. */
guint          jd_fleet_poller_get_n_lists     (JdFleetPoller *self);
guint          jd_fleet_poller_get_n_describes (JdFleetPoller *self);

G_END_DECLS
