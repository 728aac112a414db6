/* jd-device-view.h — the Device view: the thing's pending executions (in
 * progress first, then queued) in a table, the ones that finished during this
 * session under Recent, the selected one's details, and the "exec.*" actions
 * a device takes on it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "jd-control-plane.h"
#include "jd-execution.h"
#include "jd-jobs-client.h"

G_BEGIN_DECLS

#define JD_TYPE_DEVICE_VIEW (jd_device_view_get_type ())

G_DECLARE_FINAL_TYPE (JdDeviceView, jd_device_view, JD, DEVICE_VIEW, GtkWidget)

GtkWidget    *jd_device_view_new                    (void);
GListModel   *jd_device_view_get_model              (JdDeviceView   *self);
void          jd_device_view_set_model              (JdDeviceView   *self,
                                                     GListModel     *model);
JdJobsClient *jd_device_view_get_jobs_client        (JdDeviceView   *self);
void          jd_device_view_set_jobs_client        (JdDeviceView   *self,
                                                     JdJobsClient   *client);
/* The code-signing certificate and download CA the device verifies signed
 * files with (both nullable). */
void          jd_device_view_set_codesign_trust     (JdDeviceView   *self,
                                                     const char     *certificate_path,
                                                     const char     *ca_path);
void          jd_device_view_set_control_plane      (JdDeviceView   *self,
                                                     JdControlPlane *control_plane);
JdExecution  *jd_device_view_get_selected_execution (JdDeviceView   *self);
gboolean      jd_device_view_select_job             (JdDeviceView   *self,
                                                     const char     *job_id);
GListModel   *jd_device_view_get_recent             (JdDeviceView   *self);
gboolean      jd_device_view_show_recent            (JdDeviceView   *self,
                                                     const char     *job_id);
void          jd_device_view_start_next             (JdDeviceView   *self);
void          jd_device_view_refresh                (JdDeviceView   *self);

G_END_DECLS
