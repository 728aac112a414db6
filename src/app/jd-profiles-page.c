/* jd-profiles-page.c — the Profiles page of the preferences window.
 *
 * The rows are rebuilt (on idle, coalesced) from GSettings whenever the
 * "profiles" list, "active-profile" or any listed profile's keys change, so
 * the page and the window's profile switcher always agree with the settings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-credentials.h"
#include "jd-profile.h"
#include "jd-profiles-page.h"

struct _JdProfilesPage
{
  AdwPreferencesPage    parent_instance;

  GSettings            *settings;
  GPtrArray            *profiles;   /* JdProfile, watched for changes */
  GPtrArray            *rows;       /* the rows this page added to the group */
  guint                 rebuild_id;

  /* Template children */
  AdwPreferencesGroup  *profiles_group;
};

G_DEFINE_FINAL_TYPE (JdProfilesPage, jd_profiles_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

enum {
  PROFILES_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule_rebuild (JdProfilesPage *self);

static GtkWidget *
row_button (const char *icon_name,
            const char *tooltip,
            const char *accessible_label,
            const char *action_name,
            const char *profile_id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", profile_id);
  return button;
}

static char *
describe_profile (JdProfile *profile)
{
  g_autofree char *thing = jd_profile_dup_thing_name (profile);

  if (jd_profile_get_kind (profile) == JD_PROFILE_KIND_SANDBOX)
    return g_strdup_printf (_("Local sandbox · Thing %s"), thing);
  else
    {
      g_autofree char *endpoint = jd_profile_dup_endpoint (profile);
      g_autofree char *region = jd_profile_dup_region (profile);

      if (endpoint == NULL || *endpoint == '\0')
        {
          g_free (endpoint);
          endpoint = g_strdup (_("no endpoint yet"));
        }
      /* Translators: endpoint, region, thing name */
      return g_strdup_printf (_("%s (%s) · Thing %s"), endpoint, region, thing);
    }
}

static GtkWidget *
make_row (JdProfilesPage *self,
          JdProfile      *profile,
          gboolean        active)
{
  g_autofree char *name = jd_profile_dup_name (profile);
  g_autofree char *subtitle = describe_profile (profile);
  const char *id = jd_profile_get_id (profile);
  GtkWidget *row = adw_action_row_new ();

  if (name == NULL || *name == '\0')
    {
      g_free (name);
      name = g_strdup (_("Unnamed Profile"));
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  if (active)
    {
      GtkWidget *label = gtk_label_new (_("Active"));

      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "accent");
      gtk_widget_set_tooltip_text (label, _("The window connects with this profile"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }

  if (jd_profile_get_kind (profile) == JD_PROFILE_KIND_AWS)
    {
      g_autofree char *edit_label = g_strdup_printf (_("Edit profile %s"), name);
      g_autofree char *remove_label = g_strdup_printf (_("Remove profile %s"), name);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("document-edit-symbolic", _("Edit"), edit_label,
                                             "profiles.edit", id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button ("user-trash-symbolic", _("Remove"), remove_label,
                                             "profiles.remove", id));
    }

  return row;
}

static void
clear_rows (JdProfilesPage *self)
{
  for (guint i = 0; i < self->profiles->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->profiles, i), self);
  g_ptr_array_set_size (self->profiles, 0);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->profiles_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

static void
rebuild (JdProfilesPage *self)
{
  g_autoptr(GPtrArray) profiles = jd_profile_list (self->settings);
  g_autofree char *active = g_settings_get_string (self->settings, "active-profile");
  gboolean active_found = FALSE;

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  clear_rows (self);

  if (profiles->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No Profiles Yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("The local sandbox appears here once Jobdeck has started it"));
      adw_preferences_group_add (self->profiles_group, row);
      g_ptr_array_add (self->rows, row);
      return;
    }

  for (guint i = 0; i < profiles->len; i++)
    {
      JdProfile *profile = g_ptr_array_index (profiles, i);
      gboolean is_active;
      GtkWidget *row;

      /* An empty "active-profile" means the local sandbox. */
      if (*active == '\0')
        is_active = !active_found && jd_profile_get_kind (profile) == JD_PROFILE_KIND_SANDBOX;
      else
        is_active = g_strcmp0 (active, jd_profile_get_id (profile)) == 0;
      active_found |= is_active;

      g_signal_connect_object (profile, "notify", G_CALLBACK (schedule_rebuild),
                               self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->profiles, g_object_ref (profile));

      row = make_row (self, profile, is_active);
      adw_preferences_group_add (self->profiles_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static gboolean
rebuild_idle_cb (gpointer user_data)
{
  JdProfilesPage *self = user_data;

  self->rebuild_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_rebuild (JdProfilesPage *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_idle_cb, self);
}

static void
show_toast (JdProfilesPage *self,
            const char     *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (message));
}

/* Signal callbacks */

static void
editor_saved_cb (JdProfilesPage  *self,
                 JdProfileEditor *editor)
{
  rebuild (self);
  g_signal_emit (self, signals[PROFILES_CHANGED], 0);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  JdProfilesPage *self = JD_PROFILES_PAGE (source);
  g_autoptr(GError) error = NULL;

  if (!jd_profiles_page_remove_profile_finish (self, result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The profile’s secrets could not be removed from the keyring: %s"),
                                                  error->message);
      show_toast (self, message);
    }
}

static void
remove_response_cb (JdProfilesPage   *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "jd-profile-id");

  if (g_strcmp0 (response, "remove") == 0)
    jd_profiles_page_remove_profile_async (self, id, NULL, removed_cb, NULL);
}

static void
forgot_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!jd_credentials_forget_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Actions */

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  jd_profiles_page_open_editor (JD_PROFILES_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  jd_profiles_page_open_editor (JD_PROFILES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  jd_profiles_page_confirm_remove (JD_PROFILES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

/* Overrides */

static void
jd_profiles_page_constructed (GObject *object)
{
  JdProfilesPage *self = JD_PROFILES_PAGE (object);

  G_OBJECT_CLASS (jd_profiles_page_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));

  g_signal_connect_object (self->settings, "changed::profiles",
                           G_CALLBACK (schedule_rebuild), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::active-profile",
                           G_CALLBACK (schedule_rebuild), self, G_CONNECT_SWAPPED);
  rebuild (self);
}

static void
jd_profiles_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  JdProfilesPage *self = JD_PROFILES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_profiles_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  JdProfilesPage *self = JD_PROFILES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_profiles_page_dispose (GObject *object)
{
  JdProfilesPage *self = JD_PROFILES_PAGE (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->profiles != NULL)
    {
      for (guint i = 0; i < self->profiles->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->profiles, i), self);
      g_ptr_array_set_size (self->profiles, 0);
    }
  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);

  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_PROFILES_PAGE);

  G_OBJECT_CLASS (jd_profiles_page_parent_class)->dispose (object);
}

static void
jd_profiles_page_finalize (GObject *object)
{
  JdProfilesPage *self = JD_PROFILES_PAGE (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (jd_profiles_page_parent_class)->finalize (object);
}

static void
jd_profiles_page_class_init (JdProfilesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = jd_profiles_page_constructed;
  object_class->dispose = jd_profiles_page_dispose;
  object_class->finalize = jd_profiles_page_finalize;
  object_class->get_property = jd_profiles_page_get_property;
  object_class->set_property = jd_profiles_page_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdProfilesPage::profiles-changed:
   *
   * A profile was added, edited or removed from this page. (The settings
   * have changed already; GSettings "changed" says the same to anyone.)
   */
  signals[PROFILES_CHANGED] =
    g_signal_new ("profiles-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-profiles-page.ui");
  gtk_widget_class_bind_template_child (widget_class, JdProfilesPage, profiles_group);

  gtk_widget_class_install_action (widget_class, "profiles.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "profiles.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "profiles.remove", "s", remove_action);
}

static void
jd_profiles_page_init (JdProfilesPage *self)
{
  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
  self->rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API */

GtkWidget *
jd_profiles_page_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (JD_TYPE_PROFILES_PAGE, "settings", settings, NULL);
}

JdProfileEditor *
jd_profiles_page_open_editor (JdProfilesPage *self,
                              const char     *profile_id)
{
  JdProfileEditor *editor;
  GtkRoot *root;

  g_return_val_if_fail (JD_IS_PROFILES_PAGE (self), NULL);

  editor = jd_profile_editor_new (self->settings, profile_id);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (root));
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));

  return editor;
}

GtkWidget *
jd_profiles_page_confirm_remove (JdProfilesPage *self,
                                 const char     *profile_id)
{
  g_autoptr(JdProfile) profile = NULL;
  g_autofree char *name = NULL;
  g_autofree char *heading = NULL;
  GtkRoot *root;
  GtkWidget *dialog;

  g_return_val_if_fail (JD_IS_PROFILES_PAGE (self), NULL);
  g_return_val_if_fail (profile_id != NULL, NULL);

  profile = jd_profile_new (profile_id);
  name = jd_profile_dup_name (profile);
  heading = g_strdup_printf (_("Remove “%s”?"), name);
  root = gtk_widget_get_root (GTK_WIDGET (self));

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   _("Its settings and the credentials stored for it in the keyring "
                                     "are deleted. Certificate files stay where they are."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "jd-profile-id", g_strdup (profile_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

void
jd_profiles_page_remove_profile_async (JdProfilesPage      *self,
                                       const char          *profile_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JdProfile) profile = NULL;
  GError *error = NULL;

  g_return_if_fail (JD_IS_PROFILES_PAGE (self));
  g_return_if_fail (profile_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_profiles_page_remove_profile_async);

  profile = jd_profile_lookup (self->settings, profile_id, &error);
  if (profile == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  jd_profile_remove (self->settings, profile);
  rebuild (self);
  g_signal_emit (self, signals[PROFILES_CHANGED], 0);

  jd_credentials_forget_async (profile_id, cancellable, forgot_cb, g_steal_pointer (&task));
}

gboolean
jd_profiles_page_remove_profile_finish (JdProfilesPage  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (JD_IS_PROFILES_PAGE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
