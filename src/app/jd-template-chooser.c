/* jd-template-chooser.c — the New Job dialog's job template (see the header).
 *
 * Both lists are asked for at once (ListJobTemplates, ListManagedJobTemplates:
 * all pages) and offered when both are in; meanwhile a spinner row, and when
 * either fails its reason with Retry, "None" still offered so the dialog
 * stays usable. A managed template's parameters come from the core's table
 * (jd_managed_template_find), the same one the sandbox serves, and each
 * typed value is checked with jd_managed_template_check_value: the rules
 * live in src/jobs only. A managed template the core does not know (one AWS
 * added later) is not offered, as its form could not be checked. A custom
 * template's document is asked for (DescribeJobTemplate) when it is chosen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "jd-control-plane.h"
#include "jd-format.h"
#include "jd-job-template.h"
#include "jd-template-chooser.h"

typedef struct {
  JdTemplateKind           kind;
  char                    *name;         /* a managed name, or a custom id */
  char                    *arn;
  char                    *description;  /* nullable */
  const JdManagedTemplate *managed;      /* MANAGED only */
} Entry;

struct _JdTemplateChooser
{
  GtkWidget               parent_instance;

  JdSession              *session;
  GCancellable           *cancellable;          /* the lists */
  GCancellable           *describe_cancellable; /* the chosen custom template */
  JdTemplateChooserState  state;
  char                   *error;
  guint                   pending;
  GPtrArray              *custom;               /* of JsonNode, while loading */
  GPtrArray              *managed;              /* of JsonNode, while loading */
  GError                 *load_error;
  GPtrArray              *entries;              /* of Entry; [0] is None */
  GPtrArray              *rows;                 /* the parameter rows shown */
  GtkWidget              *focused_row;          /* weak: the row being typed in */
  char                   *problem;
  char                   *custom_document;      /* the chosen custom template's */
  char                   *custom_problem;
  gboolean                syncing;

  /* Template children (every direct child bound, so that
   * gtk_widget_dispose_template unparents them all) */
  AdwPreferencesGroup    *template_group;
  AdwComboRow            *template_row;
  GtkStringList          *template_names;
  AdwActionRow           *status_row;
  GtkSpinner             *spinner;
  GtkImage               *error_icon;
  GtkButton              *retry_button;
  AdwPreferencesGroup    *parameters_group;
  GtkLabel               *parameters_hint;
  AdwPreferencesGroup    *document_group;
  GtkSourceView          *preview_view;
  GtkLabel               *document_hint;
};

G_DEFINE_FINAL_TYPE (JdTemplateChooser, jd_template_chooser, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
entry_free (Entry *e)
{
  g_free (e->name);
  g_free (e->arn);
  g_free (e->description);
  g_free (e);
}

static const Entry *
chosen_entry (JdTemplateChooser *self)
{
  guint i = adw_combo_row_get_selected (self->template_row);

  if (i == GTK_INVALID_LIST_POSITION || i >= self->entries->len)
    return g_ptr_array_index (self->entries, 0);
  return g_ptr_array_index (self->entries, i);
}

static void
set_preview (JdTemplateChooser *self,
             const char        *document)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->preview_view));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *pretty = NULL;

  if (document != NULL && json_parser_load_from_data (parser, document, -1, NULL))
    pretty = jd_format_json_pretty (json_parser_get_root (parser));
  gtk_text_buffer_set_text (buffer, pretty ? pretty : document ? document : "", -1);
}

/* The typed values (empty ones left out) as documentParameters. */
static JsonObject *
typed_parameters (JdTemplateChooser *self)
{
  JsonObject *parameters = json_object_new ();

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      const JdTemplateParameter *parameter = g_object_get_data (G_OBJECT (row), "jd-parameter");
      const char *value = gtk_editable_get_text (GTK_EDITABLE (row));

      if (value[0] != '\0')
        json_object_set_string_member (parameters, parameter->key, value);
    }
  return parameters;
}

/* Checks every parameter row with the core's rules; the first problem is
 * said under the form, each refused row is marked. Then the preview. */
static void
update (JdTemplateChooser *self)
{
  const Entry *entry = chosen_entry (self);
  g_autofree char *first = NULL;

  g_clear_pointer (&self->problem, g_free);
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      const JdTemplateParameter *parameter = g_object_get_data (G_OBJECT (row), "jd-parameter");
      const char *value = gtk_editable_get_text (GTK_EDITABLE (row));
      g_autoptr(GError) error = NULL;
      gboolean ok = jd_managed_template_check_value (parameter, value, &error);

      /* An empty required field is not red before anything is typed. */
      if (!ok && value[0] != '\0')
        gtk_widget_add_css_class (row, "error");
      else
        gtk_widget_remove_css_class (row, "error");
      if (!ok && first == NULL)
        {
          first = g_strdup (error->message);
          /* Translators: a template parameter's name and what is wrong with its value */
          self->problem = g_strdup_printf (_("%s: %s"), parameter->key, error->message);
        }
    }

  switch (entry->kind)
    {
    case JD_TEMPLATE_KIND_MANAGED:
      {
        g_autoptr(JsonObject) parameters = typed_parameters (self);
        g_autofree char *document = jd_managed_template_substitute (entry->managed, parameters, NULL);

        /* While a value is refused, the placeholders show where they go. */
        set_preview (self, document ? document : entry->managed->document);
        /* A refusal first; otherwise what the row being typed in is for. */
        if (first != NULL)
          jd_format_hint (self->parameters_hint, first, TRUE);
        else if (self->focused_row != NULL)
          jd_format_hint (self->parameters_hint, gtk_widget_get_tooltip_text (self->focused_row), FALSE);
        else
          jd_format_hint (self->parameters_hint, NULL, FALSE);
        jd_format_hint (self->document_hint, NULL, FALSE);
      }
      break;
    case JD_TEMPLATE_KIND_CUSTOM:
      set_preview (self, self->custom_document);
      if (self->custom_problem != NULL)
        self->problem = g_strdup (self->custom_problem);
      else if (self->custom_document == NULL)
        self->problem = g_strdup (_("Loading the template’s document…"));
      jd_format_hint (self->document_hint, self->problem, self->custom_problem != NULL);
      jd_format_hint (self->parameters_hint, NULL, FALSE);
      break;
    case JD_TEMPLATE_KIND_NONE:
    default:
      jd_format_hint (self->parameters_hint, NULL, FALSE);
      jd_format_hint (self->document_hint, NULL, FALSE);
      break;
    }
}

static void
parameter_changed_cb (JdTemplateChooser *self)
{
  if (self->parameters_hint == NULL)
    return;
  update (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
row_focus_entered_cb (GtkEventControllerFocus *controller,
                      JdTemplateChooser       *self)
{
  /* Not while the chooser's children are being taken apart. */
  if (self->parameters_hint == NULL)
    return;
  self->focused_row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  update (self);
}

static void
row_focus_left_cb (GtkEventControllerFocus *controller,
                   JdTemplateChooser       *self)
{
  if (self->parameters_hint == NULL)
    return;
  if (self->focused_row == gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)))
    self->focused_row = NULL;
  update (self);
}

static void
clear_rows (JdTemplateChooser *self)
{
  self->focused_row = NULL;
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->parameters_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

static void
add_parameter_rows (JdTemplateChooser       *self,
                    const JdManagedTemplate *template_)
{
  for (guint i = 0; i < template_->n_parameters; i++)
    {
      const JdTemplateParameter *parameter = &template_->parameters[i];
      GtkWidget *row = adw_entry_row_new ();
      GtkEventController *focus;
      g_autofree char *tooltip = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), parameter->key);
      if (parameter->optional)
        /* Translators: a template parameter's description, then that it may be left empty */
        tooltip = g_strdup_printf (_("%s (optional)"), parameter->description);
      else
        tooltip = g_strdup (parameter->description);
      /* The descriptions are AWS's, in English, as AWS publishes them. */
      gtk_widget_set_tooltip_text (row, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, parameter->key,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip,
                                      GTK_ACCESSIBLE_PROPERTY_REQUIRED, !parameter->optional,
                                      -1);
      g_object_set_data (G_OBJECT (row), "jd-parameter", (gpointer) parameter);
      g_signal_connect_object (row, "changed", G_CALLBACK (parameter_changed_cb), self, G_CONNECT_SWAPPED);
      /* AdwEntryRow has no subtitle: the description shows under the form
       * while the row is being typed in, and as its tooltip. */
      focus = gtk_event_controller_focus_new ();
      g_signal_connect_object (focus, "enter", G_CALLBACK (row_focus_entered_cb), self, 0);
      g_signal_connect_object (focus, "leave", G_CALLBACK (row_focus_left_cb), self, 0);
      gtk_widget_add_controller (row, focus);
      adw_preferences_group_add (self->parameters_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
described_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(JdTemplateChooser) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = jd_control_plane_describe_job_template_finish (JD_CONTROL_PLANE (object), result,
                                                                             &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    /* Translators: %s is why DescribeJobTemplate failed */
    self->custom_problem = g_strdup_printf (_("The template could not be read: %s"), error->message);
  else
    {
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
      const char *document = o ? json_object_get_string_member_with_default (o, "document", NULL) : NULL;
      const char *source = o ? json_object_get_string_member_with_default (o, "documentSource", NULL) : NULL;

      if (document != NULL)
        self->custom_document = g_strdup (document);
      else if (source != NULL)
        /* Translators: %s is where a job template's document is kept (an S3 URL) */
        self->custom_document = g_strdup_printf (_("The device is sent the document at %s"), source);
      else
        self->custom_document = g_strdup ("");
    }
  update (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
selected_cb (JdTemplateChooser *self)
{
  const Entry *entry = chosen_entry (self);
  JdControlPlane *control_plane = self->session ? jd_session_get_control_plane (self->session) : NULL;

  if (self->syncing)
    return;

  g_cancellable_cancel (self->describe_cancellable);
  g_clear_object (&self->describe_cancellable);
  g_clear_pointer (&self->custom_document, g_free);
  g_clear_pointer (&self->custom_problem, g_free);
  clear_rows (self);

  if (entry->kind == JD_TEMPLATE_KIND_MANAGED)
    add_parameter_rows (self, entry->managed);
  else if (entry->kind == JD_TEMPLATE_KIND_CUSTOM)
    {
      if (control_plane == NULL)
        self->custom_problem = g_strdup (_("Not connected to the control plane: the template cannot be read."));
      else
        {
          self->describe_cancellable = g_cancellable_new ();
          jd_control_plane_describe_job_template_async (control_plane, entry->name, self->describe_cancellable,
                                                        described_cb, g_object_ref (self));
        }
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->template_row),
                               entry->kind == JD_TEMPLATE_KIND_NONE ? _("Write the job document yourself")
                               : entry->description ? entry->description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->parameters_group), self->rows->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->document_group), entry->kind != JD_TEMPLATE_KIND_NONE);
  update (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
set_state (JdTemplateChooser      *self,
           JdTemplateChooserState  state)
{
  self->state = state;
  gtk_widget_set_visible (GTK_WIDGET (self->status_row),
                          state == JD_TEMPLATE_CHOOSER_LOADING || state == JD_TEMPLATE_CHOOSER_FAILED);
  gtk_spinner_set_spinning (self->spinner, state == JD_TEMPLATE_CHOOSER_LOADING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == JD_TEMPLATE_CHOOSER_LOADING);
  gtk_widget_set_visible (GTK_WIDGET (self->error_icon), state == JD_TEMPLATE_CHOOSER_FAILED);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), state == JD_TEMPLATE_CHOOSER_FAILED);
  if (state == JD_TEMPLATE_CHOOSER_LOADING)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), _("Loading templates…"));
  else if (state == JD_TEMPLATE_CHOOSER_FAILED)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), self->error);
}

/* Offers None and @entries' templates, keeping the chosen one when it is
 * still offered. */
static void
offer (JdTemplateChooser *self,
       GPtrArray         *entries)
{
  g_autofree char *kept = g_strdup (chosen_entry (self)->arn);
  guint selected = 0;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_ptr_array_set_size (self->entries, 1);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);

      g_ptr_array_add (self->entries, e);
      if (kept != NULL && g_strcmp0 (e->arn, kept) == 0)
        selected = self->entries->len - 1;
    }
  g_ptr_array_set_free_func (entries, NULL);

  /* "None" is a translated label, not a template's name. */
  g_ptr_array_add (names, (gpointer) C_("job template", "None"));
  for (guint i = 1; i < self->entries->len; i++)
    g_ptr_array_add (names, ((Entry *) g_ptr_array_index (self->entries, i))->name);
  g_ptr_array_add (names, NULL);

  self->syncing = TRUE;
  gtk_string_list_splice (self->template_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->template_names)),
                          (const char *const *) names->pdata);
  adw_combo_row_set_selected (self->template_row, selected);
  self->syncing = FALSE;
  if (selected == 0)
    selected_cb (self);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = *(Entry **) a;
  const Entry *y = *(Entry **) b;

  /* The account's own first, then AWS's. */
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  return g_utf8_collate (x->name, y->name);
}

static const char *
member (JsonNode   *node,
        const char *name)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (node), name, NULL);
}

static void
load_finished (JdTemplateChooser *self)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);

  if (--self->pending > 0)
    return;

  for (guint i = 0; self->custom != NULL && i < self->custom->len; i++)
    {
      JsonNode *summary = g_ptr_array_index (self->custom, i);
      const char *id = member (summary, "jobTemplateId");
      const char *arn = member (summary, "jobTemplateArn");
      Entry *e;

      if (id == NULL || arn == NULL)
        continue;
      e = g_new0 (Entry, 1);
      e->kind = JD_TEMPLATE_KIND_CUSTOM;
      e->name = g_strdup (id);
      e->arn = g_strdup (arn);
      e->description = g_strdup (member (summary, "description"));
      g_ptr_array_add (entries, e);
    }
  for (guint i = 0; self->managed != NULL && i < self->managed->len; i++)
    {
      JsonNode *summary = g_ptr_array_index (self->managed, i);
      const char *name = member (summary, "templateName");
      const char *arn = member (summary, "templateArn");
      const JdManagedTemplate *known = name ? jd_managed_template_find (name, member (summary, "templateVersion"))
                                            : NULL;
      Entry *e;

      if (known == NULL || arn == NULL)
        continue;
      e = g_new0 (Entry, 1);
      e->kind = JD_TEMPLATE_KIND_MANAGED;
      e->name = g_strdup (name);
      e->arn = g_strdup (arn);
      e->description = g_strdup (member (summary, "description"));
      e->managed = known;
      g_ptr_array_add (entries, e);
    }
  g_ptr_array_sort (entries, compare_entries);
  g_clear_pointer (&self->custom, g_ptr_array_unref);
  g_clear_pointer (&self->managed, g_ptr_array_unref);

  g_clear_pointer (&self->error, g_free);
  if (self->load_error != NULL)
    {
      /* Translators: %s is why the control plane could not list job templates */
      self->error = g_strdup_printf (_("Templates could not be loaded: %s"), self->load_error->message);
      g_clear_error (&self->load_error);
      /* Whatever did load is still offered; None always is. */
      offer (self, entries);
      set_state (self, JD_TEMPLATE_CHOOSER_FAILED);
      g_signal_emit (self, signals[CHANGED], 0);
      return;
    }
  offer (self, entries);
  set_state (self, JD_TEMPLATE_CHOOSER_READY);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
custom_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdTemplateChooser) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = jd_control_plane_list_job_templates_finish (JD_CONTROL_PLANE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (list == NULL && self->load_error == NULL)
    self->load_error = g_steal_pointer (&error);
  self->custom = list;
  load_finished (self);
}

static void
managed_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(JdTemplateChooser) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = jd_control_plane_list_managed_job_templates_finish (JD_CONTROL_PLANE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (list == NULL && self->load_error == NULL)
    self->load_error = g_steal_pointer (&error);
  self->managed = list;
  load_finished (self);
}

static void
retry_clicked_cb (JdTemplateChooser *self)
{
  jd_template_chooser_reload (self);
}

static void
jd_template_chooser_dispose (GObject *object)
{
  JdTemplateChooser *self = JD_TEMPLATE_CHOOSER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->describe_cancellable);
  g_clear_object (&self->describe_cancellable);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_TEMPLATE_CHOOSER);

  G_OBJECT_CLASS (jd_template_chooser_parent_class)->dispose (object);
}

static void
jd_template_chooser_finalize (GObject *object)
{
  JdTemplateChooser *self = JD_TEMPLATE_CHOOSER (object);

  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->custom_document, g_free);
  g_clear_pointer (&self->custom_problem, g_free);
  g_clear_pointer (&self->custom, g_ptr_array_unref);
  g_clear_pointer (&self->managed, g_ptr_array_unref);
  g_clear_error (&self->load_error);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (jd_template_chooser_parent_class)->finalize (object);
}

static void
jd_template_chooser_class_init (JdTemplateChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_template_chooser_dispose;
  object_class->finalize = jd_template_chooser_finalize;

  /**
   * JdTemplateChooser::changed:
   *
   * The chosen template, a parameter, or what the lists offer changed.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_source_init ();

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-template-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, template_group);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, template_row);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, template_names);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, status_row);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, spinner);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, error_icon);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, retry_button);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, parameters_group);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, parameters_hint);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, document_group);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, preview_view);
  gtk_widget_class_bind_template_child (widget_class, JdTemplateChooser, document_hint);
  gtk_widget_class_bind_template_callback (widget_class, selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
}

static void
jd_template_chooser_init (JdTemplateChooser *self)
{
  Entry *none = g_new0 (Entry, 1);

  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->rows = g_ptr_array_new ();
  none->kind = JD_TEMPLATE_KIND_NONE;
  none->name = g_strdup ("");
  g_ptr_array_add (self->entries, none);

  gtk_widget_init_template (GTK_WIDGET (self));
  jd_format_json_view (self->preview_view);

  self->syncing = TRUE;
  gtk_string_list_append (self->template_names, C_("job template", "None"));
  adw_combo_row_set_selected (self->template_row, 0);
  self->syncing = FALSE;
  set_state (self, JD_TEMPLATE_CHOOSER_IDLE);
}

/**
 * jd_template_chooser_set_session:
 * @session: (nullable): whose control plane lists the templates
 */
void
jd_template_chooser_set_session (JdTemplateChooser *self,
                                 JdSession         *session)
{
  g_return_if_fail (JD_IS_TEMPLATE_CHOOSER (self));
  g_return_if_fail (session == NULL || JD_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  jd_template_chooser_reload (self);
}

void
jd_template_chooser_reload (JdTemplateChooser *self)
{
  JdControlPlane *control_plane;

  g_return_if_fail (JD_IS_TEMPLATE_CHOOSER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->custom, g_ptr_array_unref);
  g_clear_pointer (&self->managed, g_ptr_array_unref);
  g_clear_error (&self->load_error);
  g_clear_pointer (&self->error, g_free);

  control_plane = self->session ? jd_session_get_control_plane (self->session) : NULL;
  if (control_plane == NULL)
    {
      self->pending = 0;
      set_state (self, JD_TEMPLATE_CHOOSER_IDLE);
      return;
    }

  self->pending = 2;
  set_state (self, JD_TEMPLATE_CHOOSER_LOADING);
  jd_control_plane_list_job_templates_async (control_plane, self->cancellable, custom_listed_cb,
                                             g_object_ref (self));
  jd_control_plane_list_managed_job_templates_async (control_plane, NULL, self->cancellable, managed_listed_cb,
                                                     g_object_ref (self));
}

JdTemplateChooserState
jd_template_chooser_get_state (JdTemplateChooser *self)
{
  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), JD_TEMPLATE_CHOOSER_IDLE);

  return self->state;
}

const char *
jd_template_chooser_get_error (JdTemplateChooser *self)
{
  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), NULL);

  return self->state == JD_TEMPLATE_CHOOSER_FAILED ? self->error : NULL;
}

guint
jd_template_chooser_get_n_offered (JdTemplateChooser *self,
                                   JdTemplateKind     kind)
{
  guint n = 0;

  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), 0);

  for (guint i = 0; i < self->entries->len; i++)
    if (((Entry *) g_ptr_array_index (self->entries, i))->kind == kind)
      n++;
  return n;
}

/**
 * jd_template_chooser_dup_offered:
 *
 * Returns: (transfer full): the rows of the template list, as shown
 */
GStrv
jd_template_chooser_dup_offered (JdTemplateChooser *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GListModel *model;

  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), NULL);

  model = G_LIST_MODEL (self->template_names);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_strv_builder_add (builder, gtk_string_list_get_string (self->template_names, i));
  return g_strv_builder_end (builder);
}

gboolean
jd_template_chooser_select (JdTemplateChooser *self,
                            const char        *name)
{
  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), FALSE);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (self->entries, i);

      if ((name == NULL && e->kind == JD_TEMPLATE_KIND_NONE) ||
          (name != NULL && e->kind != JD_TEMPLATE_KIND_NONE && strcmp (e->name, name) == 0))
        {
          adw_combo_row_set_selected (self->template_row, i);
          return TRUE;
        }
    }
  return FALSE;
}

JdTemplateKind
jd_template_chooser_get_kind (JdTemplateChooser *self)
{
  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), JD_TEMPLATE_KIND_NONE);

  return chosen_entry (self)->kind;
}

const char *
jd_template_chooser_get_arn (JdTemplateChooser *self)
{
  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), NULL);

  return chosen_entry (self)->arn;
}

/**
 * jd_template_chooser_get_parameter_row:
 *
 * Returns: (transfer none) (nullable): the row for the parameter @key
 */
AdwEntryRow *
jd_template_chooser_get_parameter_row (JdTemplateChooser *self,
                                       const char        *key)
{
  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      const JdTemplateParameter *parameter = g_object_get_data (G_OBJECT (row), "jd-parameter");

      if (strcmp (parameter->key, key) == 0)
        return ADW_ENTRY_ROW (row);
    }
  return NULL;
}

/**
 * jd_template_chooser_dup_parameters:
 *
 * Returns: (transfer full) (nullable): key → value, both utf8
 */
GHashTable *
jd_template_chooser_dup_parameters (JdTemplateChooser *self)
{
  g_autoptr(JsonObject) typed = NULL;
  GHashTable *parameters;
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), NULL);

  if (chosen_entry (self)->kind != JD_TEMPLATE_KIND_MANAGED)
    return NULL;
  typed = typed_parameters (self);
  parameters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_object_iter_init (&iter, typed);
  while (json_object_iter_next (&iter, &key, &node))
    g_hash_table_insert (parameters, g_strdup (key), g_strdup (json_node_get_string (node)));
  return parameters;
}

const char *
jd_template_chooser_get_problem (JdTemplateChooser *self)
{
  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), NULL);

  return chosen_entry (self)->kind == JD_TEMPLATE_KIND_NONE ? NULL : self->problem;
}

/**
 * jd_template_chooser_dup_document:
 *
 * Returns: (transfer full) (nullable): the document shown, %NULL for none
 */
char *
jd_template_chooser_dup_document (JdTemplateChooser *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (JD_IS_TEMPLATE_CHOOSER (self), NULL);

  if (chosen_entry (self)->kind == JD_TEMPLATE_KIND_NONE)
    return NULL;
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->preview_view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
