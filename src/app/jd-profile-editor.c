/* jd-profile-editor.c — the Add/Edit AWS Profile dialog.
 *
 * The editor keeps a JdProfile of its own whose GSettings is in delay mode:
 * every field writes there at once, so jd_profile_validate_async() checks
 * exactly what the form says, and Save applies it in one go. Secrets never
 * touch GSettings: they are stored in the keyring on Save. Problems are shown
 * in a caption row under the field they are about.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-connection-test.h"
#include "jd-credentials.h"
#include "jd-profile-editor.h"
#include "jd-profile-editor-private.h"


G_DEFINE_FINAL_TYPE (JdProfileEditor, jd_profile_editor, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_PROFILE_ID,
  PROP_CAN_SAVE,
  PROP_BUSY,
  PROP_TESTING,
  N_PROPS
};

enum {
  SAVED,
  TEST_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A form row and the caption row under it that says what is wrong. */
typedef struct
{
  GtkWidget  *row;
  GtkWidget  *message_row;
  GtkLabel   *message_label;
  const char *hint;           /* shown when there is no problem; nullable */
} Field;

typedef struct
{
  JdProfileEditor *self;
  JdSecretKind     kind;
} SecretLoad;

static const guint ports[] = { 8883, 443 };

#define VALIDATE_DELAY_MS 150

static void update_can_save (JdProfileEditor *self);

/* The connection test (jd-profile-editor-test.c) ended. */
void
_jd_profile_editor_notify_testing (JdProfileEditor *self,
                                   gboolean         finished)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TESTING]);
  if (finished)
    g_signal_emit (self, signals[TEST_FINISHED], 0);
}

const char *
_jd_profile_editor_row_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

gboolean
_jd_profile_editor_str_empty (const char *s)
{
  return s == NULL || *s == '\0';
}

JdProfileCredentialsSource
_jd_profile_editor_current_source (JdProfileEditor *self)
{
  return (JdProfileCredentialsSource) adw_combo_row_get_selected (self->credentials_row);
}

static void
set_problem (JdProfileEditor *self,
             const char      *key,
             const char      *message)
{
  const char *old = g_hash_table_lookup (self->problems, key);

  if (old != NULL)
    g_hash_table_insert (self->problems, g_strdup (key), g_strconcat (old, "\n", message, NULL));
  else
    g_hash_table_insert (self->problems, g_strdup (key), g_strdup (message));
}

/* Problems the library does not know about: the secrets typed here. */
static void
check_local (JdProfileEditor *self)
{
  JdProfileCredentialsSource source = _jd_profile_editor_current_source (self);

  g_hash_table_remove (self->problems, "access-key-id");
  g_hash_table_remove (self->problems, "aws-profile");

  if (source == JD_PROFILE_CREDENTIALS_KEYRING)
    {
      gboolean has_id = !_jd_profile_editor_str_empty (_jd_profile_editor_row_text (self->access_key_row));
      gboolean has_secret = !_jd_profile_editor_str_empty (_jd_profile_editor_row_text (self->secret_row));
      gboolean has_token = !_jd_profile_editor_str_empty (_jd_profile_editor_row_text (self->token_row));

      if (has_id != has_secret)
        set_problem (self, "access-key-id",
                     _("Enter both the access key ID and the secret access key, or neither to use "
                       "the environment or ~/.aws."));
      else if (has_token && !has_id)
        set_problem (self, "access-key-id",
                     _("A session token needs an access key ID and a secret access key."));
    }
  else if (source == JD_PROFILE_CREDENTIALS_AWS_PROFILE)
    {
      if (_jd_profile_editor_str_empty (_jd_profile_editor_row_text (self->aws_profile_row)))
        set_problem (self, "aws-profile",
                     _("Enter the name of a profile in ~/.aws/credentials, such as “default”."));
    }
}

static void
show_problems (JdProfileEditor *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Field *field = value;
      const char *message = g_hash_table_lookup (self->problems, key);
      gboolean show;

      if (g_strcmp0 (key, "control-plane-endpoint") == 0 && message == NULL)
        message = g_hash_table_lookup (self->problems, "control-plane-ca-path");

      /* A new form does not scold fields nobody has touched yet. */
      show = message != NULL && (!self->is_new || g_hash_table_contains (self->touched, key));

      gtk_label_set_label (field->message_label, show ? message : field->hint);
      gtk_widget_set_visible (field->message_row, show || field->hint != NULL);
      if (show)
        {
          gtk_widget_remove_css_class (GTK_WIDGET (field->message_label), "dim-label");
          gtk_widget_add_css_class (GTK_WIDGET (field->message_label), "error");
          gtk_widget_add_css_class (field->row, "error");
          gtk_accessible_update_property (GTK_ACCESSIBLE (field->row),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
        }
      else
        {
          gtk_widget_remove_css_class (GTK_WIDGET (field->message_label), "error");
          gtk_widget_add_css_class (GTK_WIDGET (field->message_label), "dim-label");
          gtk_widget_remove_css_class (field->row, "error");
          gtk_accessible_reset_property (GTK_ACCESSIBLE (field->row),
                                         GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
        }
    }
}

static void
update_file_rows (JdProfileEditor *self)
{
  g_autofree char *cert = jd_profile_dup_certificate_path (self->draft);
  g_autofree char *key = jd_profile_dup_key_path (self->draft);
  g_autofree char *ca = jd_profile_dup_ca_path (self->draft);

  adw_action_row_set_subtitle (self->cert_row, _jd_profile_editor_str_empty (cert) ? _("No file chosen") : cert);
  adw_action_row_set_subtitle (self->key_row, _jd_profile_editor_str_empty (key) ? _("No file chosen") : key);
  adw_action_row_set_subtitle (self->ca_row, _jd_profile_editor_str_empty (ca) ? _("The system’s certificates") : ca);
  gtk_widget_set_visible (GTK_WIDGET (self->ca_clear_button), !_jd_profile_editor_str_empty (ca));
}

static void
update_source_rows (JdProfileEditor *self)
{
  JdProfileCredentialsSource source = _jd_profile_editor_current_source (self);
  gboolean keyring = source == JD_PROFILE_CREDENTIALS_KEYRING;

  gtk_widget_set_visible (GTK_WIDGET (self->aws_profile_row), source == JD_PROFILE_CREDENTIALS_AWS_PROFILE);
  gtk_widget_set_visible (GTK_WIDGET (self->access_key_row), keyring);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_row), keyring);
  gtk_widget_set_visible (GTK_WIDGET (self->token_row), keyring);
}

static void
validated_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  JdProfileEditor *self;

  found = jd_profile_validate_finish (JD_PROFILE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = JD_PROFILE_EDITOR (user_data);
  self->validating = FALSE;
  g_hash_table_remove_all (self->problems);

  if (found == NULL)
    set_problem (self, "name", error->message);
  else
    for (guint i = 0; i < found->len; i++)
      {
        const JdProfileProblem *problem = g_ptr_array_index (found, i);

        set_problem (self, jd_profile_problem_get_key (problem),
                     jd_profile_problem_get_error (problem)->message);
      }

  check_local (self);
  show_problems (self);
  update_can_save (self);
}

static gboolean
validate_timeout_cb (gpointer user_data)
{
  JdProfileEditor *self = user_data;

  self->validate_id = 0;
  g_cancellable_cancel (self->validate_cancellable);
  g_clear_object (&self->validate_cancellable);
  self->validate_cancellable = g_cancellable_new ();
  self->validating = TRUE;
  jd_profile_validate_async (self->draft, _jd_profile_editor_row_text (self->passphrase_row),
                             self->validate_cancellable, validated_cb, self);
  return G_SOURCE_REMOVE;
}

static void
schedule_validate (JdProfileEditor *self)
{
  g_clear_handle_id (&self->validate_id, g_source_remove);
  self->validate_id = g_timeout_add (VALIDATE_DELAY_MS, validate_timeout_cb, self);
  update_can_save (self);
}

static void
update_can_save (JdProfileEditor *self)
{
  gboolean busy = self->validate_id != 0 || self->validating || self->secrets_pending > 0;
  gboolean can_save = !busy && !self->saving && g_hash_table_size (self->problems) == 0;
  const char *tooltip = NULL;

  if (!busy && g_hash_table_size (self->problems) > 0)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->problems);
      if (g_hash_table_iter_next (&iter, NULL, &value))
        tooltip = value;
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.save", can_save);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->save_button), tooltip);

  if (can_save != self->can_save)
    {
      self->can_save = can_save;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SAVE]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (JdProfileEditor *self,
            const char      *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static void
mark_touched (JdProfileEditor *self,
              const char      *key)
{
  g_hash_table_add (self->touched, g_strdup (key));
  self->edited = TRUE;
}

/* Signal callbacks */

static void
entry_changed_cb (JdProfileEditor *self,
                  GtkEditable     *row)
{
  const char *key = g_object_get_data (G_OBJECT (row), "jd-key");

  if (self->loading)
    return;

  g_assert (key != NULL);
  g_object_set (self->draft, key, gtk_editable_get_text (row), NULL);
  mark_touched (self, key);
  schedule_validate (self);
}

static void
combo_changed_cb (JdProfileEditor *self,
                  GParamSpec      *pspec,
                  AdwComboRow     *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->loading)
    return;

  if (row == self->port_row)
    {
      if (selected < G_N_ELEMENTS (ports))
        g_object_set (self->draft, "port", ports[selected], NULL);
      mark_touched (self, "port");
    }
  else
    {
      if (selected <= JD_PROFILE_CREDENTIALS_AWS_PROFILE)
        g_object_set (self->draft, "credentials-source", (JdProfileCredentialsSource) selected, NULL);
      self->edited = TRUE;
      update_source_rows (self);
    }
  schedule_validate (self);
}

static void
passphrase_changed_cb (JdProfileEditor *self)
{
  if (self->loading)
    return;

  mark_touched (self, "key-path");
  schedule_validate (self);
}

static void
secret_changed_cb (JdProfileEditor *self)
{
  if (self->loading)
    return;

  mark_touched (self, "access-key-id");
  schedule_validate (self);
}

static void
secret_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SecretLoad *load = user_data;
  JdProfileEditor *self = load->self;
  JdSecretKind kind = load->kind;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  gpointer row = NULL;

  g_free (load);
  value = jd_credentials_lookup_secret_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->secrets_pending--;

  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The stored secrets could not be read: %s"),
                                                  error->message);
      show_error (self, message);
    }
  else if (value != NULL)
    {
      switch (kind)
        {
        case JD_SECRET_KIND_ACCESS_KEY_ID:
          row = self->access_key_row;
          self->had_credentials = TRUE;
          break;
        case JD_SECRET_KIND_SECRET_ACCESS_KEY:
          row = self->secret_row;
          self->had_credentials = TRUE;
          break;
        case JD_SECRET_KIND_SESSION_TOKEN:
          row = self->token_row;
          self->had_credentials = TRUE;
          break;
        case JD_SECRET_KIND_KEY_PASSPHRASE:
        default:
          row = self->passphrase_row;
          self->had_passphrase = TRUE;
          break;
        }
      self->loading = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (row), value);
      self->loading = FALSE;
    }

  /* The passphrase changes what validation finds; re-check once all are in. */
  if (self->secrets_pending == 0)
    schedule_validate (self);
  else
    update_can_save (self);
}

static void
load_secrets (JdProfileEditor *self)
{
  static const JdSecretKind kinds[] = {
    JD_SECRET_KIND_ACCESS_KEY_ID,
    JD_SECRET_KIND_SECRET_ACCESS_KEY,
    JD_SECRET_KIND_SESSION_TOKEN,
    JD_SECRET_KIND_KEY_PASSPHRASE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      SecretLoad *load = g_new0 (SecretLoad, 1);

      load->self = self;
      load->kind = kinds[i];
      self->secrets_pending++;
      jd_credentials_lookup_secret_async (self->profile_id, kinds[i], self->cancellable,
                                          secret_loaded_cb, load);
    }
}

static void
chooser_response_cb (JdProfileEditor      *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  const char *key = g_object_get_data (G_OBJECT (chooser), "jd-key");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        jd_profile_editor_set_file (self, key, path);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
}

static void
profile_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdProfileEditor *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->saving = FALSE;

  if (!jd_profile_save_finish (JD_PROFILE (source), result, &error))
    {
      if (!self->disposed)
        {
          g_autofree char *message = g_strdup_printf (_("The profile could not be saved: %s"),
                                                      error->message);
          show_error (self, message);
          update_can_save (self);
        }
      g_task_return_error (task, error);
      return;
    }

  self->had_credentials = _jd_profile_editor_current_source (self) == JD_PROFILE_CREDENTIALS_KEYRING &&
                          !_jd_profile_editor_str_empty (_jd_profile_editor_row_text (self->access_key_row));
  self->had_passphrase = !_jd_profile_editor_str_empty (_jd_profile_editor_row_text (self->passphrase_row));

  if (!self->disposed)
    update_can_save (self);
  self->edited = FALSE;
  g_signal_emit (self, signals[SAVED], 0);
  g_task_return_boolean (task, TRUE);
}

static void
saved_and_close_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  JdProfileEditor *self = JD_PROFILE_EDITOR (source);

  if (jd_profile_editor_save_finish (self, result, NULL) && !self->disposed)
    gtk_window_close (GTK_WINDOW (self));
}

/* Closing */

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     JdProfileEditor  *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      self->discard_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_strcmp0 (response, "save") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "profile.save", NULL);
}

/* Escape or the close button on an edited form asks first. */
static gboolean
jd_profile_editor_close_request (GtkWindow *window)
{
  JdProfileEditor *self = JD_PROFILE_EDITOR (window);
  GtkWidget *dialog;

  if (!self->edited || self->discard_confirmed || self->saving)
    return GTK_WINDOW_CLASS (jd_profile_editor_parent_class)->close_request (window);

  dialog = adw_message_dialog_new (window, _("Discard Changes?"),
                                   _("The profile’s changes are not saved."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  if (self->can_save)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "save", _("_Save"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
    }
  else
    adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* Actions */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  JdProfileEditor *self = JD_PROFILE_EDITOR (widget);

  if (!self->can_save)
    {
      gtk_widget_error_bell (widget);
      return;
    }
  jd_profile_editor_save_async (self, NULL, saved_and_close_cb, NULL);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  jd_profile_editor_test_connection (JD_PROFILE_EDITOR (widget));
}

static void
choose_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  JdProfileEditor *self = JD_PROFILE_EDITOR (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autofree char *current = NULL;
  const char *title;

  if (g_strcmp0 (key, "certificate-path") == 0)
    title = _("Choose the Thing’s Certificate");
  else if (g_strcmp0 (key, "key-path") == 0)
    title = _("Choose the Thing’s Private Key");
  else if (g_strcmp0 (key, "ca-path") == 0)
    title = _("Choose the CA Certificate");
  else
    return;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data_full (G_OBJECT (self->chooser), "jd-key", g_strdup (key), g_free);

  gtk_file_filter_set_name (pem, _("PEM Files"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_pattern (pem, "*.key");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), pem);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);

  g_object_get (self->draft, key, &current, NULL);
  if (!_jd_profile_editor_str_empty (current))
    {
      g_autoptr(GFile) file = g_file_new_for_path (current);
      g_autoptr(GFile) parent = g_file_get_parent (file);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
clear_file_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  jd_profile_editor_set_file (JD_PROFILE_EDITOR (widget),
                              g_variant_get_string (parameter, NULL), NULL);
}

/* Overrides */

static void
add_field (JdProfileEditor *self,
           const char      *key,
           gpointer         row,
           const char      *hint)
{
  GtkWidget *list = gtk_widget_get_parent (GTK_WIDGET (row));
  Field *field = g_new0 (Field, 1);
  GtkWidget *label;

  g_assert (GTK_IS_LIST_BOX (list));

  g_object_set_data (G_OBJECT (row), "jd-key", (gpointer) key);

  label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "error");

  field->row = GTK_WIDGET (row);
  field->hint = hint;
  field->message_label = GTK_LABEL (label);
  field->message_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (field->message_row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (field->message_row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (field->message_row), FALSE);
  gtk_widget_set_focusable (field->message_row, FALSE);
  gtk_widget_set_visible (field->message_row, hint != NULL);
  if (hint != NULL)
    {
      gtk_label_set_label (GTK_LABEL (label), hint);
      gtk_widget_remove_css_class (label, "error");
      gtk_widget_add_css_class (label, "dim-label");
    }
  gtk_list_box_insert (GTK_LIST_BOX (list), field->message_row,
                       gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)) + 1);

  g_hash_table_insert (self->fields, (gpointer) key, field);
}

static void
load_form (JdProfileEditor *self)
{
  g_autofree char *name = jd_profile_dup_name (self->draft);
  g_autofree char *endpoint = jd_profile_dup_endpoint (self->draft);
  g_autofree char *region = jd_profile_dup_region (self->draft);
  g_autofree char *thing = jd_profile_dup_thing_name (self->draft);
  g_autofree char *client_id = NULL;
  g_autofree char *control_plane = NULL;
  g_autofree char *aws_profile = jd_profile_dup_aws_profile (self->draft);
  guint port = jd_profile_get_port (self->draft);

  g_object_get (self->draft,
                "client-id", &client_id,
                "control-plane-endpoint", &control_plane,
                NULL);

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->endpoint_row), endpoint);
  adw_combo_row_set_selected (self->port_row, port == 443 ? 1 : 0);
  gtk_editable_set_text (GTK_EDITABLE (self->thing_row), thing);
  gtk_editable_set_text (GTK_EDITABLE (self->client_id_row), client_id);
  gtk_editable_set_text (GTK_EDITABLE (self->region_row), region);
  gtk_editable_set_text (GTK_EDITABLE (self->control_plane_row), control_plane);
  adw_combo_row_set_selected (self->credentials_row, jd_profile_get_credentials_source (self->draft));
  gtk_editable_set_text (GTK_EDITABLE (self->aws_profile_row), aws_profile);
  self->loading = FALSE;

  update_file_rows (self);
  update_source_rows (self);
}

static void
jd_profile_editor_constructed (GObject *object)
{
  JdProfileEditor *self = JD_PROFILE_EDITOR (object);
  GtkEditable *text;

  G_OBJECT_CLASS (jd_profile_editor_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));

  self->is_new = self->profile_id == NULL;
  if (self->is_new)
    self->profile_id = g_uuid_string_random ();

  self->draft = jd_profile_new (self->profile_id);
  g_settings_delay (jd_profile_get_settings (self->draft));

  if (self->is_new)
    {
      g_object_set (self->draft,
                    "kind", JD_PROFILE_KIND_AWS,
                    "credentials-source", JD_PROFILE_CREDENTIALS_KEYRING,
                    NULL);
      adw_window_title_set_title (self->window_title, _("Add AWS Profile"));
    }
  else
    {
      g_autofree char *name = jd_profile_dup_name (self->draft);

      adw_window_title_set_title (self->window_title, _("Edit Profile"));
      adw_window_title_set_subtitle (self->window_title, name);
    }

  text = gtk_editable_get_delegate (GTK_EDITABLE (self->client_id_row));
  if (GTK_IS_TEXT (text))
    gtk_text_set_placeholder_text (GTK_TEXT (text), _("same as the thing name"));

  load_form (self);
  if (!self->is_new)
    load_secrets (self);
  schedule_validate (self);
}

static void
jd_profile_editor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  JdProfileEditor *self = JD_PROFILE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_PROFILE_ID:
      self->profile_id = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_profile_editor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  JdProfileEditor *self = JD_PROFILE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_PROFILE_ID:
      g_value_set_string (value, self->profile_id);
      break;

    case PROP_CAN_SAVE:
      g_value_set_boolean (value, self->can_save);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, jd_profile_editor_get_busy (self));
      break;

    case PROP_TESTING:
      g_value_set_boolean (value, self->testing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_profile_editor_dispose (GObject *object)
{
  JdProfileEditor *self = JD_PROFILE_EDITOR (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->validate_cancellable);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_handle_id (&self->validate_id, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_PROFILE_EDITOR);

  G_OBJECT_CLASS (jd_profile_editor_parent_class)->dispose (object);
}

static void
jd_profile_editor_finalize (GObject *object)
{
  JdProfileEditor *self = JD_PROFILE_EDITOR (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->draft);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->validate_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_pointer (&self->problems, g_hash_table_unref);
  g_clear_pointer (&self->touched, g_hash_table_unref);
  g_clear_pointer (&self->profile_id, g_free);
  g_clear_pointer (&self->mqtt_result, g_free);
  g_clear_pointer (&self->cp_result, g_free);

  G_OBJECT_CLASS (jd_profile_editor_parent_class)->finalize (object);
}

static void
jd_profile_editor_class_init (JdProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = jd_profile_editor_constructed;
  object_class->dispose = jd_profile_editor_dispose;
  object_class->finalize = jd_profile_editor_finalize;
  object_class->get_property = jd_profile_editor_get_property;
  object_class->set_property = jd_profile_editor_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = jd_profile_editor_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE_ID] =
    g_param_spec_string ("profile-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_SAVE] =
    g_param_spec_boolean ("can-save", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TESTING] =
    g_param_spec_boolean ("testing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdProfileEditor::saved:
   *
   * The settings and secrets are stored; the profile is in the list.
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[TEST_FINISHED] =
    g_signal_new ("test-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-profile-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, port_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, thing_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, cert_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, key_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, ca_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, ca_clear_button);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, region_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, control_plane_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, credentials_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, aws_profile_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, access_key_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, secret_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, token_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, mqtt_result_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, mqtt_result_icon);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, cp_result_row);
  gtk_widget_class_bind_template_child (widget_class, JdProfileEditor, cp_result_icon);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, combo_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, secret_changed_cb);

  gtk_widget_class_install_action (widget_class, "profile.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "profile.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "profile.choose-file", "s", choose_file_action);
  gtk_widget_class_install_action (widget_class, "profile.clear-file", "s", clear_file_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "profile.save", NULL);
}

static void
jd_profile_editor_init (JdProfileEditor *self)
{
  self->cancellable = g_cancellable_new ();
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->problems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  add_field (self, "name", self->name_row, NULL);
  add_field (self, "endpoint", self->endpoint_row,
             _("The account’s iot:Data-ATS address, such as abc123-ats.iot.us-east-1.amazonaws.com"));
  add_field (self, "port", self->port_row, NULL);
  add_field (self, "thing-name", self->thing_row, NULL);
  add_field (self, "client-id", self->client_id_row, _("Leave empty to use the thing name"));
  add_field (self, "certificate-path", self->cert_row, NULL);
  add_field (self, "key-path", self->key_row, NULL);
  add_field (self, "ca-path", self->ca_row, NULL);
  add_field (self, "region", self->region_row, NULL);
  add_field (self, "control-plane-endpoint", self->control_plane_row, NULL);
  add_field (self, "aws-profile", self->aws_profile_row, NULL);
  add_field (self, "access-key-id", self->access_key_row, NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.save", FALSE);
}

/* Public API */

/**
 * jd_profile_editor_new:
 * @settings: the application's settings
 * @profile_id: (nullable): the AWS profile to edit; %NULL adds one
 *
 * Returns: (transfer full): a new editor; present it transient for the
 *   preferences window
 */
JdProfileEditor *
jd_profile_editor_new (GSettings  *settings,
                       const char *profile_id)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (JD_TYPE_PROFILE_EDITOR,
                       "settings", settings,
                       "profile-id", profile_id,
                       NULL);
}

const char *
jd_profile_editor_get_profile_id (JdProfileEditor *self)
{
  g_return_val_if_fail (JD_IS_PROFILE_EDITOR (self), NULL);
  return self->profile_id;
}

gboolean
jd_profile_editor_get_is_new (JdProfileEditor *self)
{
  g_return_val_if_fail (JD_IS_PROFILE_EDITOR (self), FALSE);
  return self->is_new;
}

gboolean
jd_profile_editor_get_can_save (JdProfileEditor *self)
{
  g_return_val_if_fail (JD_IS_PROFILE_EDITOR (self), FALSE);
  return self->can_save;
}

gboolean
jd_profile_editor_get_busy (JdProfileEditor *self)
{
  g_return_val_if_fail (JD_IS_PROFILE_EDITOR (self), FALSE);
  return self->validate_id != 0 || self->validating || self->secrets_pending > 0;
}

const char *
jd_profile_editor_get_problem (JdProfileEditor *self,
                               const char      *key)
{
  g_return_val_if_fail (JD_IS_PROFILE_EDITOR (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  return g_hash_table_lookup (self->problems, key);
}

void
jd_profile_editor_set_file (JdProfileEditor *self,
                            const char      *key,
                            const char      *path)
{
  g_return_if_fail (JD_IS_PROFILE_EDITOR (self));
  g_return_if_fail (g_strcmp0 (key, "certificate-path") == 0 ||
                    g_strcmp0 (key, "key-path") == 0 ||
                    g_strcmp0 (key, "ca-path") == 0);

  g_object_set (self->draft, key, path != NULL ? path : "", NULL);
  mark_touched (self, key);
  update_file_rows (self);
  schedule_validate (self);
}

void
jd_profile_editor_save_async (JdProfileEditor     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  JdProfileSecrets secrets = { 0 };

  g_return_if_fail (JD_IS_PROFILE_EDITOR (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_profile_editor_save_async);

  if (!self->can_save)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The profile cannot be saved until its problems are fixed."));
      return;
    }

  self->saving = TRUE;
  show_error (self, NULL);
  update_can_save (self);

  secrets.access_key_id = _jd_profile_editor_row_text (self->access_key_row);
  secrets.secret_access_key = _jd_profile_editor_row_text (self->secret_row);
  secrets.session_token = _jd_profile_editor_row_text (self->token_row);
  secrets.key_passphrase = _jd_profile_editor_row_text (self->passphrase_row);
  secrets.clear_credentials = self->had_credentials;
  secrets.clear_key_passphrase = self->had_passphrase;
  jd_profile_save_async (self->draft, self->is_new ? self->settings : NULL, &secrets, cancellable,
                         profile_saved_cb, g_steal_pointer (&task));
}

gboolean
jd_profile_editor_save_finish (JdProfileEditor  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (JD_IS_PROFILE_EDITOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
