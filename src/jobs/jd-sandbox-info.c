/* jd-sandbox-info.c — writing and reading DIR/sandbox.json.
 *
 * The shape (version 1):
 *   { "version": 1, "pid": N,
 *     "mqtt": { "host", "port", "caPath" },
 *     "things": { NAME: { "certificatePath", "keyPath" }, … },
 *     "controlPlane": { "endpoint", "region", "accountId",
 *                       "accessKeyId", "secretAccessKey" },
 *     "region", "accountId",
 *     "codesign": { "certificatePath", "keyPath" },     (optional)
 *     "jobsData": { "endpoint" },                       (optional: the HTTPS
 *                                                        jobs data plane)
 *     "observer": { "name", "certificatePath", "keyPath" } }
 *                   (optional: the identity that may read $aws/events/#;
 *                    absent in folders of versions before it)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-sandbox-info"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "jd-sandbox-info.h"

static void
thing_free (JdSandboxInfoThing *thing)
{
  g_free (thing->certificate_path);
  g_free (thing->key_path);
  g_free (thing);
}

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
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

static gint64
get_int (JsonObject *object,
         const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_INT64 ? json_node_get_int (node) : -1;
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

JdSandboxInfo *
jd_sandbox_info_new (void)
{
  JdSandboxInfo *info = g_new0 (JdSandboxInfo, 1);

  info->things = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) thing_free);
  return info;
}

void
jd_sandbox_info_free (JdSandboxInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->mqtt_host);
  g_free (info->ca_path);
  g_free (info->control_plane_endpoint);
  g_free (info->region);
  g_free (info->account_id);
  g_free (info->access_key_id);
  clear_secret (&info->secret_access_key);
  g_hash_table_unref (info->things);
  g_free (info->codesign_certificate_path);
  g_free (info->codesign_key_path);
  g_free (info->jobs_data_endpoint);
  g_free (info->observer_name);
  g_free (info->observer_certificate_path);
  g_free (info->observer_key_path);
  g_free (info);
}

JdSandboxInfo *
jd_sandbox_info_copy (const JdSandboxInfo *info)
{
  JdSandboxInfo *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (info != NULL, NULL);

  copy = jd_sandbox_info_new ();
  copy->pid = info->pid;
  copy->mqtt_host = g_strdup (info->mqtt_host);
  copy->mqtt_port = info->mqtt_port;
  copy->ca_path = g_strdup (info->ca_path);
  copy->control_plane_endpoint = g_strdup (info->control_plane_endpoint);
  copy->region = g_strdup (info->region);
  copy->account_id = g_strdup (info->account_id);
  copy->access_key_id = g_strdup (info->access_key_id);
  copy->secret_access_key = g_strdup (info->secret_access_key);
  copy->codesign_certificate_path = g_strdup (info->codesign_certificate_path);
  copy->codesign_key_path = g_strdup (info->codesign_key_path);
  copy->jobs_data_endpoint = g_strdup (info->jobs_data_endpoint);
  copy->observer_name = g_strdup (info->observer_name);
  copy->observer_certificate_path = g_strdup (info->observer_certificate_path);
  copy->observer_key_path = g_strdup (info->observer_key_path);
  g_hash_table_iter_init (&iter, info->things);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JdSandboxInfoThing *thing = value;

      jd_sandbox_info_set_thing (copy, key, thing->certificate_path, thing->key_path);
    }
  return copy;
}

void
jd_sandbox_info_set_thing (JdSandboxInfo *info,
                           const char    *thing_name,
                           const char    *certificate_path,
                           const char    *key_path)
{
  JdSandboxInfoThing *thing;

  g_return_if_fail (info != NULL);
  g_return_if_fail (thing_name != NULL);

  if (certificate_path == NULL || key_path == NULL)
    {
      g_hash_table_remove (info->things, thing_name);
      return;
    }
  thing = g_new0 (JdSandboxInfoThing, 1);
  thing->certificate_path = g_strdup (certificate_path);
  thing->key_path = g_strdup (key_path);
  g_hash_table_replace (info->things, g_strdup (thing_name), thing);
}

const JdSandboxInfoThing *
jd_sandbox_info_get_thing (const JdSandboxInfo *info,
                           const char          *thing_name)
{
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (thing_name != NULL, NULL);

  return g_hash_table_lookup (info->things, thing_name);
}

char *
jd_sandbox_info_dup_path (const char *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);

  return g_build_filename (dir, JD_SANDBOX_INFO_FILE, NULL);
}

char *
jd_sandbox_info_to_json (const JdSandboxInfo *info)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree const char **names = NULL;
  guint n = 0;

  g_return_val_if_fail (info != NULL, NULL);

  names = (const char **) g_hash_table_get_keys_as_array (info->things, &n);
  qsort (names, n, sizeof (char *), compare_names);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, JD_SANDBOX_INFO_VERSION);
  json_builder_set_member_name (builder, "pid");
  json_builder_add_int_value (builder, info->pid);

  json_builder_set_member_name (builder, "mqtt");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, info->mqtt_host);
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, info->mqtt_port);
  json_builder_set_member_name (builder, "caPath");
  json_builder_add_string_value (builder, info->ca_path);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "things");
  json_builder_begin_object (builder);
  for (guint i = 0; i < n; i++)
    {
      const JdSandboxInfoThing *thing = g_hash_table_lookup (info->things, names[i]);

      json_builder_set_member_name (builder, names[i]);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "certificatePath");
      json_builder_add_string_value (builder, thing->certificate_path);
      json_builder_set_member_name (builder, "keyPath");
      json_builder_add_string_value (builder, thing->key_path);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "controlPlane");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "endpoint");
  json_builder_add_string_value (builder, info->control_plane_endpoint);
  json_builder_set_member_name (builder, "region");
  json_builder_add_string_value (builder, info->region);
  json_builder_set_member_name (builder, "accountId");
  json_builder_add_string_value (builder, info->account_id);
  json_builder_set_member_name (builder, "accessKeyId");
  json_builder_add_string_value (builder, info->access_key_id);
  json_builder_set_member_name (builder, "secretAccessKey");
  json_builder_add_string_value (builder, info->secret_access_key);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "region");
  json_builder_add_string_value (builder, info->region);
  json_builder_set_member_name (builder, "accountId");
  json_builder_add_string_value (builder, info->account_id);
  if (info->codesign_certificate_path != NULL && info->codesign_key_path != NULL)
    {
      json_builder_set_member_name (builder, "codesign");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "certificatePath");
      json_builder_add_string_value (builder, info->codesign_certificate_path);
      json_builder_set_member_name (builder, "keyPath");
      json_builder_add_string_value (builder, info->codesign_key_path);
      json_builder_end_object (builder);
    }
  if (info->jobs_data_endpoint != NULL)
    {
      json_builder_set_member_name (builder, "jobsData");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "endpoint");
      json_builder_add_string_value (builder, info->jobs_data_endpoint);
      json_builder_end_object (builder);
    }
  if (info->observer_name != NULL && info->observer_certificate_path != NULL &&
      info->observer_key_path != NULL)
    {
      json_builder_set_member_name (builder, "observer");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, info->observer_name);
      json_builder_set_member_name (builder, "certificatePath");
      json_builder_add_string_value (builder, info->observer_certificate_path);
      json_builder_set_member_name (builder, "keyPath");
      json_builder_add_string_value (builder, info->observer_key_path);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gboolean
jd_sandbox_info_save (const JdSandboxInfo  *info,
                      const char           *dir,
                      GError              **error)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  path = jd_sandbox_info_dup_path (dir);
  text = jd_sandbox_info_to_json (info);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  if (g_chmod (path, 0600) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not restrict %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

JdSandboxInfo *
jd_sandbox_info_load (const char  *dir,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JdSandboxInfo) info = NULL;
  g_autofree char *path = NULL;
  JsonObject *root, *mqtt, *control, *things, *codesign, *observer;
  const char *region, *account_id;
  gint64 port;

  g_return_val_if_fail (dir != NULL, NULL);

  path = jd_sandbox_info_dup_path (dir);
  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_SANDBOX_NOT_RUNNING,
                     "%s does not exist: is jobdeck-service running with --data-dir %s?",
                     path, dir);
      else
        g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_SANDBOX_INFO_INVALID,
                     "cannot read %s: %s", path, local_error->message);
      return NULL;
    }
  root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
         ? json_node_get_object (json_parser_get_root (parser)) : NULL;
  mqtt = get_object (root, "mqtt");
  control = get_object (root, "controlPlane");
  things = get_object (root, "things");
  port = get_int (mqtt, "port");
  region = get_string (control, "region") != NULL ? get_string (control, "region")
                                                   : get_string (root, "region");
  account_id = get_string (control, "accountId") != NULL ? get_string (control, "accountId")
                                                          : get_string (root, "accountId");

  if (root == NULL || get_string (mqtt, "host") == NULL || port <= 0 || port > G_MAXUINT16 ||
      get_string (mqtt, "caPath") == NULL || get_string (control, "endpoint") == NULL ||
      region == NULL || get_string (control, "accessKeyId") == NULL ||
      get_string (control, "secretAccessKey") == NULL)
    {
      g_set_error (error, JD_JOBS_ERROR, JD_JOBS_ERROR_SANDBOX_INFO_INVALID,
                   "%s lacks the broker or control-plane settings", path);
      return NULL;
    }

  info = jd_sandbox_info_new ();
  info->pid = (int) get_int (root, "pid");
  info->mqtt_host = g_strdup (get_string (mqtt, "host"));
  info->mqtt_port = (guint16) port;
  info->ca_path = g_strdup (get_string (mqtt, "caPath"));
  info->control_plane_endpoint = g_strdup (get_string (control, "endpoint"));
  info->region = g_strdup (region);
  info->account_id = g_strdup (account_id);
  info->access_key_id = g_strdup (get_string (control, "accessKeyId"));
  info->secret_access_key = g_strdup (get_string (control, "secretAccessKey"));
  if (things != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (things);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonObject *thing = get_object (things, l->data);

          if (get_string (thing, "certificatePath") != NULL && get_string (thing, "keyPath") != NULL)
            jd_sandbox_info_set_thing (info, l->data, get_string (thing, "certificatePath"),
                                       get_string (thing, "keyPath"));
        }
    }
  codesign = get_object (root, "codesign");
  if (codesign != NULL && get_string (codesign, "certificatePath") != NULL &&
      get_string (codesign, "keyPath") != NULL)
    {
      info->codesign_certificate_path = g_strdup (get_string (codesign, "certificatePath"));
      info->codesign_key_path = g_strdup (get_string (codesign, "keyPath"));
    }
  info->jobs_data_endpoint = g_strdup (get_string (get_object (root, "jobsData"), "endpoint"));
  observer = get_object (root, "observer");
  if (get_string (observer, "name") != NULL && get_string (observer, "certificatePath") != NULL &&
      get_string (observer, "keyPath") != NULL)
    {
      info->observer_name = g_strdup (get_string (observer, "name"));
      info->observer_certificate_path = g_strdup (get_string (observer, "certificatePath"));
      info->observer_key_path = g_strdup (get_string (observer, "keyPath"));
    }
  return g_steal_pointer (&info);
}
