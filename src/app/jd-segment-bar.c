/* jd-segment-bar.c — coloured segments by execution status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "jd-segment-bar"

#include <string.h>

#include "jd-segment-bar.h"

#define N_STATUSES (JD_EXECUTION_STATUS_CANCELED + 1)

struct _JdSegmentBar
{
  GtkWidget parent_instance;

  guint     counts[N_STATUSES];
};

G_DEFINE_FINAL_TYPE (JdSegmentBar, jd_segment_bar, GTK_TYPE_WIDGET)

/* Drawing order: finished well, finished badly, running, waiting. */
static const JdExecutionStatus order[] = {
  JD_EXECUTION_STATUS_SUCCEEDED,
  JD_EXECUTION_STATUS_FAILED,
  JD_EXECUTION_STATUS_TIMED_OUT,
  JD_EXECUTION_STATUS_REJECTED,
  JD_EXECUTION_STATUS_CANCELED,
  JD_EXECUTION_STATUS_REMOVED,
  JD_EXECUTION_STATUS_IN_PROGRESS,
  JD_EXECUTION_STATUS_QUEUED,
  JD_EXECUTION_STATUS_UNKNOWN,
};

static void
status_color (GtkWidget         *widget,
              JdExecutionStatus  status,
              GdkRGBA           *rgba)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  const char *name;
  double alpha = 1.0;

  switch (status)
    {
    case JD_EXECUTION_STATUS_SUCCEEDED:   name = "success_color"; break;
    case JD_EXECUTION_STATUS_FAILED:
    case JD_EXECUTION_STATUS_TIMED_OUT:
    case JD_EXECUTION_STATUS_REJECTED:    name = "error_color"; break;
    case JD_EXECUTION_STATUS_IN_PROGRESS: name = "accent_color"; break;
    case JD_EXECUTION_STATUS_CANCELED:
    case JD_EXECUTION_STATUS_REMOVED:     name = "warning_color"; break;
    case JD_EXECUTION_STATUS_QUEUED:
    case JD_EXECUTION_STATUS_UNKNOWN:
    default:                              name = "window_fg_color"; alpha = 0.15; break;
    }

  if (!gtk_style_context_lookup_color (context, name, rgba))
    gdk_rgba_parse (rgba, "#888888");
  rgba->alpha *= alpha;
}

static void
jd_segment_bar_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  JdSegmentBar *self = JD_SEGMENT_BAR (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint total = 0;
  double x = 0;
  GskRoundedRect outline;

  for (guint i = 0; i < N_STATUSES; i++)
    total += self->counts[i];

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), height / 2.0);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);

  if (total == 0)
    {
      GdkRGBA rgba;

      status_color (widget, JD_EXECUTION_STATUS_QUEUED, &rgba);
      gtk_snapshot_append_color (snapshot, &rgba, &GRAPHENE_RECT_INIT (0, 0, width, height));
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
      {
        guint n = self->counts[order[i]];
        double w;
        GdkRGBA rgba;

        if (n == 0)
          continue;
        w = (double) width * n / total;
        status_color (widget, order[i], &rgba);
        gtk_snapshot_append_color (snapshot, &rgba, &GRAPHENE_RECT_INIT (x, 0, w, height));
        x += w;
      }

  gtk_snapshot_pop (snapshot);
}

static void
jd_segment_bar_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 60;
      *natural = 300;
    }
  else
    *minimum = *natural = 10;
}

static void
jd_segment_bar_class_init (JdSegmentBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = jd_segment_bar_snapshot;
  widget_class->measure = jd_segment_bar_measure;
  gtk_widget_class_set_css_name (widget_class, "segmentbar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
jd_segment_bar_init (JdSegmentBar *self)
{
}

GtkWidget *
jd_segment_bar_new (void)
{
  return g_object_new (JD_TYPE_SEGMENT_BAR, NULL);
}

void
jd_segment_bar_set_counts (JdSegmentBar *self,
                           const guint  *counts)
{
  g_return_if_fail (JD_IS_SEGMENT_BAR (self));
  g_return_if_fail (counts != NULL);

  if (memcmp (self->counts, counts, sizeof self->counts) == 0)
    return;
  memcpy (self->counts, counts, sizeof self->counts);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
jd_segment_bar_get_count (JdSegmentBar      *self,
                          JdExecutionStatus  status)
{
  g_return_val_if_fail (JD_IS_SEGMENT_BAR (self), 0);
  g_return_val_if_fail (status < N_STATUSES, 0);
  return self->counts[status];
}
