/* jd-credentials.c — the AWS credential chain (keyring, environment, ~/.aws
 * files) and keyring storage for the operator side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-credentials"

#include <string.h>

#include "jd-credentials-private.h"

struct _JdCredentials
{
  GObject parent_instance;

  char *access_key_id;
  char *secret_access_key;
  char *session_token;
  char *region;
  JdCredentialsSource source;
  char *source_detail;
};

G_DEFINE_FINAL_TYPE (JdCredentials, jd_credentials, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (JdCredentialsSource, jd_credentials_source,
  G_DEFINE_ENUM_VALUE (JD_CREDENTIALS_SOURCE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (JD_CREDENTIALS_SOURCE_KEYRING, "keyring"),
  G_DEFINE_ENUM_VALUE (JD_CREDENTIALS_SOURCE_ENVIRONMENT, "environment"),
  G_DEFINE_ENUM_VALUE (JD_CREDENTIALS_SOURCE_AWS_FILES, "aws-files"))

G_DEFINE_ENUM_TYPE (JdSecretKind, jd_secret_kind,
  G_DEFINE_ENUM_VALUE (JD_SECRET_KIND_ACCESS_KEY_ID, "access-key-id"),
  G_DEFINE_ENUM_VALUE (JD_SECRET_KIND_SECRET_ACCESS_KEY, "secret-access-key"),
  G_DEFINE_ENUM_VALUE (JD_SECRET_KIND_SESSION_TOKEN, "session-token"),
  G_DEFINE_ENUM_VALUE (JD_SECRET_KIND_KEY_PASSPHRASE, "key-passphrase"))

enum {
  PROP_0,
  PROP_ACCESS_KEY_ID,
  PROP_REGION,
  PROP_SOURCE,
  PROP_SOURCE_DETAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const secret_kind_names[] = {
  [JD_SECRET_KIND_ACCESS_KEY_ID] = "access-key-id",
  [JD_SECRET_KIND_SECRET_ACCESS_KEY] = "secret-access-key",
  [JD_SECRET_KIND_SESSION_TOKEN] = "session-token",
  [JD_SECRET_KIND_KEY_PASSPHRASE] = "key-passphrase",
};

static const char *const secret_kind_labels[] = {
  [JD_SECRET_KIND_ACCESS_KEY_ID] = "AWS access key id",
  [JD_SECRET_KIND_SECRET_ACCESS_KEY] = "AWS secret access key",
  [JD_SECRET_KIND_SESSION_TOKEN] = "AWS session token",
  [JD_SECRET_KIND_KEY_PASSPHRASE] = "private key passphrase",
};

static JdCredentials *lookup_with_environment (JdCredentialsSourceFlags   sources,
                                                const char                *profile_id,
                                                const char                *aws_profile,
                                                const char *const         *envp,
                                                GCancellable              *cancellable,
                                                GError                   **error);

/* Helpers */

static void
wipe_string (char *s)
{
  if (s == NULL)
    return;
  /* Secrets do not linger in freed memory. */
  memset (s, 0, strlen (s));
  g_free (s);
}

static char *
dup_nonempty (const char *s)
{
  return (s != NULL && *s != '\0') ? g_strdup (s) : NULL;
}

static char *
strip_dup (const char *s)
{
  if (s == NULL)
    return NULL;
  return g_strstrip (g_strdup (s));
}

const SecretSchema *
jd_credentials_get_schema (void)
{
  static const SecretSchema schema = {
    JD_CREDENTIALS_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

const char *
jd_secret_kind_to_string (JdSecretKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (secret_kind_names), NULL);
  return secret_kind_names[kind];
}

static void
set_keyring_error (GError     **error,
                   GError      *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return;
    }

  g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_KEYRING,
               "The keyring could not be used: %s", cause->message);
  g_error_free (cause);
}

/* Returns TRUE with *value set (or NULL when there is no such item). */
static gboolean
keyring_lookup (const char    *profile_id,
                JdSecretKind   kind,
                char         **value,
                GCancellable  *cancellable,
                GError       **error)
{
  GError *local_error = NULL;
  char *password;

  password = secret_password_lookup_sync (jd_credentials_get_schema (),
                                          cancellable, &local_error,
                                          "profile", profile_id,
                                          "kind", jd_secret_kind_to_string (kind),
                                          NULL);
  if (local_error != NULL)
    {
      set_keyring_error (error, local_error);
      return FALSE;
    }

  *value = g_strdup (password);
  if (password != NULL)
    secret_password_free (password);
  return TRUE;
}

static gboolean
keyring_store (const char    *profile_id,
               JdSecretKind   kind,
               const char    *label_name,
               const char    *value,
               GCancellable  *cancellable,
               GError       **error)
{
  GError *local_error = NULL;

  if (value == NULL || *value == '\0')
    {
      secret_password_clear_sync (jd_credentials_get_schema (),
                                  cancellable, &local_error,
                                  "profile", profile_id,
                                  "kind", jd_secret_kind_to_string (kind),
                                  NULL);
    }
  else
    {
      g_autofree char *label = NULL;

      label = g_strdup_printf ("Jobdeck: %s for “%s”", secret_kind_labels[kind],
                               label_name != NULL && *label_name != '\0' ? label_name : profile_id);
      secret_password_store_sync (jd_credentials_get_schema (), SECRET_COLLECTION_DEFAULT,
                                  label, value, cancellable, &local_error,
                                  "profile", profile_id,
                                  "kind", jd_secret_kind_to_string (kind),
                                  NULL);
    }

  if (local_error != NULL)
    {
      set_keyring_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static JdCredentials *
credentials_new_full (const char          *access_key_id,
                      const char          *secret_access_key,
                      const char          *session_token,
                      const char          *region,
                      JdCredentialsSource  source,
                      const char          *source_detail)
{
  JdCredentials *self;

  self = jd_credentials_new (access_key_id, secret_access_key, session_token, region);
  self->source = source;
  self->source_detail = g_strdup (source_detail);
  return self;
}

/* Step 1: the keyring. */
static JdCredentials *
credentials_from_keyring (const char    *profile_id,
                          GCancellable  *cancellable,
                          char         **why_not,
                          GError       **error)
{
  g_autofree char *key_id = NULL;
  char *secret = NULL;
  char *token = NULL;
  JdCredentials *ret;

  if (!keyring_lookup (profile_id, JD_SECRET_KIND_ACCESS_KEY_ID, &key_id, cancellable, error))
    return NULL;
  if (key_id == NULL)
    {
      *why_not = g_strdup ("the keyring holds no access key for this profile");
      return NULL;
    }
  if (!keyring_lookup (profile_id, JD_SECRET_KIND_SECRET_ACCESS_KEY, &secret, cancellable, error))
    return NULL;
  if (secret == NULL)
    {
      *why_not = g_strdup ("the keyring holds an access key id but no secret access key for this profile");
      return NULL;
    }
  if (!keyring_lookup (profile_id, JD_SECRET_KIND_SESSION_TOKEN, &token, cancellable, error))
    {
      wipe_string (secret);
      return NULL;
    }

  ret = credentials_new_full (key_id, secret, token, NULL,
                              JD_CREDENTIALS_SOURCE_KEYRING, profile_id);
  wipe_string (secret);
  wipe_string (token);
  return ret;
}

static const char *
env_nonempty (const char *const *envp,
              const char        *name)
{
  const char *value = g_environ_getenv ((char **) envp, name);

  return (value != NULL && *value != '\0') ? value : NULL;
}

static const char *
env_region (const char *const *envp)
{
  const char *region = env_nonempty (envp, "AWS_REGION");

  return region != NULL ? region : env_nonempty (envp, "AWS_DEFAULT_REGION");
}

/* Step 2: the environment. */
JdCredentials *
jd_credentials_from_environment (const char *const  *envp,
                                 char              **why_not)
{
  const char *key_id = env_nonempty (envp, "AWS_ACCESS_KEY_ID");
  const char *secret = env_nonempty (envp, "AWS_SECRET_ACCESS_KEY");
  const char *token = env_nonempty (envp, "AWS_SESSION_TOKEN");

  if (key_id == NULL && secret == NULL)
    {
      *why_not = g_strdup ("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
      return NULL;
    }
  if (key_id == NULL)
    {
      *why_not = g_strdup ("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
      return NULL;
    }
  if (secret == NULL)
    {
      *why_not = g_strdup ("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
      return NULL;
    }
  if (token == NULL)
    token = env_nonempty (envp, "AWS_SECURITY_TOKEN");   /* botocore's legacy name */

  return credentials_new_full (key_id, secret, token, env_region (envp),
                               JD_CREDENTIALS_SOURCE_ENVIRONMENT, "AWS_ACCESS_KEY_ID");
}

GHashTable *
jd_aws_ini_parse (const char *text)
{
  g_autoptr(GHashTable) sections = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *current = NULL;

  sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_hash_table_unref);
  if (text == NULL)
    return g_steal_pointer (&sections);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      char *eq;
      char *stripped;

      if (*line == ' ' || *line == '\t')
        continue;   /* nested block such as "s3 =\n  max_concurrent_requests = 5" */

      stripped = g_strstrip (line);
      if (*stripped == '\0' || *stripped == '#' || *stripped == ';')
        continue;

      if (*stripped == '[')
        {
          char *end = strrchr (stripped, ']');
          g_autofree char *name = NULL;

          if (end == NULL)
            {
              current = NULL;
              continue;
            }
          name = g_strstrip (g_strndup (stripped + 1, end - stripped - 1));
          current = g_hash_table_lookup (sections, name);
          if (current == NULL)
            {
              current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
              g_hash_table_insert (sections, g_steal_pointer (&name), current);
            }
          continue;
        }

      eq = strchr (stripped, '=');
      if (current == NULL || eq == NULL)
        continue;
      *eq = '\0';
      g_hash_table_replace (current, strip_dup (stripped), strip_dup (eq + 1));
    }

  return g_steal_pointer (&sections);
}

static char *
expand_home (const char *path,
             const char *home)
{
  if (path[0] == '~' && (path[1] == '/' || path[1] == '\0'))
    return g_build_filename (home, path + 1, NULL);
  return g_strdup (path);
}

/* Reads one AWS INI file; a missing file is an empty one. Returns FALSE with
 * *why_not set when the file exists but cannot be read. */
static gboolean
read_ini (const char  *path,
          GHashTable **sections,
          char       **why_not)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          *why_not = g_strdup_printf ("%s cannot be read (%s)", path, error->message);
          return FALSE;
        }
    }
  *sections = jd_aws_ini_parse (text);
  return TRUE;
}

/* Step 3: ~/.aws/credentials and ~/.aws/config. */
JdCredentials *
jd_credentials_from_aws_files (const char *const  *envp,
                               const char         *aws_profile,
                               char              **why_not)
{
  g_autoptr(GHashTable) creds_ini = NULL;
  g_autoptr(GHashTable) config_ini = NULL;
  g_autofree char *creds_path = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *config_section = NULL;
  g_autofree char *detail = NULL;
  const char *home;
  const char *profile;
  const char *value;
  GHashTable *creds_sec;
  GHashTable *config_sec;
  const char *key_id = NULL;
  const char *secret = NULL;
  const char *token = NULL;
  const char *region = NULL;
  const char *found_in = NULL;

  home = g_environ_getenv ((char **) envp, "HOME");
  if (home == NULL || *home == '\0')
    home = g_get_home_dir ();

  profile = aws_profile;
  if (profile == NULL || *profile == '\0')
    profile = env_nonempty (envp, "AWS_PROFILE");
  if (profile == NULL)
    profile = env_nonempty (envp, "AWS_DEFAULT_PROFILE");
  if (profile == NULL)
    profile = "default";

  value = env_nonempty (envp, "AWS_SHARED_CREDENTIALS_FILE");
  creds_path = value != NULL ? expand_home (value, home)
                             : g_build_filename (home, ".aws", "credentials", NULL);
  value = env_nonempty (envp, "AWS_CONFIG_FILE");
  config_path = value != NULL ? expand_home (value, home)
                              : g_build_filename (home, ".aws", "config", NULL);

  if (!read_ini (creds_path, &creds_ini, why_not) ||
      !read_ini (config_path, &config_ini, why_not))
    return NULL;

  creds_sec = g_hash_table_lookup (creds_ini, profile);
  /* ~/.aws/config names sections "[profile x]", except "[default]". */
  config_section = g_strdup_printf ("profile %s", profile);
  config_sec = g_hash_table_lookup (config_ini, config_section);
  if (config_sec == NULL && strcmp (profile, "default") == 0)
    config_sec = g_hash_table_lookup (config_ini, "default");

  if (creds_sec != NULL)
    {
      key_id = g_hash_table_lookup (creds_sec, "aws_access_key_id");
      secret = g_hash_table_lookup (creds_sec, "aws_secret_access_key");
      token = g_hash_table_lookup (creds_sec, "aws_session_token");
      found_in = creds_path;
    }
  /* The config file may hold the key triple too; the credentials file wins. */
  if ((key_id == NULL || *key_id == '\0') && config_sec != NULL)
    {
      key_id = g_hash_table_lookup (config_sec, "aws_access_key_id");
      secret = g_hash_table_lookup (config_sec, "aws_secret_access_key");
      token = g_hash_table_lookup (config_sec, "aws_session_token");
      found_in = config_path;
    }
  if (config_sec != NULL)
    region = g_hash_table_lookup (config_sec, "region");
  if (region == NULL || *region == '\0')
    region = env_region (envp);

  if (creds_sec == NULL && config_sec == NULL)
    {
      *why_not = g_strdup_printf ("neither %s nor %s has a profile “%s”",
                                  creds_path, config_path, profile);
      return NULL;
    }
  if (key_id == NULL || *key_id == '\0')
    {
      *why_not = g_strdup_printf ("profile “%s” in %s has no aws_access_key_id",
                                  profile, creds_sec != NULL ? creds_path : config_path);
      return NULL;
    }
  if (secret == NULL || *secret == '\0')
    {
      *why_not = g_strdup_printf ("profile “%s” in %s has aws_access_key_id but no aws_secret_access_key",
                                  profile, found_in);
      return NULL;
    }

  detail = g_strdup_printf ("%s [%s]", found_in, profile);
  return credentials_new_full (key_id, secret, token, region,
                               JD_CREDENTIALS_SOURCE_AWS_FILES, detail);
}

/* GObject */

static void
jd_credentials_finalize (GObject *object)
{
  JdCredentials *self = (JdCredentials *) object;

  g_clear_pointer (&self->access_key_id, g_free);
  g_clear_pointer (&self->secret_access_key, wipe_string);
  g_clear_pointer (&self->session_token, wipe_string);
  g_clear_pointer (&self->region, g_free);
  g_clear_pointer (&self->source_detail, g_free);

  G_OBJECT_CLASS (jd_credentials_parent_class)->finalize (object);
}

static void
jd_credentials_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JdCredentials *self = JD_CREDENTIALS (object);

  switch (prop_id)
    {
    case PROP_ACCESS_KEY_ID:
      g_value_set_string (value, self->access_key_id);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_SOURCE:
      g_value_set_enum (value, self->source);
      break;
    case PROP_SOURCE_DETAIL:
      g_value_set_string (value, self->source_detail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_credentials_class_init (JdCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = jd_credentials_finalize;
  object_class->get_property = jd_credentials_get_property;

  properties[PROP_ACCESS_KEY_ID] =
    g_param_spec_string ("access-key-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGION] =
    g_param_spec_string ("region", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE] =
    g_param_spec_enum ("source", NULL, NULL, JD_TYPE_CREDENTIALS_SOURCE,
                       JD_CREDENTIALS_SOURCE_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE_DETAIL] =
    g_param_spec_string ("source-detail", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jd_credentials_init (JdCredentials *self)
{
}

/* Public API */

/**
 * jd_credentials_new:
 * @access_key_id: the access key id
 * @secret_access_key: the secret access key
 * @session_token: (nullable): a session token for temporary credentials
 * @region: (nullable): the region the source named, if any
 *
 * Credentials given directly (source %JD_CREDENTIALS_SOURCE_NONE), for
 * example typed into the preferences before they are stored.
 *
 * Returns: (transfer full): new credentials
 */
JdCredentials *
jd_credentials_new (const char *access_key_id,
                    const char *secret_access_key,
                    const char *session_token,
                    const char *region)
{
  JdCredentials *self;

  g_return_val_if_fail (access_key_id != NULL, NULL);
  g_return_val_if_fail (secret_access_key != NULL, NULL);

  self = g_object_new (JD_TYPE_CREDENTIALS, NULL);
  self->access_key_id = strip_dup (access_key_id);
  self->secret_access_key = strip_dup (secret_access_key);
  self->session_token = session_token != NULL && *session_token != '\0' ? strip_dup (session_token) : NULL;
  self->region = dup_nonempty (region);
  return self;
}

const char *
jd_credentials_get_access_key_id (JdCredentials *self)
{
  g_return_val_if_fail (JD_IS_CREDENTIALS (self), NULL);
  return self->access_key_id;
}

const char *
jd_credentials_get_secret_access_key (JdCredentials *self)
{
  g_return_val_if_fail (JD_IS_CREDENTIALS (self), NULL);
  return self->secret_access_key;
}

const char *
jd_credentials_get_session_token (JdCredentials *self)
{
  g_return_val_if_fail (JD_IS_CREDENTIALS (self), NULL);
  return self->session_token;
}

const char *
jd_credentials_get_region (JdCredentials *self)
{
  g_return_val_if_fail (JD_IS_CREDENTIALS (self), NULL);
  return self->region;
}

JdCredentialsSource
jd_credentials_get_source (JdCredentials *self)
{
  g_return_val_if_fail (JD_IS_CREDENTIALS (self), JD_CREDENTIALS_SOURCE_NONE);
  return self->source;
}

const char *
jd_credentials_get_source_detail (JdCredentials *self)
{
  g_return_val_if_fail (JD_IS_CREDENTIALS (self), NULL);
  return self->source_detail;
}

/**
 * jd_credentials_describe_source:
 * @self: credentials
 *
 * Returns: (transfer full): where the credentials came from, in words
 *   ("the keyring", "the environment (AWS_ACCESS_KEY_ID)",
 *   "/home/me/.aws/credentials [default]", "entered by hand").
 */
char *
jd_credentials_describe_source (JdCredentials *self)
{
  g_return_val_if_fail (JD_IS_CREDENTIALS (self), NULL);

  switch (self->source)
    {
    case JD_CREDENTIALS_SOURCE_KEYRING:
      return g_strdup ("the keyring");
    case JD_CREDENTIALS_SOURCE_ENVIRONMENT:
      return g_strdup ("the environment (AWS_ACCESS_KEY_ID)");
    case JD_CREDENTIALS_SOURCE_AWS_FILES:
      return g_strdup (self->source_detail);
    case JD_CREDENTIALS_SOURCE_NONE:
    default:
      return g_strdup ("entered by hand");
    }
}

/**
 * jd_credentials_lookup_sync:
 * @sources: which steps of the chain to try
 * @profile_id: (nullable): the Jobdeck profile whose keyring entry to try
 * @aws_profile: (nullable): the ~/.aws profile name
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Runs the chain, first match wins. A keyring that cannot be reached is
 * skipped (its reason goes into the final error). When nothing matches the
 * error (%JD_JOBS_ERROR_NO_CREDENTIALS) says what every source lacked.
 *
 * Returns: (transfer full): the credentials, their source set
 */
JdCredentials *
jd_credentials_lookup_sync (JdCredentialsSourceFlags   sources,
                            const char                *profile_id,
                            const char                *aws_profile,
                            GCancellable              *cancellable,
                            GError                   **error)
{
  g_auto(GStrv) envp = g_get_environ ();

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return lookup_with_environment (sources, profile_id, aws_profile,
                                  (const char *const *) envp, cancellable, error);
}

static JdCredentials *
lookup_with_environment (JdCredentialsSourceFlags   sources,
                         const char                *profile_id,
                         const char                *aws_profile,
                         const char *const         *envp,
                         GCancellable              *cancellable,
                         GError                   **error)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  JdCredentials *ret = NULL;

  if ((sources & JD_CREDENTIALS_SOURCE_FLAG_KEYRING) && profile_id != NULL && *profile_id != '\0')
    {
      g_autoptr(GError) local_error = NULL;
      char *why_not = NULL;

      ret = credentials_from_keyring (profile_id, cancellable, &why_not, &local_error);
      if (ret != NULL)
        return ret;
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (local_error != NULL)
        {
          g_debug ("Skipping the keyring: %s", local_error->message);
          why_not = g_strdup (local_error->message);
        }
      g_ptr_array_add (reasons, why_not);
    }

  if (sources & JD_CREDENTIALS_SOURCE_FLAG_ENVIRONMENT)
    {
      char *why_not = NULL;

      ret = jd_credentials_from_environment (envp, &why_not);
      if (ret != NULL)
        return ret;
      g_ptr_array_add (reasons, why_not);
    }

  if (sources & JD_CREDENTIALS_SOURCE_FLAG_AWS_FILES)
    {
      char *why_not = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      ret = jd_credentials_from_aws_files (envp, aws_profile, &why_not);
      if (ret != NULL)
        return ret;
      g_ptr_array_add (reasons, why_not);
    }

  g_ptr_array_add (reasons, NULL);
  joined = g_strjoinv ("; ", (char **) reasons->pdata);
  g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_NO_CREDENTIALS,
               "No AWS credentials found: %s.",
               *joined != '\0' ? joined : "no source was enabled");
  return NULL;
}

typedef struct {
  JdCredentialsSourceFlags sources;
  char *profile_id;
  char *aws_profile;
  char *label_name;
  JdSecretKind kind;
  char *value;
  char **envp;
  JdCredentials *credentials;
} CredentialsTaskData;

static void
credentials_task_data_free (CredentialsTaskData *data)
{
  g_free (data->profile_id);
  g_free (data->aws_profile);
  g_free (data->label_name);
  wipe_string (data->value);
  g_strfreev (data->envp);
  g_clear_object (&data->credentials);
  g_free (data);
}

static void
lookup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CredentialsTaskData *data = task_data;
  GError *error = NULL;
  JdCredentials *ret;

  ret = lookup_with_environment (data->sources, data->profile_id, data->aws_profile,
                                 (const char *const *) data->envp, cancellable, &error);
  if (ret == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ret, g_object_unref);
}

void
jd_credentials_lookup_async (JdCredentialsSourceFlags  sources,
                             const char               *profile_id,
                             const char               *aws_profile,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  CredentialsTaskData *data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_credentials_lookup_async);
  data = g_new0 (CredentialsTaskData, 1);
  data->sources = sources;
  data->profile_id = g_strdup (profile_id);
  data->aws_profile = g_strdup (aws_profile);
  /* Read the environment here, not in the worker thread. */
  data->envp = g_get_environ ();
  g_task_set_task_data (task, data, (GDestroyNotify) credentials_task_data_free);
  g_task_run_in_thread (task, lookup_thread);
}

JdCredentials *
jd_credentials_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jd_credentials_lookup_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CredentialsTaskData *data = task_data;
  JdCredentials *creds = data->credentials;
  GError *error = NULL;

  if (!keyring_store (data->profile_id, JD_SECRET_KIND_ACCESS_KEY_ID, data->label_name,
                      creds->access_key_id, cancellable, &error) ||
      !keyring_store (data->profile_id, JD_SECRET_KIND_SECRET_ACCESS_KEY, data->label_name,
                      creds->secret_access_key, cancellable, &error) ||
      !keyring_store (data->profile_id, JD_SECRET_KIND_SESSION_TOKEN, data->label_name,
                      creds->session_token, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
jd_credentials_store_async (JdCredentials       *credentials,
                            const char          *profile_id,
                            const char          *label_name,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CredentialsTaskData *data;

  g_return_if_fail (JD_IS_CREDENTIALS (credentials));
  g_return_if_fail (profile_id != NULL && *profile_id != '\0');

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_credentials_store_async);

  if (*credentials->access_key_id == '\0' || *credentials->secret_access_key == '\0')
    {
      g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CREDENTIALS,
                               "Both the access key id and the secret access key are needed.");
      return;
    }

  data = g_new0 (CredentialsTaskData, 1);
  data->profile_id = g_strdup (profile_id);
  data->label_name = g_strdup (label_name);
  data->credentials = g_object_ref (credentials);
  g_task_set_task_data (task, data, (GDestroyNotify) credentials_task_data_free);
  g_task_run_in_thread (task, store_thread);
}

gboolean
jd_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
store_secret_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  CredentialsTaskData *data = task_data;
  GError *error = NULL;

  if (!keyring_store (data->profile_id, data->kind, data->label_name, data->value,
                      cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
jd_credentials_store_secret_async (const char          *profile_id,
                                   JdSecretKind         kind,
                                   const char          *label_name,
                                   const char          *value,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CredentialsTaskData *data;

  g_return_if_fail (profile_id != NULL && *profile_id != '\0');
  g_return_if_fail ((guint) kind < G_N_ELEMENTS (secret_kind_names));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_credentials_store_secret_async);
  data = g_new0 (CredentialsTaskData, 1);
  data->profile_id = g_strdup (profile_id);
  data->kind = kind;
  data->label_name = g_strdup (label_name);
  data->value = g_strdup (value);
  g_task_set_task_data (task, data, (GDestroyNotify) credentials_task_data_free);
  g_task_run_in_thread (task, store_secret_thread);
}

gboolean
jd_credentials_store_secret_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_secret_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  CredentialsTaskData *data = task_data;
  GError *error = NULL;
  char *value = NULL;

  if (!keyring_lookup (data->profile_id, data->kind, &value, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, (GDestroyNotify) wipe_string);
}

void
jd_credentials_lookup_secret_async (const char          *profile_id,
                                    JdSecretKind         kind,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CredentialsTaskData *data;

  g_return_if_fail (profile_id != NULL && *profile_id != '\0');
  g_return_if_fail ((guint) kind < G_N_ELEMENTS (secret_kind_names));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_credentials_lookup_secret_async);
  data = g_new0 (CredentialsTaskData, 1);
  data->profile_id = g_strdup (profile_id);
  data->kind = kind;
  g_task_set_task_data (task, data, (GDestroyNotify) credentials_task_data_free);
  g_task_run_in_thread (task, lookup_secret_thread);
}

char *
jd_credentials_lookup_secret_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
forget_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CredentialsTaskData *data = task_data;
  GError *local_error = NULL;
  GError *error = NULL;

  /* Matching on the profile alone removes every kind at once. */
  secret_password_clear_sync (jd_credentials_get_schema (), cancellable, &local_error,
                              "profile", data->profile_id, NULL);
  if (local_error != NULL)
    {
      set_keyring_error (&error, local_error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
jd_credentials_forget_async (const char          *profile_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CredentialsTaskData *data;

  g_return_if_fail (profile_id != NULL && *profile_id != '\0');

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_credentials_forget_async);
  data = g_new0 (CredentialsTaskData, 1);
  data->profile_id = g_strdup (profile_id);
  g_task_set_task_data (task, data, (GDestroyNotify) credentials_task_data_free);
  g_task_run_in_thread (task, forget_thread);
}

gboolean
jd_credentials_forget_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
