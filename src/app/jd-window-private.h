/* jd-window-private.h — what jd-window.c and jd-window-actions.c share: the
 * window's instance struct and the calls between the two.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-device-view.h"
#include "jd-events-view.h"
#include "jd-job-watch.h"
#include "jd-jobs-view.h"
#include "jd-sandbox-session.h"
#include "jd-window.h"

G_BEGIN_DECLS

struct _JdWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  JdSession            *session;
  GCancellable         *cancellable;     /* cancelled on close and profile switch */
  gboolean              closing;

  /* The jobs created with New Job on this session, watched for their
   * notifications; created with the first, gone with the session. */
  JdJobWatch           *job_watch;

  /* The control plane's reachability, probed when the broker connection
   * drops, on Retry, and with backoff while it stays unreachable. */
  char                 *control_plane_error;  /* why it cannot be reached, or NULL */
  gboolean              probing;
  guint                 probe_source;
  guint                 probe_delay;          /* seconds until the next probe */

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *profile_button;
  GtkLabel             *profile_label;
  GtkLabel             *state_dot;
  GtkLabel             *state_label;
  GtkLabel             *state_dot_small;
  GtkWidget            *state_box;
  GMenu                *profiles_section;
  GtkMenuButton        *primary_menu_button;
  GtkInfoBar           *info_bar;
  GtkLabel             *info_label;
  GtkButton            *retry_button;
  GtkStack             *main_stack;
  AdwStatusPage        *starting_page;
  GtkSpinner           *starting_spinner;
  AdwStatusPage        *failed_page;
  AdwViewStack         *view_stack;
  JdDeviceView         *device_view;
  JdJobsView           *jobs_view;
  JdEventsView         *events_view;
};

/* jd-window.c */
void          _jd_window_start_session (JdWindow *self);
void          _jd_window_retry         (JdWindow *self);
JdJobsClient *_jd_window_jobs_client   (JdWindow *self);

/* jd-window-actions.c */
void          _jd_window_add_actions   (JdWindow *self);

G_END_DECLS
