/* jd-session.h — one connection profile at work: the local sandbox (when the
 * profile is the sandbox), the thing's MQTT connection with its jobs client, and
 * the control-plane client. The window shows one session at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-control-plane.h"
#include "jd-jobs-client.h"
#include "jd-mqtt-connection.h"
#include "jd-profile.h"
#include "jd-sandbox.h"

G_BEGIN_DECLS

typedef enum {
  JD_SESSION_STATE_IDLE,
  JD_SESSION_STATE_STARTING,      /* the sandbox is starting, or credentials are looked up */
  JD_SESSION_STATE_CONNECTING,
  JD_SESSION_STATE_CONNECTED,
  JD_SESSION_STATE_RECONNECTING,
  JD_SESSION_STATE_FAILED,        /* could not start; see the error */
  JD_SESSION_STATE_STOPPED,
} JdSessionState;

#define JD_TYPE_SESSION_STATE (jd_session_state_get_type ())
GType jd_session_state_get_type (void) G_GNUC_CONST;

#define JD_TYPE_SESSION (jd_session_get_type ())

G_DECLARE_FINAL_TYPE (JdSession, jd_session, JD, SESSION, GObject)

JdSession        *jd_session_new_for_sandbox   (const char          *data_dir,
                                                const char          *thing_name);
JdSession        *jd_session_new_for_profile   (JdProfile           *profile);

void              jd_session_start_async       (JdSession           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean          jd_session_start_finish      (JdSession           *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void              jd_session_stop_async        (JdSession           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean          jd_session_stop_finish       (JdSession           *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void              jd_session_reconnect         (JdSession           *self);

JdSessionState    jd_session_get_state         (JdSession           *self);
const char       *jd_session_get_status        (JdSession           *self);
const char       *jd_session_get_error_message (JdSession           *self);
const char       *jd_session_get_name          (JdSession           *self);
const char       *jd_session_get_thing_name    (JdSession           *self);
gboolean          jd_session_get_is_sandbox    (JdSession           *self);
JdSandbox        *jd_session_get_sandbox       (JdSession           *self);
JdMqttConnection *jd_session_get_connection    (JdSession           *self);
JdJobsClient     *jd_session_get_jobs_client   (JdSession           *self);
JdControlPlane   *jd_session_get_control_plane (JdSession           *self);

G_END_DECLS
