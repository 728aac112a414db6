/* jd-target-picker.c — a job's targets chosen from the account's things and
 * thing groups.
 *
 * Both lists are asked for at once (ListThings, ListThingGroups: all pages)
 * and shown when both are in; meanwhile a spinner, and when either fails its
 * reason with Retry. The offered rows are filtered by the search entry; a
 * ticked row is a chosen target, listed above with a Remove button. Group
 * ARNs are made from the account's ARN prefix (ListThingGroups gives names).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <glib/gi18n.h>

#include "jd-control-plane.h"
#include "jd-target-picker.h"

typedef struct {
  JdTargetKind  kind;
  char         *name;
  char         *arn;      /* nullable: made from the session's account */
  GtkWidget    *row;      /* in chosen_list */
} Chosen;

struct _JdTargetPicker
{
  GtkWidget            parent_instance;

  JdSession           *session;
  GCancellable        *cancellable;
  JdTargetPickerState  state;
  char                *error;
  guint                pending;
  GPtrArray           *things;        /* of JdThing, while loading */
  GPtrArray           *groups;        /* of utf8, while loading */
  GError              *load_error;
  GPtrArray           *chosen;        /* of Chosen */
  GHashTable          *offered;       /* "t:name" / "g:name" → row (weak) */
  guint                n_offered[2];
  char                *search;

  GtkWidget           *box;
  GtkListBox          *chosen_list;
  GtkSearchEntry      *search_entry;
  GtkStack            *stack;
  GtkLabel            *error_label;
  GtkSpinner          *spinner;
  GtkListBox          *offered_list;
  GtkScrolledWindow   *offered_scroller;
  gboolean             syncing;
};

G_DEFINE_FINAL_TYPE (JdTargetPicker, jd_target_picker, GTK_TYPE_WIDGET)

/* Up to this many offered rows show whole; more scroll in OFFERED_HEIGHT. */
#define OFFERED_ROWS_UNSCROLLED 5
#define OFFERED_HEIGHT 300

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
chosen_free (Chosen *c)
{
  g_free (c->name);
  g_free (c->arn);
  g_free (c);
}

static char *
offered_key (JdTargetKind  kind,
             const char   *name)
{
  return g_strconcat (kind == JD_TARGET_KIND_GROUP ? "g:" : "t:", name, NULL);
}

static Chosen *
find_chosen (JdTargetPicker *self,
             JdTargetKind    kind,
             const char     *name,
             guint          *index)
{
  for (guint i = 0; i < self->chosen->len; i++)
    {
      Chosen *c = g_ptr_array_index (self->chosen, i);

      if (c->kind == kind && g_strcmp0 (c->name, name) == 0)
        {
          if (index != NULL)
            *index = i;
          return c;
        }
    }
  return NULL;
}

/* "arn:aws:iot:REGION:ACCOUNT:" from the session, or NULL. */
static char *
dup_account_prefix (JdTargetPicker *self)
{
  g_autofree char *thing_prefix = NULL;

  if (self->session == NULL)
    return NULL;
  thing_prefix = jd_session_dup_thing_arn (self->session, "");
  if (thing_prefix == NULL || !g_str_has_suffix (thing_prefix, "thing/"))
    return NULL;
  thing_prefix[strlen (thing_prefix) - strlen ("thing/")] = '\0';
  return g_steal_pointer (&thing_prefix);
}

static const char *
kind_words (JdTargetKind kind)
{
  return kind == JD_TARGET_KIND_GROUP ? _("Thing group") : _("Thing");
}

static void
set_offered_check (JdTargetPicker *self,
                   JdTargetKind    kind,
                   const char     *name,
                   gboolean        active)
{
  g_autofree char *key = offered_key (kind, name);
  GtkWidget *row = g_hash_table_lookup (self->offered, key);
  GtkCheckButton *check;

  if (row == NULL)
    return;
  check = g_object_get_data (G_OBJECT (row), "jd-check");
  self->syncing = TRUE;
  gtk_check_button_set_active (check, active);
  self->syncing = FALSE;
}

static void
remove_clicked_cb (GtkButton      *button,
                   JdTargetPicker *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "jd-row");

  for (guint i = 0; i < self->chosen->len; i++)
    {
      Chosen *c = g_ptr_array_index (self->chosen, i);

      if (c->row == row)
        {
          jd_target_picker_unchoose (self, c->kind, c->name);
          /* Keep the keyboard in the list: the next row's button, or the search. */
          if (self->chosen->len > 0)
            {
              Chosen *next = g_ptr_array_index (self->chosen, MIN (i, self->chosen->len - 1));

              gtk_widget_grab_focus (g_object_get_data (G_OBJECT (next->row), "jd-remove"));
            }
          else
            gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
          return;
        }
    }
}

static GtkWidget *
make_chosen_row (JdTargetPicker *self,
                 Chosen         *c)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (c->kind == JD_TARGET_KIND_GROUP ? "view-grid-symbolic"
                                                                               : "computer-symbolic");
  GtkWidget *remove = gtk_button_new_from_icon_name ("edit-delete-symbolic");
  g_autofree char *remove_words = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), c->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), kind_words (c->kind));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  /* Translators: %s is a thing or thing group name */
  remove_words = g_strdup_printf (_("Remove %s"), c->name);
  gtk_widget_set_tooltip_text (remove, remove_words);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_words, -1);
  g_object_set_data (G_OBJECT (remove), "jd-row", row);
  g_object_set_data (G_OBJECT (row), "jd-remove", remove);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  gtk_widget_add_css_class (row, "jd-target-chip");
  return row;
}

static void
check_toggled_cb (GtkCheckButton *check,
                  JdTargetPicker *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (check), "jd-row");
  JdTargetKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "jd-kind"));
  const char *name = g_object_get_data (G_OBJECT (row), "jd-name");

  if (self->syncing)
    return;
  if (gtk_check_button_get_active (check))
    jd_target_picker_choose (self, kind, name);
  else
    jd_target_picker_unchoose (self, kind, name);
}

static void
add_offered_row (JdTargetPicker *self,
                 JdTargetKind    kind,
                 const char     *name,
                 const char     *arn)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *key = offered_key (kind, name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), kind_words (kind));
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data_full (G_OBJECT (row), "jd-name", g_strdup (name), g_free);
  g_object_set_data_full (G_OBJECT (row), "jd-arn", g_strdup (arn), g_free);
  g_object_set_data (G_OBJECT (row), "jd-kind", GINT_TO_POINTER (kind));
  g_object_set_data (G_OBJECT (row), "jd-check", check);
  g_object_set_data (G_OBJECT (check), "jd-row", row);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), find_chosen (self, kind, name, NULL) != NULL);
  g_signal_connect (check, "toggled", G_CALLBACK (check_toggled_cb), self);
  gtk_list_box_append (self->offered_list, row);
  g_hash_table_replace (self->offered, g_steal_pointer (&key), row);
  self->n_offered[kind]++;
}

static gboolean
offered_filter (GtkListBoxRow *row,
                gpointer       user_data)
{
  JdTargetPicker *self = user_data;
  const char *name = g_object_get_data (G_OBJECT (row), "jd-name");
  g_autofree char *folded = NULL;

  if (self->search == NULL || self->search[0] == '\0')
    return TRUE;
  folded = g_utf8_casefold (name, -1);
  return strstr (folded, self->search) != NULL;
}

static void
clear_offered (JdTargetPicker *self)
{
  GtkWidget *child;

  g_hash_table_remove_all (self->offered);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->offered_list))) != NULL)
    gtk_list_box_remove (self->offered_list, child);
  self->n_offered[0] = self->n_offered[1] = 0;
}

static void
set_state (JdTargetPicker      *self,
           JdTargetPickerState  state)
{
  static const char *pages[] = { "idle", "loading", "list", "failed" };

  self->state = state;
  gtk_stack_set_visible_child_name (self->stack, pages[state]);
  gtk_spinner_set_spinning (self->spinner, state == JD_TARGET_PICKER_LOADING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), state == JD_TARGET_PICKER_READY);
}

/* The dialog's own scrolled window gives its content the minimum height, so
 * a few rows are shown whole (no inner scrolling), many in a box of their
 * own that scrolls. */
static void
update_list_height (JdTargetPicker *self)
{
  guint shown = jd_target_picker_get_n_shown (self);

  if (shown > OFFERED_ROWS_UNSCROLLED)
    {
      gtk_scrolled_window_set_policy (self->offered_scroller, GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
      gtk_scrolled_window_set_min_content_height (self->offered_scroller, OFFERED_HEIGHT);
    }
  else
    {
      gtk_scrolled_window_set_min_content_height (self->offered_scroller, -1);
      gtk_scrolled_window_set_policy (self->offered_scroller, GTK_POLICY_NEVER, GTK_POLICY_NEVER);
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_utf8_collate (*(const char **) a, *(const char **) b);
}

static int
compare_things (gconstpointer a,
                gconstpointer b)
{
  return g_utf8_collate (jd_thing_get_thing_name (*(JdThing **) a), jd_thing_get_thing_name (*(JdThing **) b));
}

static void
load_finished (JdTargetPicker *self)
{
  g_autofree char *prefix = NULL;

  if (--self->pending > 0)
    return;

  g_clear_pointer (&self->error, g_free);
  if (self->load_error != NULL)
    {
      /* Translators: %s is why the control plane could not list things or groups */
      self->error = g_strdup_printf (_("Things and groups could not be loaded: %s"), self->load_error->message);
      gtk_label_set_label (self->error_label, self->error);
      g_clear_error (&self->load_error);
      g_clear_pointer (&self->things, g_ptr_array_unref);
      g_clear_pointer (&self->groups, g_ptr_array_unref);
      set_state (self, JD_TARGET_PICKER_FAILED);
      return;
    }

  prefix = dup_account_prefix (self);
  clear_offered (self);
  g_ptr_array_sort (self->groups, compare_strings);
  g_ptr_array_sort (self->things, compare_things);
  for (guint i = 0; i < self->groups->len; i++)
    {
      const char *name = g_ptr_array_index (self->groups, i);
      g_autofree char *arn = prefix ? g_strconcat (prefix, "thinggroup/", name, NULL) : NULL;

      add_offered_row (self, JD_TARGET_KIND_GROUP, name, arn);
    }
  for (guint i = 0; i < self->things->len; i++)
    {
      JdThing *thing = g_ptr_array_index (self->things, i);

      add_offered_row (self, JD_TARGET_KIND_THING, jd_thing_get_thing_name (thing), jd_thing_get_thing_arn (thing));
    }
  g_clear_pointer (&self->things, g_ptr_array_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  set_state (self, JD_TARGET_PICKER_READY);
  update_list_height (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
things_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdTargetPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *things = jd_control_plane_list_things_finish (JD_CONTROL_PLANE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (things == NULL && self->load_error == NULL)
    self->load_error = g_steal_pointer (&error);
  self->things = things;
  load_finished (self);
}

static void
groups_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JdTargetPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *groups = jd_control_plane_list_thing_groups_finish (JD_CONTROL_PLANE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (groups == NULL && self->load_error == NULL)
    self->load_error = g_steal_pointer (&error);
  self->groups = groups;
  load_finished (self);
}

static void
search_changed_cb (GtkSearchEntry *entry,
                   JdTargetPicker *self)
{
  g_free (self->search);
  self->search = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);
  gtk_list_box_invalidate_filter (self->offered_list);
  update_list_height (self);
}

static void
retry_clicked_cb (JdTargetPicker *self)
{
  jd_target_picker_reload (self);
}

static GtkWidget *
status_box (GtkWidget *first,
            GtkWidget *second)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), first);
  if (second != NULL)
    gtk_box_append (GTK_BOX (box), second);
  return box;
}

static GtkWidget *
wrapping_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  return label;
}

static void
jd_target_picker_dispose (GObject *object)
{
  JdTargetPicker *self = JD_TARGET_PICKER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (jd_target_picker_parent_class)->dispose (object);
}

static void
jd_target_picker_finalize (GObject *object)
{
  JdTargetPicker *self = JD_TARGET_PICKER (object);

  g_clear_pointer (&self->chosen, g_ptr_array_unref);
  g_clear_pointer (&self->offered, g_hash_table_unref);
  g_clear_pointer (&self->things, g_ptr_array_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_error (&self->load_error);
  g_free (self->error);
  g_free (self->search);

  G_OBJECT_CLASS (jd_target_picker_parent_class)->finalize (object);
}

static void
jd_target_picker_class_init (JdTargetPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_target_picker_dispose;
  object_class->finalize = jd_target_picker_finalize;

  /**
   * JdTargetPicker::changed:
   *
   * The chosen targets or the offered lists changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "jdtargetpicker");
}

static void
jd_target_picker_init (JdTargetPicker *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *placeholder;
  GtkWidget *scrolled;
  GtkWidget *retry;
  GtkWidget *spinner;
  GtkWidget *idle;

  self->chosen = g_ptr_array_new_with_free_func ((GDestroyNotify) chosen_free);
  self->offered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Targets"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("The things and thing groups the job runs on"));
  self->chosen_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->chosen_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->chosen_list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->chosen_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Chosen targets"), -1);
  placeholder = wrapping_label (_("No targets yet: tick things or groups below"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->chosen_list, placeholder);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->chosen_list));
  gtk_box_append (GTK_BOX (self->box), group);

  self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search_entry, "placeholder-text", _("Search things and groups"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search things and groups"), -1);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->search_entry));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_vhomogeneous (self->stack, FALSE);
  gtk_stack_set_hhomogeneous (self->stack, FALSE);

  idle = wrapping_label (_("Things and groups are listed once connected to the control plane."));
  gtk_widget_add_css_class (idle, "dim-label");
  gtk_stack_add_named (self->stack, status_box (idle, NULL), "idle");

  spinner = gtk_spinner_new ();
  self->spinner = GTK_SPINNER (spinner);
  gtk_stack_add_named (self->stack, status_box (spinner, wrapping_label (_("Loading things and groups…"))),
                       "loading");

  self->error_label = GTK_LABEL (wrapping_label (NULL));
  gtk_label_set_selectable (self->error_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  retry = gtk_button_new_with_mnemonic (_("_Retry"));
  gtk_widget_set_valign (retry, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (retry, "clicked", G_CALLBACK (retry_clicked_cb), self);
  gtk_stack_add_named (self->stack, status_box (GTK_WIDGET (self->error_label), retry), "failed");

  self->offered_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->offered_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->offered_list), "boxed-list");
  gtk_list_box_set_filter_func (self->offered_list, offered_filter, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->offered_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Things and thing groups"), -1);
  placeholder = wrapping_label (_("No thing or group matches"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_list_box_set_placeholder (self->offered_list, placeholder);
  scrolled = gtk_scrolled_window_new ();
  self->offered_scroller = GTK_SCROLLED_WINDOW (scrolled);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->offered_list));
  gtk_stack_add_named (self->stack, scrolled, "list");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stack));

  set_state (self, JD_TARGET_PICKER_IDLE);
}

GtkWidget *
jd_target_picker_new (void)
{
  return g_object_new (JD_TYPE_TARGET_PICKER, NULL);
}

/**
 * jd_target_picker_set_session:
 * @session: (nullable): whose control plane lists things and groups
 */
void
jd_target_picker_set_session (JdTargetPicker *self,
                              JdSession      *session)
{
  g_return_if_fail (JD_IS_TARGET_PICKER (self));
  g_return_if_fail (session == NULL || JD_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  jd_target_picker_reload (self);
}

void
jd_target_picker_reload (JdTargetPicker *self)
{
  JdControlPlane *control_plane;

  g_return_if_fail (JD_IS_TARGET_PICKER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->things, g_ptr_array_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_error (&self->load_error);
  g_clear_pointer (&self->error, g_free);

  control_plane = self->session ? jd_session_get_control_plane (self->session) : NULL;
  if (control_plane == NULL)
    {
      self->pending = 0;
      set_state (self, JD_TARGET_PICKER_IDLE);
      return;
    }

  self->pending = 2;
  set_state (self, JD_TARGET_PICKER_LOADING);
  jd_control_plane_list_things_async (control_plane, self->cancellable, things_listed_cb, g_object_ref (self));
  jd_control_plane_list_thing_groups_async (control_plane, NULL, FALSE, self->cancellable, groups_listed_cb,
                                            g_object_ref (self));
}

JdTargetPickerState
jd_target_picker_get_state (JdTargetPicker *self)
{
  g_return_val_if_fail (JD_IS_TARGET_PICKER (self), JD_TARGET_PICKER_IDLE);

  return self->state;
}

const char *
jd_target_picker_get_error (JdTargetPicker *self)
{
  g_return_val_if_fail (JD_IS_TARGET_PICKER (self), NULL);

  return self->error;
}

guint
jd_target_picker_get_n_offered (JdTargetPicker *self,
                                JdTargetKind    kind)
{
  g_return_val_if_fail (JD_IS_TARGET_PICKER (self), 0);

  return self->n_offered[kind];
}

guint
jd_target_picker_get_n_shown (JdTargetPicker *self)
{
  guint n = 0;

  g_return_val_if_fail (JD_IS_TARGET_PICKER (self), 0);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->offered_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_object_get_data (G_OBJECT (row), "jd-name") != NULL &&
        gtk_widget_get_child_visible (row))
      n++;
  return n;
}

void
jd_target_picker_set_search (JdTargetPicker *self,
                             const char     *text)
{
  g_return_if_fail (JD_IS_TARGET_PICKER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* Not only after the entry's delay: callers and tests see it at once. */
  search_changed_cb (self->search_entry, self);
}

gboolean
jd_target_picker_choose (JdTargetPicker *self,
                         JdTargetKind    kind,
                         const char     *name)
{
  g_autofree char *key = NULL;
  GtkWidget *offered;
  Chosen *c;

  g_return_val_if_fail (JD_IS_TARGET_PICKER (self), FALSE);
  g_return_val_if_fail (name != NULL && name[0] != '\0', FALSE);

  if (find_chosen (self, kind, name, NULL) != NULL)
    return FALSE;

  key = offered_key (kind, name);
  offered = g_hash_table_lookup (self->offered, key);
  c = g_new0 (Chosen, 1);
  c->kind = kind;
  c->name = g_strdup (name);
  c->arn = offered ? g_strdup (g_object_get_data (G_OBJECT (offered), "jd-arn")) : NULL;
  c->row = make_chosen_row (self, c);
  g_ptr_array_add (self->chosen, c);
  gtk_list_box_append (self->chosen_list, c->row);
  set_offered_check (self, kind, name, TRUE);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
jd_target_picker_unchoose (JdTargetPicker *self,
                           JdTargetKind    kind,
                           const char     *name)
{
  guint index;
  Chosen *c;

  g_return_val_if_fail (JD_IS_TARGET_PICKER (self), FALSE);

  c = find_chosen (self, kind, name, &index);
  if (c == NULL)
    return FALSE;
  gtk_list_box_remove (self->chosen_list, c->row);
  set_offered_check (self, kind, name, FALSE);
  g_ptr_array_remove_index (self->chosen, index);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

void
jd_target_picker_clear (JdTargetPicker *self)
{
  g_return_if_fail (JD_IS_TARGET_PICKER (self));

  while (self->chosen->len > 0)
    {
      Chosen *c = g_ptr_array_index (self->chosen, self->chosen->len - 1);

      gtk_list_box_remove (self->chosen_list, c->row);
      set_offered_check (self, c->kind, c->name, FALSE);
      g_ptr_array_remove_index (self->chosen, self->chosen->len - 1);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

guint
jd_target_picker_get_n_chosen (JdTargetPicker *self,
                               JdTargetKind    kind)
{
  guint n = 0;

  g_return_val_if_fail (JD_IS_TARGET_PICKER (self), 0);

  for (guint i = 0; i < self->chosen->len; i++)
    if (((Chosen *) g_ptr_array_index (self->chosen, i))->kind == kind)
      n++;
  return n;
}

GStrv
jd_target_picker_dup_names (JdTargetPicker *self,
                            JdTargetKind    kind)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (JD_IS_TARGET_PICKER (self), NULL);

  for (guint i = 0; i < self->chosen->len; i++)
    {
      Chosen *c = g_ptr_array_index (self->chosen, i);

      if (c->kind == kind)
        g_strv_builder_add (builder, c->name);
    }
  return g_strv_builder_end (builder);
}

/**
 * jd_target_picker_dup_arns:
 *
 * Returns: (transfer full) (nullable): every chosen target's ARN
 */
GStrv
jd_target_picker_dup_arns (JdTargetPicker *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (JD_IS_TARGET_PICKER (self), NULL);

  prefix = dup_account_prefix (self);
  for (guint i = 0; i < self->chosen->len; i++)
    {
      Chosen *c = g_ptr_array_index (self->chosen, i);

      if (c->arn != NULL)
        g_strv_builder_add (builder, c->arn);
      else if (prefix != NULL)
        {
          g_autofree char *arn = g_strconcat (prefix, c->kind == JD_TARGET_KIND_GROUP ? "thinggroup/" : "thing/",
                                              c->name, NULL);

          g_strv_builder_add (builder, arn);
        }
      else
        return NULL;
    }
  return g_strv_builder_end (builder);
}
