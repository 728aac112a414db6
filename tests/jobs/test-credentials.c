/* test-credentials.c — the credential chain: the AWS INI dialect, the
 * environment, ~/.aws/credentials + ~/.aws/config (with the variables that
 * move them), the chain's order and its "nothing found" message, and keyring
 * storage (skipped, with the reason, when no Secret Service is reachable).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-credentials"

#include <glib/gstdio.h>
#include <string.h>

#include "jd-credentials-private.h"
#include "jd-profile.h"
#include "op-test-util.h"

static const char *const aws_vars[] = {
  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
  "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
};

typedef struct {
  char *dir;
  char *creds_path;
  char *config_path;
  char *old_home;
} Fixture;

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *aws_dir = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (aws_vars); i++)
    g_unsetenv (aws_vars[i]);

  f->dir = g_dir_make_tmp ("jd-creds-XXXXXX", &error);
  g_assert_no_error (error);
  aws_dir = g_build_filename (f->dir, ".aws", NULL);
  g_assert_cmpint (g_mkdir (aws_dir, 0700), ==, 0);
  f->creds_path = g_build_filename (aws_dir, "credentials", NULL);
  f->config_path = g_build_filename (aws_dir, "config", NULL);
  f->old_home = g_strdup (g_getenv ("HOME"));
  g_setenv ("HOME", f->dir, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (aws_vars); i++)
    g_unsetenv (aws_vars[i]);
  if (f->old_home != NULL)
    g_setenv ("HOME", f->old_home, TRUE);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->creds_path);
  g_free (f->config_path);
  g_free (f->old_home);
}

static void
write_file (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* TRUE when a Secret Service with a usable default collection answers. */
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
  secret_password_clear_sync (jd_credentials_get_schema (), NULL, NULL,
                              "profile", "jd-test-probe", NULL);
  return TRUE;
}

static void
skip_without_keyring (void)
{
  g_test_skip ("No Secret Service with an unlocked default collection is reachable; "
               "run under dbus-run-session with gnome-keyring-daemon --unlock");
}

static void
test_ini_parse (void)
{
  g_autoptr(GHashTable) ini = NULL;
  GHashTable *sec;

  ini = jd_aws_ini_parse ("# comment\n"
                          "[default]\n"
                          "aws_access_key_id = AKIA1\n"
                          "aws_secret_access_key=  s/e+c=ret  \n"
                          "; other comment\n"
                          "s3 =\n"
                          "  max_concurrent_requests = 5\n"
                          "\n"
                          "[profile dev]\r\n"
                          "region = eu-west-1\r\n"
                          "[ broken\n"
                          "orphan = 1\n"
                          "[default]\n"
                          "aws_session_token = tok\n");
  sec = g_hash_table_lookup (ini, "default");
  g_assert_nonnull (sec);
  g_assert_cmpstr (g_hash_table_lookup (sec, "aws_access_key_id"), ==, "AKIA1");
  /* Only the first '=' splits: secrets may contain '='. */
  g_assert_cmpstr (g_hash_table_lookup (sec, "aws_secret_access_key"), ==, "s/e+c=ret");
  g_assert_cmpstr (g_hash_table_lookup (sec, "aws_session_token"), ==, "tok");
  /* Nested blocks are skipped, not taken as keys of the section. */
  g_assert_null (g_hash_table_lookup (sec, "max_concurrent_requests"));
  sec = g_hash_table_lookup (ini, "profile dev");
  g_assert_nonnull (sec);
  g_assert_cmpstr (g_hash_table_lookup (sec, "region"), ==, "eu-west-1");
  g_assert_null (g_hash_table_lookup (sec, "orphan"));
  g_assert_cmpuint (g_hash_table_size (ini), ==, 2);
}

static void
test_environment (void)
{
  g_auto(GStrv) envp = NULL;
  g_autoptr(JdCredentials) creds = NULL;
  g_autofree char *why_not = NULL;

  creds = jd_credentials_from_environment ((const char *const *) envp, &why_not);
  g_assert_null (creds);
  g_assert_nonnull (strstr (why_not, "AWS_ACCESS_KEY_ID"));
  g_clear_pointer (&why_not, g_free);

  envp = g_environ_setenv (envp, "AWS_ACCESS_KEY_ID", "AKIAENV", TRUE);
  creds = jd_credentials_from_environment ((const char *const *) envp, &why_not);
  g_assert_null (creds);
  g_assert_nonnull (strstr (why_not, "AWS_SECRET_ACCESS_KEY is not"));
  g_clear_pointer (&why_not, g_free);

  envp = g_environ_setenv (envp, "AWS_SECRET_ACCESS_KEY", "envsecret", TRUE);
  envp = g_environ_setenv (envp, "AWS_SESSION_TOKEN", "envtoken", TRUE);
  envp = g_environ_setenv (envp, "AWS_DEFAULT_REGION", "eu-west-3", TRUE);
  creds = jd_credentials_from_environment ((const char *const *) envp, &why_not);
  g_assert_nonnull (creds);
  g_assert_null (why_not);
  g_assert_cmpstr (jd_credentials_get_access_key_id (creds), ==, "AKIAENV");
  g_assert_cmpstr (jd_credentials_get_secret_access_key (creds), ==, "envsecret");
  g_assert_cmpstr (jd_credentials_get_session_token (creds), ==, "envtoken");
  g_assert_cmpstr (jd_credentials_get_region (creds), ==, "eu-west-3");
  g_assert_cmpint (jd_credentials_get_source (creds), ==, JD_CREDENTIALS_SOURCE_ENVIRONMENT);
  g_clear_object (&creds);

  /* AWS_REGION (SDKs) wins over AWS_DEFAULT_REGION (botocore). */
  envp = g_environ_setenv (envp, "AWS_REGION", "ap-south-1", TRUE);
  creds = jd_credentials_from_environment ((const char *const *) envp, &why_not);
  g_assert_cmpstr (jd_credentials_get_region (creds), ==, "ap-south-1");
}

static void
test_files (Fixture       *f,
            gconstpointer  data)
{
  g_auto(GStrv) envp = NULL;
  g_autoptr(JdCredentials) creds = NULL;
  g_autofree char *why_not = NULL;
  g_autofree char *other_creds = g_build_filename (f->dir, "elsewhere-credentials", NULL);
  g_autofree char *other_config = g_build_filename (f->dir, "elsewhere-config", NULL);
  g_autofree char *detail = NULL;

  envp = g_environ_setenv (envp, "HOME", f->dir, TRUE);

  /* No files at all. */
  creds = jd_credentials_from_aws_files ((const char *const *) envp, NULL, &why_not);
  g_assert_null (creds);
  g_assert_nonnull (strstr (why_not, "“default”"));
  g_clear_pointer (&why_not, g_free);

  write_file (f->creds_path,
              "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = defsecret\n"
              "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\n"
              "aws_session_token = devtoken\n"
              "[half]\naws_access_key_id = AKIAHALF\n");
  write_file (f->config_path,
              "[default]\nregion = us-west-2\n"
              "[profile dev]\nregion = eu-north-1\n"
              "[profile cfgonly]\nregion = sa-east-1\naws_access_key_id = AKIACFG\n"
              "aws_secret_access_key = cfgsecret\n");

  creds = jd_credentials_from_aws_files ((const char *const *) envp, NULL, &why_not);
  g_assert_nonnull (creds);
  g_assert_cmpstr (jd_credentials_get_access_key_id (creds), ==, "AKIADEFAULT");
  g_assert_cmpstr (jd_credentials_get_region (creds), ==, "us-west-2");
  g_assert_null (jd_credentials_get_session_token (creds));
  g_assert_cmpint (jd_credentials_get_source (creds), ==, JD_CREDENTIALS_SOURCE_AWS_FILES);
  detail = g_strdup_printf ("%s [default]", f->creds_path);
  g_assert_cmpstr (jd_credentials_get_source_detail (creds), ==, detail);
  g_clear_object (&creds);

  /* AWS_PROFILE picks the section; "[profile dev]" in config gives the region. */
  envp = g_environ_setenv (envp, "AWS_PROFILE", "dev", TRUE);
  creds = jd_credentials_from_aws_files ((const char *const *) envp, NULL, &why_not);
  g_assert_cmpstr (jd_credentials_get_access_key_id (creds), ==, "AKIADEV");
  g_assert_cmpstr (jd_credentials_get_session_token (creds), ==, "devtoken");
  g_assert_cmpstr (jd_credentials_get_region (creds), ==, "eu-north-1");
  g_clear_object (&creds);

  /* An explicit name beats AWS_PROFILE; the key triple may live in config. */
  creds = jd_credentials_from_aws_files ((const char *const *) envp, "cfgonly", &why_not);
  g_assert_cmpstr (jd_credentials_get_access_key_id (creds), ==, "AKIACFG");
  g_assert_cmpstr (jd_credentials_get_region (creds), ==, "sa-east-1");
  g_clear_object (&creds);

  /* A key id without a secret is not a match, and says so. */
  creds = jd_credentials_from_aws_files ((const char *const *) envp, "half", &why_not);
  g_assert_null (creds);
  g_assert_nonnull (strstr (why_not, "no aws_secret_access_key"));
  g_clear_pointer (&why_not, g_free);

  /* AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE move the files. */
  write_file (other_creds, "[default]\naws_access_key_id = AKIAMOVED\naws_secret_access_key = m\n");
  write_file (other_config, "[default]\nregion = ca-central-1\n");
  envp = g_environ_unsetenv (envp, "AWS_PROFILE");
  envp = g_environ_setenv (envp, "AWS_SHARED_CREDENTIALS_FILE", other_creds, TRUE);
  envp = g_environ_setenv (envp, "AWS_CONFIG_FILE", other_config, TRUE);
  creds = jd_credentials_from_aws_files ((const char *const *) envp, NULL, &why_not);
  g_assert_cmpstr (jd_credentials_get_access_key_id (creds), ==, "AKIAMOVED");
  g_assert_cmpstr (jd_credentials_get_region (creds), ==, "ca-central-1");
}

static void
set_env_credentials (void)
{
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIAENV", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "envsecret", TRUE);
}

static void
test_chain_order (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JdCredentials) creds = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  write_file (f->creds_path, "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = f\n");

  /* Files only. */
  creds = jd_credentials_lookup_sync (JD_CREDENTIALS_SOURCE_FLAG_ALL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_credentials_get_source (creds), ==, JD_CREDENTIALS_SOURCE_AWS_FILES);
  g_clear_object (&creds);

  /* The environment comes before the files. */
  set_env_credentials ();
  jd_credentials_lookup_async (JD_CREDENTIALS_SOURCE_FLAG_ALL, NULL, NULL, NULL,
                               op_test_store_result, &result);
  op_test_wait (&result);
  creds = jd_credentials_lookup_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_credentials_get_source (creds), ==, JD_CREDENTIALS_SOURCE_ENVIRONMENT);
  g_assert_cmpstr (jd_credentials_get_access_key_id (creds), ==, "AKIAENV");
  g_clear_object (&creds);

  /* Leaving a source out of the flags skips it. */
  creds = jd_credentials_lookup_sync (JD_CREDENTIALS_SOURCE_FLAG_AWS_FILES, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (jd_credentials_get_access_key_id (creds), ==, "AKIAFILE");
  g_clear_object (&creds);

  /* Nothing anywhere: one message says what each source lacked. */
  g_unsetenv ("AWS_ACCESS_KEY_ID");
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  g_unlink (f->creds_path);
  creds = jd_credentials_lookup_sync (JD_CREDENTIALS_SOURCE_FLAG_ENVIRONMENT |
                                      JD_CREDENTIALS_SOURCE_FLAG_AWS_FILES,
                                      NULL, "ops", NULL, &error);
  g_assert_null (creds);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_NO_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"));
  g_assert_nonnull (strstr (error->message, "“ops”"));
}

static void
lookup_secret (const char *profile_id,
               JdSecretKind kind,
               char       **value)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  jd_credentials_lookup_secret_async (profile_id, kind, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  *value = jd_credentials_lookup_secret_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_keyring (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JdCredentials) stored = NULL;
  g_autoptr(JdCredentials) creds = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *value = NULL;
  g_autofree char *description = NULL;

  if (!keyring_usable ())
    {
      skip_without_keyring ();
      return;
    }

  stored = jd_credentials_new ("AKIAKEYRING", "ringsecret", "ringtoken", NULL);
  jd_credentials_store_async (stored, "profile-a", "Lab", NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_true (jd_credentials_store_finish (result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Our schema, with the profile and kind attributes. */
  raw = secret_password_lookup_sync (jd_credentials_get_schema (), NULL, &error,
                                     "profile", "profile-a", "kind", "secret-access-key", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (raw, ==, "ringsecret");

  /* The keyring is first in the chain, before the environment. */
  set_env_credentials ();
  creds = jd_credentials_lookup_sync (JD_CREDENTIALS_SOURCE_FLAG_ALL, "profile-a", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_credentials_get_source (creds), ==, JD_CREDENTIALS_SOURCE_KEYRING);
  g_assert_cmpstr (jd_credentials_get_source_detail (creds), ==, "profile-a");
  g_assert_cmpstr (jd_credentials_get_access_key_id (creds), ==, "AKIAKEYRING");
  g_assert_cmpstr (jd_credentials_get_secret_access_key (creds), ==, "ringsecret");
  g_assert_cmpstr (jd_credentials_get_session_token (creds), ==, "ringtoken");
  description = jd_credentials_describe_source (creds);
  g_assert_cmpstr (description, ==, "the keyring");
  g_clear_object (&creds);

  /* Another profile has no entry: the environment answers. */
  creds = jd_credentials_lookup_sync (JD_CREDENTIALS_SOURCE_FLAG_ALL, "profile-b", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_credentials_get_source (creds), ==, JD_CREDENTIALS_SOURCE_ENVIRONMENT);
  g_clear_object (&creds);

  /* Storing without a token clears the old token. */
  g_clear_object (&stored);
  stored = jd_credentials_new ("AKIAKEYRING2", "ringsecret2", NULL, NULL);
  jd_credentials_store_async (stored, "profile-a", "Lab", NULL, op_test_store_result, &result);
  op_test_wait (&result);
  jd_credentials_store_finish (result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  lookup_secret ("profile-a", JD_SECRET_KIND_SESSION_TOKEN, &value);
  g_assert_null (value);

  /* A single secret: the key passphrase. */
  jd_credentials_store_secret_async ("profile-a", JD_SECRET_KIND_KEY_PASSPHRASE, "Lab", "pass phrase",
                                     NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_true (jd_credentials_store_secret_finish (result, &error));
  g_clear_object (&result);
  lookup_secret ("profile-a", JD_SECRET_KIND_KEY_PASSPHRASE, &value);
  g_assert_cmpstr (value, ==, "pass phrase");
  g_clear_pointer (&value, g_free);

  /* Forgetting the profile removes every kind. */
  jd_credentials_forget_async ("profile-a", NULL, op_test_store_result, &result);
  op_test_wait (&result);
  g_assert_true (jd_credentials_forget_finish (result, &error));
  g_clear_object (&result);
  lookup_secret ("profile-a", JD_SECRET_KIND_KEY_PASSPHRASE, &value);
  g_assert_null (value);
  lookup_secret ("profile-a", JD_SECRET_KIND_ACCESS_KEY_ID, &value);
  g_assert_null (value);
  creds = jd_credentials_lookup_sync (JD_CREDENTIALS_SOURCE_FLAG_ALL, "profile-a", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_credentials_get_source (creds), ==, JD_CREDENTIALS_SOURCE_ENVIRONMENT);
}

/* The profile's credentials-source picks which part of the chain runs. */
static void
test_profile_sources (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.jobdeck.Jobdeck");
  g_autoptr(JdProfile) profile = jd_profile_create (settings, JD_PROFILE_KIND_AWS, "Lab");
  g_autoptr(JdCredentials) creds = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  write_file (f->creds_path, "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = f\n"
                             "[ops]\naws_access_key_id = AKIAOPS\naws_secret_access_key = o\n");
  set_env_credentials ();

  g_object_set (profile, "credentials-source", JD_PROFILE_CREDENTIALS_AWS_PROFILE,
                "aws-profile", "ops", NULL);
  jd_profile_lookup_credentials_async (profile, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  creds = jd_profile_lookup_credentials_finish (profile, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_credentials_get_source (creds), ==, JD_CREDENTIALS_SOURCE_AWS_FILES);
  g_assert_cmpstr (jd_credentials_get_access_key_id (creds), ==, "AKIAOPS");
  g_clear_object (&creds);
  g_clear_object (&result);

  g_object_set (profile, "credentials-source", JD_PROFILE_CREDENTIALS_ENVIRONMENT, NULL);
  jd_profile_lookup_credentials_async (profile, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  creds = jd_profile_lookup_credentials_finish (profile, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (jd_credentials_get_source (creds), ==, JD_CREDENTIALS_SOURCE_ENVIRONMENT);
  g_clear_object (&creds);
  g_clear_object (&result);

  /* Environment only: no fallback to the files when it is empty. */
  g_unsetenv ("AWS_ACCESS_KEY_ID");
  jd_profile_lookup_credentials_async (profile, NULL, op_test_store_result, &result);
  op_test_wait (&result);
  creds = jd_profile_lookup_credentials_finish (profile, result, &error);
  g_assert_null (creds);
  g_assert_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_NO_CREDENTIALS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/credentials/ini-parse", test_ini_parse);
  g_test_add_func ("/credentials/environment", test_environment);
  g_test_add ("/credentials/files", Fixture, NULL, fixture_set_up, test_files, fixture_tear_down);
  g_test_add ("/credentials/chain-order", Fixture, NULL, fixture_set_up, test_chain_order, fixture_tear_down);
  g_test_add ("/credentials/keyring", Fixture, NULL, fixture_set_up, test_keyring, fixture_tear_down);
  g_test_add ("/credentials/profile-sources", Fixture, NULL, fixture_set_up, test_profile_sources, fixture_tear_down);

  return g_test_run ();
}
