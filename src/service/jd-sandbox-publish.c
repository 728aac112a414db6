/* jd-sandbox-publish.c — what the sandbox publishes about itself while it
 * runs: DIR/sandbox.json for the app, jobdeck-cli and the SDKs (written with
 * jd_sandbox_info_save(), the core's one writer), and the broker's ACL, which
 * names exactly the registered things.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-sandbox"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jd-sandbox-folder.h"
#include "jd-sandbox-private.h"

int
jd_sandbox_compare_names (const void *a,
                          const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

G_LOCK_DEFINE_STATIC (jobs_reader);
static char *jobs_reader;

void
jd_sandbox_set_jobs_reader_for_test (const char *identity)
{
  G_LOCK (jobs_reader);
  g_free (jobs_reader);
  jobs_reader = g_strdup (identity);
  G_UNLOCK (jobs_reader);
}

char *
jd_sandbox_dup_jobs_reader (void)
{
  char *identity;

  G_LOCK (jobs_reader);
  identity = g_strdup (jobs_reader);
  G_UNLOCK (jobs_reader);
  return identity;
}

char *
jd_sandbox_build_acl_for (const char         *data_dir,
                          const char * const *names)
{
  g_autofree char *reader = jd_sandbox_dup_jobs_reader ();
  JdSandboxBrokerConfig config = {
    .data_dir = data_dir,
    .service_identity = JD_SANDBOX_SERVICE_IDENTITY,
    .observer_identity = JD_SANDBOX_OBSERVER_IDENTITY,
    .jobs_reader = reader,
    .things = names,
  };

  return jd_sandbox_broker_build_acl (&config);
}

/**
 * jd_sandbox_dup_info:
 * @self: a sandbox
 *
 * Returns: (transfer full): what sandbox.json says while it runs
 */
JdSandboxInfo *
jd_sandbox_dup_info (JdSandbox *self)
{
  JdSandboxInfo *info;
  g_auto(GStrv) names = NULL;

  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);

  info = jd_sandbox_info_new ();
  info->pid = getpid ();
  info->mqtt_host = g_strdup (JD_SANDBOX_HOST);
  info->mqtt_port = self->mqtt_port;
  info->ca_path = g_strdup (self->ca_path);
  info->control_plane_endpoint = jd_sandbox_dup_endpoint (self);
  info->region = g_strdup (JD_SANDBOX_REGION);
  info->account_id = g_strdup (JD_SANDBOX_ACCOUNT_ID);
  info->access_key_id = g_strdup (self->access_key_id);
  info->secret_access_key = g_strdup (self->secret_access_key);
  info->codesign_certificate_path = g_strdup (self->codesign_cert_path);
  info->codesign_key_path = g_strdup (self->codesign_key_path);
  info->observer_name = g_strdup (JD_SANDBOX_OBSERVER_IDENTITY);
  info->observer_certificate_path = g_strdup (self->observer_cert_path);
  info->observer_key_path = g_strdup (self->observer_key_path);
  if (self->service != NULL && jd_service_get_jobs_data_port (self->service) != 0)
    info->jobs_data_endpoint = g_strdup_printf ("https://%s:%u", JD_SANDBOX_HOST,
                                                jd_service_get_jobs_data_port (self->service));
  names = jd_sandbox_dup_thing_names (self);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *cert_path = NULL;
      g_autofree char *key_path = NULL;

      jd_sandbox_thing_paths (self->things_dir, names[i], &cert_path, &key_path);
      jd_sandbox_info_set_thing (info, names[i], cert_path, key_path);
    }
  return info;
}

GStrv
jd_sandbox_dup_thing_names (JdSandbox *self)
{
  g_autofree const char **keys = NULL;
  guint n = 0;
  GStrv names;

  g_return_val_if_fail (JD_IS_SANDBOX (self), NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->things, &n);
  names = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    names[i] = g_strdup (keys[i]);
  qsort (names, n, sizeof (char *), jd_sandbox_compare_names);
  return names;
}
