/* jd-segment-bar.h — a thin bar split into coloured segments, one per
 * status, each as wide as its share: how a job's executions stand at a
 * glance. Colours are the theme's success / warning / error / accent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "jd-execution.h"

G_BEGIN_DECLS

#define JD_TYPE_SEGMENT_BAR (jd_segment_bar_get_type ())
G_DECLARE_FINAL_TYPE (JdSegmentBar, jd_segment_bar, JD, SEGMENT_BAR, GtkWidget)

GtkWidget *jd_segment_bar_new        (void);
/* @counts: one per JdExecutionStatus (JD_EXECUTION_STATUS_CANCELED + 1). */
void       jd_segment_bar_set_counts (JdSegmentBar *self,
                                      const guint  *counts);
guint      jd_segment_bar_get_count  (JdSegmentBar *self,
                                      JdExecutionStatus status);

G_END_DECLS
