/* test-profile-codesign.c — a profile's trusted code-signing certificates
 * (issue 13): the codesign-certificates key, and a sandbox profile trusting
 * the running sandbox's own certificate first (named in sandbox.json).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "test-profile-codesign"

#include <glib/gstdio.h>
#include <string.h>

#include "jd-profile.h"
#include "jd-sandbox-info.h"

static void
test_trusted (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.jobdeck.Jobdeck");
  g_autoptr(JdProfile) sandbox_profile = NULL;
  g_autoptr(JdProfile) aws_profile = NULL;
  g_autoptr(JdSandboxInfo) info = jd_sandbox_info_new ();
  g_autoptr(JdSandboxInfo) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *json = NULL;
  g_auto(GStrv) set = NULL;
  g_auto(GStrv) trusted = NULL;
  g_auto(GStrv) aws_trusted = NULL;
  g_auto(GStrv) none = NULL;
  const char *const paths[] = { "/etc/ota/vendor.pem", "/srv/sandbox/codesign.pem", NULL };

  g_settings_reset (settings, "profiles");
  sandbox_profile = jd_profile_create (settings, JD_PROFILE_KIND_SANDBOX, "Local");
  aws_profile = jd_profile_create (settings, JD_PROFILE_KIND_AWS, "Cloud");

  none = jd_profile_dup_codesign_certificates (sandbox_profile);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  jd_profile_set_codesign_certificates (sandbox_profile, paths);
  jd_profile_set_codesign_certificates (aws_profile, paths);
  set = jd_profile_dup_codesign_certificates (sandbox_profile);
  g_assert_cmpstrv (set, paths);

  /* sandbox.json carries the identity through save and load. */
  info->mqtt_host = g_strdup ("127.0.0.1");
  info->mqtt_port = 1883;
  info->ca_path = g_strdup ("/srv/sandbox/ca.pem");
  info->control_plane_endpoint = g_strdup ("https://127.0.0.1:4443");
  info->region = g_strdup ("us-east-1");
  info->account_id = g_strdup ("123456789012");
  info->access_key_id = g_strdup ("AKID");
  info->secret_access_key = g_strdup ("secret");
  info->codesign_certificate_path = g_strdup ("/srv/sandbox/codesign.pem");
  info->codesign_key_path = g_strdup ("/srv/sandbox/codesign.key");
  dir = g_dir_make_tmp ("jd-profile-codesign-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (jd_sandbox_info_save (info, dir, &error));
  g_assert_no_error (error);
  loaded = jd_sandbox_info_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->codesign_certificate_path, ==, "/srv/sandbox/codesign.pem");
  g_assert_cmpstr (loaded->codesign_key_path, ==, "/srv/sandbox/codesign.key");
  json = jd_sandbox_info_to_json (info);
  g_assert_nonnull (strstr (json, "\"codesign\""));
  {
    g_autofree char *path = jd_sandbox_info_dup_path (dir);

    g_assert_cmpint (g_remove (path), ==, 0);
    g_assert_cmpint (g_rmdir (dir), ==, 0);
  }

  /* The sandbox's own first, the set ones after, no duplicate. */
  trusted = jd_profile_dup_trusted_codesign_certificates (sandbox_profile, loaded);
  g_assert_cmpuint (g_strv_length (trusted), ==, 2);
  g_assert_cmpstr (trusted[0], ==, "/srv/sandbox/codesign.pem");
  g_assert_cmpstr (trusted[1], ==, "/etc/ota/vendor.pem");

  /* An AWS profile trusts only what is set, whatever sandbox runs. */
  aws_trusted = jd_profile_dup_trusted_codesign_certificates (aws_profile, loaded);
  g_assert_cmpstrv (aws_trusted, paths);

  jd_profile_remove (settings, sandbox_profile);
  jd_profile_remove (settings, aws_profile);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/profile-codesign/trusted", test_trusted);
  return g_test_run ();
}
