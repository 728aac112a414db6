/* jd-session-private.h — what the files of JdSession share: the instance's
 * private data, the start-up's target, and the steps of the start-up chain.
 *
 *   jd-session.c              the type: properties, state, start/stop, getters
 *   jd-session-target.c       1. where: prepare, sandbox.json, profile, options
 *   jd-session-checks.c          the explicit options' files and URL
 *   jd-session-credentials.c  2. and 3. credentials, the key passphrase
 *   jd-session-connect.c      4. and 5. the control plane and the thing, MQTT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-session.h"

G_BEGIN_DECLS

typedef struct
{
  JdProfile        *profile;        /* a profile session */
  char             *sandbox_dir;    /* a sandbox session */
  JdSessionOptions  options;        /* an options session: owned copies */
  gboolean          has_options;
  char             *client_id;
  gboolean          require_control_plane;
  gboolean          device_disabled;

  char             *arn_prefix;     /* "arn:aws:iot:REGION:ACCOUNT:thing/" once known */
  GStrv             codesign_certificates; /* trusted for signed files, once started */
  char             *download_ca_path;      /* trusted for their downloads (NULL: the system's) */
  char             *name;
  char             *thing_name;

  JdSessionState    state;
  char             *status;
  char             *error_message;

  JdMqttConnection *connection;
  JdJobsClient     *jobs_client;
  JdControlPlane   *control_plane;
  GCancellable     *cancellable;
  gboolean          cleaned_up;
} JdSessionPrivate;

/* Where the device and the operator connect, once known: the start-up task's
 * data. */
typedef struct {
  char          *host;
  guint16        port;
  char          *ca_path;
  char          *cert_path;
  char          *key_path;
  char          *key_passphrase;
  char          *region;
  char          *control_plane_url;
  char          *control_plane_ca_path;
  JdCredentials *credentials;
  GError        *credentials_error;
  JdSandboxInfo *info;            /* a sandbox's */
} JdSessionTarget;

/* jd-session.c */
JdSessionPrivate *jd_session_get_private       (JdSession         *self);
void              jd_session_set_state         (JdSession         *self,
                                                JdSessionState     state,
                                                const char        *status);
void              jd_session_set_error_message (JdSession         *self,
                                                const char        *message);
/* Takes the connection and its jobs client (both transfer full). */
void              jd_session_take_device       (JdSession         *self,
                                                JdMqttConnection  *connection,
                                                JdJobsClient      *jobs_client);
void              jd_session_take_control_plane (JdSession        *self,
                                                JdControlPlane    *control_plane);

/* Each step of the start-up chain takes over the reference to the task it
 * is given; so does jd_session_fail_start(), which returns @error (transfer
 * full) from the task and shows it, unless it is a cancellation. */
void              jd_session_fail_start        (JdSession         *self,
                                                GTask             *task,
                                                GError            *error);

/* jd-session-target.c: 1. where. Sets the task's data (a JdSessionTarget). */
void              jd_session_start_target      (JdSession         *self,
                                                GTask             *task);
/* Reads @dir/sandbox.json in a worker thread. */
void              jd_session_load_info_async   (JdSession           *self,
                                                const char          *dir,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JdSandboxInfo    *jd_session_load_info_finish  (GAsyncResult        *result,
                                                GError             **error);
/* @text (transfer full), or NULL when it is empty. */
char             *jd_session_nonempty          (char                *text);

/* jd-session-checks.c: reads @ca_path and checks that @key_path is
 * @cert_path's key (with @key_passphrase when encrypted), in a worker
 * thread. */
void     jd_session_check_files_async  (JdSession           *session,
                                        const char          *cert_path,
                                        const char          *key_path,
                                        const char          *ca_path,
                                        const char          *key_passphrase,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean jd_session_check_files_finish (GAsyncResult        *result,
                                        GError             **error);

/* jd-session-credentials.c: 2. and 3. */
void              jd_session_look_up_credentials (JdSession       *self,
                                                GTask             *task);

/* jd-session-connect.c: 4. and 5. */
void              jd_session_start_operator    (JdSession         *self,
                                                GTask             *task);

G_END_DECLS
