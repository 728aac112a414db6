/* test-profile.c — JdProfile: the list of profiles in GSettings, properties
 * that follow their keys, the effective client id and control-plane URL, and
 * validation with messages a person can act on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-profile"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <libsecret/secret.h>

#include "jd-credentials-private.h"
#include "jd-profile.h"
#include "op-test-util.h"

typedef struct {
  GSettings *settings;
  char *dir;
  JdTestCa *ca;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->settings = g_settings_new ("io.github.jobdeck.Jobdeck");
  g_settings_reset (f->settings, "profiles");
  g_settings_reset (f->settings, "active-profile");
  f->dir = g_dir_make_tmp ("jd-profile-XXXXXX", &error);
  g_assert_no_error (error);
  f->ca = jd_test_ca_new (f->dir, "test");
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->settings);
  jd_test_ca_free (f->ca);
  remove_dir (f->dir);
  g_free (f->dir);
}

static gboolean
has_problem (GPtrArray  *problems,
             const char *key,
             gint        code)
{
  for (guint i = 0; i < problems->len; i++)
    {
      JdProfileProblem *p = g_ptr_array_index (problems, i);

      if (g_strcmp0 (jd_profile_problem_get_key (p), key) == 0 &&
          g_error_matches (jd_profile_problem_get_error (p), JD_JOBS_ERROR, code))
        return TRUE;
    }
  return FALSE;
}

static void
dump_problems (GPtrArray *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      JdProfileProblem *p = g_ptr_array_index (problems, i);
      g_test_message ("%s: %s", jd_profile_problem_get_key (p),
                      jd_profile_problem_get_error (p)->message);
    }
}

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(JdProfile) a = NULL;
  g_autoptr(JdProfile) b = NULL;
  g_autoptr(JdProfile) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  g_autofree char *name = NULL;
  g_autofree char *active = NULL;

  a = jd_profile_create (f->settings, JD_PROFILE_KIND_SANDBOX, "Local");
  b = jd_profile_create (f->settings, JD_PROFILE_KIND_AWS, "Lab account");
  g_assert_cmpstr (jd_profile_get_id (a), !=, jd_profile_get_id (b));

  ids = g_settings_get_strv (f->settings, "profiles");
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, jd_profile_get_id (a));
  g_assert_cmpstr (ids[1], ==, jd_profile_get_id (b));

  list = jd_profile_list (f->settings);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (jd_profile_get_kind (g_ptr_array_index (list, 1)), ==, JD_PROFILE_KIND_AWS);
  name = jd_profile_dup_name (g_ptr_array_index (list, 1));
  g_assert_cmpstr (name, ==, "Lab account");

  found = jd_profile_lookup (f->settings, jd_profile_get_id (a), &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_null (jd_profile_lookup (f->settings, "no-such-id", &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_PROFILE_NOT_FOUND);

  /* Removing the active profile clears active-profile and resets its keys. */
  g_settings_set_string (f->settings, "active-profile", jd_profile_get_id (b));
  g_object_set (b, "endpoint", "abc-ats.iot.eu-west-1.amazonaws.com", NULL);
  jd_profile_remove (f->settings, b);
  g_clear_pointer (&ids, g_strfreev);
  ids = g_settings_get_strv (f->settings, "profiles");
  g_assert_cmpuint (g_strv_length (ids), ==, 1);
  g_assert_cmpstr (ids[0], ==, jd_profile_get_id (a));
  active = g_settings_get_string (f->settings, "active-profile");
  g_assert_cmpstr (active, ==, "");
  g_clear_pointer (&name, g_free);
  name = jd_profile_dup_endpoint (b);
  g_assert_cmpstr (name, ==, "");
}

static void
test_properties (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JdProfile) p = jd_profile_create (f->settings, JD_PROFILE_KIND_SANDBOX, "Local");
  g_autoptr(JdProfile) same = jd_profile_new (jd_profile_get_id (p));
  g_autofree char *client_id = NULL;
  g_autofree char *url = NULL;
  g_autofree char *thing = NULL;
  guint notified = 0;
  JdProfileKind kind;

  g_signal_connect (same, "notify::thing-name", G_CALLBACK (notify_count_cb), &notified);

  /* Writing through one object changes the key and notifies the other. */
  g_object_set (p, "thing-name", "Sensor-7", "kind", JD_PROFILE_KIND_AWS, NULL);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (same, "thing-name", &thing, "kind", &kind, NULL);
  g_assert_cmpstr (thing, ==, "Sensor-7");
  g_assert_cmpint (kind, ==, JD_PROFILE_KIND_AWS);
  {
    g_autofree char *kind_nick = g_settings_get_string (jd_profile_get_settings (same), "kind");
    g_assert_cmpstr (kind_nick, ==, "aws");
  }

  /* The client id defaults to the thing name. */
  client_id = jd_profile_dup_client_id (p);
  g_assert_cmpstr (client_id, ==, "Sensor-7");
  g_clear_pointer (&client_id, g_free);
  g_object_set (p, "client-id", "sensor-7-desktop", NULL);
  client_id = jd_profile_dup_client_id (p);
  g_assert_cmpstr (client_id, ==, "sensor-7-desktop");

  /* The control plane URL comes from the region unless given. */
  g_object_set (p, "region", "eu-central-1", NULL);
  url = jd_profile_dup_control_plane_url (p);
  g_assert_cmpstr (url, ==, "https://iot.eu-central-1.amazonaws.com");
  g_clear_pointer (&url, g_free);
  g_object_set (p, "region", "cn-north-1", NULL);
  url = jd_profile_dup_control_plane_url (p);
  g_assert_cmpstr (url, ==, "https://iot.cn-north-1.amazonaws.com.cn");
  g_clear_pointer (&url, g_free);
  g_object_set (p, "control-plane-endpoint", "https://127.0.0.1:8443", NULL);
  url = jd_profile_dup_control_plane_url (p);
  g_assert_cmpstr (url, ==, "https://127.0.0.1:8443");

  g_assert_false (jd_profile_get_use_alpn (p));
  g_object_set (p, "port", 443u, NULL);
  g_assert_true (jd_profile_get_use_alpn (p));

  g_assert_null (jd_profile_dup_control_plane_ca_path (p));
  g_assert_cmpint (jd_profile_get_credentials_source (p), ==, JD_PROFILE_CREDENTIALS_KEYRING);
  g_object_set (p, "credentials-source", JD_PROFILE_CREDENTIALS_AWS_PROFILE, NULL);
  g_assert_cmpint (jd_profile_get_credentials_source (same), ==, JD_PROFILE_CREDENTIALS_AWS_PROFILE);
}

static void
test_names (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (jd_profile_check_thing_name ("MyThing", NULL));
  g_assert_true (jd_profile_check_thing_name ("my:thing_1-a", NULL));
  g_assert_false (jd_profile_check_thing_name ("my thing", &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_THING_NAME);
  g_assert_nonnull (strstr (error->message, "my thing"));
  g_clear_error (&error);
  g_assert_false (jd_profile_check_thing_name ("", NULL));
  g_assert_false (jd_profile_check_thing_name ("a/b", NULL));
  {
    g_autofree char *long_name = g_strnfill (129, 'a');
    g_autofree char *max_name = g_strnfill (128, 'a');
    g_assert_false (jd_profile_check_thing_name (long_name, NULL));
    g_assert_true (jd_profile_check_thing_name (max_name, NULL));
  }

  g_assert_true (jd_profile_check_region ("us-east-1", NULL));
  g_assert_true (jd_profile_check_region ("us-gov-west-1", NULL));
  g_assert_true (jd_profile_check_region ("ap-southeast-2", NULL));
  g_assert_false (jd_profile_check_region ("useast1", &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_INVALID_REGION);
  g_assert_nonnull (strstr (error->message, "us-east-1"));
  g_assert_false (jd_profile_check_region ("US-EAST-1", NULL));
  g_assert_false (jd_profile_check_region ("us-east-", NULL));
  g_assert_false (jd_profile_check_region ("us-east-1a", NULL));
  g_assert_false (jd_profile_check_region ("", NULL));
}

/* An AWS profile with matching, valid files has no problems. */
static JdProfile *
make_valid_aws_profile (Fixture *f)
{
  JdProfile *p = jd_profile_create (f->settings, JD_PROFILE_KIND_AWS, "Lab");
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;

  jd_test_ca_issue (f->ca, f->dir, "MyThing", -60, 3600, NULL, &cert, &key);
  g_object_set (p,
                "endpoint", "abc123-ats.iot.us-east-1.amazonaws.com",
                "certificate-path", cert,
                "key-path", key,
                "ca-path", jd_test_ca_get_path (f->ca),
                NULL);
  return p;
}

static void
test_validate_ok (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JdProfile) p = make_valid_aws_profile (f);
  g_autoptr(JdProfile) sandbox = jd_profile_create (f->settings, JD_PROFILE_KIND_SANDBOX, "Local");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  problems = jd_profile_validate (p, NULL);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* The sandbox makes its own certificates: empty paths are fine there. */
  problems = jd_profile_validate (sandbox, NULL);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* The async variant finds the same (here: a broken thing name). */
  g_object_set (p, "thing-name", "bad name", NULL);
  jd_profile_validate_async (p, NULL, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  problems = jd_profile_validate_finish (p, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (has_problem (problems, "thing-name", JD_JOBS_ERROR_INVALID_THING_NAME));
}

static void
test_validate_files (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JdProfile) p = make_valid_aws_profile (f);
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "nope.crt", NULL);
  g_autofree char *garbage = g_build_filename (f->dir, "garbage.pem", NULL);
  g_autofree char *unreadable = g_build_filename (f->dir, "secret.key", NULL);
  g_autofree char *key = NULL;
  const JdProfileProblem *problem;

  g_assert_true (g_file_set_contents (garbage, "not a certificate\n", -1, NULL));

  g_object_set (p, "certificate-path", missing, "ca-path", garbage, NULL);
  problems = jd_profile_validate (p, NULL);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 2);
  g_assert_true (has_problem (problems, "certificate-path", JD_JOBS_ERROR_MISSING_FILE));
  g_assert_true (has_problem (problems, "ca-path", JD_JOBS_ERROR_INVALID_CERTIFICATE));
  problem = g_ptr_array_index (problems, 0);
  /* The message names the file, so the person knows which one to fix. */
  g_assert_nonnull (strstr (jd_profile_problem_get_error (problem)->message, "nope.crt"));
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Unreadable: only meaningful when not running with root's override. */
  if (geteuid () != 0)
    {
      g_object_get (p, "key-path", &key, NULL);
      g_assert_true (g_file_set_contents (unreadable, "x", -1, NULL));
      g_assert_cmpint (g_chmod (unreadable, 0), ==, 0);
      g_object_set (p, "key-path", unreadable, NULL);
      problems = jd_profile_validate (p, NULL);
      g_assert_true (has_problem (problems, "key-path", JD_JOBS_ERROR_UNREADABLE_FILE));
      g_clear_pointer (&problems, g_ptr_array_unref);
    }
  else
    {
      /* As root a directory stands in for a file that cannot be read. */
      g_object_set (p, "key-path", f->dir, NULL);
      problems = jd_profile_validate (p, NULL);
      dump_problems (problems);
      g_assert_true (has_problem (problems, "key-path", JD_JOBS_ERROR_UNREADABLE_FILE));
      g_clear_pointer (&problems, g_ptr_array_unref);
    }

  /* An AWS profile without files says which ones to choose. */
  g_object_set (p, "certificate-path", "", "key-path", "", "ca-path", "", NULL);
  problems = jd_profile_validate (p, NULL);
  g_assert_true (has_problem (problems, "certificate-path", JD_JOBS_ERROR_MISSING_VALUE));
  g_assert_true (has_problem (problems, "key-path", JD_JOBS_ERROR_MISSING_VALUE));
  g_assert_cmpuint (problems->len, ==, 2);
}

static void
test_validate_key_mismatch (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JdProfile) p = make_valid_aws_profile (f);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_cert = NULL;
  g_autofree char *other_key = NULL;
  g_autofree char *cert = NULL;

  jd_test_ca_issue (f->ca, f->dir, "OtherThing", -60, 3600, NULL, &other_cert, &other_key);
  g_object_get (p, "certificate-path", &cert, NULL);
  g_object_set (p, "key-path", other_key, NULL);

  problems = jd_profile_validate (p, NULL);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (has_problem (problems, "key-path", JD_JOBS_ERROR_KEY_MISMATCH));

  g_assert_false (jd_profile_check_key_pair (cert, other_key, NULL, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_KEY_MISMATCH);
  g_clear_error (&error);
  g_assert_true (jd_profile_check_key_pair (other_cert, other_key, NULL, &error));
  g_assert_no_error (error);
}

static void
test_validate_expiry (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JdProfile) p = make_valid_aws_profile (f);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_cert = NULL;
  g_autofree char *old_key = NULL;
  g_autofree char *future_cert = NULL;
  g_autofree char *future_key = NULL;

  jd_test_ca_issue (f->ca, f->dir, "Expired", -7200, -3600, NULL, &old_cert, &old_key);
  g_object_set (p, "certificate-path", old_cert, "key-path", old_key, NULL);
  problems = jd_profile_validate (p, NULL);
  dump_problems (problems);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (has_problem (problems, "certificate-path", JD_JOBS_ERROR_CERTIFICATE_EXPIRED));
  g_assert_nonnull (strstr (jd_profile_problem_get_error (g_ptr_array_index (problems, 0))->message,
                            "expired"));
  g_clear_pointer (&problems, g_ptr_array_unref);

  jd_test_ca_issue (f->ca, f->dir, "Future", 3600, 7200, NULL, &future_cert, &future_key);
  g_assert_false (jd_profile_check_key_pair (future_cert, future_key, NULL, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CERTIFICATE_NOT_YET_VALID);
}

static void
test_validate_encrypted_key (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;

  jd_test_ca_issue (f->ca, f->dir, "Locked", -60, 3600, "s3cret", &cert, &key);

  g_assert_false (jd_profile_check_key_pair (cert, key, NULL, &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_KEY_ENCRYPTED);
  g_assert_nonnull (strstr (error->message, "passphrase"));
  g_clear_error (&error);

  g_assert_false (jd_profile_check_key_pair (cert, key, "wrong", &error));
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_KEY_ENCRYPTED);
  g_clear_error (&error);

  g_assert_true (jd_profile_check_key_pair (cert, key, "s3cret", &error));
  g_assert_no_error (error);
}

static void
test_validate_values (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JdProfile) p = make_valid_aws_profile (f);
  g_autoptr(GPtrArray) problems = NULL;

  g_object_set (p,
                "name", "",
                "region", "Frankfurt",
                "endpoint", "https://abc.example.com/",
                "port", 1883u,
                "client-id", "has space",
                "control-plane-endpoint", "iot.example.com",
                NULL);
  problems = jd_profile_validate (p, NULL);
  dump_problems (problems);
  g_assert_true (has_problem (problems, "name", JD_JOBS_ERROR_MISSING_VALUE));
  g_assert_true (has_problem (problems, "region", JD_JOBS_ERROR_INVALID_REGION));
  g_assert_true (has_problem (problems, "endpoint", JD_JOBS_ERROR_INVALID_ENDPOINT));
  g_assert_true (has_problem (problems, "port", JD_JOBS_ERROR_INVALID_PORT));
  g_assert_true (has_problem (problems, "client-id", JD_JOBS_ERROR_INVALID_CLIENT_ID));
  g_assert_true (has_problem (problems, "control-plane-endpoint", JD_JOBS_ERROR_INVALID_ENDPOINT));
  g_assert_cmpuint (problems->len, ==, 6);
}

/* Secrets never go into the profile's settings: there is no key for them. */
static void
test_no_secret_keys (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JdProfile) p = jd_profile_create (f->settings, JD_PROFILE_KIND_AWS, "Lab");
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (jd_profile_get_settings (p), "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_assert_null (strstr (keys[i], "secret"));
      g_assert_null (strstr (keys[i], "token"));
      g_assert_null (strstr (keys[i], "passphrase"));
      g_assert_null (strstr (keys[i], "password"));
    }
  g_assert_true (g_strv_contains ((const char *const *) keys, "credentials-source"));
}

static char *
lookup_secret (const char   *profile_id,
               JdSecretKind  kind)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  char *value;

  jd_credentials_lookup_secret_async (profile_id, kind, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  value = jd_credentials_lookup_secret_finish (result, &error);
  g_assert_no_error (error);
  g_object_unref (result);
  return value;
}

static gboolean
keyring_usable (void)
{
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_sync (jd_credentials_get_schema (), SECRET_COLLECTION_DEFAULT,
                                   "Jobdeck test probe", "probe", NULL, &error,
                                   "profile", "jd-test-probe", "kind", "access-key-id", NULL))
    {
      g_test_message ("keyring not usable: %s", error->message);
      return FALSE;
    }
  secret_password_clear_sync (jd_credentials_get_schema (), NULL, NULL, "profile", "jd-test-probe", NULL);
  return TRUE;
}

static void
save (JdProfile              *profile,
      GSettings              *settings,
      const JdProfileSecrets *secrets)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;

  jd_profile_save_async (profile, settings, secrets, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_true (jd_profile_save_finish (profile, result, &error));
  g_assert_no_error (error);
  g_object_unref (result);
}

/* Saving is one core call: the settings of a delayed draft are applied and
 * the id listed only by it; secrets go to the keyring and leave it. */
static void
test_save (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(JdProfile) draft = jd_profile_new ("saved-profile");
  g_autoptr(JdProfile) fresh = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_auto(GStrv) ids = NULL;
  g_autofree char *name = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *passphrase = NULL;
  JdProfileSecrets secrets = { 0 };
  GSettings *draft_settings = jd_profile_get_settings (draft);

  g_settings_delay (draft_settings);
  g_settings_set_string (draft_settings, "name", "Saved Profile");
  g_settings_set_string (draft_settings, "credentials-source", "keyring");

  /* Not saved yet: neither listed nor applied. */
  fresh = jd_profile_new ("saved-profile");
  name = jd_profile_dup_name (fresh);
  g_assert_cmpstr (name, !=, "Saved Profile");
  g_clear_pointer (&name, g_free);
  ids = g_settings_get_strv (f->settings, "profiles");
  g_assert_false (g_strv_contains ((const char *const *) ids, "saved-profile"));
  g_clear_pointer (&ids, g_strfreev);

  save (draft, f->settings, NULL);
  name = jd_profile_dup_name (fresh);
  g_assert_cmpstr (name, ==, "Saved Profile");
  ids = g_settings_get_strv (f->settings, "profiles");
  g_assert_true (g_strv_contains ((const char *const *) ids, "saved-profile"));
  /* Saving again does not list it twice. */
  save (draft, f->settings, NULL);
  listed = jd_profile_list (f->settings);
  g_assert_cmpuint (listed->len, ==, 1);

  if (!keyring_usable ())
    {
      g_test_skip ("No Secret Service with an unlocked default collection is reachable; "
                   "the keyring half was not run");
      return;
    }

  secrets.access_key_id = "AKIASAVEDPROFILE";
  secrets.secret_access_key = "saved/secret/key";
  secrets.key_passphrase = "pass phrase";
  save (draft, f->settings, &secrets);
  secret = lookup_secret ("saved-profile", JD_SECRET_KIND_SECRET_ACCESS_KEY);
  passphrase = lookup_secret ("saved-profile", JD_SECRET_KIND_KEY_PASSPHRASE);
  g_assert_cmpstr (secret, ==, "saved/secret/key");
  g_assert_cmpstr (passphrase, ==, "pass phrase");
  g_clear_pointer (&secret, g_free);
  g_clear_pointer (&passphrase, g_free);

  /* Emptied fields with the clear flags remove what was stored. */
  memset (&secrets, 0, sizeof secrets);
  secrets.clear_credentials = TRUE;
  secrets.clear_key_passphrase = TRUE;
  save (draft, f->settings, &secrets);
  secret = lookup_secret ("saved-profile", JD_SECRET_KIND_SECRET_ACCESS_KEY);
  passphrase = lookup_secret ("saved-profile", JD_SECRET_KIND_KEY_PASSPHRASE);
  g_assert_null (secret);
  g_assert_null (passphrase);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/profile/list", Fixture, NULL, fixture_set_up, test_list, fixture_tear_down);
  g_test_add ("/profile/properties", Fixture, NULL, fixture_set_up, test_properties, fixture_tear_down);
  g_test_add_func ("/profile/names", test_names);
  g_test_add ("/profile/validate/ok", Fixture, NULL, fixture_set_up, test_validate_ok, fixture_tear_down);
  g_test_add ("/profile/validate/files", Fixture, NULL, fixture_set_up, test_validate_files, fixture_tear_down);
  g_test_add ("/profile/validate/key-mismatch", Fixture, NULL, fixture_set_up, test_validate_key_mismatch, fixture_tear_down);
  g_test_add ("/profile/validate/expiry", Fixture, NULL, fixture_set_up, test_validate_expiry, fixture_tear_down);
  g_test_add ("/profile/validate/encrypted-key", Fixture, NULL, fixture_set_up, test_validate_encrypted_key, fixture_tear_down);
  g_test_add ("/profile/validate/values", Fixture, NULL, fixture_set_up, test_validate_values, fixture_tear_down);
  g_test_add ("/profile/save", Fixture, NULL, fixture_set_up, test_save, fixture_tear_down);
  g_test_add ("/profile/no-secret-keys", Fixture, NULL, fixture_set_up, test_no_secret_keys, fixture_tear_down);

  return g_test_run ();
}
