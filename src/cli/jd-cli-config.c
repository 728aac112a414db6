/* jd-cli-config.c — finding the Jobdeck profile jobdeck-cli uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include "jd-cli-config.h"
#include "jd-cli-line.h"

static JdProfile *
find_profile (GSettings   *settings,
              const char  *name,
              GError     **error)
{
  g_autoptr(GPtrArray) profiles = jd_profile_list (settings);
  g_autofree char *active = g_settings_get_string (settings, "active-profile");

  if (name == NULL)
    {
      if (active[0] != '\0')
        return jd_profile_lookup (settings, active, error);
      if (profiles->len == 1)
        return g_object_ref (g_ptr_array_index (profiles, 0));
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
                   profiles->len == 0
                   ? "there is no Jobdeck profile: use --sandbox DIR, or create a profile in Jobdeck"
                   : "no profile is active: name one with --profile NAME");
      return NULL;
    }

  for (guint i = 0; i < profiles->len; i++)
    {
      JdProfile *profile = g_ptr_array_index (profiles, i);
      g_autofree char *profile_name = jd_profile_dup_name (profile);

      if (g_strcmp0 (profile_name, name) == 0 ||
          g_strcmp0 (jd_profile_get_id (profile), name) == 0)
        return g_object_ref (profile);
    }
  g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
               "there is no profile named “%s”", name);
  return NULL;
}

JdProfile *
jd_cli_config_find_profile (GSettings   *settings,
                            const char  *name,
                            GError     **error)
{
  g_autoptr(JdProfile) profile = find_profile (settings, name, error);
  g_autofree char *profile_name = NULL;

  if (profile == NULL)
    return NULL;
  if (jd_profile_get_kind (profile) == JD_PROFILE_KIND_SANDBOX)
    {
      profile_name = jd_profile_dup_name (profile);
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
                   "the profile “%s” is the app's embedded sandbox: start jobdeck-service "
                   "--data-dir DIR and run jobdeck-cli --sandbox DIR",
                   profile_name);
      return NULL;
    }
  return g_steal_pointer (&profile);
}
