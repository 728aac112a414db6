/* jd-attach-file-dialog.c — Attach Signed File, opened from New Job.
 *
 * On a sandbox: sign (jd_codesign_sign_file, blocking, so in a GTask
 * thread), then upload (jd_file_upload_async) and put the store's
 * placeholder in as the URL. Elsewhere: sign for a URL the user gives, or
 * reference a file that already has a URL and a signature. Nothing reaches
 * the document until everything worked: Cancel, a failure or closing the
 * dialog leave it as it was. Problems are said at the field they are about
 * (a wrong passphrase under the passphrase, a key that is not the
 * certificate's under the key).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <glib/gi18n.h>

#include "jd-attach-file-dialog.h"
#include "jd-credentials.h"
#include "jd-file-upload.h"
#include "jd-format.h"
#include "jd-sandbox-info.h"

/* The keyring entry of a code-signing key's passphrase: a pseudo profile
 * per key file, in the profiles' schema. */
#define KEYRING_PREFIX "codesign-key:"

struct _JdAttachFileDialog
{
  AdwWindow             parent_instance;

  JdSession            *session;
  gboolean              can_upload;
  gboolean              has_sandbox_identity;
  GFile                *file;
  char                 *key_path;
  char                 *cert_path;
  gboolean              passphrase_from_keyring;
  GCancellable         *cancellable;
  GCancellable         *lookup_cancellable;
  GtkFileChooserNative *chooser;
  gboolean              busy;
  gboolean              disposed;
  double                progress;
  char                 *problem;
  JdAttachField         problem_field;
  /* A problem from signing or uploading stays until a field changes. */
  gboolean              work_problem;

  /* Template children */
  GtkButton            *attach_button;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  AdwComboRow          *mode_row;
  AdwActionRow         *file_row;
  GtkLabel             *file_hint;
  GtkWidget            *identity_box;
  AdwComboRow          *identity_row;
  AdwActionRow         *key_row;
  AdwActionRow         *cert_row;
  AdwPasswordEntryRow  *passphrase_row;
  AdwActionRow         *remember_row;
  GtkSwitch            *remember_switch;
  GtkLabel             *identity_hint;
  GtkWidget            *location_box;
  AdwEntryRow          *url_row;
  AdwEntryRow          *signature_row;
  AdwComboRow          *algorithm_row;
  AdwEntryRow          *device_path_row;
  GtkLabel             *location_hint;
  AdwComboRow          *shape_row;
  GtkWidget            *progress_box;
  GtkProgressBar       *progress_bar;
  GtkLabel             *progress_label;
};

G_DEFINE_FINAL_TYPE (JdAttachFileDialog, jd_attach_file_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ATTACHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The algorithm row's items, in order. */
static const JdCodesignAlgorithm reference_algorithms[] = {
  JD_CODESIGN_ALGORITHM_SHA256_ECDSA,
  JD_CODESIGN_ALGORITHM_SHA256_RSA,
  JD_CODESIGN_ALGORITHM_SHA1_ECDSA,
  JD_CODESIGN_ALGORITHM_SHA1_RSA,
};

typedef struct {
  char            *file_path;
  char            *key_path;
  char            *cert_path;
  char            *passphrase;
  char            *sandbox_dir;    /* sign with the sandbox's identity */
  char            *url;
  JdCodesignShape  shape;
  JdAttachField    field;          /* out: where a failure is shown */
} SignJob;

static void
sign_job_free (SignJob *job)
{
  g_free (job->file_path);
  g_free (job->key_path);
  g_free (job->cert_path);
  if (job->passphrase != NULL)
    memset (job->passphrase, 0, strlen (job->passphrase));
  g_free (job->passphrase);
  g_free (job->sandbox_dir);
  g_free (job->url);
  g_free (job);
}

/* ---- helpers ---- */

static gboolean
is_reference (JdAttachFileDialog *self)
{
  return !self->can_upload && adw_combo_row_get_selected (self->mode_row) == 1;
}

static gboolean
uses_own_identity (JdAttachFileDialog *self)
{
  return !self->has_sandbox_identity || adw_combo_row_get_selected (self->identity_row) == 1;
}

static JdCodesignShape
current_shape (JdAttachFileDialog *self)
{
  return adw_combo_row_get_selected (self->shape_row) == 1 ? JD_CODESIGN_SHAPE_CODESIGN
                                                           : JD_CODESIGN_SHAPE_AFR_OTA;
}

static gboolean
looks_like_url (const char *text)
{
  return g_str_has_prefix (text, "https://") || g_str_has_prefix (text, "http://") ||
         (g_str_has_prefix (text, "${aws:iot:s3-presigned-url:") && g_str_has_suffix (text, "}"));
}

static char *
keyring_id (const char *key_path)
{
  return g_strconcat (KEYRING_PREFIX, key_path, NULL);
}

/* An object key for the file store: S3's safe characters only, under a
 * prefix of its own so that attaching a changed file never replaces the
 * one an earlier job's signature is about. */
static char *
store_key_for (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *uuid = g_uuid_string_random ();

  for (char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!_.*'()-", *p) == NULL)
      *p = '_';
  uuid[8] = '\0';
  return g_strdup_printf ("attached/%s/%s", uuid, name);
}

static const char *
url_last_segment (const char *url)
{
  const char *end = url + strcspn (url, "?#}");
  const char *p = end;

  while (p > url && p[-1] != '/')
    p--;
  return p;
}

static void
set_row_error (GtkWidget *row,
               gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

/* Says @problem at @field (or nothing with NULL), and the usual words at
 * every other field. */
static void
show_problem (JdAttachFileDialog *self,
              JdAttachField       field,
              const char         *problem)
{
  const char *file_words = NULL;
  const char *identity_words = NULL;
  g_autofree char *identity_text = NULL;
  const char *location_words = NULL;
  gboolean identity_problem = problem != NULL && (field == JD_ATTACH_FIELD_KEY || field == JD_ATTACH_FIELD_CERTIFICATE ||
                                                   field == JD_ATTACH_FIELD_PASSPHRASE);
  gboolean location_problem = problem != NULL && (field == JD_ATTACH_FIELD_URL || field == JD_ATTACH_FIELD_SIGNATURE);

  if (problem != self->problem)
    {
      g_free (self->problem);
      self->problem = g_strdup (problem);
    }
  self->problem_field = problem != NULL ? field : JD_ATTACH_FIELD_NONE;

  set_row_error (GTK_WIDGET (self->file_row), problem != NULL && field == JD_ATTACH_FIELD_FILE);
  set_row_error (GTK_WIDGET (self->key_row), problem != NULL && field == JD_ATTACH_FIELD_KEY);
  set_row_error (GTK_WIDGET (self->cert_row), problem != NULL && field == JD_ATTACH_FIELD_CERTIFICATE);
  set_row_error (GTK_WIDGET (self->passphrase_row), problem != NULL && field == JD_ATTACH_FIELD_PASSPHRASE);
  set_row_error (GTK_WIDGET (self->url_row), problem != NULL && field == JD_ATTACH_FIELD_URL);
  set_row_error (GTK_WIDGET (self->signature_row), problem != NULL && field == JD_ATTACH_FIELD_SIGNATURE);

  if (self->can_upload)
    file_words = _("Uploaded to the sandbox’s file store; devices get a presigned URL to it.");
  else if (is_reference (self))
    file_words = _("A file that already has a URL and a signature, for example from AWS Signer.");
  else
    file_words = _("Signed here; put the file at the download URL yourself.");
  if (!uses_own_identity (self))
    identity_words = identity_text = g_strdup_printf (_("Certificate: %s"),
                                                      jd_session_get_codesign_certificate (self->session));
  location_words = _("An https:// URL, or an ${aws:iot:s3-presigned-url:…} placeholder.");

  jd_format_hint (self->file_hint, problem != NULL && field == JD_ATTACH_FIELD_FILE ? problem : file_words,
            problem != NULL && field == JD_ATTACH_FIELD_FILE);
  jd_format_hint (self->identity_hint, identity_problem ? problem : identity_words, identity_problem);
  jd_format_hint (self->location_hint, location_problem ? problem : location_words, location_problem);

  gtk_label_set_label (self->error_label, problem != NULL && field == JD_ATTACH_FIELD_NONE ? problem : "");
  gtk_revealer_set_reveal_child (self->error_revealer, problem != NULL && field == JD_ATTACH_FIELD_NONE);
}

static void
update_visibility (JdAttachFileDialog *self)
{
  gboolean reference = is_reference (self);
  gboolean own = uses_own_identity (self);

  gtk_widget_set_visible (GTK_WIDGET (self->mode_row), !self->can_upload);
  gtk_widget_set_visible (GTK_WIDGET (self->file_row), !reference);
  gtk_widget_set_visible (self->identity_box, !reference);
  gtk_widget_set_visible (GTK_WIDGET (self->identity_row), self->has_sandbox_identity);
  gtk_widget_set_visible (GTK_WIDGET (self->key_row), own);
  gtk_widget_set_visible (GTK_WIDGET (self->cert_row), own);
  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_row), own);
  gtk_widget_set_visible (GTK_WIDGET (self->remember_row), own);
  gtk_widget_set_visible (self->location_box, !self->can_upload);
  gtk_widget_set_visible (GTK_WIDGET (self->signature_row), reference);
  gtk_widget_set_visible (GTK_WIDGET (self->algorithm_row), reference);
  gtk_widget_set_visible (GTK_WIDGET (self->device_path_row), reference);
}

/* The document fragment of "Reference a URL". */
static JsonNode *
build_reference (JdAttachFileDialog *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  g_autofree char *signature = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->signature_row))));
  g_autofree char *path = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->device_path_row))));
  guint index = MIN (adw_combo_row_get_selected (self->algorithm_row), G_N_ELEMENTS (reference_algorithms) - 1);
  JdCodesignAlgorithm algorithm = reference_algorithms[index];

  if (path[0] == '\0')
    {
      const char *last = url_last_segment (url);

      g_free (path);
      path = g_strndup (last, strcspn (last, "?#}"));
    }

  json_builder_begin_object (builder);
  if (current_shape (self) == JD_CODESIGN_SHAPE_AFR_OTA)
    {
      json_builder_set_member_name (builder, "afr_ota");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "protocols");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "HTTP");
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "files");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "filepath");
      json_builder_add_string_value (builder, path);
      json_builder_set_member_name (builder, "fileid");
      json_builder_add_int_value (builder, 0);
      json_builder_set_member_name (builder, "update_data_url");
      json_builder_add_string_value (builder, url);
      json_builder_set_member_name (builder, "auth_scheme");
      json_builder_add_string_value (builder, "aws.s3.presigned");
      json_builder_set_member_name (builder, jd_codesign_algorithm_to_key_name (algorithm));
      json_builder_add_string_value (builder, signature);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "codesign");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "signature");
      json_builder_add_string_value (builder, signature);
      json_builder_set_member_name (builder, "signatureAlgorithm");
      json_builder_add_string_value (builder, jd_codesign_algorithm_to_java_name (algorithm));
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "filepath");
      json_builder_add_string_value (builder, path);
      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* What keeps Attach from starting, at its field; NULL when nothing. */
static char *
check_fields (JdAttachFileDialog *self,
              JdAttachField      *field)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  g_autofree char *stripped_url = g_strstrip (g_strdup (url));

  *field = JD_ATTACH_FIELD_NONE;
  if (!is_reference (self))
    {
      if (self->file == NULL)
        {
          *field = JD_ATTACH_FIELD_FILE;
          return g_strdup (_("Choose the file to sign"));
        }
      if (uses_own_identity (self) && self->key_path == NULL)
        {
          *field = JD_ATTACH_FIELD_KEY;
          return g_strdup (_("Choose the code-signing private key (PEM)"));
        }
      if (uses_own_identity (self) && self->cert_path == NULL)
        {
          *field = JD_ATTACH_FIELD_CERTIFICATE;
          return g_strdup (_("Choose the code-signing certificate (PEM)"));
        }
    }
  if (self->can_upload)
    return NULL;

  if (stripped_url[0] == '\0')
    {
      *field = JD_ATTACH_FIELD_URL;
      return g_strdup (_("Enter the URL devices download the file from"));
    }
  if (!looks_like_url (stripped_url))
    {
      *field = JD_ATTACH_FIELD_URL;
      return g_strdup (_("Not a URL: use https://…, or an ${aws:iot:s3-presigned-url:…} placeholder"));
    }
  if (is_reference (self))
    {
      g_autoptr(JsonNode) fragment = NULL;
      g_autoptr(GPtrArray) files = NULL;
      g_autoptr(GError) error = NULL;

      if (gtk_editable_get_text (GTK_EDITABLE (self->signature_row))[0] == '\0')
        {
          *field = JD_ATTACH_FIELD_SIGNATURE;
          return g_strdup (_("Enter the file’s signature (base64, as AWS Signer gives it)"));
        }
      fragment = build_reference (self);
      files = jd_codesign_find_files (fragment);
      if (files->len == 1 && !jd_codesign_lint_file (g_ptr_array_index (files, 0), &error))
        {
          *field = g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_NO_URL) ? JD_ATTACH_FIELD_URL
                                                                                         : JD_ATTACH_FIELD_SIGNATURE;
          return g_strdup (error->message);
        }
    }
  return NULL;
}

/* Re-checks the fields: Attach is possible when nothing is missing. A
 * field's problem is said once it has content (an empty form is not told
 * off), or after Attach was tried with @insist. */
static void
validate (JdAttachFileDialog *self,
          gboolean            insist)
{
  JdAttachField field;
  g_autofree char *problem = NULL;
  gboolean has_content;

  update_visibility (self);
  if (self->work_problem)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->attach_button), !self->busy);
      return;
    }
  problem = check_fields (self, &field);
  has_content = (field == JD_ATTACH_FIELD_URL && gtk_editable_get_text (GTK_EDITABLE (self->url_row))[0] != '\0') ||
                (field == JD_ATTACH_FIELD_SIGNATURE &&
                 gtk_editable_get_text (GTK_EDITABLE (self->signature_row))[0] != '\0');
  show_problem (self, field, problem != NULL && (insist || has_content) ? problem : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->attach_button), problem == NULL && !self->busy);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->attach_button), problem);
}

static void
set_busy (JdAttachFileDialog *self,
          gboolean            busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->file_row), !busy);
  gtk_widget_set_sensitive (self->identity_box, !busy);
  gtk_widget_set_sensitive (self->location_box, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->shape_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->attach_button), !busy);
  if (busy)
    gtk_widget_set_visible (self->progress_box, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_progress (JdAttachFileDialog *self,
              double              fraction,
              const char         *words)
{
  self->progress = fraction;
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_label_set_label (self->progress_label, words);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

/* The work failed (or was cancelled): nothing was attached. */
static void
work_failed (JdAttachFileDialog *self,
             JdAttachField       field,
             const GError       *error)
{
  set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_progress (self, 0, _("Cancelled; nothing was attached."));
      validate (self, FALSE);
      return;
    }
  gtk_widget_set_visible (self->progress_box, FALSE);
  self->work_problem = TRUE;
  show_problem (self, field, error->message);
  gtk_widget_set_sensitive (GTK_WIDGET (self->attach_button), TRUE);
}

static void
passphrase_stored_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!jd_credentials_store_secret_finish (result, &error))
    g_warning ("The code-signing key’s passphrase was not saved in the keyring: %s", error->message);
}

/* Keeps the passphrase in the keyring, or forgets it, as the switch says.
 * It outlives the dialog: no cancellable. */
static void
remember_passphrase (JdAttachFileDialog *self)
{
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
  gboolean remember = gtk_switch_get_active (self->remember_switch);
  g_autofree char *id = NULL;
  g_autofree char *label = NULL;

  if (!uses_own_identity (self) || self->key_path == NULL)
    return;
  if (!(remember && passphrase[0] != '\0') && !self->passphrase_from_keyring)
    return;
  id = keyring_id (self->key_path);
  label = g_path_get_basename (self->key_path);
  jd_credentials_store_secret_async (id, JD_SECRET_KIND_KEY_PASSPHRASE, label,
                                     remember && passphrase[0] != '\0' ? passphrase : NULL,
                                     NULL, passphrase_stored_cb, NULL);
}

/* Everything worked: the fragment goes to the document, the dialog away. */
static void
work_done (JdAttachFileDialog *self,
           JsonNode           *fragment)
{
  set_busy (self, FALSE);
  remember_passphrase (self);
  g_signal_emit (self, signals[ATTACHED], 0, fragment);
  gtk_window_close (GTK_WINDOW (self));
}

/* The URL goes before the signature, where a reader expects it. */
static void
set_fragment_url (JsonNode   *fragment,
                  const char *url)
{
  JsonObject *root = json_node_get_object (fragment);

  if (json_object_has_member (root, "afr_ota"))
    {
      JsonArray *files = json_object_get_array_member (json_object_get_object_member (root, "afr_ota"), "files");
      JsonObject *entry = json_array_get_object_element (files, 0);
      g_autoptr(JsonObject) rebuilt = json_object_new ();
      g_autoptr(GList) members = json_object_get_members (entry);
      gboolean placed = FALSE;

      for (GList *l = members; l != NULL; l = l->next)
        {
          if (!placed && g_str_has_prefix (l->data, "sig-"))
            {
              json_object_set_string_member (rebuilt, "update_data_url", url);
              json_object_set_string_member (rebuilt, "auth_scheme", "aws.s3.presigned");
              placed = TRUE;
            }
          json_object_set_member (rebuilt, l->data, json_node_copy (json_object_get_member (entry, l->data)));
        }
      if (!placed)
        {
          json_object_set_string_member (rebuilt, "update_data_url", url);
          json_object_set_string_member (rebuilt, "auth_scheme", "aws.s3.presigned");
        }
      json_array_remove_element (files, 0);
      json_array_add_object_element (files, g_steal_pointer (&rebuilt));
    }
  else
    json_object_set_string_member (root, "url", url);
}

/* ---- the work: sign, then upload ---- */

static void
sign_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SignJob *job = task_data;
  g_autoptr(JdSandboxInfo) info = NULL;
  GError *error = NULL;
  const char *key_path = job->key_path;
  const char *cert_path = job->cert_path;
  JsonNode *fragment;

  job->field = JD_ATTACH_FIELD_NONE;
  if (job->sandbox_dir != NULL)
    {
      info = jd_sandbox_info_load (job->sandbox_dir, &error);
      if (info == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (info->codesign_key_path == NULL || info->codesign_certificate_path == NULL)
        {
          g_task_return_new_error (task, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_KEY,
                                   _("The sandbox has no code-signing key; choose your own key and certificate."));
          return;
        }
      key_path = info->codesign_key_path;
      cert_path = info->codesign_certificate_path;
    }

  fragment = jd_codesign_sign_file (job->file_path, key_path, job->passphrase, cert_path,
                                    job->shape, job->url, NULL, &error);
  if (fragment != NULL)
    {
      g_task_return_pointer (task, fragment, (GDestroyNotify) json_node_unref);
      return;
    }
  if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_FILE))
    job->field = JD_ATTACH_FIELD_FILE;
  else if (job->sandbox_dir != NULL)
    job->field = JD_ATTACH_FIELD_NONE;
  else if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_CERTIFICATE))
    job->field = JD_ATTACH_FIELD_CERTIFICATE;
  else if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_BAD_KEY))
    job->field = JD_ATTACH_FIELD_KEY;
  else if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_PASSPHRASE))
    {
      /* Said at the passphrase, in its own words (the core's names the key
       * file, which is shown just above). */
      job->field = JD_ATTACH_FIELD_PASSPHRASE;
      g_clear_error (&error);
      g_set_error_literal (&error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_PASSPHRASE,
                           job->passphrase == NULL ? _("The key is encrypted: enter its passphrase.")
                                                   : _("This passphrase does not open the key."));
    }
  g_task_return_error (task, error);
}

static void
upload_progress_cb (guint64  sent,
                    guint64  total,
                    gpointer user_data)
{
  JdAttachFileDialog *self = user_data;
  g_autofree char *sent_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *words = NULL;

  if (self->disposed)
    return;
  sent_text = g_format_size (sent);
  total_text = g_format_size (total);
  /* Translators: bytes of the file uploaded so far, e.g. "Uploading… 1.2 MB of 5.0 MB" */
  words = g_strdup_printf (_("Uploading… %s of %s"), sent_text, total_text);

  set_progress (self, total > 0 ? (double) sent / (double) total : 1.0, words);
}

typedef struct {
  JdAttachFileDialog *self;
  JsonNode           *fragment;
} Upload;

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Upload *upload = user_data;
  g_autoptr(JdAttachFileDialog) self = upload->self;
  g_autoptr(JsonNode) fragment = upload->fragment;
  g_autoptr(GError) error = NULL;
  g_autofree char *placeholder = jd_file_upload_finish (result, NULL, &error);

  g_free (upload);
  if (self->disposed)
    return;
  if (placeholder == NULL)
    {
      work_failed (self, JD_ATTACH_FIELD_NONE, error);
      return;
    }
  set_fragment_url (fragment, placeholder);
  work_done (self, fragment);
}

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  JdAttachFileDialog *self = JD_ATTACH_FILE_DIALOG (source);
  SignJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) fragment = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *key = NULL;
  JdControlPlane *control_plane;
  Upload *upload;

  if (self->disposed)
    return;
  if (fragment == NULL)
    {
      work_failed (self, job->field, error);
      return;
    }
  if (!self->can_upload)
    {
      work_done (self, fragment);
      return;
    }

  control_plane = jd_session_get_control_plane (self->session);
  if (control_plane == NULL)
    {
      g_autoptr(GError) offline = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_UPLOAD_NO_CREDENTIALS,
                                                       _("Not connected to the sandbox’s control plane: the file cannot be uploaded now."));
      work_failed (self, JD_ATTACH_FIELD_NONE, offline);
      return;
    }
  set_progress (self, 0, _("Uploading…"));
  key = store_key_for (self->file);
  upload = g_new0 (Upload, 1);
  upload->self = g_object_ref (self);
  upload->fragment = g_steal_pointer (&fragment);
  jd_file_upload_async (control_plane, self->file, key, upload_progress_cb, self, NULL,
                        self->cancellable, uploaded_cb, upload);
}

/* ---- keyring ---- */

static void
passphrase_looked_up_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(JdAttachFileDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = jd_credentials_lookup_secret_finish (result, &error);

  if (value == NULL || self->disposed)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No passphrase from the keyring: %s", error->message);
      return;
    }
  self->passphrase_from_keyring = TRUE;
  if (gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row))[0] == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), value);
  gtk_switch_set_active (self->remember_switch, TRUE);
  memset (value, 0, strlen (value));
}

static void
set_key_path (JdAttachFileDialog *self,
              const char         *path)
{
  g_autofree char *id = NULL;

  if (g_strcmp0 (self->key_path, path) == 0)
    return;
  g_free (self->key_path);
  self->key_path = g_strdup (path);
  adw_action_row_set_subtitle (self->key_row, path != NULL ? path : _("None chosen"));
  self->passphrase_from_keyring = FALSE;

  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  if (path == NULL)
    return;
  self->lookup_cancellable = g_cancellable_new ();
  id = keyring_id (path);
  jd_credentials_lookup_secret_async (id, JD_SECRET_KIND_KEY_PASSPHRASE, self->lookup_cancellable,
                                      passphrase_looked_up_cb, g_object_ref (self));
}

static void
set_cert_path (JdAttachFileDialog *self,
               const char         *path)
{
  g_free (self->cert_path);
  self->cert_path = g_strdup (path);
  adw_action_row_set_subtitle (self->cert_row, path != NULL ? path : _("None chosen"));
}

/* ---- signal callbacks ---- */

static void
field_changed_cb (JdAttachFileDialog *self)
{
  self->work_problem = FALSE;
  validate (self, FALSE);
}

static void
chooser_response_cb (JdAttachFileDialog   *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  const char *what = g_object_get_data (G_OBJECT (chooser), "jd-what");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (g_strcmp0 (what, "file") == 0 && file != NULL)
        jd_attach_file_dialog_set_file (self, file);
      else if (g_strcmp0 (what, "key") == 0 && path != NULL)
        jd_attach_file_dialog_set_own_identity (self, path, self->cert_path);
      else if (g_strcmp0 (what, "cert") == 0 && path != NULL)
        jd_attach_file_dialog_set_own_identity (self, self->key_path, path);
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
}

/* ---- actions ---- */

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  JdAttachFileDialog *self = JD_ATTACH_FILE_DIALOG (widget);
  const char *what = g_variant_get_string (parameter, NULL);
  g_autoptr(GtkFileFilter) pem = NULL;
  g_autoptr(GtkFileFilter) all = NULL;
  const char *title;

  if (g_strcmp0 (what, "file") == 0)
    title = _("Choose the File to Sign");
  else if (g_strcmp0 (what, "key") == 0)
    title = _("Choose the Code-Signing Key");
  else if (g_strcmp0 (what, "cert") == 0)
    title = _("Choose the Code-Signing Certificate");
  else
    return;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data_full (G_OBJECT (self->chooser), "jd-what", g_strdup (what), g_free);
  if (g_strcmp0 (what, "file") != 0)
    {
      pem = gtk_file_filter_new ();
      gtk_file_filter_set_name (pem, _("PEM Files"));
      gtk_file_filter_add_pattern (pem, "*.pem");
      gtk_file_filter_add_pattern (pem, "*.crt");
      gtk_file_filter_add_pattern (pem, "*.key");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), pem);
      all = gtk_file_filter_new ();
      gtk_file_filter_set_name (all, _("All Files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
    }
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  JdAttachFileDialog *self = JD_ATTACH_FILE_DIALOG (widget);
  g_autoptr(GTask) task = NULL;
  SignJob *job;

  if (self->busy)
    return;
  self->work_problem = FALSE;
  validate (self, TRUE);
  if (self->problem != NULL)
    {
      gtk_widget_error_bell (widget);
      return;
    }

  if (is_reference (self))
    {
      g_autoptr(JsonNode) fragment = build_reference (self);

      work_done (self, fragment);
      return;
    }

  job = g_new0 (SignJob, 1);
  job->file_path = g_file_get_path (self->file);
  job->shape = current_shape (self);
  if (uses_own_identity (self))
    {
      const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));

      job->key_path = g_strdup (self->key_path);
      job->cert_path = g_strdup (self->cert_path);
      job->passphrase = passphrase[0] != '\0' ? g_strdup (passphrase) : NULL;
    }
  else
    job->sandbox_dir = g_strdup (jd_session_get_sandbox_dir (self->session));
  if (!self->can_upload)
    job->url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  if (job->file_path == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_FILE,
                                                     _("Only a local file can be signed."));
      sign_job_free (job);
      work_failed (self, JD_ATTACH_FIELD_FILE, error);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  set_progress (self, 0, _("Signing…"));
  task = g_task_new (self, self->cancellable, signed_cb, NULL);
  g_task_set_source_tag (task, attach_action);
  g_task_set_task_data (task, job, (GDestroyNotify) sign_job_free);
  g_task_run_in_thread (task, sign_thread);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  JdAttachFileDialog *self = JD_ATTACH_FILE_DIALOG (widget);

  if (self->busy)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* ---- overrides ---- */

static gboolean
jd_attach_file_dialog_close_request (GtkWindow *window)
{
  JdAttachFileDialog *self = JD_ATTACH_FILE_DIALOG (window);

  /* Closing mid-way gives up: nothing reaches the document. */
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (jd_attach_file_dialog_parent_class)->close_request (window);
}

static void
jd_attach_file_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  JdAttachFileDialog *self = JD_ATTACH_FILE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_attach_file_dialog_dispose (GObject *object)
{
  JdAttachFileDialog *self = JD_ATTACH_FILE_DIALOG (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->lookup_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_ATTACH_FILE_DIALOG);

  G_OBJECT_CLASS (jd_attach_file_dialog_parent_class)->dispose (object);
}

static void
jd_attach_file_dialog_finalize (GObject *object)
{
  JdAttachFileDialog *self = JD_ATTACH_FILE_DIALOG (object);

  g_clear_object (&self->session);
  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lookup_cancellable);
  g_free (self->key_path);
  g_free (self->cert_path);
  g_free (self->problem);

  G_OBJECT_CLASS (jd_attach_file_dialog_parent_class)->finalize (object);
}

static void
jd_attach_file_dialog_class_init (JdAttachFileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = jd_attach_file_dialog_get_property;
  object_class->dispose = jd_attach_file_dialog_dispose;
  object_class->finalize = jd_attach_file_dialog_finalize;
  window_class->close_request = jd_attach_file_dialog_close_request;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdAttachFileDialog::attached:
   * @fragment: the document fragment (afr_ota or codesign) of the file
   *
   * The file was signed (and uploaded); the dialog closes next.
   */
  signals[ATTACHED] =
    g_signal_new ("attached",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_NODE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-attach-file-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, attach_button);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, file_hint);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, identity_box);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, identity_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, cert_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, remember_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, identity_hint);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, location_box);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, signature_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, algorithm_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, device_path_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, location_hint);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, shape_row);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, JdAttachFileDialog, progress_label);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);

  gtk_widget_class_install_action (widget_class, "attach.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "attach.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "attach.choose", "s", choose_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "attach.attach", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "attach.cancel", NULL);
}

static void
jd_attach_file_dialog_init (JdAttachFileDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * jd_attach_file_dialog_new:
 * @parent: (nullable): the New Job dialog
 * @session: (nullable): the session the job is made on
 */
JdAttachFileDialog *
jd_attach_file_dialog_new (GtkWindow *parent,
                           JdSession *session)
{
  JdAttachFileDialog *self = g_object_new (JD_TYPE_ATTACH_FILE_DIALOG,
                                           "transient-for", parent,
                                           "modal", parent != NULL,
                                           "destroy-with-parent", TRUE,
                                           NULL);

  if (session != NULL && jd_session_get_is_sandbox (session))
    {
      self->session = g_object_ref (session);
      self->can_upload = TRUE;
      self->has_sandbox_identity = jd_session_get_sandbox_dir (session) != NULL &&
                                   jd_session_get_codesign_certificate (session) != NULL;
    }
  /* Elsewhere, the sandbox's file store and identity mean nothing. */
  validate (self, FALSE);
  return self;
}

gboolean
jd_attach_file_dialog_get_can_upload (JdAttachFileDialog *self)
{
  g_return_val_if_fail (JD_IS_ATTACH_FILE_DIALOG (self), FALSE);
  return self->can_upload;
}

gboolean
jd_attach_file_dialog_get_busy (JdAttachFileDialog *self)
{
  g_return_val_if_fail (JD_IS_ATTACH_FILE_DIALOG (self), FALSE);
  return self->busy;
}

double
jd_attach_file_dialog_get_progress (JdAttachFileDialog *self)
{
  g_return_val_if_fail (JD_IS_ATTACH_FILE_DIALOG (self), 0);
  return self->progress;
}

const char *
jd_attach_file_dialog_get_problem (JdAttachFileDialog *self)
{
  g_return_val_if_fail (JD_IS_ATTACH_FILE_DIALOG (self), NULL);
  return self->problem;
}

JdAttachField
jd_attach_file_dialog_get_problem_field (JdAttachFileDialog *self)
{
  g_return_val_if_fail (JD_IS_ATTACH_FILE_DIALOG (self), JD_ATTACH_FIELD_NONE);
  return self->problem_field;
}

void
jd_attach_file_dialog_set_file (JdAttachFileDialog *self,
                                GFile              *file)
{
  g_autofree char *name = NULL;

  g_return_if_fail (JD_IS_ATTACH_FILE_DIALOG (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  g_set_object (&self->file, file);
  name = file != NULL ? g_file_get_parse_name (file) : NULL;
  adw_action_row_set_subtitle (self->file_row, name != NULL ? name : _("None chosen"));
  adw_combo_row_set_selected (self->mode_row, 0);
  field_changed_cb (self);
}

void
jd_attach_file_dialog_set_own_identity (JdAttachFileDialog *self,
                                        const char         *key_path,
                                        const char         *certificate_path)
{
  g_return_if_fail (JD_IS_ATTACH_FILE_DIALOG (self));

  set_key_path (self, key_path);
  set_cert_path (self, certificate_path);
  adw_combo_row_set_selected (self->identity_row, 1);
  field_changed_cb (self);
}

void
jd_attach_file_dialog_set_passphrase (JdAttachFileDialog *self,
                                      const char         *passphrase)
{
  g_return_if_fail (JD_IS_ATTACH_FILE_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), passphrase != NULL ? passphrase : "");
}

const char *
jd_attach_file_dialog_get_passphrase (JdAttachFileDialog *self)
{
  g_return_val_if_fail (JD_IS_ATTACH_FILE_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row));
}

void
jd_attach_file_dialog_set_remember_passphrase (JdAttachFileDialog *self,
                                               gboolean            remember)
{
  g_return_if_fail (JD_IS_ATTACH_FILE_DIALOG (self));

  gtk_switch_set_active (self->remember_switch, remember);
}

void
jd_attach_file_dialog_set_shape (JdAttachFileDialog *self,
                                 JdCodesignShape     shape)
{
  g_return_if_fail (JD_IS_ATTACH_FILE_DIALOG (self));

  adw_combo_row_set_selected (self->shape_row, shape == JD_CODESIGN_SHAPE_CODESIGN ? 1 : 0);
}

void
jd_attach_file_dialog_set_url (JdAttachFileDialog *self,
                               const char         *url)
{
  g_return_if_fail (JD_IS_ATTACH_FILE_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
}

void
jd_attach_file_dialog_set_reference (JdAttachFileDialog *self,
                                     const char         *url,
                                     const char         *signature)
{
  g_return_if_fail (JD_IS_ATTACH_FILE_DIALOG (self));
  g_return_if_fail (!self->can_upload);

  adw_combo_row_set_selected (self->mode_row, 1);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
  gtk_editable_set_text (GTK_EDITABLE (self->signature_row), signature != NULL ? signature : "");
}
