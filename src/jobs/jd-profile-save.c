/* jd-profile-save.c — saving a profile: its secrets to the keyring first,
 * then (only when they are stored) its delayed settings and its place in the
 * list of profiles. The profile editor and anything else that saves call
 * this one function.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-profile"

#include "jd-profile.h"

static gboolean
str_empty (const char *s)
{
  return s == NULL || *s == '\0';
}

typedef struct {
  GSettings *settings;      /* the list, or NULL */
  guint      pending;
  GError    *error;         /* the first one */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->settings);
  g_clear_error (&data->error);
  g_free (data);
}

static void
save_add_to_list (JdProfile *self,
                  GSettings *settings)
{
  g_auto(GStrv) ids = g_settings_get_strv (settings, "profiles");
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) new_ids = NULL;

  if (g_strv_contains ((const char *const *) ids, jd_profile_get_id (self)))
    return;

  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) ids);
  g_strv_builder_add (builder, jd_profile_get_id (self));
  new_ids = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "profiles", (const char *const *) new_ids);
}

static void
save_part_done (GTask  *task,
                GError *error)
{
  JdProfile *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);

  if (error != NULL && data->error == NULL)
    data->error = error;
  else if (error != NULL)
    g_error_free (error);

  if (--data->pending > 0)
    return;

  if (data->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->error));
      return;
    }

  /* The settings only once the secrets they rely on are in the keyring. */
  g_settings_apply (jd_profile_get_settings (self));
  if (data->settings != NULL)
    save_add_to_list (self, data->settings);
  g_task_return_boolean (task, TRUE);
}

static void
save_credentials_stored_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  jd_credentials_store_finish (result, &error);
  save_part_done (task, error);
}

static void
save_secret_stored_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  jd_credentials_store_secret_finish (result, &error);
  save_part_done (task, error);
}

/**
 * jd_profile_save_async:
 * @self: a profile
 * @settings: (nullable): the io.github.jobdeck.Jobdeck settings whose
 *   "profiles" list gets the profile's id
 * @secrets: (nullable): what goes to (or leaves) the keyring
 *
 * Stores the secrets, then applies the profile's settings and lists it.
 * Nothing of the settings is applied when a secret cannot be stored.
 */
void
jd_profile_save_async (JdProfile              *self,
                       GSettings              *settings,
                       const JdProfileSecrets *secrets,
                       GCancellable           *cancellable,
                       GAsyncReadyCallback     callback,
                       gpointer                user_data)
{
  static const JdProfileSecrets none = { 0 };
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  const char *id;
  SaveData *data;

  g_return_if_fail (JD_IS_PROFILE (self));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (secrets == NULL)
    secrets = &none;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_profile_save_async);
  data = g_new0 (SaveData, 1);
  data->settings = settings != NULL ? g_object_ref (settings) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  id = jd_profile_get_id (self);
  name = jd_profile_dup_name (self);
  /* One extra count, dropped below, so nothing finishes before all start. */
  data->pending = 1;

  if (jd_profile_get_credentials_source (self) == JD_PROFILE_CREDENTIALS_KEYRING &&
      !str_empty (secrets->access_key_id) && !str_empty (secrets->secret_access_key))
    {
      g_autoptr(JdCredentials) credentials =
        jd_credentials_new (secrets->access_key_id, secrets->secret_access_key,
                            str_empty (secrets->session_token) ? NULL : secrets->session_token, NULL);

      data->pending++;
      jd_credentials_store_async (credentials, id, name, cancellable,
                                  save_credentials_stored_cb, g_object_ref (task));
    }
  else if (secrets->clear_credentials)
    {
      static const JdSecretKind kinds[] = {
        JD_SECRET_KIND_ACCESS_KEY_ID,
        JD_SECRET_KIND_SECRET_ACCESS_KEY,
        JD_SECRET_KIND_SESSION_TOKEN,
      };

      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        {
          data->pending++;
          jd_credentials_store_secret_async (id, kinds[i], name, NULL, cancellable,
                                             save_secret_stored_cb, g_object_ref (task));
        }
    }

  if (!str_empty (secrets->key_passphrase) || secrets->clear_key_passphrase)
    {
      data->pending++;
      jd_credentials_store_secret_async (id, JD_SECRET_KIND_KEY_PASSPHRASE, name,
                                         str_empty (secrets->key_passphrase) ? NULL : secrets->key_passphrase,
                                         cancellable, save_secret_stored_cb, g_object_ref (task));
    }

  save_part_done (task, NULL);
}

gboolean
jd_profile_save_finish (JdProfile     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (JD_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == jd_profile_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
