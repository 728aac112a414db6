/* jd-cells.h — what the rows of the app's tables are made of: one clock that
 * makes relative times tick (and runs no timer when nothing shows one), a
 * time label that follows it, and the id and status-pill cells.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-execution.h"
#include "jd-job.h"

G_BEGIN_DECLS

/* ---- the clock ---- */

typedef enum {
  JD_CLOCK_MINUTES,   /* "5 min ago": a tick every 30 seconds */
  JD_CLOCK_SECONDS,   /* a countdown: a tick every second */
} JdClockResolution;

typedef void (*JdClockFunc) (gpointer user_data);

#define JD_TYPE_CLOCK (jd_clock_get_type ())
G_DECLARE_FINAL_TYPE (JdClock, jd_clock, JD, CLOCK, GObject)

JdClock   *jd_clock_get_default          (void);
guint      jd_clock_watch                (JdClock           *self,
                                          JdClockResolution  resolution,
                                          JdClockFunc        func,
                                          gpointer           user_data);
void       jd_clock_unwatch              (JdClock           *self,
                                          guint              id);
guint      jd_clock_get_interval         (JdClock           *self);
guint      jd_clock_get_n_watches        (JdClock           *self);
GDateTime *jd_clock_dup_now              (JdClock           *self);
void       jd_clock_set_offset_for_tests (JdClock           *self,
                                          GTimeSpan          offset);

/* ---- a label showing a time ---- */

typedef enum {
  JD_TIME_LABEL_RELATIVE,    /* "5 min ago", exact on hover; ticks */
  JD_TIME_LABEL_CLOCK,       /* "14:03:07.123", for a log */
  JD_TIME_LABEL_COUNTDOWN,   /* "About 42 seconds" until the time; ticks */
} JdTimeLabelFormat;

#define JD_TYPE_TIME_LABEL (jd_time_label_get_type ())
G_DECLARE_FINAL_TYPE (JdTimeLabel, jd_time_label, JD, TIME_LABEL, GtkWidget)

GtkWidget  *jd_time_label_new        (JdTimeLabelFormat  format);
void        jd_time_label_set_time   (JdTimeLabel       *self,
                                      GDateTime         *when);
GDateTime  *jd_time_label_get_time   (JdTimeLabel       *self);
const char *jd_time_label_get_text   (JdTimeLabel       *self);

void        jd_cells_set_tooltip      (GtkWidget         *widget,
                                       const char        *text);
char       *jd_cells_format_countdown (GDateTime        *deadline,
                                       GDateTime        *now);

/* ---- cells of a data table ---- */

GtkWidget  *jd_cells_id_new          (gboolean           with_badge);
void        jd_cells_id_set          (GtkWidget         *cell,
                                      const char        *id,
                                      gboolean           badge);
GtkWidget  *jd_cells_pill_new        (void);
void        jd_cells_pill_set_status (GtkWidget         *cell,
                                      JdExecutionStatus  status);
void        jd_cells_pill_set_job_status (GtkWidget     *cell,
                                          JdJobStatus    status);
GtkWidget  *jd_cells_number_new      (void);
void        jd_cells_number_set      (GtkWidget         *cell,
                                      gint64             number);

G_END_DECLS
