/* jd-events-view.h — the Events view: every MQTT message the thing sent and
 * received, newest first, with the payload of the selected one as JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-event-log.h"

G_BEGIN_DECLS

#define JD_TYPE_EVENTS_VIEW (jd_events_view_get_type ())

G_DECLARE_FINAL_TYPE (JdEventsView, jd_events_view, JD, EVENTS_VIEW, GtkWidget)

GtkWidget  *jd_events_view_new            (void);
JdEventLog *jd_events_view_get_event_log  (JdEventsView *self);
void        jd_events_view_set_event_log  (JdEventsView *self,
                                           JdEventLog   *log);
guint       jd_events_view_get_n_shown    (JdEventsView *self);
void        jd_events_view_set_filter     (JdEventsView *self,
                                           guint         filter);
const char *jd_events_view_describe_kind  (const char   *kind);
void        jd_events_view_set_search     (JdEventsView *self,
                                           const char   *text);
guint       jd_events_view_get_n_new      (JdEventsView *self);
gboolean    jd_events_view_get_at_top     (JdEventsView *self);
void        jd_events_view_set_history_file (JdEventsView *self,
                                             GFile        *file);
void        jd_events_view_save_history   (JdEventsView *self);

typedef enum {
  JD_EVENTS_EXPORT_JSON_LINES,
  JD_EVENTS_EXPORT_CSV,
} JdEventsExportFormat;

char       *jd_events_view_export_text    (JdEventsView         *self,
                                           JdEventsExportFormat  format);
void        jd_events_view_export_to      (JdEventsView         *self,
                                           GFile                *file,
                                           JdEventsExportFormat  format);
void        jd_events_view_export         (JdEventsView         *self);

/* Filters, in the order of the drop-down. */
enum {
  JD_EVENTS_FILTER_ALL,
  JD_EVENTS_FILTER_NOTIFICATIONS,
  JD_EVENTS_FILTER_REPLIES,
  JD_EVENTS_FILTER_SENT,
  JD_EVENTS_FILTER_REJECTED,
};

G_END_DECLS
