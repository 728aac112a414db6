/* jd-cells.c — the clock, the time label and the table cells.
 *
 * The clock is one object for the whole app. Widgets that show a relative
 * time watch it while they are mapped; it runs one timer at the finest
 * resolution asked for (every 30 seconds for "min ago", every second for a
 * countdown) and none at all when nothing watches, so an idle window on a
 * view without relative times never wakes up for them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-app"

#include <string.h>

#include <glib/gi18n.h>

#include "jd-cells.h"
#include "jd-format.h"

#define MINUTES_INTERVAL 30

/* ---- JdClock ---- */

typedef struct {
  JdClockResolution resolution;
  JdClockFunc       func;
  gpointer          user_data;
} Watch;

struct _JdClock
{
  GObject     parent_instance;

  GHashTable *watches;     /* id → Watch */
  guint       last_id;
  guint       timer_id;
  guint       interval;    /* seconds; 0 when no timer runs */
  GTimeSpan   offset;      /* tests move time on */
};

G_DEFINE_FINAL_TYPE (JdClock, jd_clock, G_TYPE_OBJECT)

static void
jd_clock_tick (JdClock *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  GHashTableIter iter;
  gpointer key;

  /* A watcher may unwatch (itself or another) while we go round. */
  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint id = GPOINTER_TO_UINT (key);
      g_array_append_val (ids, id);
    }

  for (guint i = 0; i < ids->len; i++)
    {
      Watch *watch = g_hash_table_lookup (self->watches, GUINT_TO_POINTER (g_array_index (ids, guint, i)));

      if (watch != NULL)
        watch->func (watch->user_data);
    }
}

static gboolean
timer_cb (gpointer user_data)
{
  jd_clock_tick (user_data);
  return G_SOURCE_CONTINUE;
}

static void
update_timer (JdClock *self)
{
  GHashTableIter iter;
  gpointer value;
  guint interval = 0;

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Watch *watch = value;

      interval = watch->resolution == JD_CLOCK_SECONDS ? 1 : MAX (interval, MINUTES_INTERVAL);
      if (interval == 1)
        break;
    }

  if (interval == self->interval)
    return;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->interval = interval;
  if (interval > 0)
    {
      /* Whole seconds, so GLib may batch our wake-ups with others'. */
      self->timer_id = g_timeout_add_seconds (interval, timer_cb, self);
      g_source_set_name_by_id (self->timer_id, "[jobdeck] clock");
    }
}

static void
jd_clock_finalize (GObject *object)
{
  JdClock *self = JD_CLOCK (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_pointer (&self->watches, g_hash_table_unref);

  G_OBJECT_CLASS (jd_clock_parent_class)->finalize (object);
}

static void
jd_clock_class_init (JdClockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = jd_clock_finalize;
}

static void
jd_clock_init (JdClock *self)
{
  self->watches = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

/**
 * jd_clock_get_default:
 *
 * Returns: (transfer none): the app's clock
 */
JdClock *
jd_clock_get_default (void)
{
  static JdClock *clock;

  if (clock == NULL)
    clock = g_object_new (JD_TYPE_CLOCK, NULL);
  return clock;
}

/**
 * jd_clock_watch:
 * @resolution: how often @func needs to run
 * @func: called at each tick
 *
 * Returns: an id for jd_clock_unwatch()
 */
guint
jd_clock_watch (JdClock           *self,
                JdClockResolution  resolution,
                JdClockFunc        func,
                gpointer           user_data)
{
  Watch *watch;

  g_return_val_if_fail (JD_IS_CLOCK (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  watch = g_new0 (Watch, 1);
  watch->resolution = resolution;
  watch->func = func;
  watch->user_data = user_data;
  g_hash_table_insert (self->watches, GUINT_TO_POINTER (++self->last_id), watch);
  update_timer (self);
  return self->last_id;
}

void
jd_clock_unwatch (JdClock *self,
                  guint    id)
{
  g_return_if_fail (JD_IS_CLOCK (self));

  if (g_hash_table_remove (self->watches, GUINT_TO_POINTER (id)))
    update_timer (self);
}

/**
 * jd_clock_get_interval:
 *
 * Returns: the seconds between ticks, or 0 when no timer runs
 */
guint
jd_clock_get_interval (JdClock *self)
{
  g_return_val_if_fail (JD_IS_CLOCK (self), 0);

  return self->interval;
}

guint
jd_clock_get_n_watches (JdClock *self)
{
  g_return_val_if_fail (JD_IS_CLOCK (self), 0);

  return g_hash_table_size (self->watches);
}

/**
 * jd_clock_dup_now:
 *
 * Returns: (transfer full): the present, in UTC
 */
GDateTime *
jd_clock_dup_now (JdClock *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (JD_IS_CLOCK (self), NULL);

  return g_date_time_add (now, self->offset);
}

/**
 * jd_clock_set_offset_for_tests:
 * @offset: how far the clock runs ahead of the real one
 *
 * Moves time on and ticks at once.
 */
void
jd_clock_set_offset_for_tests (JdClock   *self,
                               GTimeSpan  offset)
{
  g_return_if_fail (JD_IS_CLOCK (self));

  self->offset = offset;
  jd_clock_tick (self);
}

/* ---- tooltips ---- */

static GQuark
tooltip_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("jd-cells-tooltip");
  return quark;
}

static gboolean
lazy_tooltip_cb (GtkWidget  *widget,
                 int         x,
                 int         y,
                 gboolean    keyboard,
                 GtkTooltip *tooltip)
{
  const char *text = g_object_get_qdata (G_OBJECT (widget), tooltip_quark ());

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/**
 * jd_cells_set_tooltip:
 * @text: (nullable): the tooltip
 *
 * Gives @widget a tooltip that GTK asks for only when the pointer rests on
 * it (GtkWidget::query-tooltip). gtk_widget_set_tooltip_text() instead
 * makes GTK query the tooltip under the pointer again at once, which asks
 * the display where the pointer is (a round trip to the X server) and hides
 * and shows (and draws) a tooltip window: at each clock tick on an idle
 * screen, and for every cell of every row a list binds (~200 rows of the
 * Device view's table when it fills, each cell a round trip).
 */
void
jd_cells_set_tooltip (GtkWidget  *widget,
                      const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (g_strcmp0 (g_object_get_qdata (G_OBJECT (widget), tooltip_quark ()), text) == 0)
    return;
  if (g_signal_handler_find (widget, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, lazy_tooltip_cb, NULL) == 0)
    g_signal_connect (widget, "query-tooltip", G_CALLBACK (lazy_tooltip_cb), NULL);
  g_object_set_qdata_full (G_OBJECT (widget), tooltip_quark (), g_strdup (text), g_free);
  gtk_widget_set_has_tooltip (widget, text != NULL);
}

/* ---- JdTimeLabel ---- */

struct _JdTimeLabel
{
  GtkWidget          parent_instance;

  GtkLabel          *label;
  GDateTime         *when;
  JdTimeLabelFormat  format;
  guint              watch_id;
};

G_DEFINE_FINAL_TYPE (JdTimeLabel, jd_time_label, GTK_TYPE_WIDGET)

/**
 * jd_cells_format_countdown:
 * @deadline: when something runs out
 * @now: (nullable): the present, or %NULL for the clock's
 *
 * Returns: (transfer full): "About 42 seconds", "About 5 minutes", or "Now"
 */
char *
jd_cells_format_countdown (GDateTime *deadline,
                           GDateTime *now)
{
  g_autoptr(GDateTime) clock_now = NULL;
  gint64 seconds;

  if (deadline == NULL)
    return g_strdup ("—");
  if (now == NULL)
    now = clock_now = jd_clock_dup_now (jd_clock_get_default ());

  seconds = g_date_time_difference (deadline, now) / G_TIME_SPAN_SECOND;
  if (seconds <= 0)
    /* Translators: a step timeout that has run out, the service is about to act */
    return g_strdup (_("Now"));
  if (seconds < 120)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %d second", "About %d seconds", seconds),
                            (int) seconds);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %d minute", "About %d minutes", seconds / 60),
                          (int) (seconds / 60));
}

static void
jd_time_label_refresh (JdTimeLabel *self)
{
  g_autofree char *text = NULL;
  g_autofree char *exact = NULL;

  switch (self->format)
    {
    case JD_TIME_LABEL_CLOCK:
      if (self->when != NULL)
        {
          g_autoptr(GDateTime) local = g_date_time_to_local (self->when);

          text = g_date_time_format (local, "%H:%M:%S.%f");
          /* Milliseconds are enough: cut the microseconds' last three digits. */
          if (strlen (text) > 3)
            text[strlen (text) - 3] = '\0';
        }
      break;

    case JD_TIME_LABEL_COUNTDOWN:
      text = jd_cells_format_countdown (self->when, NULL);
      break;

    case JD_TIME_LABEL_RELATIVE:
    default:
      {
        g_autoptr(GDateTime) now = jd_clock_dup_now (jd_clock_get_default ());

        text = jd_format_relative_time (self->when, now);
      }
      break;
    }

  exact = self->when ? jd_format_exact_time (self->when) : NULL;
  gtk_label_set_label (self->label, text ? text : "—");
  jd_cells_set_tooltip (GTK_WIDGET (self), exact);
}

static void
tick_cb (gpointer user_data)
{
  jd_time_label_refresh (user_data);
}

static void
update_watch (JdTimeLabel *self)
{
  gboolean wants = gtk_widget_get_mapped (GTK_WIDGET (self)) && self->when != NULL &&
                   self->format != JD_TIME_LABEL_CLOCK;

  if (wants && self->watch_id == 0)
    self->watch_id = jd_clock_watch (jd_clock_get_default (),
                                     self->format == JD_TIME_LABEL_COUNTDOWN ? JD_CLOCK_SECONDS : JD_CLOCK_MINUTES,
                                     tick_cb, self);
  else if (!wants && self->watch_id != 0)
    {
      jd_clock_unwatch (jd_clock_get_default (), self->watch_id);
      self->watch_id = 0;
    }
}

static void
jd_time_label_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (jd_time_label_parent_class)->map (widget);
  /* What was shown while unmapped may be stale. */
  jd_time_label_refresh (JD_TIME_LABEL (widget));
  update_watch (JD_TIME_LABEL (widget));
}

static void
jd_time_label_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (jd_time_label_parent_class)->unmap (widget);
  update_watch (JD_TIME_LABEL (widget));
}

static void
jd_time_label_dispose (GObject *object)
{
  JdTimeLabel *self = JD_TIME_LABEL (object);

  if (self->watch_id != 0)
    jd_clock_unwatch (jd_clock_get_default (), self->watch_id);
  self->watch_id = 0;
  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);
  g_clear_pointer (&self->when, g_date_time_unref);

  G_OBJECT_CLASS (jd_time_label_parent_class)->dispose (object);
}

static void
jd_time_label_class_init (JdTimeLabelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = jd_time_label_dispose;
  widget_class->map = jd_time_label_map;
  widget_class->unmap = jd_time_label_unmap;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "timelabel");
}

static void
jd_time_label_init (JdTimeLabel *self)
{
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_label_set_ellipsize (self->label, PANGO_ELLIPSIZE_END);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
}

GtkWidget *
jd_time_label_new (JdTimeLabelFormat format)
{
  JdTimeLabel *self = g_object_new (JD_TYPE_TIME_LABEL, NULL);

  self->format = format;
  if (format == JD_TIME_LABEL_CLOCK)
    gtk_widget_add_css_class (GTK_WIDGET (self->label), "numeric");
  jd_time_label_refresh (self);
  return GTK_WIDGET (self);
}

/**
 * jd_time_label_set_time:
 * @when: (nullable): the time to show
 */
void
jd_time_label_set_time (JdTimeLabel *self,
                        GDateTime   *when)
{
  g_return_if_fail (JD_IS_TIME_LABEL (self));

  if (when != self->when)
    {
      g_clear_pointer (&self->when, g_date_time_unref);
      self->when = when ? g_date_time_ref (when) : NULL;
    }
  jd_time_label_refresh (self);
  update_watch (self);
}

GDateTime *
jd_time_label_get_time (JdTimeLabel *self)
{
  g_return_val_if_fail (JD_IS_TIME_LABEL (self), NULL);

  return self->when;
}

/**
 * jd_time_label_get_text:
 *
 * Returns: what the label says now
 */
const char *
jd_time_label_get_text (JdTimeLabel *self)
{
  g_return_val_if_fail (JD_IS_TIME_LABEL (self), NULL);

  return gtk_label_get_label (self->label);
}

/* ---- cells ---- */

/**
 * jd_cells_id_new:
 * @with_badge: whether the cell has a "Next" badge after the id
 *
 * Returns: (transfer floating): a monospace, ellipsized id cell
 */
GtkWidget *
jd_cells_id_new (gboolean with_badge)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "job-id");
  gtk_box_append (GTK_BOX (box), label);

  if (with_badge)
    {
      GtkWidget *badge = gtk_label_new (_("Next"));

      gtk_widget_add_css_class (badge, "next-badge");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_set_visible (badge, FALSE);
      gtk_widget_set_tooltip_text (badge, _("The execution $next returns and Start Next starts"));
      gtk_box_append (GTK_BOX (box), badge);
    }

  return box;
}

void
jd_cells_id_set (GtkWidget  *cell,
                 const char *id,
                 gboolean    badge)
{
  GtkWidget *label = gtk_widget_get_first_child (cell);
  GtkWidget *badge_label = gtk_widget_get_next_sibling (label);

  gtk_label_set_label (GTK_LABEL (label), id ? id : "");
  jd_cells_set_tooltip (label, id);
  if (badge_label != NULL)
    gtk_widget_set_visible (badge_label, badge);
}

/**
 * jd_cells_pill_new:
 *
 * Returns: (transfer floating): a status pill cell
 */
GtkWidget *
jd_cells_pill_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

void
jd_cells_pill_set_status (GtkWidget         *cell,
                          JdExecutionStatus  status)
{
  jd_format_status_pill (GTK_LABEL (cell), status);
}

void
jd_cells_pill_set_job_status (GtkWidget   *cell,
                              JdJobStatus  status)
{
  jd_format_job_status_pill (GTK_LABEL (cell), status);
}

/**
 * jd_cells_number_new:
 *
 * Returns: (transfer floating): a right-aligned numeric cell
 */
GtkWidget *
jd_cells_number_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  return label;
}

void
jd_cells_number_set (GtkWidget *cell,
                     gint64     number)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, number);

  gtk_label_set_label (GTK_LABEL (cell), text);
}
