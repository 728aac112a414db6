/* jd-test-conformance.c — tools for the AWS-SDK conformance tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-test-conformance"

#include <string.h>

#include <json-glib/json-glib.h>

#include "jd-test-conformance.h"

const char *
jd_test_conformance_node_modules (void)
{
  const char *dir = g_getenv ("JOBDECK_CONFORMANCE_MODULES");

  g_assert_nonnull (dir);
  return dir;
}

gboolean
jd_test_conformance_require (gboolean    ok,
                             const char *why)
{
  if (ok)
    return TRUE;

  if (g_strcmp0 (g_getenv ("JOBDECK_SKIP_CONFORMANCE"), "1") == 0)
    {
      g_autofree char *msg = g_strdup_printf ("%s (JOBDECK_SKIP_CONFORMANCE=1)", why);

      g_test_skip (msg);
    }
  else
    {
      g_test_message ("%s; build-aux/jobdeck.sh test installs the conformance tools "
                      "(or: build-aux/conformance-tools.sh BUILDDIR); "
                      "JOBDECK_SKIP_CONFORMANCE=1 skips these tests instead", why);
      g_test_fail_printf ("%s", why);
    }
  return FALSE;
}

gboolean
jd_test_conformance_require_npm (const char *package,
                                 const char *version)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *manifest = g_build_filename (jd_test_conformance_node_modules (),
                                                package, "package.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *why = NULL;
  const char *found = NULL;

  if (!jd_test_conformance_require (node != NULL, "node is not installed"))
    return FALSE;

  if (json_parser_load_from_file (parser, manifest, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    found = json_object_get_string_member_with_default (
      json_node_get_object (json_parser_get_root (parser)), "version", NULL);

  if (g_strcmp0 (found, version) == 0)
    return TRUE;

  if (found == NULL)
    why = g_strdup_printf ("%s@%s is not installed in %s", package, version,
                           jd_test_conformance_node_modules ());
  else
    why = g_strdup_printf ("%s in %s is %s, not %s", package,
                           jd_test_conformance_node_modules (), found, version);
  return jd_test_conformance_require (FALSE, why);
}
