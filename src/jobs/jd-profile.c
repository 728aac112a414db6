/* jd-profile.c — connection profiles in GSettings and their validation
 * (files, key/certificate match with GnuTLS, expiry, names).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-profile"

#include <errno.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "jd-profile.h"

struct _JdProfileProblem
{
  char *key;
  GError *error;
};

struct _JdProfile
{
  GObject parent_instance;

  char *id;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (JdProfile, jd_profile, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (JdProfileProblem, jd_profile_problem,
                     jd_profile_problem_copy, jd_profile_problem_free)

G_DEFINE_ENUM_TYPE (JdProfileKind, jd_profile_kind,
  G_DEFINE_ENUM_VALUE (JD_PROFILE_KIND_SANDBOX, "sandbox"),
  G_DEFINE_ENUM_VALUE (JD_PROFILE_KIND_AWS, "aws"))

G_DEFINE_ENUM_TYPE (JdProfileCredentialsSource, jd_profile_credentials_source,
  G_DEFINE_ENUM_VALUE (JD_PROFILE_CREDENTIALS_KEYRING, "keyring"),
  G_DEFINE_ENUM_VALUE (JD_PROFILE_CREDENTIALS_ENVIRONMENT, "environment"),
  G_DEFINE_ENUM_VALUE (JD_PROFILE_CREDENTIALS_AWS_PROFILE, "aws-profile"))

/* Property names are the GSettings key names. */
enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_NAME,
  PROP_ENDPOINT,
  PROP_PORT,
  PROP_REGION,
  PROP_THING_NAME,
  PROP_CLIENT_ID,
  PROP_CERTIFICATE_PATH,
  PROP_KEY_PATH,
  PROP_CA_PATH,
  PROP_CONTROL_PLANE_ENDPOINT,
  PROP_CONTROL_PLANE_CA_PATH,
  PROP_CREDENTIALS_SOURCE,
  PROP_AWS_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A snapshot of the settings, so validation can run in a thread. */
typedef struct {
  JdProfileKind kind;
  char *name;
  char *endpoint;
  guint port;
  char *region;
  char *thing_name;
  char *client_id;
  char *certificate_path;
  char *key_path;
  char *ca_path;
  char *control_plane_endpoint;
  char *control_plane_ca_path;
  char *key_passphrase;
} Snapshot;

/* Problems */

static JdProfileProblem *
problem_new (const char *key,
             GError     *error)
{
  JdProfileProblem *problem = g_new0 (JdProfileProblem, 1);

  problem->key = g_strdup (key);
  problem->error = error;
  return problem;
}

JdProfileProblem *
jd_profile_problem_copy (const JdProfileProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);
  return problem_new (problem->key, g_error_copy (problem->error));
}

void
jd_profile_problem_free (JdProfileProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->key);
  g_clear_error (&problem->error);
  g_free (problem);
}

/**
 * jd_profile_problem_get_key:
 *
 * Returns: the GSettings key the problem is about ("certificate-path", …)
 */
const char *
jd_profile_problem_get_key (const JdProfileProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);
  return problem->key;
}

const GError *
jd_profile_problem_get_error (const JdProfileProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);
  return problem->error;
}

/* Helpers */

static void
snapshot_free (Snapshot *snap)
{
  g_free (snap->name);
  g_free (snap->endpoint);
  g_free (snap->region);
  g_free (snap->thing_name);
  g_free (snap->client_id);
  g_free (snap->certificate_path);
  g_free (snap->key_path);
  g_free (snap->ca_path);
  g_free (snap->control_plane_endpoint);
  g_free (snap->control_plane_ca_path);
  if (snap->key_passphrase != NULL)
    memset (snap->key_passphrase, 0, strlen (snap->key_passphrase));
  g_free (snap->key_passphrase);
  g_free (snap);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

/* "kind" and "credentials-source" are string keys with choices; the choices
 * are the nicks of the matching enums. */
static int
get_choice (GSettings  *settings,
            const char *key,
            GType       enum_type)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  g_autofree char *nick = g_settings_get_string (settings, key);
  GEnumValue *value = g_enum_get_value_by_nick (klass, nick);

  return value != NULL ? value->value : 0;
}

static void
set_choice (GSettings  *settings,
            const char *key,
            GType       enum_type,
            int         value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *ev = g_enum_get_value (klass, value);

  g_return_if_fail (ev != NULL);
  g_settings_set_string (settings, key, ev->value_nick);
}

static Snapshot *
snapshot_new (JdProfile  *self,
              const char *key_passphrase)
{
  Snapshot *snap = g_new0 (Snapshot, 1);

  snap->kind = get_choice (self->settings, "kind", JD_TYPE_PROFILE_KIND);
  snap->name = g_settings_get_string (self->settings, "name");
  snap->endpoint = g_settings_get_string (self->settings, "endpoint");
  snap->port = g_settings_get_uint (self->settings, "port");
  snap->region = g_settings_get_string (self->settings, "region");
  snap->thing_name = g_settings_get_string (self->settings, "thing-name");
  snap->client_id = g_settings_get_string (self->settings, "client-id");
  snap->certificate_path = g_settings_get_string (self->settings, "certificate-path");
  snap->key_path = g_settings_get_string (self->settings, "key-path");
  snap->ca_path = g_settings_get_string (self->settings, "ca-path");
  snap->control_plane_endpoint = g_settings_get_string (self->settings, "control-plane-endpoint");
  snap->control_plane_ca_path = g_settings_get_string (self->settings, "control-plane-ca-path");
  snap->key_passphrase = g_strdup (key_passphrase);
  return snap;
}

static gboolean
str_empty (const char *s)
{
  return s == NULL || *s == '\0';
}

/* Reads a file the profile points at; the error names what the file is for. */
static gboolean
read_file (const char  *path,
           const char  *what,
           char       **contents,
           gsize       *length,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_file_get_contents (path, contents, length, &local_error))
    return TRUE;

  if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_MISSING_FILE,
                 "The %s file “%s” does not exist.", what, path);
  else if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES) ||
           g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_PERM))
    g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_UNREADABLE_FILE,
                 "The %s file “%s” cannot be read: permission denied. Check its permissions.",
                 what, path);
  else
    g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_UNREADABLE_FILE,
                 "The %s file “%s” cannot be read: %s", what, path, local_error->message);
  return FALSE;
}

static gboolean
load_certificate (const char         *path,
                  gnutls_x509_crt_t  *out,
                  GError            **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  int ret;

  if (!read_file (path, "certificate", &contents, &length, error))
    return FALSE;

  datum.data = (unsigned char *) contents;
  datum.size = length;
  gnutls_x509_crt_init (&crt);
  ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM);
  if (ret < 0)
    ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      gnutls_x509_crt_deinit (crt);
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CERTIFICATE,
                   "“%s” is not a PEM or DER certificate (%s).", path, gnutls_strerror (ret));
      return FALSE;
    }

  *out = crt;
  return TRUE;
}

static gboolean
load_key (const char             *path,
          const char             *passphrase,
          gnutls_x509_privkey_t  *out,
          GError                **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t datum;
  int ret;

  if (!read_file (path, "private key", &contents, &length, error))
    return FALSE;

  datum.data = (unsigned char *) contents;
  datum.size = length;
  gnutls_x509_privkey_init (&key);
  ret = gnutls_x509_privkey_import2 (key, &datum, GNUTLS_X509_FMT_PEM,
                                     str_empty (passphrase) ? NULL : passphrase, 0);
  if (ret < 0)
    ret = gnutls_x509_privkey_import2 (key, &datum, GNUTLS_X509_FMT_DER,
                                       str_empty (passphrase) ? NULL : passphrase, 0);
  if (ret < 0)
    {
      gboolean encrypted = strstr (contents, "ENCRYPTED") != NULL ||
                           ret == GNUTLS_E_DECRYPTION_FAILED;

      gnutls_x509_privkey_deinit (key);
      if (encrypted && str_empty (passphrase))
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_KEY_ENCRYPTED,
                     "The private key “%s” is encrypted: enter its passphrase.", path);
      else if (encrypted)
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_KEY_ENCRYPTED,
                     "The passphrase does not unlock the private key “%s”.", path);
      else
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_KEY,
                     "“%s” is not a PEM or DER private key (%s).", path, gnutls_strerror (ret));
      return FALSE;
    }

  *out = key;
  return TRUE;
}

static gboolean
check_certificate_dates (gnutls_x509_crt_t   crt,
                         const char         *path,
                         GError            **error)
{
  time_t now = time (NULL);
  time_t not_before = gnutls_x509_crt_get_activation_time (crt);
  time_t not_after = gnutls_x509_crt_get_expiration_time (crt);

  if (not_after != (time_t) -1 && not_after < now)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (not_after);
      g_autofree char *when = g_date_time_format (dt, "%Y-%m-%d %H:%M UTC");

      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CERTIFICATE_EXPIRED,
                   "The certificate “%s” expired on %s: get a new one for this thing.",
                   path, when);
      return FALSE;
    }
  if (not_before != (time_t) -1 && not_before > now)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (not_before);
      g_autofree char *when = g_date_time_format (dt, "%Y-%m-%d %H:%M UTC");

      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CERTIFICATE_NOT_YET_VALID,
                   "The certificate “%s” is not valid before %s: check the computer’s clock.",
                   path, when);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_match (gnutls_x509_crt_t       crt,
             gnutls_x509_privkey_t   key,
             const char             *certificate_path,
             const char             *key_path,
             GError                **error)
{
  unsigned char crt_id[64];
  unsigned char key_id[64];
  size_t crt_id_size = sizeof crt_id;
  size_t key_id_size = sizeof key_id;

  if (gnutls_x509_crt_get_key_id (crt, 0, crt_id, &crt_id_size) < 0 ||
      gnutls_x509_privkey_get_key_id (key, 0, key_id, &key_id_size) < 0 ||
      crt_id_size != key_id_size ||
      memcmp (crt_id, key_id, crt_id_size) != 0)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_KEY_MISMATCH,
                   "The private key “%s” does not belong to the certificate “%s”: "
                   "pick the key that was created with this certificate.",
                   key_path, certificate_path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_ca (const char  *path,
          GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  gnutls_x509_crt_t *list = NULL;
  unsigned int n = 0;
  gnutls_datum_t datum;
  int ret;

  if (!read_file (path, "CA certificate", &contents, &length, error))
    return FALSE;

  datum.data = (unsigned char *) contents;
  datum.size = length;
  ret = gnutls_x509_crt_list_import2 (&list, &n, &datum, GNUTLS_X509_FMT_PEM, 0);
  if (ret < 0 || n == 0)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CERTIFICATE,
                   "“%s” holds no PEM CA certificate.", path);
      return FALSE;
    }
  for (unsigned int i = 0; i < n; i++)
    gnutls_x509_crt_deinit (list[i]);
  gnutls_free (list);
  return TRUE;
}

static gboolean
check_hostname (const char *host)
{
  if (str_empty (host) || strlen (host) > 253 || *host == '.' || *host == '-')
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
      return FALSE;
  return TRUE;
}

static void
add_problem (GPtrArray  *problems,
             const char *key,
             GError     *error)
{
  g_ptr_array_add (problems, problem_new (key, error));
}

static GPtrArray *
validate_snapshot (Snapshot *snap)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) jd_profile_problem_free);
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  GError *error = NULL;
  gboolean aws = snap->kind == JD_PROFILE_KIND_AWS;

  if (str_empty (snap->name))
    add_problem (problems, "name",
                 g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_MISSING_VALUE,
                              "Give the profile a name."));

  if (!jd_profile_check_thing_name (snap->thing_name, &error))
    add_problem (problems, "thing-name", g_steal_pointer (&error));

  if (!str_empty (snap->client_id))
    {
      gboolean ok = strlen (snap->client_id) <= 128 && g_utf8_validate (snap->client_id, -1, NULL);

      for (const char *p = snap->client_id; ok && *p != '\0'; p++)
        if (g_ascii_iscntrl (*p) || *p == ' ' || *p == '#' || *p == '+')
          ok = FALSE;
      if (!ok)
        add_problem (problems, "client-id",
                     g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_CLIENT_ID,
                                  "“%s” is not a usable MQTT client id: use at most 128 characters, "
                                  "without spaces, “#” or “+”, or leave it empty to use the thing name.",
                                  snap->client_id));
    }

  if (!jd_profile_check_region (snap->region, &error))
    add_problem (problems, "region", g_steal_pointer (&error));

  if (aws)
    {
      if (str_empty (snap->endpoint))
        add_problem (problems, "endpoint",
                     g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_MISSING_VALUE,
                                  "Enter the account’s MQTT endpoint (the iot:Data-ATS address, "
                                  "such as “abc123-ats.iot.us-east-1.amazonaws.com”)."));
      else if (!check_hostname (snap->endpoint))
        add_problem (problems, "endpoint",
                     g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ENDPOINT,
                                  "“%s” is not a host name: enter only the address, without "
                                  "“https://” or a path.", snap->endpoint));
      if (snap->port != 8883 && snap->port != 443)
        add_problem (problems, "port",
                     g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_PORT,
                                  "AWS IoT accepts MQTT on port 8883, or 443 with ALPN; %u will not work.",
                                  snap->port));
    }

  if (!str_empty (snap->control_plane_endpoint))
    {
      g_autoptr(GUri) uri = g_uri_parse (snap->control_plane_endpoint, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL ||
          (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
           g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
        add_problem (problems, "control-plane-endpoint",
                     g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_ENDPOINT,
                                  "“%s” is not a control-plane URL such as "
                                  "“https://iot.us-east-1.amazonaws.com”.",
                                  snap->control_plane_endpoint));
    }

  /* The sandbox makes its own certificates; an AWS profile needs them. */
  if (aws && str_empty (snap->certificate_path))
    add_problem (problems, "certificate-path",
                 g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_MISSING_VALUE,
                              "Choose the thing’s certificate file."));
  if (aws && str_empty (snap->key_path))
    add_problem (problems, "key-path",
                 g_error_new (JD_JOBS_ERROR, JD_JOBS_ERROR_MISSING_VALUE,
                              "Choose the thing’s private key file."));

  if (!str_empty (snap->certificate_path))
    {
      if (!load_certificate (snap->certificate_path, &crt, &error) ||
          !check_certificate_dates (crt, snap->certificate_path, &error))
        add_problem (problems, "certificate-path", g_steal_pointer (&error));
    }
  if (!str_empty (snap->key_path))
    {
      if (!load_key (snap->key_path, snap->key_passphrase, &key, &error))
        add_problem (problems, "key-path", g_steal_pointer (&error));
    }
  if (crt != NULL && key != NULL &&
      !check_match (crt, key, snap->certificate_path, snap->key_path, &error))
    add_problem (problems, "key-path", g_steal_pointer (&error));

  if (!str_empty (snap->ca_path) && !check_ca (snap->ca_path, &error))
    add_problem (problems, "ca-path", g_steal_pointer (&error));
  if (!str_empty (snap->control_plane_ca_path) && !check_ca (snap->control_plane_ca_path, &error))
    add_problem (problems, "control-plane-ca-path", g_steal_pointer (&error));

  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);

  return problems;
}

static void
settings_changed_cb (GSettings  *settings,
                     const char *key,
                     JdProfile  *self)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), key);

  if (pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

/* GObject */

static void
jd_profile_constructed (GObject *object)
{
  JdProfile *self = (JdProfile *) object;
  g_autofree char *path = NULL;

  G_OBJECT_CLASS (jd_profile_parent_class)->constructed (object);

  g_assert (self->id != NULL);
  path = g_strconcat (JD_PROFILE_PATH_PREFIX, self->id, "/", NULL);
  self->settings = g_settings_new_with_path (JD_PROFILE_SCHEMA_ID, path);
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (settings_changed_cb), self, 0);
}

static void
jd_profile_finalize (GObject *object)
{
  JdProfile *self = (JdProfile *) object;

  g_clear_object (&self->settings);
  g_clear_pointer (&self->id, g_free);

  G_OBJECT_CLASS (jd_profile_parent_class)->finalize (object);
}

static void
jd_profile_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  JdProfile *self = JD_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_KIND:
    case PROP_CREDENTIALS_SOURCE:
      g_value_set_enum (value, get_choice (self->settings, pspec->name, pspec->value_type));
      break;
    case PROP_PORT:
      g_value_set_uint (value, g_settings_get_uint (self->settings, pspec->name));
      break;
    case PROP_NAME:
    case PROP_ENDPOINT:
    case PROP_REGION:
    case PROP_THING_NAME:
    case PROP_CLIENT_ID:
    case PROP_CERTIFICATE_PATH:
    case PROP_KEY_PATH:
    case PROP_CA_PATH:
    case PROP_CONTROL_PLANE_ENDPOINT:
    case PROP_CONTROL_PLANE_CA_PATH:
    case PROP_AWS_PROFILE:
      g_value_take_string (value, g_settings_get_string (self->settings, pspec->name));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_profile_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  JdProfile *self = JD_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_KIND:
    case PROP_CREDENTIALS_SOURCE:
      set_choice (self->settings, pspec->name, pspec->value_type, g_value_get_enum (value));
      break;
    case PROP_PORT:
      g_settings_set_uint (self->settings, pspec->name, g_value_get_uint (value));
      break;
    case PROP_NAME:
    case PROP_ENDPOINT:
    case PROP_REGION:
    case PROP_THING_NAME:
    case PROP_CLIENT_ID:
    case PROP_CERTIFICATE_PATH:
    case PROP_KEY_PATH:
    case PROP_CA_PATH:
    case PROP_CONTROL_PLANE_ENDPOINT:
    case PROP_CONTROL_PLANE_CA_PATH:
    case PROP_AWS_PROFILE:
      {
        const char *s = g_value_get_string (value);
        g_settings_set_string (self->settings, pspec->name, s != NULL ? s : "");
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, "",
                              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static void
jd_profile_class_init (JdProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = jd_profile_constructed;
  object_class->finalize = jd_profile_finalize;
  object_class->get_property = jd_profile_get_property;
  object_class->set_property = jd_profile_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, JD_TYPE_PROFILE_KIND, JD_PROFILE_KIND_SANDBOX,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NAME] = string_property ("name");
  properties[PROP_ENDPOINT] = string_property ("endpoint");
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, 65535, 8883,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REGION] = string_property ("region");
  properties[PROP_THING_NAME] = string_property ("thing-name");
  properties[PROP_CLIENT_ID] = string_property ("client-id");
  properties[PROP_CERTIFICATE_PATH] = string_property ("certificate-path");
  properties[PROP_KEY_PATH] = string_property ("key-path");
  properties[PROP_CA_PATH] = string_property ("ca-path");
  properties[PROP_CONTROL_PLANE_ENDPOINT] = string_property ("control-plane-endpoint");
  properties[PROP_CONTROL_PLANE_CA_PATH] = string_property ("control-plane-ca-path");
  properties[PROP_CREDENTIALS_SOURCE] =
    g_param_spec_enum ("credentials-source", NULL, NULL, JD_TYPE_PROFILE_CREDENTIALS_SOURCE,
                       JD_PROFILE_CREDENTIALS_KEYRING,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_AWS_PROFILE] = string_property ("aws-profile");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
jd_profile_init (JdProfile *self)
{
}

/* Public API */

JdProfile *
jd_profile_new (const char *id)
{
  g_return_val_if_fail (id != NULL && *id != '\0', NULL);
  return g_object_new (JD_TYPE_PROFILE, "id", id, NULL);
}

/**
 * jd_profile_create:
 * @settings: the application's io.github.jobdeck.Jobdeck settings
 * @kind: sandbox or AWS
 * @name: the name shown in the switcher
 *
 * Makes a new profile with a fresh id and adds it to the "profiles" list.
 *
 * Returns: (transfer full): the profile
 */
JdProfile *
jd_profile_create (GSettings     *settings,
                   JdProfileKind  kind,
                   const char    *name)
{
  g_autofree char *id = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) new_ids = NULL;
  JdProfile *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  /* GSettings paths allow [A-Za-z0-9-]; a UUID fits. */
  id = g_uuid_string_random ();
  self = jd_profile_new (id);

  set_choice (self->settings, "kind", JD_TYPE_PROFILE_KIND, kind);
  g_settings_set_string (self->settings, "name", name);

  ids = g_settings_get_strv (settings, "profiles");
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) ids);
  g_strv_builder_add (builder, id);
  new_ids = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "profiles", (const char *const *) new_ids);

  return self;
}

/**
 * jd_profile_list:
 * @settings: the application's settings
 *
 * Returns: (transfer full) (element-type JdProfile): the listed profiles, in order
 */
GPtrArray *
jd_profile_list (GSettings *settings)
{
  g_auto(GStrv) ids = NULL;
  GPtrArray *ret;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  ret = g_ptr_array_new_with_free_func (g_object_unref);
  ids = g_settings_get_strv (settings, "profiles");
  for (guint i = 0; ids[i] != NULL; i++)
    if (*ids[i] != '\0')
      g_ptr_array_add (ret, jd_profile_new (ids[i]));
  return ret;
}

JdProfile *
jd_profile_lookup (GSettings   *settings,
                   const char  *id,
                   GError     **error)
{
  g_auto(GStrv) ids = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  ids = g_settings_get_strv (settings, "profiles");
  if (!g_strv_contains ((const char *const *) ids, id))
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_PROFILE_NOT_FOUND,
                   "There is no connection profile “%s”.", id);
      return NULL;
    }
  return jd_profile_new (id);
}

void
jd_profile_remove (GSettings *settings,
                   JdProfile *profile)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) new_ids = NULL;
  g_autofree char *active = NULL;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (JD_IS_PROFILE (profile));

  ids = g_settings_get_strv (settings, "profiles");
  builder = g_strv_builder_new ();
  for (guint i = 0; ids[i] != NULL; i++)
    if (strcmp (ids[i], profile->id) != 0)
      g_strv_builder_add (builder, ids[i]);
  new_ids = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "profiles", (const char *const *) new_ids);

  active = g_settings_get_string (settings, "active-profile");
  if (strcmp (active, profile->id) == 0)
    g_settings_set_string (settings, "active-profile", "");

  g_object_get (profile->settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (profile->settings, keys[i]);
}

const char *
jd_profile_get_id (JdProfile *self)
{
  g_return_val_if_fail (JD_IS_PROFILE (self), NULL);
  return self->id;
}

/**
 * jd_profile_get_settings:
 *
 * Returns: (transfer none): the profile's relocatable GSettings, for g_settings_bind()
 */
GSettings *
jd_profile_get_settings (JdProfile *self)
{
  g_return_val_if_fail (JD_IS_PROFILE (self), NULL);
  return self->settings;
}

JdProfileKind
jd_profile_get_kind (JdProfile *self)
{
  g_return_val_if_fail (JD_IS_PROFILE (self), JD_PROFILE_KIND_SANDBOX);
  return get_choice (self->settings, "kind", JD_TYPE_PROFILE_KIND);
}

void
jd_profile_set_kind (JdProfile     *self,
                     JdProfileKind  kind)
{
  g_return_if_fail (JD_IS_PROFILE (self));
  set_choice (self->settings, "kind", JD_TYPE_PROFILE_KIND, kind);
}

#define STRING_GETTER(fn, key)                  \
  char *                                        \
  jd_profile_dup_##fn (JdProfile *self)         \
  {                                             \
    g_return_val_if_fail (JD_IS_PROFILE (self), NULL); \
    return g_settings_get_string (self->settings, key); \
  }

STRING_GETTER (name, "name")
STRING_GETTER (endpoint, "endpoint")
STRING_GETTER (region, "region")
STRING_GETTER (thing_name, "thing-name")
STRING_GETTER (certificate_path, "certificate-path")
STRING_GETTER (key_path, "key-path")
STRING_GETTER (ca_path, "ca-path")
STRING_GETTER (aws_profile, "aws-profile")

guint
jd_profile_get_port (JdProfile *self)
{
  g_return_val_if_fail (JD_IS_PROFILE (self), 0);
  return g_settings_get_uint (self->settings, "port");
}

gboolean
jd_profile_get_use_alpn (JdProfile *self)
{
  return jd_profile_get_port (self) == 443;
}

GStrv
jd_profile_dup_codesign_certificates (JdProfile *self)
{
  g_return_val_if_fail (JD_IS_PROFILE (self), NULL);

  return g_settings_get_strv (self->settings, "codesign-certificates");
}

void
jd_profile_set_codesign_certificates (JdProfile         *self,
                                      const char *const *paths)
{
  const char *const none[] = { NULL };

  g_return_if_fail (JD_IS_PROFILE (self));

  g_settings_set_strv (self->settings, "codesign-certificates", paths != NULL ? paths : none);
}

GStrv
jd_profile_dup_trusted_codesign_certificates (JdProfile           *self,
                                              const JdSandboxInfo *sandbox)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) set = NULL;
  const char *own = NULL;

  g_return_val_if_fail (JD_IS_PROFILE (self), NULL);

  if (jd_profile_get_kind (self) == JD_PROFILE_KIND_SANDBOX && sandbox != NULL &&
      sandbox->codesign_certificate_path != NULL && sandbox->codesign_certificate_path[0] != '\0')
    {
      own = sandbox->codesign_certificate_path;
      g_strv_builder_add (builder, own);
    }
  set = jd_profile_dup_codesign_certificates (self);
  for (guint i = 0; set[i] != NULL; i++)
    if (set[i][0] != '\0' && g_strcmp0 (set[i], own) != 0)
      g_strv_builder_add (builder, set[i]);
  return g_strv_builder_end (builder);
}

char *
jd_profile_dup_client_id (JdProfile *self)
{
  g_autofree char *client_id = NULL;

  g_return_val_if_fail (JD_IS_PROFILE (self), NULL);

  client_id = g_settings_get_string (self->settings, "client-id");
  if (*client_id != '\0')
    return g_steal_pointer (&client_id);
  return g_settings_get_string (self->settings, "thing-name");
}

char *
jd_profile_dup_control_plane_url (JdProfile *self)
{
  g_autofree char *url = NULL;
  g_autofree char *region = NULL;

  g_return_val_if_fail (JD_IS_PROFILE (self), NULL);

  url = g_settings_get_string (self->settings, "control-plane-endpoint");
  if (*url != '\0')
    return g_steal_pointer (&url);
  region = g_settings_get_string (self->settings, "region");
  if (g_str_has_prefix (region, "cn-"))
    return g_strdup_printf ("https://iot.%s.amazonaws.com.cn", region);
  return g_strdup_printf ("https://iot.%s.amazonaws.com", region);
}

char *
jd_profile_dup_control_plane_ca_path (JdProfile *self)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (JD_IS_PROFILE (self), NULL);

  path = g_settings_get_string (self->settings, "control-plane-ca-path");
  return *path != '\0' ? g_steal_pointer (&path) : NULL;
}

JdProfileCredentialsSource
jd_profile_get_credentials_source (JdProfile *self)
{
  g_return_val_if_fail (JD_IS_PROFILE (self), JD_PROFILE_CREDENTIALS_KEYRING);
  return get_choice (self->settings, "credentials-source", JD_TYPE_PROFILE_CREDENTIALS_SOURCE);
}

static void
lookup_credentials_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  JdCredentials *creds;

  creds = jd_credentials_lookup_finish (result, &error);
  if (creds == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, creds, g_object_unref);
}

void
jd_profile_lookup_credentials_async (JdProfile           *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *aws_profile = NULL;
  JdCredentialsSourceFlags flags;
  const char *keyring_id = NULL;

  g_return_if_fail (JD_IS_PROFILE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_profile_lookup_credentials_async);

  switch (jd_profile_get_credentials_source (self))
    {
    case JD_PROFILE_CREDENTIALS_ENVIRONMENT:
      flags = JD_CREDENTIALS_SOURCE_FLAG_ENVIRONMENT;
      break;
    case JD_PROFILE_CREDENTIALS_AWS_PROFILE:
      flags = JD_CREDENTIALS_SOURCE_FLAG_AWS_FILES;
      aws_profile = jd_profile_dup_aws_profile (self);
      break;
    case JD_PROFILE_CREDENTIALS_KEYRING:
    default:
      flags = JD_CREDENTIALS_SOURCE_FLAG_ALL;
      keyring_id = self->id;
      break;
    }

  jd_credentials_lookup_async (flags, keyring_id, aws_profile, cancellable,
                               lookup_credentials_cb, g_steal_pointer (&task));
}

JdCredentials *
jd_profile_lookup_credentials_finish (JdProfile     *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * jd_profile_validate:
 * @self: a profile
 * @key_passphrase: (nullable): the passphrase of an encrypted key
 *
 * Blocking (it reads files): call it from a worker thread, or use
 * jd_profile_validate_async().
 *
 * Returns: (transfer full) (element-type JdProfileProblem): the problems found
 */
GPtrArray *
jd_profile_validate (JdProfile  *self,
                     const char *key_passphrase)
{
  g_autoptr(Snapshot) snap = NULL;

  g_return_val_if_fail (JD_IS_PROFILE (self), NULL);

  snap = snapshot_new (self, key_passphrase);
  return validate_snapshot (snap);
}

static void
validate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  g_task_return_pointer (task, validate_snapshot (task_data),
                         (GDestroyNotify) g_ptr_array_unref);
}

void
jd_profile_validate_async (JdProfile           *self,
                           const char          *key_passphrase,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (JD_IS_PROFILE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_profile_validate_async);
  /* Read the settings here; the thread only sees the snapshot. */
  g_task_set_task_data (task, snapshot_new (self, key_passphrase), (GDestroyNotify) snapshot_free);
  g_task_run_in_thread (task, validate_thread);
}

GPtrArray *
jd_profile_validate_finish (JdProfile     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * jd_profile_check_thing_name:
 *
 * AWS's rule: 1 to 128 characters from [a-zA-Z0-9:_-].
 */
gboolean
jd_profile_check_thing_name (const char  *thing_name,
                             GError     **error)
{
  gsize len = thing_name != NULL ? strlen (thing_name) : 0;
  gboolean ok = len >= 1 && len <= 128;

  for (gsize i = 0; ok && i < len; i++)
    {
      char c = thing_name[i];
      if (!g_ascii_isalnum (c) && c != ':' && c != '_' && c != '-')
        ok = FALSE;
    }

  if (!ok)
    {
      if (len == 0)
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_THING_NAME,
                     "Enter the name of the thing to connect as.");
      else
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_THING_NAME,
                     "“%s” is not a valid thing name: use 1 to 128 letters, digits, "
                     "“:”, “_” or “-”.", thing_name);
    }
  return ok;
}

/**
 * jd_profile_check_region:
 *
 * The shape of AWS region names: "us-east-1", "eu-central-2", "us-gov-west-1".
 */
gboolean
jd_profile_check_region (const char  *region,
                         GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint n;
  gboolean ok = FALSE;

  if (region != NULL && *region != '\0')
    {
      parts = g_strsplit (region, "-", -1);
      n = g_strv_length (parts);
      ok = n >= 3 && strlen (parts[0]) == 2;
      for (guint i = 0; ok && i < n - 1; i++)
        {
          if (*parts[i] == '\0')
            ok = FALSE;
          for (const char *p = parts[i]; ok && *p != '\0'; p++)
            if (!g_ascii_islower (*p))
              ok = FALSE;
        }
      if (ok && (*parts[n - 1] == '\0' || strlen (parts[n - 1]) > 2))
        ok = FALSE;
      for (const char *p = ok ? parts[n - 1] : ""; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p))
          ok = FALSE;
    }

  if (!ok)
    g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REGION,
                 "“%s” is not an AWS region: use a name such as “us-east-1” or “eu-west-2”.",
                 region != NULL ? region : "");
  return ok;
}

/**
 * jd_profile_check_key_pair:
 * @certificate_path: a PEM or DER certificate
 * @key_path: a PEM or DER private key
 * @key_passphrase: (nullable): the key's passphrase
 *
 * Reads both files (blocking), checks the certificate's validity dates and
 * that the key is the certificate's (same public key id).
 */
gboolean
jd_profile_check_key_pair (const char  *certificate_path,
                           const char  *key_path,
                           const char  *key_passphrase,
                           GError     **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  gboolean ok;

  g_return_val_if_fail (certificate_path != NULL, FALSE);
  g_return_val_if_fail (key_path != NULL, FALSE);

  ok = load_certificate (certificate_path, &crt, error) &&
       check_certificate_dates (crt, certificate_path, error) &&
       load_key (key_path, key_passphrase, &key, error) &&
       check_match (crt, key, certificate_path, key_path, error);

  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);
  return ok;
}
