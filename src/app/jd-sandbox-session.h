/* jd-sandbox-session.h — the app's session on its embedded local sandbox:
 * a JdSession that first starts JdSandbox (certificates, mosquitto, the jobs
 * service) in the app's process, connects to it, and stops it again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-sandbox.h"
#include "jd-sandbox-fleet.h"
#include "jd-session.h"

G_BEGIN_DECLS

#define JD_TYPE_SANDBOX_SESSION (jd_sandbox_session_get_type ())
G_DECLARE_FINAL_TYPE (JdSandboxSession, jd_sandbox_session, JD, SANDBOX_SESSION, JdSession)

/* @profile: a profile of kind %JD_PROFILE_KIND_SANDBOX (its name and thing),
 * or %NULL for "Local sandbox" with MyThing. @data_dir: the sandbox's folder. */
JdSession *jd_sandbox_session_new         (JdProfile        *profile,
                                           const char       *data_dir);
/* Returns: (transfer none) (nullable): the sandbox, once starting */
JdSandbox *jd_sandbox_session_get_sandbox (JdSandboxSession *self);
/* The sandbox's broker died and is not back yet. */
gboolean   jd_sandbox_session_get_broker_down (JdSandboxSession *self);
/* Restarts the sandbox's broker now if it is down, else reconnects. */
void       jd_sandbox_session_retry       (JdSandboxSession *self);

JdSandboxFleet   *jd_sandbox_session_get_fleet   (JdSandboxSession *self);

G_END_DECLS
