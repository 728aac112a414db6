/* jd-service.h — JdService: the local jobs service as one object. It opens the
 * store, serves the control plane over HTTPS (JdServiceHttp) and the device API
 * over MQTT (JdServiceMqtt). JdSandbox runs one next to its broker; the daemon
 * and the app get it from there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "jd-service-http.h"
#include "jd-service-jobs-data-server.h"
#include "jd-service-mqtt.h"
#include "jd-store.h"

G_BEGIN_DECLS

typedef struct {
  const char *store_path;          /* the SQLite file */
  const char *mqtt_host;
  guint16     mqtt_port;
  const char *ca_path;             /* the CA of the broker's certificate */
  const char *mqtt_cert_path;      /* the service identity (CN jobs-service) */
  const char *mqtt_key_path;
  const char *https_cert_path;     /* the HTTPS server's certificate and key */
  const char *https_key_path;
  guint16     https_port;          /* 0 = any free loopback port */
  guint16     jobs_data_port;      /* the HTTPS jobs data plane (iot-jobs-data); 0 = any */
  const char *access_key_id;       /* what SigV4 signatures must use */
  const char *secret_access_key;
  const char *region;
  const char *account_id;
  JdFileStore *file_store;         /* nullable: files served under /files/ and
                                    * substituted in documents for devices */
} JdServiceConfig;

#define JD_TYPE_SERVICE (jd_service_get_type ())
G_DECLARE_FINAL_TYPE (JdService, jd_service, JD, SERVICE, GObject)

JdService     *jd_service_new           (const JdServiceConfig *config);

/* Opens the store, listens for HTTPS and connects to the broker. */
void           jd_service_start_async   (JdService            *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean       jd_service_start_finish  (JdService            *self,
                                         GAsyncResult         *result,
                                         GError              **error);
/* Disconnects from the broker and stops listening; the store stays open
 * until the object goes away. */
void           jd_service_stop          (JdService            *self);

/* Makes sure the store knows @thing_name (as CreateThing with no attributes). */
gboolean       jd_service_ensure_thing  (JdService            *self,
                                         const char           *thing_name,
                                         GError              **error);

JdStore       *jd_service_get_store     (JdService            *self);
/* The HTTPS jobs data plane's port (AWS's separate iot:Jobs endpoint), or 0
 * before start. */
guint16        jd_service_get_jobs_data_port (JdService       *self);
JdServiceMqtt *jd_service_get_mqtt      (JdService            *self);
JdServiceHttp *jd_service_get_http      (JdService            *self);
guint16        jd_service_get_https_port (JdService           *self);

G_END_DECLS
