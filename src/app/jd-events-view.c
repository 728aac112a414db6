/* jd-events-view.c — the Events view.
 *
 * The jobs client's bounded JdEventLog, newest first (a sort model over it),
 * filtered by kind and a search, in a data-table GtkColumnView; the selected
 * event's payload below as formatted JSON. While the list is scrolled to the
 * top the newest event stays in sight; scrolled away, a "N new events" button
 * brings it back. Export writes what the filter shows, as JSON Lines or CSV.
 * The history is kept (bounded by the log's cap) in a file written off the
 * main loop. Export and Clear are window actions (win.export-events,
 * win.clear-events) that call in here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "jd-cells.h"
#include "jd-events-view.h"
#include "jd-format.h"

typedef enum {
  COLUMN_TIME,
  COLUMN_DIRECTION,
  COLUMN_KIND,
  COLUMN_JOB,
  COLUMN_TOPIC,
} Column;

#define SAVE_DELAY_SECONDS 2

struct _JdEventsView
{
  GtkWidget            parent_instance;

  JdEventLog          *log;
  GtkCustomFilter     *filter;
  GtkFilterListModel  *filtered;
  GtkSortListModel    *sorted;
  GtkSingleSelection  *selection;
  guint                filter_kind;
  char                *search;        /* casefolded, or NULL */
  gboolean             at_top;
  guint                n_new;
  GFile               *history_file;
  GCancellable        *history_cancellable;
  guint                save_id;
  gboolean             history_loaded;
  gboolean             narrow;
  guint                narrow_id;
  GPtrArray           *optional_columns;   /* hidden when narrow */

  /* Template children */
  GtkScrolledWindow   *scroller;
  GtkRevealer         *new_revealer;
  GtkButton           *new_button;
  GtkSearchEntry      *search_entry;
  GtkStack            *stack;
  GtkColumnView       *column_view;
  GtkSourceView       *payload_view;
  GtkLabel            *count_label;
  GtkDropDown         *filter_dropdown;
};

G_DEFINE_FINAL_TYPE (JdEventsView, jd_events_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EVENT_LOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * jd_events_view_describe_kind:
 * @kind: the jobs client's kind ("notify", "update accepted", …)
 *
 * Returns: the name a person knows it by: AWS's event names for the two
 *   notifications, "Sent", "Accepted" or "Rejected" for the rest
 */
const char *
jd_events_view_describe_kind (const char *kind)
{
  if (g_strcmp0 (kind, "notify") == 0)
    return "JobExecutionsChanged";
  if (g_strcmp0 (kind, "notify-next") == 0)
    return "NextJobExecutionChanged";
  if (kind != NULL && g_str_has_suffix (kind, " request"))
    return _("Sent");
  if (kind != NULL && g_str_has_suffix (kind, " accepted"))
    return _("Accepted");
  if (kind != NULL && g_str_has_suffix (kind, " rejected"))
    return _("Rejected");
  return kind != NULL ? kind : "";
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  JdEventsView *self = user_data;
  const char *kind = jd_event_get_kind (item);

  if (self->search != NULL)
    {
      const char *fields[] = { jd_event_get_topic (item), kind, jd_event_get_job_id (item),
                               jd_events_view_describe_kind (kind), jd_event_get_payload (item) };
      gboolean found = FALSE;

      for (guint i = 0; !found && i < G_N_ELEMENTS (fields); i++)
        if (fields[i] != NULL)
          {
            g_autofree char *folded = g_utf8_casefold (fields[i], -1);
            found = strstr (folded, self->search) != NULL;
          }
      if (!found)
        return FALSE;
    }

  switch (self->filter_kind)
    {
    case JD_EVENTS_FILTER_NOTIFICATIONS:
      return g_str_has_prefix (kind, "notify");
    case JD_EVENTS_FILTER_REPLIES:
      return g_str_has_suffix (kind, " accepted") || g_str_has_suffix (kind, " rejected");
    case JD_EVENTS_FILTER_SENT:
      return jd_event_get_direction (item) == JD_EVENT_DIRECTION_OUT;
    case JD_EVENTS_FILTER_REJECTED:
      return g_str_has_suffix (kind, " rejected");
    case JD_EVENTS_FILTER_ALL:
    default:
      return TRUE;
    }
}

/* Newest first. The log is in arrival order, and times can tie. */
static int
compare_newest_first (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  return -g_date_time_compare (jd_event_get_time ((JdEvent *) a), jd_event_get_time ((JdEvent *) b));
}

static void
update_count (JdEventsView *self)
{
  guint shown = self->filtered ? g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) : 0;
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u event", "%u events", shown), shown);

  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->stack, shown > 0 ? "events" : "empty");
}

static void
show_payload (JdEventsView *self)
{
  JdEvent *event = self->selection ? gtk_single_selection_get_selected_item (self->selection) : NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->payload_view));
  const char *payload;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *pretty = NULL;

  /* Only JSON is highlighted as JSON; the hints are plain words. */
  if (event == NULL)
    {
      gtk_source_buffer_set_highlight_syntax (GTK_SOURCE_BUFFER (buffer), FALSE);
      gtk_text_buffer_set_text (buffer, _("Select an event to see its payload."), -1);
      return;
    }

  payload = jd_event_get_payload (event);
  node = payload ? json_from_string (payload, NULL) : NULL;
  if (node != NULL)
    pretty = jd_format_json_pretty (node);
  gtk_source_buffer_set_highlight_syntax (GTK_SOURCE_BUFFER (buffer), pretty != NULL);

  if (pretty != NULL)
    gtk_text_buffer_set_text (buffer, pretty, -1);
  else if (payload != NULL && payload[0] != '\0')
    gtk_text_buffer_set_text (buffer, payload, -1);
  else
    gtk_text_buffer_set_text (buffer, _("(empty payload)"), -1);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          JdEventsView             *self)
{
  Column column = jd_format_column_of (GTK_LIST_ITEM_FACTORY (factory));
  GtkWidget *child;

  if (column == COLUMN_DIRECTION)
    {
      child = gtk_image_new ();
    }
  else if (column == COLUMN_TIME)
    {
      child = jd_time_label_new (JD_TIME_LABEL_CLOCK);
    }
  else if (column == COLUMN_JOB)
    {
      child = jd_cells_id_new (FALSE);
    }
  else
    {
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), 0);
      gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_MIDDLE);
      if (column == COLUMN_TIME)
        gtk_widget_add_css_class (child, "numeric");
      if (column == COLUMN_TOPIC)
        gtk_widget_add_css_class (child, "job-id");
    }

  gtk_list_item_set_child (item, child);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         JdEventsView             *self)
{
  Column column = jd_format_column_of (GTK_LIST_ITEM_FACTORY (factory));
  JdEvent *event = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);

  switch (column)
    {
    case COLUMN_TIME:
      jd_time_label_set_time (JD_TIME_LABEL (child), jd_event_get_time (event));
      break;

    case COLUMN_JOB:
      jd_cells_id_set (child, jd_event_get_job_id (event), FALSE);
      break;

    case COLUMN_DIRECTION:
      {
        gboolean out = jd_event_get_direction (event) == JD_EVENT_DIRECTION_OUT;
        const char *words = out ? _("Sent by this device") : _("Received");

        gtk_image_set_from_icon_name (GTK_IMAGE (child), out ? "go-up-symbolic" : "go-down-symbolic");
        jd_cells_set_tooltip (child, words);
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, words, -1);
      }
      break;

    case COLUMN_KIND:
      {
        const char *kind = jd_event_get_kind (event);

        const char *space = strchr (kind, ' ');

        /* "Accepted · update", or AWS's name for a notification. */
        if (space != NULL)
          {
            g_autofree char *operation = g_strndup (kind, space - kind);
            g_autofree char *text = g_strdup_printf ("%s · %s", jd_events_view_describe_kind (kind), operation);

            gtk_label_set_label (GTK_LABEL (child), text);
          }
        else
          gtk_label_set_label (GTK_LABEL (child), jd_events_view_describe_kind (kind));
        jd_cells_set_tooltip (child, kind);
        if (g_str_has_suffix (kind, " rejected"))
          gtk_widget_add_css_class (child, "error");
        else
          gtk_widget_remove_css_class (child, "error");
      }
      break;

    case COLUMN_TOPIC:
      gtk_label_set_label (GTK_LABEL (child), jd_event_get_topic (event));
      jd_cells_set_tooltip (child, jd_event_get_topic (event));
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
filter_selected_cb (JdEventsView *self)
{
  jd_events_view_set_filter (self, gtk_drop_down_get_selected (self->filter_dropdown));
}

static void
search_changed_cb (JdEventsView *self)
{
  jd_events_view_set_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

/* ---- the newest event in sight ---- */

static GtkWidget *
inner_list_view (JdEventsView *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

static void
scroll_to_newest (JdEventsView *self)
{
  GtkWidget *list = inner_list_view (self);

  if (list != NULL && self->sorted != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) > 0)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", 0);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static void
update_new_button (JdEventsView *self)
{
  if (self->n_new > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new event", "%u new events",
                                                            self->n_new), self->n_new);
      gtk_button_set_label (self->new_button, text);
    }
  gtk_revealer_set_reveal_child (self->new_revealer, self->n_new > 0);
}

static void
scrolled_cb (JdEventsView *self)
{
  gboolean at_top = gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (self->scroller)) < 1;

  self->at_top = at_top;
  if (at_top && self->n_new > 0)
    {
      self->n_new = 0;
      update_new_button (self);
    }
}

static void
sorted_items_changed_cb (JdEventsView *self,
                         guint         position,
                         guint         removed,
                         guint         added)
{
  if (added <= removed || position != 0)
    return;

  if (self->at_top)
    scroll_to_newest (self);
  else
    {
      self->n_new += added - removed;
      update_new_button (self);
    }
}

static void
new_clicked_cb (JdEventsView *self)
{
  self->n_new = 0;
  self->at_top = TRUE;
  update_new_button (self);
  scroll_to_newest (self);
}

/* ---- history ---- */

static void
history_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not keep the event history: %s", error->message);
}

/* In a worker thread: make the folder, write a temporary file, rename. */
static void
write_history_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GFile *file = g_object_get_data (G_OBJECT (task), "jd-file");
  const char *text = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *dir = g_path_get_dirname (path);
  GError *error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", dir, g_strerror (saved));
      return;
    }
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
write_history (JdEventsView *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->history_file == NULL || self->log == NULL || !self->history_loaded)
    return;

  task = g_task_new (NULL, NULL, history_written_cb, NULL);
  g_task_set_source_tag (task, write_history);
  g_object_set_data_full (G_OBJECT (task), "jd-file", g_object_ref (self->history_file), g_object_unref);
  g_task_set_task_data (task, jd_event_log_to_json_lines (self->log), g_free);
  g_task_run_in_thread (task, write_history_thread);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  JdEventsView *self = user_data;

  self->save_id = 0;
  write_history (self);
  return G_SOURCE_REMOVE;
}

static void
log_changed_cb (JdEventsView *self)
{
  if (self->history_file != NULL && self->save_id == 0)
    self->save_id = g_timeout_add_seconds (SAVE_DELAY_SECONDS, save_timeout_cb, self);
}

static void
history_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(JdEventsView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_file_load_contents_finish (G_FILE (object), result, &text, &len, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_warning ("Could not read the event history: %s", error->message);
    }
  else if (self->log != NULL && G_FILE (object) == self->history_file)
    {
      g_autoptr(GPtrArray) events = jd_event_log_parse_json_lines (text, len);

      jd_event_log_prepend_history (self->log, events);
    }
  if (self->log != NULL)
    g_object_set_data (G_OBJECT (self->log), "jd-history-loaded", GINT_TO_POINTER (TRUE));

  self->history_loaded = TRUE;
  log_changed_cb (self);
}

static void
load_history (JdEventsView *self)
{
  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  self->history_loaded = FALSE;

  if (self->history_file == NULL || self->log == NULL)
    return;

  /* A log takes its history once, however often it is shown. */
  if (g_object_get_data (G_OBJECT (self->log), "jd-history-loaded") != NULL)
    {
      self->history_loaded = TRUE;
      return;
    }

  self->history_cancellable = g_cancellable_new ();
  g_file_load_contents_async (self->history_file, self->history_cancellable, history_loaded_cb,
                              g_object_ref (self));
}

/* ---- export ---- */

static void
csv_field (GString    *out,
           const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text ? text : ""; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(JdEventsView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        jd_format_toast_error (GTK_WIDGET (self), _("Could not export the events"), error);
      return;
    }

  jd_format_add_toast (GTK_WIDGET (self), adw_toast_new (_("Events exported")));
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    JdEventsView    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      const char *choice = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "format");
      g_autofree char *name = g_file_get_basename (file);
      gboolean csv = g_strcmp0 (choice, "csv") == 0 || g_str_has_suffix (name, ".csv");

      jd_events_view_export_to (self, file, csv ? JD_EVENTS_EXPORT_CSV : JD_EVENTS_EXPORT_JSON_LINES);
    }

  g_object_unref (chooser);
}

/* ---- narrow widths: only the essential columns ---- */

#define NARROW_WIDTH 560

static gboolean
apply_narrow_cb (gpointer user_data)
{
  JdEventsView *self = user_data;

  self->narrow_id = 0;
  for (guint i = 0; i < self->optional_columns->len; i++)
    gtk_column_view_column_set_visible (g_ptr_array_index (self->optional_columns, i), !self->narrow);
  return G_SOURCE_REMOVE;
}

static void
jd_events_view_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  if (child != NULL)
    gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
}

static void
jd_events_view_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  JdEventsView *self = JD_EVENTS_VIEW (widget);
  GtkWidget *child = gtk_widget_get_first_child (widget);
  gboolean narrow = width < NARROW_WIDTH;

  if (child != NULL)
    gtk_widget_allocate (child, width, height, baseline, NULL);

  /* Columns change after this allocation, not during it. */
  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      if (self->narrow_id == 0)
        self->narrow_id = g_idle_add (apply_narrow_cb, self);
    }
}

static void
jd_events_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  JdEventsView *self = JD_EVENTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_EVENT_LOG:
      g_value_set_object (value, self->log);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_events_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  JdEventsView *self = JD_EVENTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_EVENT_LOG:
      jd_events_view_set_event_log (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
jd_events_view_dispose (GObject *object)
{
  JdEventsView *self = JD_EVENTS_VIEW (object);
  GtkWidget *child;

  if (self->save_id != 0)
    {
      g_clear_handle_id (&self->save_id, g_source_remove);
      write_history (self);
    }
  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  g_clear_object (&self->history_file);
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  if (self->sorted != NULL)
    g_signal_handlers_disconnect_by_data (self->sorted, self);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_clear_object (&self->log);
  g_clear_pointer (&self->search, g_free);
  g_clear_handle_id (&self->narrow_id, g_source_remove);
  g_clear_pointer (&self->optional_columns, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (object), JD_TYPE_EVENTS_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (jd_events_view_parent_class)->dispose (object);
}

static void
jd_events_view_class_init (JdEventsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = jd_events_view_dispose;
  object_class->get_property = jd_events_view_get_property;
  object_class->set_property = jd_events_view_set_property;

  properties[PROP_EVENT_LOG] =
    g_param_spec_object ("event-log", NULL, NULL,
                         JD_TYPE_EVENT_LOG,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_source_init ();

  widget_class->measure = jd_events_view_measure;
  widget_class->size_allocate = jd_events_view_size_allocate;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-events-view.ui");
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, stack);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, payload_view);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, scroller);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, new_revealer);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, new_button);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, search_entry);
  gtk_widget_class_bind_template_callback (widget_class, filter_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_clicked_cb);
}

static void
jd_events_view_init (JdEventsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  static const JdColumnCallbacks callbacks = {
    G_CALLBACK (setup_cb), G_CALLBACK (bind_cb), NULL
  };

  jd_format_add_column (self->column_view, _("Time"), COLUMN_TIME, FALSE, 110, &callbacks, self);
  jd_format_add_column (self->column_view, "", COLUMN_DIRECTION, FALSE, 36, &callbacks, self);
  jd_format_add_column (self->column_view, _("Kind"), COLUMN_KIND, FALSE, 190, &callbacks, self);
  jd_format_add_column (self->column_view, _("Job"), COLUMN_JOB, FALSE, 140, &callbacks, self);
  jd_format_add_column (self->column_view, _("Topic"), COLUMN_TOPIC, TRUE, -1, &callbacks, self);
  {
    GListModel *columns = gtk_column_view_get_columns (self->column_view);

    self->optional_columns = g_ptr_array_new_with_free_func (g_object_unref);
    g_ptr_array_add (self->optional_columns, g_list_model_get_item (columns, COLUMN_JOB));
    g_ptr_array_add (self->optional_columns, g_list_model_get_item (columns, COLUMN_TOPIC));
  }

  jd_format_json_view (self->payload_view);

  self->at_top = TRUE;
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  jd_events_view_set_event_log (self, NULL);
}

GtkWidget *
jd_events_view_new (void)
{
  return g_object_new (JD_TYPE_EVENTS_VIEW, NULL);
}

/**
 * jd_events_view_get_event_log:
 *
 * Returns: (transfer none) (nullable): the log shown
 */
JdEventLog *
jd_events_view_get_event_log (JdEventsView *self)
{
  g_return_val_if_fail (JD_IS_EVENTS_VIEW (self), NULL);

  return self->log;
}

/**
 * jd_events_view_set_event_log:
 * @log: (nullable): the jobs client's event log
 */
void
jd_events_view_set_event_log (JdEventsView *self,
                              JdEventLog   *log)
{
  GListModel *source;

  g_return_if_fail (JD_IS_EVENTS_VIEW (self));
  g_return_if_fail (log == NULL || JD_IS_EVENT_LOG (log));

  if (self->log != NULL && self->log == log)
    return;

  /* The old log's history is written before it goes. */
  if (self->save_id != 0)
    {
      g_clear_handle_id (&self->save_id, g_source_remove);
      write_history (self);
    }
  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_set_object (&self->log, log);
  if (log != NULL)
    g_signal_connect_object (log, "items-changed", G_CALLBACK (log_changed_cb), self, G_CONNECT_SWAPPED);

  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  if (self->sorted != NULL)
    g_signal_handlers_disconnect_by_data (self->sorted, self);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);

  source = log ? g_object_ref (G_LIST_MODEL (log)) : G_LIST_MODEL (g_list_store_new (JD_TYPE_EVENT));
  self->filtered = gtk_filter_list_model_new (source, g_object_ref (GTK_FILTER (self->filter)));
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)),
                                          GTK_SORTER (gtk_custom_sorter_new (compare_newest_first, NULL, NULL)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (show_payload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filtered, "items-changed",
                           G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sorted, "items-changed",
                           G_CALLBACK (sorted_items_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  self->n_new = 0;
  update_new_button (self);
  load_history (self);
  update_count (self);
  show_payload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVENT_LOG]);
}

/**
 * jd_events_view_get_n_shown:
 *
 * Returns: how many events pass the filter
 */
guint
jd_events_view_get_n_shown (JdEventsView *self)
{
  g_return_val_if_fail (JD_IS_EVENTS_VIEW (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}

/**
 * jd_events_view_set_filter:
 * @filter: one of the JD_EVENTS_FILTER_* values
 */
void
jd_events_view_set_filter (JdEventsView *self,
                           guint         filter)
{
  g_return_if_fail (JD_IS_EVENTS_VIEW (self));

  if (self->filter_kind == filter)
    return;

  self->filter_kind = filter;
  if (gtk_drop_down_get_selected (self->filter_dropdown) != filter)
    gtk_drop_down_set_selected (self->filter_dropdown, filter);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/**
 * jd_events_view_set_search:
 * @text: (nullable): words to look for in topics, kinds, job ids and payloads
 */
void
jd_events_view_set_search (JdEventsView *self,
                           const char   *text)
{
  g_autofree char *folded = NULL;

  g_return_if_fail (JD_IS_EVENTS_VIEW (self));

  folded = text && text[0] ? g_utf8_casefold (text, -1) : NULL;
  if (g_strcmp0 (folded, self->search) == 0)
    return;

  g_free (self->search);
  self->search = g_steal_pointer (&folded);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/**
 * jd_events_view_get_n_new:
 *
 * Returns: how many events arrived while the list was scrolled away from the top
 */
guint
jd_events_view_get_n_new (JdEventsView *self)
{
  g_return_val_if_fail (JD_IS_EVENTS_VIEW (self), 0);

  return self->n_new;
}

gboolean
jd_events_view_get_at_top (JdEventsView *self)
{
  g_return_val_if_fail (JD_IS_EVENTS_VIEW (self), FALSE);

  return self->at_top;
}

/**
 * jd_events_view_set_history_file:
 * @file: (nullable): where the history is kept; it is read now and
 *   written a moment after each change
 */
void
jd_events_view_set_history_file (JdEventsView *self,
                                 GFile        *file)
{
  g_return_if_fail (JD_IS_EVENTS_VIEW (self));

  if (self->history_file == file ||
      (self->history_file != NULL && file != NULL && g_file_equal (self->history_file, file)))
    return;

  if (self->save_id != 0)
    {
      g_clear_handle_id (&self->save_id, g_source_remove);
      write_history (self);
    }
  g_set_object (&self->history_file, file);
  load_history (self);
}

/**
 * jd_events_view_save_history:
 *
 * Writes the history now (in a worker thread) if a change is waiting.
 */
void
jd_events_view_save_history (JdEventsView *self)
{
  g_return_if_fail (JD_IS_EVENTS_VIEW (self));

  if (self->save_id != 0)
    {
      g_clear_handle_id (&self->save_id, g_source_remove);
      write_history (self);
    }
}

/**
 * jd_events_view_export_text:
 * @format: JSON Lines (one compact object a line) or CSV
 *
 * Returns: (transfer full): the events the filter shows, oldest first
 */
char *
jd_events_view_export_text (JdEventsView         *self,
                            JdEventsExportFormat  format)
{
  GListModel *model;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (JD_IS_EVENTS_VIEW (self), NULL);

  model = G_LIST_MODEL (self->filtered);
  if (format == JD_EVENTS_EXPORT_CSV)
    g_string_append (out, "time,direction,kind,job_id,topic,payload\r\n");

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(JdEvent) event = g_list_model_get_item (model, i);

      if (format == JD_EVENTS_EXPORT_CSV)
        {
          g_autofree char *time = g_date_time_format_iso8601 (jd_event_get_time (event));

          csv_field (out, time);
          g_string_append_c (out, ',');
          csv_field (out, jd_event_get_direction (event) == JD_EVENT_DIRECTION_IN ? "in" : "out");
          g_string_append_c (out, ',');
          csv_field (out, jd_event_get_kind (event));
          g_string_append_c (out, ',');
          csv_field (out, jd_event_get_job_id (event));
          g_string_append_c (out, ',');
          csv_field (out, jd_event_get_topic (event));
          g_string_append_c (out, ',');
          csv_field (out, jd_event_get_payload (event));
          g_string_append (out, "\r\n");
        }
      else
        {
          g_autofree char *line = jd_event_to_json_line (event);

          g_string_append (out, line);
          g_string_append_c (out, '\n');
        }
    }

  return g_string_free (out, FALSE);
}

/**
 * jd_events_view_export_to:
 * @file: where to write
 *
 * Writes jd_events_view_export_text() to @file, without blocking; a toast
 * says how it went.
 */
void
jd_events_view_export_to (JdEventsView         *self,
                          GFile                *file,
                          JdEventsExportFormat  format)
{
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (JD_IS_EVENTS_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  text = jd_events_view_export_text (self, format);
  bytes = g_bytes_new (text, strlen (text));

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, export_written_cb, g_object_ref (self));
}

/**
 * jd_events_view_export:
 *
 * Asks where to export the shown events, and in which format.
 */
void
jd_events_view_export (JdEventsView *self)
{
  static const char *ids[] = { "jsonl", "csv", NULL };
  const char *labels[] = { _("JSON Lines"), _("CSV"), NULL };
  GtkFileChooserNative *chooser;

  g_return_if_fail (JD_IS_EVENTS_VIEW (self));

  chooser = gtk_file_chooser_native_new (_("Export Events"), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "format", _("Format"), ids, labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "format", "jsonl");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "jobdeck-events.jsonl");
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
