/* jd-cli-config.c — reading sandbox.json and Jobdeck profiles for jobdeck-cli.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jobdeck-cli"

#include <unistd.h>

#include <json-glib/json-glib.h>

#include "jd-cli-config.h"
#include "jd-cli-line.h"

/* The keys jobdeck-service writes (src/service/jd-sandbox.c, write_info). */
#define SANDBOX_INFO_FILE    "sandbox.json"
#define SANDBOX_DEFAULT_THING "MyThing"

void
jd_cli_config_free (JdCliConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->thing_name);
  g_free (config->region);
  g_free (config->control_plane_url);
  g_free (config->control_plane_ca_path);
  g_clear_object (&config->credentials);
  g_clear_object (&config->profile);
  g_free (config->mqtt_host);
  g_free (config->client_id);
  g_free (config->ca_path);
  g_free (config->cert_path);
  g_free (config->key_path);
  g_free (config->sandbox_dir);
  g_free (config);
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static JsonNode *
load_sandbox_info (const char  *dir,
                   char       **path_out,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_build_filename (dir, SANDBOX_INFO_FILE, NULL);
  g_autoptr(GError) local_error = NULL;

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
                     "%s does not exist: is jobdeck-service running with --data-dir %s?",
                     path, dir);
      else
        g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
                     "cannot read %s: %s", path, local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
                   "%s does not hold a JSON object", path);
      return NULL;
    }
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return json_node_copy (json_parser_get_root (parser));
}

static void
read_thing_files (JdCliConfig *config,
                  JsonObject  *root)
{
  JsonObject *thing = get_object (get_object (root, "things"), config->thing_name);

  g_clear_pointer (&config->cert_path, g_free);
  g_clear_pointer (&config->key_path, g_free);
  if (thing != NULL && get_string (thing, "certificatePath") != NULL &&
      get_string (thing, "keyPath") != NULL)
    {
      config->cert_path = g_strdup (get_string (thing, "certificatePath"));
      config->key_path = g_strdup (get_string (thing, "keyPath"));
    }
}

JdCliConfig *
jd_cli_config_new_for_sandbox (const char  *dir,
                               const char  *thing_name,
                               GError     **error)
{
  g_autoptr(JdCliConfig) config = g_new0 (JdCliConfig, 1);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  JsonObject *root;
  JsonObject *mqtt;
  JsonObject *control;
  JsonNode *port;
  const char *region;

  node = load_sandbox_info (dir, &path, error);
  if (node == NULL)
    return NULL;
  root = json_node_get_object (node);
  mqtt = get_object (root, "mqtt");
  control = get_object (root, "controlPlane");
  port = mqtt != NULL ? json_object_get_member (mqtt, "port") : NULL;
  region = get_string (control, "region") != NULL ? get_string (control, "region")
                                                   : get_string (root, "region");

  if (get_string (mqtt, "host") == NULL || port == NULL ||
      json_node_get_value_type (port) != G_TYPE_INT64 ||
      json_node_get_int (port) <= 0 || json_node_get_int (port) > G_MAXUINT16 ||
      get_string (mqtt, "caPath") == NULL ||
      get_string (control, "endpoint") == NULL || region == NULL ||
      get_string (control, "accessKeyId") == NULL ||
      get_string (control, "secretAccessKey") == NULL)
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
                   "%s lacks the broker or control-plane settings", path);
      return NULL;
    }

  config->sandbox_dir = g_strdup (dir);
  config->thing_name = g_strdup (thing_name != NULL ? thing_name : SANDBOX_DEFAULT_THING);
  config->region = g_strdup (region);
  config->control_plane_url = g_strdup (get_string (control, "endpoint"));
  config->control_plane_ca_path = g_strdup (get_string (mqtt, "caPath"));
  config->credentials = jd_credentials_new (get_string (control, "accessKeyId"),
                                            get_string (control, "secretAccessKey"),
                                            NULL, region);
  config->mqtt_host = g_strdup (get_string (mqtt, "host"));
  config->mqtt_port = (guint16) json_node_get_int (port);
  config->ca_path = g_strdup (get_string (mqtt, "caPath"));
  /* Its own client id, so the app connected as the same thing stays on. */
  config->client_id = g_strdup_printf ("%s-cli-%d", config->thing_name, (int) getpid ());
  read_thing_files (config, root);
  return g_steal_pointer (&config);
}

gboolean
jd_cli_config_reload_sandbox (JdCliConfig  *config,
                              GError      **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (config->sandbox_dir != NULL, FALSE);

  node = load_sandbox_info (config->sandbox_dir, &path, error);
  if (node == NULL)
    return FALSE;
  read_thing_files (config, json_node_get_object (node));
  if (config->cert_path == NULL)
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
                   "%s has no certificate for the thing %s",
                   path, config->thing_name);
      return FALSE;
    }
  return TRUE;
}

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

static char *
dup_nonempty (char *text)
{
  if (text != NULL && text[0] == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

JdCliConfig *
jd_cli_config_new_for_profile (GSettings   *settings,
                               const char  *name,
                               const char  *thing_name,
                               GError     **error)
{
  g_autoptr(JdCliConfig) config = g_new0 (JdCliConfig, 1);
  g_autoptr(JdProfile) profile = find_profile (settings, name, error);
  g_autofree char *profile_name = NULL;

  if (profile == NULL)
    return NULL;
  profile_name = jd_profile_dup_name (profile);
  if (jd_profile_get_kind (profile) == JD_PROFILE_KIND_SANDBOX)
    {
      g_set_error (error, JD_CLI_ERROR, JD_CLI_ERROR_CONFIG,
                   "the profile “%s” is the app's embedded sandbox: start jobdeck-service "
                   "--data-dir DIR and run jobdeck-cli --sandbox DIR",
                   profile_name);
      return NULL;
    }

  config->thing_name = thing_name != NULL ? g_strdup (thing_name) : jd_profile_dup_thing_name (profile);
  config->region = jd_profile_dup_region (profile);
  config->control_plane_url = jd_profile_dup_control_plane_url (profile);
  config->control_plane_ca_path = dup_nonempty (jd_profile_dup_control_plane_ca_path (profile));
  config->mqtt_host = jd_profile_dup_endpoint (profile);
  config->mqtt_port = (guint16) jd_profile_get_port (profile);
  config->client_id = jd_profile_dup_client_id (profile);
  config->ca_path = dup_nonempty (jd_profile_dup_ca_path (profile));
  config->cert_path = dup_nonempty (jd_profile_dup_certificate_path (profile));
  config->key_path = dup_nonempty (jd_profile_dup_key_path (profile));
  config->profile = g_steal_pointer (&profile);
  return g_steal_pointer (&config);
}
