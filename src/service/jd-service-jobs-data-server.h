/* jd-service-jobs-data-server.h — JdServiceJobsDataServer: the HTTPS jobs
 * data plane's own listener (AWS has a separate `…jobs.iot.REGION` host). A
 * SoupServer over HTTPS on 127.0.0.1; every request is SigV4-verified with
 * the signing name `iot-jobs-data` (403 with the control plane's answers
 * otherwise) and answered by jd_jobs_data_handle().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-store.h"

G_BEGIN_DECLS

#define JD_TYPE_SERVICE_JOBS_DATA_SERVER (jd_service_jobs_data_server_get_type ())

G_DECLARE_FINAL_TYPE (JdServiceJobsDataServer, jd_service_jobs_data_server, JD, SERVICE_JOBS_DATA_SERVER, GObject)

JdServiceJobsDataServer *jd_service_jobs_data_server_new        (JdStore                 *store,
                                                                 const char              *region,
                                                                 const char              *access_key_id,
                                                                 const char              *secret_access_key);
/* Starts serving HTTPS with @certificate on 127.0.0.1:@port (0 = any free
 * port), on the thread-default main context. */
gboolean                 jd_service_jobs_data_server_listen     (JdServiceJobsDataServer *self,
                                                                 GTlsCertificate         *certificate,
                                                                 guint16                  port,
                                                                 GError                 **error);
guint16                  jd_service_jobs_data_server_get_port   (JdServiceJobsDataServer *self);
void                     jd_service_jobs_data_server_disconnect (JdServiceJobsDataServer *self);

G_END_DECLS
