/* jd-fleet-events.h — the optional AWS IoT fleet events for jobs
 * (`$aws/events/job/<jobId>/<operation>` and
 * `$aws/events/jobExecution/<jobId>/<operation>`, reference §1.3), derived from
 * the store: the tracker remembers every thing's pending executions and, after
 * the store reports a change for a thing, turns the executions that left the
 * pending set into execution events and the jobs that thereby completed, were
 * canceled or deleted into job events.
 *
 * A job canceled or deleted while none of its executions is pending changes
 * no thing's pending set, so it produces no event here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-store.h"

G_BEGIN_DECLS

typedef struct _JdFleetEvents JdFleetEvents;

typedef struct {
  char *topic;
  char *payload;   /* JSON text */
} JdFleetEvent;

void           jd_fleet_event_free     (JdFleetEvent  *event);

JdFleetEvents *jd_fleet_events_new      (JdStore       *store,
                                         const char    *region,
                                         const char    *account_id);
void           jd_fleet_events_free     (JdFleetEvents *self);

/* Takes every thing's pending executions as the baseline. */
gboolean       jd_fleet_events_snapshot (JdFleetEvents *self,
                                         GError       **error);

/* Call after ::things-changed named @thing_name. Returns (element-type
 * JdFleetEvent) the events to publish, in order; execution events first. */
GPtrArray     *jd_fleet_events_update   (JdFleetEvents *self,
                                         const char    *thing_name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdFleetEvents, jd_fleet_events_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdFleetEvent, jd_fleet_event_free)

G_END_DECLS
