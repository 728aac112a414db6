/* jd-service-fleet.h — `jobdeck-service --fleet`: N simulated devices
 * (src/fleet) on the daemon's running sandbox. The things are made in one
 * batch off the main loop (jd_sandbox_add_things_async()), then a JdFleet
 * with one agent per thing runs on the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-fleet.h"
#include "jd-sandbox.h"

G_BEGIN_DECLS

#define JD_SERVICE_FLEET_DEFAULT_PREFIX "Device"
/* Each device holds a TLS connection (a descriptor here and one in the
 * broker); beyond this a laptop's limits are the problem, not the fleet. */
#define JD_SERVICE_FLEET_MAX_DEVICES    10000
/* jobdeck-service --things N[:PREFIX]: at most this many at once. */
#define JD_SERVICE_MAX_BULK_THINGS      100000
#define JD_SERVICE_BULK_THING_PREFIX    "Thing"

typedef struct {
  guint             n_devices;   /* 1 … JD_SERVICE_FLEET_MAX_DEVICES */
  const char       *prefix;      /* NULL: JD_SERVICE_FLEET_DEFAULT_PREFIX */
  guint32           seed;
  JdDeviceBehavior  behavior;
} JdServiceFleetConfig;

/* The things' names: PREFIX-1 … PREFIX-N, numbers zero-padded to the width
 * of N (Device-0001 … Device-1000). FALSE with @error when they are not valid
 * thing names (the prefix's fault). */
GStrv           jd_service_fleet_make_thing_names (const char       *prefix,
                                                   guint             n_devices,
                                                   GError          **error);

#define JD_TYPE_SERVICE_FLEET (jd_service_fleet_get_type ())
G_DECLARE_FINAL_TYPE (JdServiceFleet, jd_service_fleet, JD, SERVICE_FLEET, GObject)

JdServiceFleet *jd_service_fleet_new          (JdSandbox                  *sandbox,
                                               const JdServiceFleetConfig *config);

/* Makes the things, starts the devices and completes when every device is
 * connected (or when @online_timeout_ms passed: the devices keep trying,
 * and the result says how many were online). */
void            jd_service_fleet_start_async  (JdServiceFleet       *self,
                                               guint                 online_timeout_ms,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        jd_service_fleet_start_finish (JdServiceFleet       *self,
                                               GAsyncResult         *result,
                                               guint                *n_online,
                                               GError              **error);

/* Disconnects every device (each sends DISCONNECT). */
void            jd_service_fleet_stop         (JdServiceFleet       *self);

/* The devices, or NULL before the things exist. */
JdFleet        *jd_service_fleet_get_fleet    (JdServiceFleet       *self);
/* The things' names, in order. */
const char * const *jd_service_fleet_get_thing_names (JdServiceFleet *self);

G_END_DECLS
