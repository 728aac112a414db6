/* jd-update-dialog.c — the Update dialog.
 *
 * Collects an UpdateJobExecution request (status, statusDetails, step timeout)
 * with the limits AWS enforces checked as the user types; the window sends it
 * with the execution's expectedVersion and reports back (set_busy, show_error).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>

#include "jd-update-dialog.h"

/* The statuses a device may report, in the order of the combo row. */
static const JdExecutionStatus device_statuses[] = {
  JD_EXECUTION_STATUS_IN_PROGRESS,
  JD_EXECUTION_STATUS_SUCCEEDED,
  JD_EXECUTION_STATUS_FAILED,
  JD_EXECUTION_STATUS_REJECTED,
};

enum {
  STEP_TIMER_UNCHANGED,
  STEP_TIMER_SET,
  STEP_TIMER_CLEAR,
};

#define DETAIL_KEY_MAX   128
#define DETAIL_VALUE_MAX 1024

struct _JdUpdateDialog
{
  AdwWindow        parent_instance;

  JdExecution     *execution;
  char            *problem;
  gboolean         busy;

  /* Template children */
  GtkButton       *send_button;
  GtkRevealer     *error_revealer;
  GtkLabel        *error_label;
  AdwWindowTitle  *window_title;
  AdwComboRow     *status_row;
  GtkListBox      *details_list;
  GtkLabel        *details_hint;
  AdwComboRow     *step_timer_row;
  AdwActionRow    *step_minutes_row;
  GtkAdjustment   *step_adjustment;
  GtkLabel        *version_label;
};

G_DEFINE_FINAL_TYPE (JdUpdateDialog, jd_update_dialog, ADW_TYPE_WINDOW)

enum {
  SEND_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void validate (JdUpdateDialog *self);

static gboolean
key_is_valid (const char *key)
{
  gsize len = strlen (key);

  if (len == 0 || len > DETAIL_KEY_MAX)
    return FALSE;

  for (const char *p = key; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != ':' && *p != '_' && *p != '-')
      return FALSE;

  return TRUE;
}

static gboolean
value_is_valid (const char *value)
{
  glong len = g_utf8_strlen (value, -1);

  if (len == 0 || len > DETAIL_VALUE_MAX || !g_utf8_validate (value, -1, NULL))
    return FALSE;

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      GUnicodeType type = g_unichar_type (g_utf8_get_char (p));

      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT ||
          type == G_UNICODE_UNASSIGNED || type == G_UNICODE_PRIVATE_USE ||
          type == G_UNICODE_SURROGATE)
        return FALSE;
    }

  return TRUE;
}

static GtkEntry *
row_entry (GtkWidget *row,
           guint      index)
{
  GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
  GtkWidget *child = gtk_widget_get_first_child (box);

  while (index-- > 0)
    child = gtk_widget_get_next_sibling (child);

  return GTK_ENTRY (child);
}

static void
remove_clicked_cb (GtkButton      *button,
                   JdUpdateDialog *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);

  gtk_list_box_remove (self->details_list, row);
  validate (self);
}

static void
entry_changed_cb (JdUpdateDialog *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  validate (self);
}

static GtkWidget *
add_detail_row (JdUpdateDialog *self,
                const char     *key,
                const char     *value)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *key_entry = gtk_entry_new ();
  GtkWidget *value_entry = gtk_entry_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);

  gtk_entry_set_placeholder_text (GTK_ENTRY (key_entry), _("Key"));
  gtk_entry_set_max_length (GTK_ENTRY (key_entry), DETAIL_KEY_MAX);
  gtk_editable_set_width_chars (GTK_EDITABLE (key_entry), 10);
  gtk_widget_add_css_class (key_entry, "job-id");
  gtk_accessible_update_property (GTK_ACCESSIBLE (key_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Detail key"), -1);
  gtk_editable_set_text (GTK_EDITABLE (key_entry), key ? key : "");

  gtk_entry_set_placeholder_text (GTK_ENTRY (value_entry), _("Value"));
  gtk_entry_set_max_length (GTK_ENTRY (value_entry), DETAIL_VALUE_MAX);
  gtk_widget_set_hexpand (value_entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (value_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Detail value"), -1);
  gtk_editable_set_text (GTK_EDITABLE (value_entry), value ? value : "");

  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove this detail"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove detail"), -1);

  gtk_box_append (GTK_BOX (box), key_entry);
  gtk_box_append (GTK_BOX (box), value_entry);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  g_signal_connect_object (key_entry, "changed", G_CALLBACK (entry_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (value_entry, "changed", G_CALLBACK (entry_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);

  gtk_list_box_append (self->details_list, row);
  validate (self);
  return row;
}

static void
validate (JdUpdateDialog *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *details_problem = NULL;
  GtkWidget *row;

  for (row = gtk_widget_get_first_child (GTK_WIDGET (self->details_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkEntry *key_entry, *value_entry;
      const char *key, *value;
      gboolean bad_key, bad_value;

      if (!GTK_IS_LIST_BOX_ROW (row))
        continue;

      key_entry = row_entry (row, 0);
      value_entry = row_entry (row, 1);
      key = gtk_editable_get_text (GTK_EDITABLE (key_entry));
      value = gtk_editable_get_text (GTK_EDITABLE (value_entry));
      bad_key = !key_is_valid (key) || g_hash_table_contains (seen, key);
      bad_value = !value_is_valid (value);

      if (bad_key)
        gtk_widget_add_css_class (GTK_WIDGET (key_entry), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (key_entry), "error");
      if (bad_value)
        gtk_widget_add_css_class (GTK_WIDGET (value_entry), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (value_entry), "error");

      if (details_problem == NULL)
        {
          if (key[0] == '\0')
            details_problem = g_strdup (_("Every detail needs a key"));
          else if (g_hash_table_contains (seen, key))
            details_problem = g_strdup_printf (_("The key “%s” is used twice"), key);
          else if (bad_key)
            details_problem = g_strdup_printf (_("The key “%s” may only use letters, digits, “:”, “_” and “-”"), key);
          else if (value[0] == '\0')
            details_problem = g_strdup_printf (_("The detail “%s” needs a value"), key);
          else if (bad_value)
            details_problem = g_strdup_printf (_("The value of “%s” may not contain control characters"), key);
        }

      g_hash_table_add (seen, (gpointer) key);
    }

  gtk_label_set_label (self->details_hint,
                       details_problem ? details_problem
                                       : _("Keys: letters, digits, “:”, “_” and “-”. The details replace the stored ones."));
  if (details_problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->details_hint), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->details_hint), "error");

  gtk_widget_set_visible (GTK_WIDGET (self->step_minutes_row),
                          adw_combo_row_get_selected (self->step_timer_row) == STEP_TIMER_SET);

  g_clear_pointer (&self->problem, g_free);
  self->problem = g_steal_pointer (&details_problem);

  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), self->problem == NULL && !self->busy);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->send_button), self->problem);
}

static void
step_timer_changed_cb (JdUpdateDialog *self)
{
  validate (self);
}

static void
add_detail_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  JdUpdateDialog *self = JD_UPDATE_DIALOG (widget);
  GtkWidget *row = add_detail_row (self, NULL, NULL);

  gtk_widget_grab_focus (GTK_WIDGET (row_entry (row, 0)));
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  JdUpdateDialog *self = JD_UPDATE_DIALOG (widget);

  validate (self);
  if (self->problem != NULL || self->busy)
    {
      gtk_widget_error_bell (widget);
      return;
    }

  g_signal_emit (self, signals[SEND_REQUESTED], 0);
}

static void
jd_update_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_UPDATE_DIALOG);

  G_OBJECT_CLASS (jd_update_dialog_parent_class)->dispose (object);
}

static void
jd_update_dialog_finalize (GObject *object)
{
  JdUpdateDialog *self = JD_UPDATE_DIALOG (object);

  g_clear_object (&self->execution);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (jd_update_dialog_parent_class)->finalize (object);
}

static void
jd_update_dialog_class_init (JdUpdateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_update_dialog_dispose;
  object_class->finalize = jd_update_dialog_finalize;

  /**
   * JdUpdateDialog::send-requested:
   *
   * The user asked to send the update and every field is valid.
   */
  signals[SEND_REQUESTED] =
    g_signal_new ("send-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-update-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, send_button);
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, status_row);
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, details_list);
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, details_hint);
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, step_timer_row);
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, step_minutes_row);
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, step_adjustment);
  gtk_widget_class_bind_template_child (widget_class, JdUpdateDialog, version_label);
  gtk_widget_class_bind_template_callback (widget_class, step_timer_changed_cb);

  gtk_widget_class_install_action (widget_class, "update.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "update.add-detail", NULL, add_detail_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "update.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
jd_update_dialog_init (JdUpdateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  validate (self);
}

/**
 * jd_update_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @execution: the execution to update; its details pre-fill the table
 */
JdUpdateDialog *
jd_update_dialog_new (GtkWindow   *parent,
                      JdExecution *execution)
{
  JdUpdateDialog *self;
  GHashTable *details;
  g_autofree char *version = NULL;

  g_return_val_if_fail (JD_IS_EXECUTION (execution), NULL);

  self = g_object_new (JD_TYPE_UPDATE_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
  self->execution = g_object_ref (execution);

  adw_window_title_set_subtitle (self->window_title, jd_execution_get_job_id (execution));

  details = jd_execution_get_status_details (execution);
  if (details != NULL)
    {
      g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (details), (GCompareFunc) g_strcmp0);

      for (GList *l = keys; l != NULL; l = l->next)
        add_detail_row (self, l->data, g_hash_table_lookup (details, l->data));
    }

  /* Translators: expectedVersion is the name of a field in AWS's API */
  version = g_strdup_printf (_("Sent with expectedVersion %lld: if the execution changed elsewhere "
                               "in the meantime, AWS refuses the update and nothing is lost."),
                             (long long) jd_execution_get_version_number (execution));
  gtk_label_set_label (self->version_label, version);

  /* It opens with the focus in its first field, the status. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->status_row));

  validate (self);
  return self;
}

/**
 * jd_update_dialog_get_execution:
 *
 * Returns: (transfer none): the execution being updated
 */
JdExecution *
jd_update_dialog_get_execution (JdUpdateDialog *self)
{
  g_return_val_if_fail (JD_IS_UPDATE_DIALOG (self), NULL);

  return self->execution;
}

gboolean
jd_update_dialog_is_valid (JdUpdateDialog *self)
{
  g_return_val_if_fail (JD_IS_UPDATE_DIALOG (self), FALSE);

  validate (self);
  return self->problem == NULL;
}

/**
 * jd_update_dialog_get_problem:
 *
 * Returns: (nullable): why the update cannot be sent yet, in words
 */
const char *
jd_update_dialog_get_problem (JdUpdateDialog *self)
{
  g_return_val_if_fail (JD_IS_UPDATE_DIALOG (self), NULL);

  return self->problem;
}

JdExecutionStatus
jd_update_dialog_get_status (JdUpdateDialog *self)
{
  guint selected;

  g_return_val_if_fail (JD_IS_UPDATE_DIALOG (self), JD_EXECUTION_STATUS_UNKNOWN);

  selected = adw_combo_row_get_selected (self->status_row);
  if (selected >= G_N_ELEMENTS (device_statuses))
    selected = 0;

  return device_statuses[selected];
}

/**
 * jd_update_dialog_set_status:
 * @status: one of the statuses a device may report
 */
void
jd_update_dialog_set_status (JdUpdateDialog    *self,
                             JdExecutionStatus  status)
{
  g_return_if_fail (JD_IS_UPDATE_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (device_statuses); i++)
    if (device_statuses[i] == status)
      adw_combo_row_set_selected (self->status_row, i);
}

/**
 * jd_update_dialog_dup_status_details:
 *
 * Returns: (transfer full): key → value, both strings
 */
GHashTable *
jd_update_dialog_dup_status_details (JdUpdateDialog *self)
{
  GHashTable *details;

  g_return_val_if_fail (JD_IS_UPDATE_DIALOG (self), NULL);

  details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->details_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (!GTK_IS_LIST_BOX_ROW (row))
        continue;

      g_hash_table_insert (details,
                           g_strdup (gtk_editable_get_text (GTK_EDITABLE (row_entry (row, 0)))),
                           g_strdup (gtk_editable_get_text (GTK_EDITABLE (row_entry (row, 1)))));
    }

  return details;
}

void
jd_update_dialog_add_detail (JdUpdateDialog *self,
                             const char     *key,
                             const char     *value)
{
  g_return_if_fail (JD_IS_UPDATE_DIALOG (self));

  add_detail_row (self, key, value);
}

/**
 * jd_update_dialog_get_step_timeout:
 *
 * Returns: minutes for a new step timer, -1 to clear the running one, 0 to
 *   leave it as it is
 */
gint64
jd_update_dialog_get_step_timeout (JdUpdateDialog *self)
{
  g_return_val_if_fail (JD_IS_UPDATE_DIALOG (self), 0);

  switch (adw_combo_row_get_selected (self->step_timer_row))
    {
    case STEP_TIMER_SET:
      return (gint64) gtk_adjustment_get_value (self->step_adjustment);
    case STEP_TIMER_CLEAR:
      return -1;
    case STEP_TIMER_UNCHANGED:
    default:
      return 0;
    }
}

/**
 * jd_update_dialog_set_step_timeout:
 * @minutes: as jd_update_dialog_get_step_timeout() returns
 */
void
jd_update_dialog_set_step_timeout (JdUpdateDialog *self,
                                   gint64          minutes)
{
  g_return_if_fail (JD_IS_UPDATE_DIALOG (self));

  if (minutes > 0)
    {
      adw_combo_row_set_selected (self->step_timer_row, STEP_TIMER_SET);
      gtk_adjustment_set_value (self->step_adjustment, (double) minutes);
    }
  else
    {
      adw_combo_row_set_selected (self->step_timer_row, minutes < 0 ? STEP_TIMER_CLEAR : STEP_TIMER_UNCHANGED);
    }
  validate (self);
}

void
jd_update_dialog_set_busy (JdUpdateDialog *self,
                           gboolean        busy)
{
  g_return_if_fail (JD_IS_UPDATE_DIALOG (self));

  self->busy = !!busy;
  validate (self);
}

/**
 * jd_update_dialog_show_error:
 * @message: (nullable): what went wrong, in words; %NULL hides it
 */
void
jd_update_dialog_show_error (JdUpdateDialog *self,
                             const char     *message)
{
  g_return_if_fail (JD_IS_UPDATE_DIALOG (self));

  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}
