/* jd-session.h — one place to connect from: a Jobdeck profile, a running
 * sandbox's sandbox.json, or explicit options (endpoint, port, certificate,
 * key, CA, region, thing, control-plane endpoint, credentials). A session
 * builds the thing's MQTT connection (with the key passphrase from the
 * keyring where the profile says so), the jobs client and the control-plane
 * client, and makes sure the thing exists. The app and jobdeck-cli both use
 * it; the app's subclass also starts the embedded sandbox first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-control-plane.h"
#include "jd-credentials.h"
#include "jd-jobs-client.h"
#include "jd-mqtt-connection.h"
#include "jd-profile.h"
#include "jd-sandbox-info.h"

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

/* Explicit options, as `jobdeck-cli --endpoint … --cert … --key …` gives
 * them. Strings may be NULL where noted. */
typedef struct {
  const char    *endpoint;                 /* MQTT host; NULL: no device side */
  guint16        port;                     /* 0: 8883 */
  const char    *client_id;                /* NULL: the thing name */
  const char    *certificate_path;
  const char    *key_path;
  const char    *key_passphrase;           /* nullable */
  const char    *ca_path;                  /* nullable: the system's store; else trusted for MQTT and HTTPS */
  const char    *thing_name;
  const char    *region;                   /* NULL: the credentials' region (AWS_REGION, ~/.aws/config) */
  const char    *control_plane_endpoint;   /* NULL: https://iot.REGION.amazonaws.com */
  JdCredentials *credentials;              /* NULL: the standard chain (environment, then ~/.aws) */
} JdSessionOptions;

#define JD_TYPE_SESSION (jd_session_get_type ())
G_DECLARE_DERIVABLE_TYPE (JdSession, jd_session, JD, SESSION, GObject)

struct _JdSessionClass
{
  GObjectClass parent_class;

  /* Optional: what to do before connecting (the app starts its embedded
   * sandbox here). Returns what to connect to. */
  void           (*prepare_async)  (JdSession           *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
  JdSandboxInfo *(*prepare_finish) (JdSession           *self,
                                    GAsyncResult        *result,
                                    GError             **error);
  /* Optional: what to stop after the connection is closed. */
  void           (*cleanup_async)  (JdSession           *self,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
  gboolean       (*cleanup_finish) (JdSession           *self,
                                    GAsyncResult        *result,
                                    GError             **error);

  gpointer padding[8];
};

JdSession        *jd_session_new_for_profile   (JdProfile              *profile);
/* A running sandbox on @dir (read from @dir/sandbox.json at start).
 * @thing_name: NULL for MyThing. */
JdSession        *jd_session_new_for_sandbox   (const char             *dir,
                                                const char             *thing_name);
JdSession        *jd_session_new_for_options   (const JdSessionOptions *options);

/* Before start: the MQTT client id (default: the profile's, else the thing
 * name). */
void              jd_session_set_client_id     (JdSession           *self,
                                                const char          *client_id);
/* Before start: when TRUE, missing credentials and a thing that cannot be
 * found or created fail the start (jobdeck-cli); when FALSE (the app) the
 * device side runs anyway and the reason is the error message. */
void              jd_session_set_require_control_plane (JdSession   *self,
                                                gboolean             require);

/* Before start: FALSE keeps the thing off MQTT (an operator-only command). */
void              jd_session_set_device_enabled (JdSession          *self,
                                                gboolean             enabled);

/* A control-plane endpoint URL as sessions accept it: https://, or http://
 * on a loopback address only (*@plain_http tells, so callers can warn). */
gboolean          jd_session_check_control_plane_url (const char    *url,
                                                gboolean            *plain_http,
                                                GError             **error);

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
const char       *jd_session_get_sandbox_dir   (JdSession           *self);
gboolean          jd_session_get_is_sandbox    (JdSession           *self);
JdProfile        *jd_session_get_profile       (JdSession           *self);
const char       *jd_session_get_codesign_certificate (JdSession    *self);
const char       *jd_session_get_download_ca_path     (JdSession    *self);
JdMqttConnection *jd_session_get_connection    (JdSession           *self);
JdJobsClient     *jd_session_get_jobs_client   (JdSession           *self);
JdControlPlane   *jd_session_get_control_plane (JdSession           *self);
char             *jd_session_dup_thing_arn     (JdSession           *self,
                                                const char          *thing_name);

/* For subclasses: the words shown while preparing. */
void              jd_session_set_starting_status (JdSession         *self,
                                                const char          *status);

G_END_DECLS
