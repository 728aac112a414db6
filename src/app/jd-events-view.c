/* jd-events-view.c — the Events view.
 *
 * The jobs client's bounded JdEventLog, newest first (a sort model over it),
 * filtered by kind, in a data-table GtkColumnView; the selected event's payload
 * below as formatted JSON. Export and Clear are window actions
 * (win.export-events, win.clear-events).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "jd-events-view.h"
#include "jd-format.h"

typedef enum {
  COLUMN_TIME,
  COLUMN_DIRECTION,
  COLUMN_KIND,
  COLUMN_TOPIC,
} Column;

struct _JdEventsView
{
  GtkWidget            parent_instance;

  JdEventLog          *log;
  GtkCustomFilter     *filter;
  GtkFilterListModel  *filtered;
  GtkSortListModel    *sorted;
  GtkSingleSelection  *selection;
  guint                filter_kind;

  /* Template children */
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

  if (event == NULL)
    {
      gtk_text_buffer_set_text (buffer, "", 0);
      return;
    }

  payload = jd_event_get_payload (event);
  node = payload ? json_from_string (payload, NULL) : NULL;
  if (node != NULL)
    pretty = jd_format_json_pretty (node);

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
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "jd-column"));
  GtkWidget *child;

  if (column == COLUMN_DIRECTION)
    {
      child = gtk_image_new ();
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
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "jd-column"));
  JdEvent *event = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);

  switch (column)
    {
    case COLUMN_TIME:
      {
        g_autoptr(GDateTime) local = g_date_time_to_local (jd_event_get_time (event));
        g_autofree char *text = g_date_time_format (local, "%H:%M:%S.%f");
        g_autofree char *exact = jd_format_exact_time (jd_event_get_time (event));

        /* Milliseconds are enough: cut the microseconds' last three digits. */
        if (strlen (text) > 3)
          text[strlen (text) - 3] = '\0';
        gtk_label_set_label (GTK_LABEL (child), text);
        gtk_widget_set_tooltip_text (child, exact);
      }
      break;

    case COLUMN_DIRECTION:
      {
        gboolean out = jd_event_get_direction (event) == JD_EVENT_DIRECTION_OUT;
        const char *words = out ? _("Sent by this device") : _("Received");

        gtk_image_set_from_icon_name (GTK_IMAGE (child), out ? "go-up-symbolic" : "go-down-symbolic");
        gtk_widget_set_tooltip_text (child, words);
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, words, -1);
      }
      break;

    case COLUMN_KIND:
      {
        const char *kind = jd_event_get_kind (event);

        gtk_label_set_label (GTK_LABEL (child), jd_events_view_describe_kind (kind));
        gtk_widget_set_tooltip_text (child, kind);
        if (g_str_has_suffix (kind, " rejected"))
          gtk_widget_add_css_class (child, "error");
        else
          gtk_widget_remove_css_class (child, "error");
      }
      break;

    case COLUMN_TOPIC:
      gtk_label_set_label (GTK_LABEL (child), jd_event_get_topic (event));
      gtk_widget_set_tooltip_text (child, jd_event_get_topic (event));
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
add_column (JdEventsView *self,
            Column        column,
            const char   *title,
            gboolean      expand,
            int           fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_object_set_data (G_OBJECT (factory), "jd-column", GINT_TO_POINTER (column));
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cb), self, 0);

  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  gtk_column_view_append_column (self->column_view, col);
  g_object_unref (col);
}

static void
filter_selected_cb (JdEventsView *self)
{
  jd_events_view_set_filter (self, gtk_drop_down_get_selected (self->filter_dropdown));
}

static void
setup_source_view (JdEventsView *self)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->payload_view)));
  const char *scheme = adw_style_manager_get_dark (adw_style_manager_get_default ()) ? "Adwaita-dark" : "Adwaita";

  gtk_source_buffer_set_language (buffer,
                                  gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (),
                                                                            "json"));
  gtk_source_buffer_set_style_scheme (buffer,
                                      gtk_source_style_scheme_manager_get_scheme (gtk_source_style_scheme_manager_get_default (),
                                                                                  scheme));
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

  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->log);

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

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/jd-events-view.ui");
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, stack);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, payload_view);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, JdEventsView, filter_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, filter_selected_cb);
}

static void
jd_events_view_init (JdEventsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  add_column (self, COLUMN_TIME, _("Time"), FALSE, 110);
  add_column (self, COLUMN_DIRECTION, "", FALSE, 36);
  add_column (self, COLUMN_KIND, _("Kind"), FALSE, 190);
  add_column (self, COLUMN_TOPIC, _("Topic"), TRUE, -1);

  setup_source_view (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (setup_source_view), self, G_CONNECT_SWAPPED);

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

  g_set_object (&self->log, log);

  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
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
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

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
