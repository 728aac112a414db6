/* jd-profile.h — a connection profile: where the thing connects (MQTT), where
 * the operator calls (control plane), and with what credentials.
 *
 * Each profile lives in GSettings under the relocatable schema
 * io.github.jobdeck.Jobdeck.Profile at /io/github/jobdeck/Jobdeck/profiles/<id>/;
 * the main schema's "profiles" key lists the ids. Every GObject property has
 * the name of its GSettings key and notifies when the key changes, so the UI
 * can bind to either. Secrets (AWS secret key, session token, key passphrase)
 * are never here: they go to the keyring through JdCredentials.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-credentials.h"
#include "jd-sandbox-info.h"

G_BEGIN_DECLS

#define JD_PROFILE_SCHEMA_ID "io.github.jobdeck.Jobdeck.Profile"
#define JD_PROFILE_PATH_PREFIX "/io/github/jobdeck/Jobdeck/profiles/"


typedef enum {
  JD_PROFILE_KIND_SANDBOX,
  JD_PROFILE_KIND_AWS,
} JdProfileKind;

typedef enum {
  JD_PROFILE_CREDENTIALS_KEYRING,
  JD_PROFILE_CREDENTIALS_ENVIRONMENT,
  JD_PROFILE_CREDENTIALS_AWS_PROFILE,
} JdProfileCredentialsSource;

/* One validation finding: the GSettings key it is about and an error whose
 * message a person can act on. */
typedef struct _JdProfileProblem JdProfileProblem;

#define JD_TYPE_PROFILE_KIND (jd_profile_kind_get_type ())
#define JD_TYPE_PROFILE_CREDENTIALS_SOURCE (jd_profile_credentials_source_get_type ())
#define JD_TYPE_PROFILE_PROBLEM (jd_profile_problem_get_type ())
#define JD_TYPE_PROFILE (jd_profile_get_type ())

G_DECLARE_FINAL_TYPE (JdProfile, jd_profile, JD, PROFILE, GObject)

GType             jd_profile_kind_get_type             (void);
GType             jd_profile_credentials_source_get_type (void);
GType             jd_profile_problem_get_type          (void);

JdProfileProblem *jd_profile_problem_copy              (const JdProfileProblem *problem);
void              jd_profile_problem_free              (JdProfileProblem *problem);
const char       *jd_profile_problem_get_key           (const JdProfileProblem *problem);
const GError     *jd_profile_problem_get_error         (const JdProfileProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JdProfileProblem, jd_profile_problem_free)

/* The list of profiles, kept in @settings (a io.github.jobdeck.Jobdeck
 * GSettings; tests pass one on the memory backend). */
JdProfile        *jd_profile_create                    (GSettings        *settings,
                                                        JdProfileKind     kind,
                                                        const char       *name);
GPtrArray        *jd_profile_list                      (GSettings        *settings);
JdProfile        *jd_profile_lookup                    (GSettings        *settings,
                                                        const char       *id,
                                                        GError          **error);
/* Drops the id from the list, resets the profile's keys and clears
 * "active-profile" if it pointed there. The keyring entry stays until
 * jd_credentials_forget_async() is called for the id. */
void              jd_profile_remove                    (GSettings        *settings,
                                                        JdProfile        *profile);

/* A profile object for @id, whether or not it is in the list. */
JdProfile        *jd_profile_new                       (const char       *id);

const char       *jd_profile_get_id                    (JdProfile        *self);
GSettings        *jd_profile_get_settings              (JdProfile        *self);

JdProfileKind     jd_profile_get_kind                  (JdProfile        *self);
void              jd_profile_set_kind                  (JdProfile        *self,
                                                        JdProfileKind     kind);
char             *jd_profile_dup_name                  (JdProfile        *self);
char             *jd_profile_dup_endpoint              (JdProfile        *self);
guint             jd_profile_get_port                  (JdProfile        *self);
char             *jd_profile_dup_region                (JdProfile        *self);
char             *jd_profile_dup_thing_name            (JdProfile        *self);
/* The client id, or the thing name when none is set. */
char             *jd_profile_dup_client_id             (JdProfile        *self);
char             *jd_profile_dup_certificate_path      (JdProfile        *self);
char             *jd_profile_dup_key_path              (JdProfile        *self);
char             *jd_profile_dup_ca_path               (JdProfile        *self);
/* The explicit control-plane URL, or https://iot.<region>.amazonaws.com. */
char             *jd_profile_dup_control_plane_url     (JdProfile        *self);
/* CA for the control plane's TLS; NULL means the system's trust store. */
char             *jd_profile_dup_control_plane_ca_path (JdProfile        *self);
JdProfileCredentialsSource jd_profile_get_credentials_source (JdProfile  *self);
char             *jd_profile_dup_aws_profile           (JdProfile        *self);
/* Whether the MQTT connection needs ALPN x-amzn-mqtt-ca (port 443). */
gboolean          jd_profile_get_use_alpn              (JdProfile        *self);
/* The code-signing certificates (PEM paths) the user trusts for signed files
 * in job documents (issue 13), as set. */
GStrv             jd_profile_dup_codesign_certificates (JdProfile        *self);
void              jd_profile_set_codesign_certificates (JdProfile        *self,
                                                        const char *const *paths);
/* The certificates to verify with: the set ones, and for a sandbox profile
 * first the running sandbox's own (@sandbox nullable: none known). */
GStrv             jd_profile_dup_trusted_codesign_certificates (JdProfile           *self,
                                                                const JdSandboxInfo *sandbox);

/* The credential chain for this profile: "keyring" tries the keyring, then
 * the environment, then ~/.aws; "environment" only the environment;
 * "aws-profile" only ~/.aws with the profile's aws-profile name. */
void              jd_profile_lookup_credentials_async  (JdProfile           *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
JdCredentials    *jd_profile_lookup_credentials_finish (JdProfile           *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Validation. Reads the certificate, key and CA files (so async runs in a
 * thread). @key_passphrase unlocks an encrypted key. Returns the problems
 * found; an empty array means the profile is usable. */
GPtrArray        *jd_profile_validate                  (JdProfile        *self,
                                                        const char       *key_passphrase);
void              jd_profile_validate_async            (JdProfile           *self,
                                                        const char          *key_passphrase,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray        *jd_profile_validate_finish           (JdProfile           *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* What to keep in the keyring when a profile is saved. Empty strings count
 * as none. Credentials are stored when the profile's source is "keyring"
 * and both the access key id and the secret key are given; otherwise, with
 * @clear_credentials, the stored ones are removed. The key passphrase is
 * stored when given, else removed with @clear_key_passphrase. */
typedef struct {
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token;
  const char *key_passphrase;
  gboolean    clear_credentials;
  gboolean    clear_key_passphrase;
} JdProfileSecrets;

/* Saving a profile: its secrets to the keyring (@secrets nullable), then,
 * only when they are stored, its settings (g_settings_apply() when the
 * profile's GSettings is delayed) and its id in @settings' "profiles" list
 * (@settings nullable). */
void              jd_profile_save_async                (JdProfile              *self,
                                                        GSettings              *settings,
                                                        const JdProfileSecrets *secrets,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
gboolean          jd_profile_save_finish               (JdProfile              *self,
                                                        GAsyncResult           *result,
                                                        GError                **error);

/* The single checks, for dialogs that validate as the user types. */
gboolean          jd_profile_check_thing_name          (const char       *thing_name,
                                                        GError          **error);
gboolean          jd_profile_check_region              (const char       *region,
                                                        GError          **error);
gboolean          jd_profile_check_key_pair            (const char       *certificate_path,
                                                        const char       *key_path,
                                                        const char       *key_passphrase,
                                                        GError          **error);

G_END_DECLS
