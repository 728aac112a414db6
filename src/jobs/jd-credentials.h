/* jd-credentials.h — AWS credentials for the operator side, and where they came from.
 *
 * A JdCredentials holds an access key id, a secret access key, an optional
 * session token and, when the source names one, a region. The lookup is a
 * chain, first match wins, in this order:
 *
 *   1. the profile's keyring entry (libsecret, schema
 *      "io.github.jobdeck.Jobdeck.Credentials", attributes "profile" and "kind");
 *   2. the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *      AWS_SESSION_TOKEN, AWS_REGION / AWS_DEFAULT_REGION);
 *   3. the shared files: ~/.aws/credentials and ~/.aws/config (or
 *      AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE), profile AWS_PROFILE or
 *      "default" unless one is given.
 *
 * Storing writes only to the keyring: no secret ever goes into GSettings or a
 * file Jobdeck writes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-jobs-error.h"

G_BEGIN_DECLS


typedef enum {
  JD_CREDENTIALS_SOURCE_NONE,
  JD_CREDENTIALS_SOURCE_KEYRING,
  JD_CREDENTIALS_SOURCE_ENVIRONMENT,
  JD_CREDENTIALS_SOURCE_AWS_FILES,
} JdCredentialsSource;

typedef enum {
  JD_CREDENTIALS_SOURCE_FLAG_KEYRING     = 1 << 0,
  JD_CREDENTIALS_SOURCE_FLAG_ENVIRONMENT = 1 << 1,
  JD_CREDENTIALS_SOURCE_FLAG_AWS_FILES   = 1 << 2,
  JD_CREDENTIALS_SOURCE_FLAG_ALL         = 0x7,
} JdCredentialsSourceFlags;

/* What the keyring holds per profile; the "kind" attribute of an item. */
typedef enum {
  JD_SECRET_KIND_ACCESS_KEY_ID,
  JD_SECRET_KIND_SECRET_ACCESS_KEY,
  JD_SECRET_KIND_SESSION_TOKEN,
  JD_SECRET_KIND_KEY_PASSPHRASE,
} JdSecretKind;

#define JD_TYPE_CREDENTIALS_SOURCE (jd_credentials_source_get_type ())
#define JD_TYPE_SECRET_KIND (jd_secret_kind_get_type ())
#define JD_TYPE_CREDENTIALS (jd_credentials_get_type ())

G_DECLARE_FINAL_TYPE (JdCredentials, jd_credentials, JD, CREDENTIALS, GObject)

GType               jd_credentials_source_get_type    (void);
GType               jd_secret_kind_get_type           (void);

/* The libsecret schema name, for tools such as secret-tool. */
#define JD_CREDENTIALS_SCHEMA_NAME "io.github.jobdeck.Jobdeck.Credentials"

JdCredentials      *jd_credentials_new                (const char          *access_key_id,
                                                       const char          *secret_access_key,
                                                       const char          *session_token,
                                                       const char          *region);

const char         *jd_credentials_get_access_key_id  (JdCredentials       *self);
const char         *jd_credentials_get_secret_access_key (JdCredentials    *self);
const char         *jd_credentials_get_session_token  (JdCredentials       *self);
const char         *jd_credentials_get_region         (JdCredentials       *self);
JdCredentialsSource jd_credentials_get_source         (JdCredentials       *self);
/* The keyring profile id, the environment variable, or "FILE [profile]". */
const char         *jd_credentials_get_source_detail  (JdCredentials       *self);
/* A sentence fragment for the UI: "the keyring", "the environment", … */
char               *jd_credentials_describe_source    (JdCredentials       *self);

/* The chain. @profile_id is the Jobdeck profile whose keyring entry is tried
 * (NULL skips the keyring); @aws_profile names the ~/.aws profile (NULL or ""
 * means AWS_PROFILE, then "default"). Runs in a worker thread. */
void                jd_credentials_lookup_async       (JdCredentialsSourceFlags sources,
                                                       const char          *profile_id,
                                                       const char          *aws_profile,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
JdCredentials      *jd_credentials_lookup_finish      (GAsyncResult        *result,
                                                       GError             **error);
/* Blocking variant for the CLI and worker threads; never on the main loop. */
JdCredentials      *jd_credentials_lookup_sync        (JdCredentialsSourceFlags sources,
                                                       const char          *profile_id,
                                                       const char          *aws_profile,
                                                       GCancellable        *cancellable,
                                                       GError             **error);

/* Keyring storage: the key id, secret and session token of @credentials go
 * into the keyring entry of @profile_id (a missing token clears the stored
 * one). @label_name is the profile name the keyring shows. */
void                jd_credentials_store_async        (JdCredentials       *credentials,
                                                       const char          *profile_id,
                                                       const char          *label_name,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            jd_credentials_store_finish       (GAsyncResult        *result,
                                                       GError             **error);

/* One secret of a profile (for example the private key's passphrase);
 * a NULL @value clears it. */
void                jd_credentials_store_secret_async (const char          *profile_id,
                                                       JdSecretKind         kind,
                                                       const char          *label_name,
                                                       const char          *value,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            jd_credentials_store_secret_finish (GAsyncResult       *result,
                                                        GError            **error);
/* Returns the secret, or NULL without an error when there is none. */
void                jd_credentials_lookup_secret_async (const char         *profile_id,
                                                        JdSecretKind        kind,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
char               *jd_credentials_lookup_secret_finish (GAsyncResult      *result,
                                                         GError           **error);

/* Removes every secret of @profile_id from the keyring (when a profile is deleted). */
void                jd_credentials_forget_async       (const char          *profile_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            jd_credentials_forget_finish      (GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
