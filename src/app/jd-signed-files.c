/* jd-signed-files.c — the signed files of a job document and their verdicts
 * (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "jd-codesign.h"
#include "jd-signed-files.h"

struct _JdSignedFiles
{
  AdwPreferencesGroup parent_instance;

  JsonNode           *document;
  GPtrArray          *files;        /* JdSignedFile */
  GPtrArray          *rows;         /* AdwActionRow, one per file */
  char               *certificate_path;
  char               *ca_path;
  JdSignedFilesState  state;
  char               *problem;
  GCancellable       *cancellable;
  GtkWidget          *verify_button;
  GtkWidget          *progress_row;
  GtkProgressBar     *progress_bar;
};

G_DEFINE_FINAL_TYPE (JdSignedFiles, jd_signed_files, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_state (JdSignedFiles      *self,
           JdSignedFilesState  state,
           const char         *problem)
{
  if (problem != self->problem)
    {
      g_free (self->problem);
      self->problem = g_strdup (problem);
    }
  gtk_widget_set_sensitive (self->verify_button,
                            state == JD_SIGNED_FILES_UNCHECKED || state == JD_SIGNED_FILES_FAILED ||
                            state == JD_SIGNED_FILES_VERIFIED);
  gtk_widget_set_visible (self->progress_row, state == JD_SIGNED_FILES_CHECKING);
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
show_verdict (AdwActionRow *row,
              const GError *error,
              gboolean      checked)
{
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "jd-icon");
  g_autofree char *subtitle = NULL;
  const char *verdict;

  if (!checked && error == NULL)
    {
      adw_action_row_set_subtitle (row, _("Not verified yet"));
      gtk_image_set_from_icon_name (GTK_IMAGE (icon), "security-medium-symbolic");
      gtk_widget_remove_css_class (icon, "success");
      gtk_widget_remove_css_class (icon, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Not verified yet"), -1);
      return;
    }

  verdict = jd_codesign_verdict_to_string (jd_codesign_verdict_from_error (error));
  /* Translators: a signed file's verdict, then why, e.g. "Signature invalid — the file is 3 bytes shorter…" */
  subtitle = error != NULL ? g_strdup_printf (_("%s — %s"), verdict, error->message) : g_strdup (verdict);
  adw_action_row_set_subtitle (row, subtitle);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), error == NULL ? "security-high-symbolic" : "dialog-warning-symbolic");
  if (error == NULL)
    {
      gtk_widget_add_css_class (icon, "success");
      gtk_widget_remove_css_class (icon, "error");
    }
  else
    {
      gtk_widget_add_css_class (icon, "error");
      gtk_widget_remove_css_class (icon, "success");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, verdict, -1);
}

static void
clear_rows (JdSignedFiles *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  g_clear_pointer (&self->files, g_ptr_array_unref);
}

/* What can be told without the network: an unsigned or malformed entry. */
static void
lint_rows (JdSignedFiles *self)
{
  g_autofree char *first_problem = NULL;

  for (guint i = 0; i < self->files->len; i++)
    {
      JdSignedFile *file = g_ptr_array_index (self->files, i);
      g_autoptr(GError) error = NULL;

      if (jd_codesign_lint_file (file, &error))
        show_verdict (g_ptr_array_index (self->rows, i), NULL, FALSE);
      else
        {
          show_verdict (g_ptr_array_index (self->rows, i), error, TRUE);
          if (first_problem == NULL)
            first_problem = g_strdup_printf ("%s: %s", jd_signed_file_get_path (file), error->message);
        }
    }
  set_state (self, first_problem != NULL ? JD_SIGNED_FILES_FAILED : JD_SIGNED_FILES_UNCHECKED, first_problem);
}

static void
verified_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(JdSignedFiles) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = jd_codesign_verify_document_finish (result, &error);
  g_autofree char *first_problem = NULL;

  if (results == NULL)
    return;   /* cancelled: a new document, or the widget went */

  for (guint i = 0; i < results->len && i < self->rows->len; i++)
    {
      JdCodesignResult *r = g_ptr_array_index (results, i);

      show_verdict (g_ptr_array_index (self->rows, i), r->error, TRUE);
      if (r->error != NULL && first_problem == NULL)
        first_problem = g_strdup_printf ("%s: %s", jd_signed_file_get_path (r->file), r->error->message);
    }
  g_clear_object (&self->cancellable);
  set_state (self, jd_codesign_results_all_verified (results) ? JD_SIGNED_FILES_VERIFIED : JD_SIGNED_FILES_FAILED,
             first_problem);
}

static void
progress_cb (guint64  received,
             gint64   total,
             gpointer user_data)
{
  JdSignedFiles *self = user_data;
  g_autofree char *text = jd_codesign_format_progress (received, total);

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) received / (double) total);
  else
    gtk_progress_bar_pulse (self->progress_bar);
  gtk_progress_bar_set_text (self->progress_bar, text);
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, received, total);
}

/**
 * jd_signed_files_verify:
 *
 * Downloads and verifies every signed file; the rows show the verdicts.
 */
void
jd_signed_files_verify (JdSignedFiles *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;

  g_return_if_fail (JD_IS_SIGNED_FILES (self));

  if (self->files == NULL || self->files->len == 0 || self->state == JD_SIGNED_FILES_CHECKING)
    return;

  session = jd_codesign_session_new (self->ca_path, &error);
  if (session == NULL)
    {
      set_state (self, JD_SIGNED_FILES_FAILED, error->message);
      return;
    }
  for (guint i = 0; i < self->rows->len; i++)
    adw_action_row_set_subtitle (g_ptr_array_index (self->rows, i), _("Verifying…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  self->cancellable = g_cancellable_new ();
  set_state (self, JD_SIGNED_FILES_CHECKING, NULL);
  jd_codesign_verify_document_async (self->document, session, self->certificate_path,
                                     progress_cb, g_object_ref (self), g_object_unref,
                                     self->cancellable, verified_cb, g_object_ref (self));
}

void
jd_signed_files_set_document (JdSignedFiles *self,
                              JsonNode      *document)
{
  g_return_if_fail (JD_IS_SIGNED_FILES (self));

  if (document != NULL && self->document != NULL && json_node_equal (document, self->document))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_rows (self);
  g_clear_pointer (&self->document, json_node_unref);
  if (document != NULL && JSON_NODE_HOLDS_OBJECT (document))
    {
      self->document = json_node_copy (document);
      self->files = jd_codesign_find_files (self->document);
    }

  if (self->files == NULL || self->files->len == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      set_state (self, JD_SIGNED_FILES_NONE, NULL);
      return;
    }

  for (guint i = 0; i < self->files->len; i++)
    {
      JdSignedFile *file = g_ptr_array_index (self->files, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), jd_signed_file_get_path (file));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      g_object_set_data (G_OBJECT (row), "jd-icon", icon);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  lint_rows (self);
}

void
jd_signed_files_set_trust (JdSignedFiles *self,
                           const char    *certificate_path,
                           const char    *ca_path)
{
  g_return_if_fail (JD_IS_SIGNED_FILES (self));

  if (g_strcmp0 (certificate_path, self->certificate_path) == 0 && g_strcmp0 (ca_path, self->ca_path) == 0)
    return;
  g_free (self->certificate_path);
  self->certificate_path = g_strdup (certificate_path);
  g_free (self->ca_path);
  self->ca_path = g_strdup (ca_path);
  /* Verdicts against other trust no longer hold. */
  if (self->files != NULL && self->files->len > 0)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      lint_rows (self);
    }
}

JdSignedFilesState
jd_signed_files_get_state (JdSignedFiles *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILES (self), JD_SIGNED_FILES_NONE);

  return self->state;
}

const char *
jd_signed_files_get_problem (JdSignedFiles *self)
{
  g_return_val_if_fail (JD_IS_SIGNED_FILES (self), NULL);

  return self->problem;
}

/* ---- GObject ---- */

static void
verify_clicked_cb (JdSignedFiles *self)
{
  jd_signed_files_verify (self);
}

static void
jd_signed_files_dispose (GObject *object)
{
  JdSignedFiles *self = JD_SIGNED_FILES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (jd_signed_files_parent_class)->dispose (object);
}

static void
jd_signed_files_finalize (GObject *object)
{
  JdSignedFiles *self = JD_SIGNED_FILES (object);

  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_ptr_array_unref (self->rows);
  g_clear_pointer (&self->document, json_node_unref);
  g_free (self->certificate_path);
  g_free (self->ca_path);
  g_free (self->problem);
  G_OBJECT_CLASS (jd_signed_files_parent_class)->finalize (object);
}

static void
jd_signed_files_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  JdSignedFiles *self = JD_SIGNED_FILES (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_signed_files_class_init (JdSignedFilesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = jd_signed_files_dispose;
  object_class->finalize = jd_signed_files_finalize;
  object_class->get_property = jd_signed_files_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, JD_SIGNED_FILES_NONE, JD_SIGNED_FILES_FAILED, JD_SIGNED_FILES_NONE,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * JdSignedFiles::progress:
   * @received: bytes of the files downloaded so far
   * @total: bytes in all, or -1 when unknown
   *
   * A verification's download went on (every chunk).
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_INT64);
}

static void
jd_signed_files_init (JdSignedFiles *self)
{
  GtkWidget *box;

  self->rows = g_ptr_array_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Signed Files"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self),
                                         _("A device verifies each file’s code signature before it runs the job"));

  self->verify_button = gtk_button_new_with_mnemonic (_("_Verify"));
  gtk_widget_set_valign (self->verify_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->verify_button,
                               _("Download every signed file and check it against the trusted code-signing certificate"));
  g_signal_connect_swapped (self->verify_button, "clicked", G_CALLBACK (verify_clicked_cb), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self), self->verify_button);

  self->progress_row = adw_preferences_row_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  self->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (self->progress_bar, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Download progress"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress_bar));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->progress_row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->progress_row), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), self->progress_row);
  gtk_widget_set_visible (self->progress_row, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
jd_signed_files_new (void)
{
  return g_object_new (JD_TYPE_SIGNED_FILES, NULL);
}
