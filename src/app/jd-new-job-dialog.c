/* jd-new-job-dialog.c — the New Job dialog.
 *
 * The dialog only collects and validates; the window sends CreateJob and tells
 * the dialog how it went (set_busy, show_create_error, or closing it).
 *
 * Problems are said in words at the field they belong to: a document that is
 * not JSON as "line 3, column 12: expected ',' or '}'" with the spot marked
 * in the editor (jd_json_syntax_check), a target AWS does not know as "Thing
 * Ghost does not exist" under the targets, a taken job id under the job id;
 * AWS's own type and message stay behind Details. Signed-file entries
 * (afr_ota files, codesign objects) are linted as the user types
 * (jd_codesign_lint_file) and said the same way, "files[1]: …"; Attach
 * Signed File… (JdAttachFileDialog) signs, uploads and inserts one.
 *
 * Targets are chosen, never typed (JdTargetPicker: things and thing groups
 * as the control plane lists them); fleet settings are in "Rollout and
 * Safety" (JdJobSettings), checked by the core's rules. CONTINUOUS is only
 * offered with a thing group among the targets: it is what makes a job reach
 * things that join a group later, and with things alone it never differs
 * from SNAPSHOT. jd_new_job_dialog_create_async() sends it all with
 * CreateJob (thing and group ARNs mixed, the settings in AWS's shapes).
 *
 * A job template (JdTemplateChooser: the account's, or AWS's managed ones)
 * takes the place of the document: its preview is shown read-only instead
 * of the editor, a managed one's parameters are a form checked by the core,
 * and Create sends CreateJob with jobTemplateArn. That call carries no
 * settings (the template's apply), so "Rollout and Safety" and Target
 * Selection are insensitive and say why while a template is chosen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <json-glib/json-glib.h>

#include "jd-attach-file-dialog.h"
#include "jd-aws-error.h"
#include "jd-codesign.h"
#include "jd-control-plane.h"
#include "jd-jobs-error.h"
#include "jd-format.h"
#include "jd-job-settings.h"
#include "jd-json-syntax.h"
#include "jd-new-job-dialog.h"
#include "jd-target-picker.h"
#include "jd-template-chooser.h"
#include "jd-topic.h"
#include "jd-window.h"

#define ERROR_TAG "jd-syntax-error"
/* FreeRTOS OTA's limit on afr_ota.files. */
#define AFR_OTA_MAX_FILES 10

struct _JdNewJobDialog
{
  AdwWindow        parent_instance;

  char            *problem;
  gboolean         busy;
  /* nullable: what Attach Signed File… signs with and uploads to */
  JdSession       *session;
  /* What CreateJob said about a field, until that field changes. */
  char            *server_job_id_problem;
  char            *server_targets_problem;
  /* What the settings came to at the last validation. */
  JdJobConfig     *config;
  GCancellable    *cancellable;
  gboolean         validating;

  /* Template children */
  GtkButton       *create_button;
  GtkRevealer     *error_revealer;
  GtkLabel        *error_label;
  GtkExpander     *error_details_expander;
  GtkLabel        *error_details_label;
  GtkLabel        *targets_hint;
  AdwEntryRow     *job_id_row;
  GtkLabel        *job_id_hint;
  AdwEntryRow     *description_row;
  JdTargetPicker  *target_picker;
  AdwComboRow     *selection_row;
  JdJobSettings   *job_settings;
  GtkSourceView   *document_view;
  GtkLabel        *document_hint;
  GtkMenuButton   *templates_button;
  JdTemplateChooser *template_chooser;
  GtkWidget       *document_box;
  GtkLabel        *template_settings_hint;
};

G_DEFINE_FINAL_TYPE (JdNewJobDialog, jd_new_job_dialog, ADW_TYPE_WINDOW)

enum {
  CREATE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Job documents people start from: the JobsSandbox sample's, and AWS's usual
 * operations. Keys are the template action targets. */
static const struct {
  const char *id;
  const char *document;
} templates[] = {
  { "reboot", "{\n  \"Todo\": \"Reboot\"\n}" },
  { "operation", "{\n  \"operation\": \"reboot\"\n}" },
  { "download",
    "{\n  \"operation\": \"download\",\n  \"files\": [\n    {\n      \"fileName\": \"firmware.bin\",\n"
    "      \"url\": \"https://example.com/firmware.bin\"\n    }\n  ]\n}" },
  { "install",
    "{\n  \"operation\": \"install\",\n  \"packageName\": \"agent\",\n  \"version\": \"1.2.3\"\n}" },
  { "config",
    "{\n  \"operation\": \"config\",\n  \"settings\": {\n    \"reportIntervalSeconds\": 60\n  }\n}" },
};

static char *
dup_document_text (JdNewJobDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->document_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
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

static const char *
syntax_problem_words (JdJsonSyntaxProblem problem)
{
  switch (problem)
    {
    case JD_JSON_SYNTAX_EMPTY:
      return _("the document is empty");
    case JD_JSON_SYNTAX_EXPECTED_VALUE:
      return _("expected a value");
    case JD_JSON_SYNTAX_EXPECTED_NAME:
      return _("expected a name in double quotes");
    case JD_JSON_SYNTAX_EXPECTED_COLON:
      return _("expected ':' after the name");
    case JD_JSON_SYNTAX_EXPECTED_OBJECT_END:
      return _("expected ',' or '}'");
    case JD_JSON_SYNTAX_EXPECTED_ARRAY_END:
      return _("expected ',' or ']'");
    case JD_JSON_SYNTAX_TRAILING_COMMA:
      return _("a comma with nothing after it");
    case JD_JSON_SYNTAX_UNTERMINATED_STRING:
      return _("this text in quotes is not closed");
    case JD_JSON_SYNTAX_INVALID_ESCAPE:
      return _("not a valid escape after '\\'");
    case JD_JSON_SYNTAX_CONTROL_CHARACTER:
      return _("a tab or control character inside quotes");
    case JD_JSON_SYNTAX_INVALID_NUMBER:
      return _("not a valid number");
    case JD_JSON_SYNTAX_INVALID_LITERAL:
      return _("expected a value (true, false and null are written in lower case)");
    case JD_JSON_SYNTAX_TRAILING_TEXT:
      return _("more text after the end of the document");
    case JD_JSON_SYNTAX_TOO_DEEP:
      return _("nested too deeply");
    case JD_JSON_SYNTAX_INVALID_UTF8:
      return _("not valid UTF-8 text");
    case JD_JSON_SYNTAX_OK:
    default:
      return "";
    }
}

/* Marks the spot of @syntax in the editor (the character there, or the line
 * end), or clears the mark when %NULL. */
static void
mark_syntax_error (JdNewJobDialog          *self,
                   const JdJsonSyntaxError *syntax)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->document_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, ERROR_TAG, &start, &end);
  if (syntax == NULL)
    return;

  gtk_text_buffer_get_iter_at_line_offset (buffer, &start, (int) syntax->line - 1, (int) syntax->column - 1);
  end = start;
  if (gtk_text_iter_ends_line (&end) || !gtk_text_iter_forward_char (&end))
    {
      /* At a line's end: mark the last character before it. */
      if (!gtk_text_iter_starts_line (&start))
        gtk_text_iter_backward_char (&start);
      else
        gtk_text_iter_forward_to_line_end (&end);
    }
  gtk_text_buffer_apply_tag_by_name (buffer, ERROR_TAG, &start, &end);
}

/* Marks @value (a string of the document, as typed) in the editor, when it
 * appears there verbatim. */
static void
mark_text (JdNewJobDialog *self,
           const char     *text,
           const char     *value)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->document_view));
  g_autofree char *quoted = NULL;
  const char *found;
  GtkTextIter start, end;

  if (value == NULL || value[0] == '\0')
    return;
  quoted = g_strdup_printf ("\"%s\"", value);
  found = strstr (text, quoted);
  if (found == NULL)
    return;
  gtk_text_buffer_get_iter_at_offset (buffer, &start, (int) g_utf8_pointer_to_offset (text, found + 1));
  gtk_text_buffer_get_iter_at_offset (buffer, &end,
                                      (int) g_utf8_pointer_to_offset (text, found + 1 + strlen (value)));
  gtk_text_buffer_apply_tag_by_name (buffer, ERROR_TAG, &start, &end);
}

/* What is wrong with the document's signed-file entries, the first one
 * found, as "files[1]: …" (afr_ota) or "codesign: …"; NULL when every entry
 * holds. An unsigned entry is not an error (a test of a device's refusal may
 * want one): it comes back in @note. */
static char *
lint_signed_files (JdNewJobDialog  *self,
                   const char      *text,
                   JsonNode        *root,
                   char           **note,
                   guint           *n_files)
{
  g_autoptr(GPtrArray) files = jd_codesign_find_files (root);
  guint afr_index = 0;

  *n_files = files->len;
  for (guint i = 0; i < files->len; i++)
    {
      JdSignedFile *file = g_ptr_array_index (files, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *where = NULL;

      if (jd_signed_file_get_shape (file) == JD_CODESIGN_SHAPE_AFR_OTA)
        where = g_strdup_printf ("files[%u]", afr_index++);
      else
        where = g_strdup ("codesign");

      if (jd_codesign_lint_file (file, &error))
        continue;
      if (g_error_matches (error, JD_JOBS_ERROR, JD_JOBS_ERROR_CODESIGN_UNSIGNED))
        {
          if (*note == NULL)
            /* Translators: %s is where the entry is, e.g. "files[0]" */
            *note = g_strdup_printf (_("%s: not signed; a device that checks signatures rejects it"), where);
          continue;
        }
      mark_text (self, text, jd_signed_file_get_signature (file));
      /* Translators: where the signed-file entry is ("files[1]" or
       * "codesign") and what is wrong with it */
      return g_strdup_printf (_("%s: %s"), where, error->message);
    }
  return NULL;
}

/* Checks the document being written (no template chosen), says how it is
 * at the editor, and returns its problem, NULL when there is none. */
static char *
validate_document (JdNewJobDialog *self)
{
  g_autofree char *document = dup_document_text (self);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  JdJsonSyntaxError syntax;
  g_autofree char *document_problem = NULL;
  g_autofree char *document_note = NULL;
  g_autofree char *valid_words = NULL;
  guint n_files = 0;

  mark_syntax_error (self, NULL);
  /* Not g_strstrip(): the spot of a syntax error is counted in the text as typed. */
  if (strspn (document, " \t\r\n") == strlen (document))
    document_problem = g_strdup (_("Enter a job document"));
  else if (!jd_json_syntax_check (document, -1, &syntax))
    {
      /* Translators: where a job document stops being JSON and what belongs
       * there, e.g. "line 3, column 12: expected ',' or '}'" */
      document_problem = g_strdup_printf (_("line %u, column %u: %s"), syntax.line, syntax.column,
                                          syntax_problem_words (syntax.problem));
      mark_syntax_error (self, &syntax);
    }
  else if (!json_parser_load_from_data (parser, document, -1, &json_error))
    document_problem = g_strdup_printf (_("Not valid JSON: %s"), json_error->message);
  else if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    document_problem = g_strdup (_("A job document is a JSON object: { … }"));
  else if (strlen (document) > 32768)
    document_problem = g_strdup (_("A job document has at most 32 KB"));
  else
    document_problem = lint_signed_files (self, document, json_parser_get_root (parser), &document_note, &n_files);

  if (document_problem == NULL && document_note == NULL && n_files > 0)
    /* Translators: the document is fine and holds this many signed-file entries */
    valid_words = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Valid JSON · %u signed file",
                                                "Valid JSON · %u signed files", n_files), n_files);
  gtk_label_set_label (self->document_hint, document_problem ? document_problem
                                            : document_note ? document_note
                                            : valid_words ? valid_words : _("Valid JSON"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->document_hint), "warning");
  if (document_problem == NULL && document_note != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->document_hint), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->document_hint), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->document_hint), "warning");
    }
  else if (document_problem != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->document_hint), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->document_hint), "success");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->document_hint), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->document_hint), "success");
    }
  return g_steal_pointer (&document_problem);
}

/* Validates every field; the first problem is kept for the Create button's
 * tooltip, and each field shows its own. */
static void
validate (JdNewJobDialog *self)
{
  const char *job_id = gtk_editable_get_text (GTK_EDITABLE (self->job_id_row));
  JdTemplateKind template_kind = jd_template_chooser_get_kind (self->template_chooser);
  guint n_things = jd_target_picker_get_n_chosen (self->target_picker, JD_TARGET_KIND_THING);
  guint n_groups = jd_target_picker_get_n_chosen (self->target_picker, JD_TARGET_KIND_GROUP);
  const char *settings_problem = NULL;
  const char *job_id_problem = NULL;
  g_autofree char *document_problem = NULL;
  g_autofree char *targets_problem = NULL;

  if (job_id[0] == '\0')
    job_id_problem = _("Enter a job id");
  else if (strlen (job_id) > JD_TOPIC_JOB_ID_MAX)
    job_id_problem = _("A job id has at most 64 characters");
  else if (!jd_topic_is_valid_job_id (job_id, -1))
    job_id_problem = _("Use only letters, digits, “-” and “_”");
  else if (self->server_job_id_problem != NULL)
    job_id_problem = self->server_job_id_problem;

  gtk_label_set_label (self->job_id_hint, job_id_problem ? job_id_problem
                                                        : _("Letters, digits, “-” and “_”; unique in the account"));
  set_row_error (GTK_WIDGET (self->job_id_row), job_id_problem != NULL && job_id[0] != '\0');
  jd_format_hint_style (self->job_id_hint, job_id_problem != NULL && job_id[0] != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->job_id_hint), TRUE);

  if (template_kind == JD_TEMPLATE_KIND_NONE)
    document_problem = validate_document (self);
  else if (jd_template_chooser_get_problem (self->template_chooser) != NULL)
    document_problem = g_strdup (jd_template_chooser_get_problem (self->template_chooser));

  if (n_things + n_groups == 0)
    targets_problem = g_strdup (_("Choose at least one thing or thing group"));
  else if (self->server_targets_problem != NULL)
    targets_problem = g_strdup (self->server_targets_problem);
  /* Only what needs saying: not "Choose at least one…" before anything is chosen. */
  gtk_label_set_label (self->targets_hint, targets_problem);
  gtk_widget_set_visible (GTK_WIDGET (self->targets_hint), targets_problem != NULL && n_things + n_groups > 0);

  /* CONTINUOUS only means something with a group among the targets; a job
   * from a template is sent without a target selection (SNAPSHOT). */
  if ((n_groups == 0 || template_kind != JD_TEMPLATE_KIND_NONE)
      && adw_combo_row_get_selected (self->selection_row) != 0)
    adw_combo_row_set_selected (self->selection_row, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->selection_row), n_groups > 0 && template_kind == JD_TEMPLATE_KIND_NONE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->selection_row),
                               template_kind != JD_TEMPLATE_KIND_NONE
                               ? _("A job made from a template is a snapshot job here")
                               : n_groups == 0 ? _("Continuous needs a thing group among the targets")
                               : adw_combo_row_get_selected (self->selection_row) == 1
                                 ? _("Things that join a target group later run the job too")
                                 : _("Snapshot jobs complete when every target is done"));

  /* CreateJob from a template (jd_control_plane_create_job_from_template_async)
   * sends no settings: the template's own apply, so these are not asked. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->job_settings), template_kind == JD_TEMPLATE_KIND_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->template_settings_hint), template_kind != JD_TEMPLATE_KIND_NONE);
  g_clear_pointer (&self->config, jd_job_config_free);
  self->config = jd_job_settings_validate (self->job_settings, g_get_real_time () / G_USEC_PER_SEC);
  if (self->config == NULL && template_kind == JD_TEMPLATE_KIND_NONE)
    settings_problem = jd_job_settings_get_problem (self->job_settings);

  g_clear_pointer (&self->problem, g_free);
  if (job_id_problem != NULL)
    self->problem = g_strdup (job_id_problem);
  else if (document_problem != NULL)
    self->problem = g_steal_pointer (&document_problem);
  else if (targets_problem != NULL)
    self->problem = g_steal_pointer (&targets_problem);
  else if (settings_problem != NULL)
    self->problem = g_strdup (settings_problem);

  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), self->problem == NULL && !self->busy);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->create_button), self->problem);
}

static void
field_changed_cb (JdNewJobDialog *self)
{
  /* validate() may switch Target Selection back, which lands here again. */
  if (self->validating)
    return;
  self->validating = TRUE;
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  g_clear_pointer (&self->server_job_id_problem, g_free);
  g_clear_pointer (&self->server_targets_problem, g_free);
  validate (self);
  self->validating = FALSE;
}

static void
template_changed_cb (JdNewJobDialog    *self,
                     JdTemplateChooser *chooser)
{
  /* A template brings its document: the editor gives way to its preview. */
  gtk_widget_set_visible (self->document_box,
                          jd_template_chooser_get_kind (chooser) == JD_TEMPLATE_KIND_NONE);
  field_changed_cb (self);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  JdNewJobDialog *self = JD_NEW_JOB_DIALOG (widget);

  validate (self);
  if (self->problem != NULL || self->busy)
    {
      gtk_widget_error_bell (widget);
      /* Take the keyboard to a fleet setting that is refused. */
      if (self->problem != NULL && g_strcmp0 (self->problem, jd_job_settings_get_problem (self->job_settings)) == 0)
        jd_job_settings_focus_problem (self->job_settings);
      return;
    }

  g_signal_emit (self, signals[CREATE_REQUESTED], 0);
}

static void
format_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  JdNewJobDialog *self = JD_NEW_JOB_DIALOG (widget);
  g_autofree char *document = dup_document_text (self);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *pretty = NULL;

  if (!json_parser_load_from_data (parser, document, -1, NULL))
    {
      gtk_widget_error_bell (widget);
      return;
    }

  pretty = jd_format_json_pretty (json_parser_get_root (parser));
  jd_new_job_dialog_set_document (self, pretty);
}

static void
template_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  JdNewJobDialog *self = JD_NEW_JOB_DIALOG (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    if (g_strcmp0 (templates[i].id, id) == 0)
      jd_new_job_dialog_set_document (self, templates[i].document);
}

static void
signed_file_attached_cb (JdNewJobDialog     *self,
                         JsonNode           *fragment,
                         JdAttachFileDialog *dialog)
{
  g_autoptr(GError) error = NULL;

  if (!jd_new_job_dialog_insert_signed_file (self, fragment, &error))
    jd_new_job_dialog_show_error (self, error->message);
}

static void
attach_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  JdNewJobDialog *self = JD_NEW_JOB_DIALOG (widget);
  g_autofree char *document = dup_document_text (self);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JdAttachFileDialog *dialog;

  /* The file goes into the document: it has to be one first. */
  if (!json_parser_load_from_data (parser, document, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      gtk_widget_error_bell (widget);
      gtk_widget_grab_focus (GTK_WIDGET (self->document_view));
      return;
    }

  dialog = jd_attach_file_dialog_new (GTK_WINDOW (self), self->session);
  g_signal_connect_object (dialog, "attached", G_CALLBACK (signed_file_attached_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
jd_new_job_dialog_dispose (GObject *object)
{
  JdNewJobDialog *self = JD_NEW_JOB_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_NEW_JOB_DIALOG);

  G_OBJECT_CLASS (jd_new_job_dialog_parent_class)->dispose (object);
}

static void
jd_new_job_dialog_finalize (GObject *object)
{
  JdNewJobDialog *self = JD_NEW_JOB_DIALOG (object);

  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->server_job_id_problem, g_free);
  g_clear_pointer (&self->server_targets_problem, g_free);
  g_clear_pointer (&self->config, jd_job_config_free);

  G_OBJECT_CLASS (jd_new_job_dialog_parent_class)->finalize (object);
}

static void
jd_new_job_dialog_class_init (JdNewJobDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_new_job_dialog_dispose;
  object_class->finalize = jd_new_job_dialog_finalize;

  /**
   * JdNewJobDialog::create-requested:
   *
   * The user asked to create the job and every field is valid.
   */
  signals[CREATE_REQUESTED] =
    g_signal_new ("create-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_source_init ();
  g_type_ensure (JD_TYPE_TARGET_PICKER);
  g_type_ensure (JD_TYPE_JOB_SETTINGS);
  g_type_ensure (JD_TYPE_TEMPLATE_CHOOSER);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-new-job-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, error_details_expander);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, error_details_label);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, targets_hint);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, job_id_row);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, job_id_hint);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, target_picker);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, selection_row);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, job_settings);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, document_view);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, document_hint);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, templates_button);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, template_chooser);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, document_box);
  gtk_widget_class_bind_template_child (widget_class, JdNewJobDialog, template_settings_hint);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, template_changed_cb);

  gtk_widget_class_install_action (widget_class, "job.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "job.format", NULL, format_action);
  gtk_widget_class_install_action (widget_class, "job.template", "s", template_action);
  gtk_widget_class_install_action (widget_class, "job.attach-file", NULL, attach_file_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "job.create", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "job.format", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
jd_new_job_dialog_init (JdNewJobDialog *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  jd_format_json_view (self->document_view);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->document_view));
  gtk_text_buffer_create_tag (buffer, ERROR_TAG,
                              "underline", PANGO_UNDERLINE_ERROR,
                              "underline-rgba", &(GdkRGBA) { 0.88, 0.11, 0.14, 1.0 },
                              "background-rgba", &(GdkRGBA) { 0.88, 0.11, 0.14, 0.25 },
                              NULL);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);

  jd_new_job_dialog_set_document (self, templates[0].document);
  validate (self);
}

/**
 * jd_new_job_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @default_thing: (nullable): the thing the job targets unless the user says otherwise
 */
JdNewJobDialog *
jd_new_job_dialog_new (GtkWindow  *parent,
                       const char *default_thing)
{
  JdNewJobDialog *self = g_object_new (JD_TYPE_NEW_JOB_DIALOG,
                                       "transient-for", parent,
                                       "modal", parent != NULL,
                                       NULL);

  if (default_thing != NULL)
    jd_target_picker_choose (self->target_picker, JD_TARGET_KIND_THING, default_thing);
  /* The window's session says where Attach Signed File… uploads to. */
  if (parent != NULL && JD_IS_WINDOW (parent))
    jd_new_job_dialog_set_session (self, jd_window_get_session (JD_WINDOW (parent)));

  return self;
}

/**
 * jd_new_job_dialog_set_session:
 * @session: (nullable): the session jobs are created on
 *
 * Attach Signed File… offers the sandbox's file store and code-signing
 * identity when @session is a sandbox's; otherwise a signed file is
 * referenced by its URL.
 */
void
jd_new_job_dialog_set_session (JdNewJobDialog *self,
                               JdSession      *session)
{
  g_return_if_fail (JD_IS_NEW_JOB_DIALOG (self));
  g_return_if_fail (session == NULL || JD_IS_SESSION (session));

  g_set_object (&self->session, session);
  jd_target_picker_set_session (self->target_picker, session);
  jd_template_chooser_set_session (self->template_chooser, session);
}

/* @fragment's afr_ota files appended to @root's afr_ota.files (made when
 * missing). */
static gboolean
insert_afr_ota (JsonObject  *root,
                JsonObject  *fragment,
                GError     **error)
{
  JsonObject *incoming = json_object_get_object_member (fragment, "afr_ota");
  JsonArray *new_files = json_object_get_array_member (incoming, "files");
  JsonNode *existing = json_object_get_member (root, "afr_ota");
  JsonObject *afr_ota;
  JsonArray *files;

  if (existing == NULL)
    {
      json_object_set_member (root, "afr_ota", json_node_copy (json_object_get_member (fragment, "afr_ota")));
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (existing))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The document’s “afr_ota” is not an object; the file was not added."));
      return FALSE;
    }
  afr_ota = json_node_get_object (existing);
  if (!json_object_has_member (afr_ota, "protocols"))
    json_object_set_member (afr_ota, "protocols", json_node_copy (json_object_get_member (incoming, "protocols")));
  if (!json_object_has_member (afr_ota, "files"))
    json_object_set_array_member (afr_ota, "files", json_array_new ());
  if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (afr_ota, "files")))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The document’s “afr_ota.files” is not a list; the file was not added."));
      return FALSE;
    }
  files = json_object_get_array_member (afr_ota, "files");
  if (json_array_get_length (files) + json_array_get_length (new_files) > AFR_OTA_MAX_FILES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("An afr_ota job has at most %u files; the file was not added."), AFR_OTA_MAX_FILES);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (new_files); i++)
    {
      JsonNode *entry = json_node_copy (json_array_get_element (new_files, i));

      /* Each file of a job has its own id, counted from 0. */
      if (JSON_NODE_HOLDS_OBJECT (entry))
        json_object_set_int_member (json_node_get_object (entry), "fileid", json_array_get_length (files));
      json_array_add_element (files, entry);
    }
  return TRUE;
}

/**
 * jd_new_job_dialog_insert_signed_file:
 * @fragment: what jd_codesign_sign_file() returns (either shape)
 *
 * Puts a signed file into the document being edited: for afr_ota a new
 * entry of afr_ota.files (the afr_ota object made if needed), for codesign
 * the fragment's members at the top of the document. The document is then
 * indented anew. Fails, leaving the document as it was, when the document is
 * not a JSON object or has no room for the file.
 */
gboolean
jd_new_job_dialog_insert_signed_file (JdNewJobDialog  *self,
                                      JsonNode        *fragment,
                                      GError         **error)
{
  g_autofree char *document = NULL;
  g_autofree char *pretty = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonObject *incoming;

  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), FALSE);
  g_return_val_if_fail (fragment != NULL && JSON_NODE_HOLDS_OBJECT (fragment), FALSE);

  document = dup_document_text (self);
  if (!json_parser_load_from_data (parser, document, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The job document is not a JSON object; the file was not added."));
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  incoming = json_node_get_object (fragment);

  if (json_object_has_member (incoming, "afr_ota"))
    {
      if (!insert_afr_ota (root, incoming, error))
        return FALSE;
    }
  else
    {
      g_autoptr(GList) members = NULL;

      if (json_object_has_member (root, "codesign"))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _("The document already has a “codesign” object; for more than one file use the afr_ota shape."));
          return FALSE;
        }
      members = json_object_get_members (incoming);
      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (root, l->data, json_node_copy (json_object_get_member (incoming, l->data)));
    }

  pretty = jd_format_json_pretty (json_parser_get_root (parser));
  jd_new_job_dialog_set_document (self, pretty);
  return TRUE;
}

gboolean
jd_new_job_dialog_is_valid (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), FALSE);

  validate (self);
  return self->problem == NULL;
}

/**
 * jd_new_job_dialog_get_problem:
 *
 * Returns: (nullable): why the job cannot be created yet, in words
 */
const char *
jd_new_job_dialog_get_problem (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  return self->problem;
}

char *
jd_new_job_dialog_dup_job_id (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->job_id_row)));
}

/**
 * jd_new_job_dialog_dup_document:
 *
 * Returns: the document as compact JSON, as CreateJob sends it
 */
char *
jd_new_job_dialog_dup_document (JdNewJobDialog *self)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  text = dup_document_text (self);
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return g_steal_pointer (&text);

  return json_to_string (json_parser_get_root (parser), FALSE);
}

/**
 * jd_new_job_dialog_dup_description:
 *
 * Returns: (nullable): the description, or %NULL when empty
 */
char *
jd_new_job_dialog_dup_description (JdNewJobDialog *self)
{
  const char *text;

  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  text = gtk_editable_get_text (GTK_EDITABLE (self->description_row));
  return text[0] != '\0' ? g_strdup (text) : NULL;
}

/**
 * jd_new_job_dialog_dup_targets:
 *
 * Returns: (transfer full): the names of the chosen things (not groups)
 */
GStrv
jd_new_job_dialog_dup_targets (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  return jd_target_picker_dup_names (self->target_picker, JD_TARGET_KIND_THING);
}

/**
 * jd_new_job_dialog_dup_groups:
 *
 * Returns: (transfer full): the names of the chosen thing groups
 */
GStrv
jd_new_job_dialog_dup_groups (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  return jd_target_picker_dup_names (self->target_picker, JD_TARGET_KIND_GROUP);
}

/**
 * jd_new_job_dialog_dup_target_arns:
 *
 * Returns: (transfer full) (nullable): every chosen thing's and group's
 *   ARN, as CreateJob targets them; %NULL while the account is not known
 */
GStrv
jd_new_job_dialog_dup_target_arns (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  return jd_target_picker_dup_arns (self->target_picker);
}

/**
 * jd_new_job_dialog_get_target_picker:
 *
 * Returns: (transfer none): the things and groups to choose from
 */
JdTargetPicker *
jd_new_job_dialog_get_target_picker (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  return self->target_picker;
}

/**
 * jd_new_job_dialog_get_template_chooser:
 *
 * Returns: (transfer none): the job template, if any, and its parameters
 */
JdTemplateChooser *
jd_new_job_dialog_get_template_chooser (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  return self->template_chooser;
}

/**
 * jd_new_job_dialog_get_settings:
 *
 * Returns: (transfer none): "Rollout and Safety"
 */
JdJobSettings *
jd_new_job_dialog_get_settings (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  return self->job_settings;
}

/**
 * jd_new_job_dialog_dup_config:
 *
 * Returns: (transfer full) (nullable): the fleet settings as the core read
 *   them, %NULL while they are refused
 */
JdJobConfig *
jd_new_job_dialog_dup_config (JdNewJobDialog *self)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);

  body = jd_job_settings_build (self->job_settings);
  return jd_job_config_parse (json_node_get_object (body), g_get_real_time () / G_USEC_PER_SEC, NULL);
}

gboolean
jd_new_job_dialog_get_continuous (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), FALSE);

  return adw_combo_row_get_selected (self->selection_row) == 1 &&
         jd_target_picker_get_n_chosen (self->target_picker, JD_TARGET_KIND_GROUP) > 0;
}

void
jd_new_job_dialog_set_continuous (JdNewJobDialog *self,
                                  gboolean        continuous)
{
  g_return_if_fail (JD_IS_NEW_JOB_DIALOG (self));

  adw_combo_row_set_selected (self->selection_row, continuous ? 1 : 0);
  validate (self);
}

/**
 * jd_new_job_dialog_get_timeout_minutes:
 *
 * Returns: the in-progress timeout in minutes, or 0 for none
 */
guint
jd_new_job_dialog_get_timeout_minutes (JdNewJobDialog *self)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), 0);

  return (guint) jd_job_settings_get_timeout (self->job_settings);
}

void
jd_new_job_dialog_set_job_id (JdNewJobDialog *self,
                              const char     *job_id)
{
  g_return_if_fail (JD_IS_NEW_JOB_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->job_id_row), job_id ? job_id : "");
}

/**
 * jd_new_job_dialog_set_targets:
 * @targets: (nullable): thing names separated by commas or spaces
 *
 * Chooses exactly these things (and no group) as the targets.
 */
void
jd_new_job_dialog_set_targets (JdNewJobDialog *self,
                               const char     *targets)
{
  g_auto(GStrv) parts = NULL;

  g_return_if_fail (JD_IS_NEW_JOB_DIALOG (self));

  jd_target_picker_clear (self->target_picker);
  parts = g_strsplit_set (targets ? targets : "", ", \t\n", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      jd_target_picker_choose (self->target_picker, JD_TARGET_KIND_THING, parts[i]);
}

void
jd_new_job_dialog_set_document (JdNewJobDialog *self,
                                const char     *document)
{
  GtkTextBuffer *buffer;

  g_return_if_fail (JD_IS_NEW_JOB_DIALOG (self));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->document_view));
  gtk_text_buffer_set_text (buffer, document ? document : "", -1);
}

/**
 * jd_new_job_dialog_set_busy:
 *
 * While busy (CreateJob in flight) the Create button is insensitive.
 */
void
jd_new_job_dialog_set_busy (JdNewJobDialog *self,
                            gboolean        busy)
{
  g_return_if_fail (JD_IS_NEW_JOB_DIALOG (self));

  self->busy = !!busy;
  validate (self);
}

/**
 * jd_new_job_dialog_show_error:
 * @message: what went wrong, in words (AWS's code and message)
 *
 * Shows a failure at the top of the dialog; nothing the user typed is lost.
 */
void
jd_new_job_dialog_show_error (JdNewJobDialog *self,
                              const char     *message)
{
  g_return_if_fail (JD_IS_NEW_JOB_DIALOG (self));

  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_details_expander), FALSE);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* The target @message is about, if it names one of @targets as a word. */
static const char *
target_named_in (const char        *message,
                 const char *const *targets)
{
  for (guint i = 0; message != NULL && targets[i] != NULL; i++)
    {
      gsize len = strlen (targets[i]);

      for (const char *p = strstr (message, targets[i]); p != NULL; p = strstr (p + 1, targets[i]))
        {
          gboolean starts = p == message || !(g_ascii_isalnum (p[-1]) || strchr ("_-:", p[-1]) != NULL);
          gboolean ends = !(g_ascii_isalnum (p[len]) || strchr ("_-:", p[len]) != NULL);

          if (starts && ends)
            return targets[i];
        }
    }
  return NULL;
}

/**
 * jd_new_job_dialog_show_create_error:
 * @error: why CreateJob failed
 *
 * Says it at the field it is about when it is about one (an unknown target,
 * a job id in use), otherwise at the top; AWS's type, message and HTTP
 * status go behind Details. Nothing the user typed is lost.
 */
void
jd_new_job_dialog_show_create_error (JdNewJobDialog *self,
                                     const GError   *error)
{
  const char *aws_type;
  const char *aws_message;
  g_autofree char *details = NULL;
  g_auto(GStrv) targets = NULL;
  const char *target;
  const char *summary;
  gboolean is_group = FALSE;

  g_return_if_fail (JD_IS_NEW_JOB_DIALOG (self));
  g_return_if_fail (error != NULL);

  aws_type = jd_control_plane_error_get_aws_type (error);
  aws_message = jd_control_plane_error_get_aws_message (error);
  details = jd_aws_error_details (error);
  targets = jd_new_job_dialog_dup_targets (self);
  target = target_named_in (aws_message, (const char *const *) targets);
  if (target == NULL)
    {
      g_strfreev (targets);
      targets = jd_new_job_dialog_dup_groups (self);
      target = target_named_in (aws_message, (const char *const *) targets);
      is_group = target != NULL;
    }

  g_clear_pointer (&self->server_job_id_problem, g_free);
  g_clear_pointer (&self->server_targets_problem, g_free);

  if (g_strcmp0 (aws_type, "ResourceAlreadyExistsException") == 0)
    {
      self->server_job_id_problem = g_strdup (_("A job with this id already exists; choose another one"));
      summary = _("The job was not created: its id is taken.");
    }
  else if (target != NULL &&
           (g_strcmp0 (aws_type, "ResourceNotFoundException") == 0 ||
            g_strcmp0 (aws_type, "InvalidRequestException") == 0))
    {
      if (!is_group)
        /* Translators: %s is a thing name among a job's targets */
        self->server_targets_problem = g_strdup_printf (_("Thing %s does not exist"), target);
      else
        /* Translators: %s is a thing group name among a job's targets */
        self->server_targets_problem = g_strdup_printf (_("Thing group %s does not exist"), target);
      summary = _("The job was not created: a target does not exist.");
    }
  else if (aws_type != NULL)
    summary = aws_message != NULL && aws_message[0] != '\0' ? aws_message : _("The control plane refused the job.");
  else
    summary = error->message;

  validate (self);
  gtk_label_set_label (self->error_label, summary);
  gtk_label_set_label (self->error_details_label, details);
  gtk_expander_set_expanded (self->error_details_expander, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_details_expander), aws_type != NULL);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
  if (self->server_targets_problem != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->target_picker));
  else if (self->server_job_id_problem != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->job_id_row));
}

static void
create_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdNewJobDialog *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  JdJob *job = jd_control_plane_create_job_finish (JD_CONTROL_PLANE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  jd_new_job_dialog_set_busy (self, FALSE);
  if (job == NULL)
    {
      jd_new_job_dialog_show_create_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, job, g_object_unref);
}

static void
created_from_template_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JdNewJobDialog *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = jd_control_plane_create_job_from_template_finish (JD_CONTROL_PLANE (object), result,
                                                                                &error);
  JdJob *job = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  jd_new_job_dialog_set_busy (self, FALSE);
  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    job = jd_job_new_from_json (json_node_get_object (reply), &error);
  else if (reply != NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The control plane’s reply is not a job."));
  if (job == NULL)
    {
      jd_new_job_dialog_show_create_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, job, g_object_unref);
}

/**
 * jd_new_job_dialog_create_async:
 *
 * Sends CreateJob through the session's control plane with everything the
 * dialog holds: the chosen things' and groups' ARNs, the document, the
 * target selection and the fleet settings. While it is in flight the
 * dialog is busy; a refusal is shown at its field (as
 * jd_new_job_dialog_show_create_error() does) and returned. Nothing is
 * sent while a field is invalid. With a job template chosen it is CreateJob
 * with jobTemplateArn instead: the targets, the description and the
 * parameters typed, the template's document and settings.
 */
void
jd_new_job_dialog_create_async (JdNewJobDialog      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GCancellable) both = NULL;
  g_auto(GStrv) arns = NULL;
  g_autofree char *job_id = NULL;
  g_autofree char *document = NULL;
  g_autofree char *description = NULL;
  JdControlPlane *control_plane;

  g_return_if_fail (JD_IS_NEW_JOB_DIALOG (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, jd_new_job_dialog_create_async);

  validate (self);
  if (self->problem != NULL || self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                               self->problem ? self->problem : _("The job is being created already."));
      return;
    }
  control_plane = self->session ? jd_session_get_control_plane (self->session) : NULL;
  if (control_plane == NULL)
    {
      const char *words = _("Not connected to the control plane: jobs cannot be created now.");

      jd_new_job_dialog_show_error (self, words);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s", words);
      return;
    }
  arns = jd_target_picker_dup_arns (self->target_picker);
  if (arns == NULL)
    {
      const char *words = _("The account is not known yet: wait until the thing is connected.");

      jd_new_job_dialog_show_error (self, words);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "%s", words);
      return;
    }

  job_id = jd_new_job_dialog_dup_job_id (self);
  description = jd_new_job_dialog_dup_description (self);
  if (jd_template_chooser_get_kind (self->template_chooser) != JD_TEMPLATE_KIND_NONE)
    {
      g_autoptr(GHashTable) parameters = jd_template_chooser_dup_parameters (self->template_chooser);

      /* CreateJob with jobTemplateArn: the template's document and
       * settings, the values typed for its parameters. */
      jd_new_job_dialog_set_busy (self, TRUE);
      jd_control_plane_create_job_from_template_async (control_plane, job_id,
                                                       jd_template_chooser_get_arn (self->template_chooser),
                                                       (const char *const *) arns, parameters, description,
                                                       cancellable ? cancellable : self->cancellable,
                                                       created_from_template_cb, g_steal_pointer (&task));
      return;
    }
  document = jd_new_job_dialog_dup_document (self);
  jd_new_job_dialog_set_busy (self, TRUE);
  jd_control_plane_create_job_with_config_async (control_plane, job_id, (const char *const *) arns, document,
                                                 description,
                                                 jd_new_job_dialog_get_continuous (self)
                                                   ? JD_TARGET_SELECTION_CONTINUOUS : JD_TARGET_SELECTION_SNAPSHOT,
                                                 self->config, cancellable ? cancellable : self->cancellable,
                                                 create_done_cb, g_steal_pointer (&task));
}

/**
 * jd_new_job_dialog_create_finish:
 *
 * Returns: (transfer full) (nullable): the new job
 */
JdJob *
jd_new_job_dialog_create_finish (JdNewJobDialog  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (JD_IS_NEW_JOB_DIALOG (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
