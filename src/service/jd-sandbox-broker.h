/* jd-sandbox-broker.h — the sandbox's mosquitto: its configuration and ACL
 * (who may connect as whom, who may write where, packet limits), and the
 * child process that dies with us, started on a loopback port and watched
 * until it listens.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* AWS IoT's largest MQTT message: the broker refuses bigger packets. */
#define JD_SANDBOX_BROKER_MAX_PACKET_SIZE (128 * 1024)
/* What the broker holds for one client that reads slower than messages come
 * (QoS 1 above those in flight): bounded by size, not by count. mosquitto's
 * default of 1,000 messages dropped notifications to an operator's
 * wildcard subscriber, and requests to the jobs service, in any burst over
 * 1,020 (a job for 10,000 things); AWS drops none. 64 MiB is ~200,000
 * notifications of a few hundred bytes. */
#define JD_SANDBOX_BROKER_MAX_QUEUED_BYTES ((guint64) 64 * 1024 * 1024)
#define JD_SANDBOX_BROKER_MAX_QUEUED_MESSAGES 1000000

typedef struct {
  const char *data_dir;       /* log, pid and ACL files go here */
  const char *host;
  guint16     port;
  const char *ca_path;
  const char *cert_path;      /* the broker's server certificate */
  const char *key_path;
  const char *service_identity;  /* the jobs service's certificate CN */
  const char *observer_identity; /* reads $aws/events/# only (nullable) */
  const char *jobs_reader;       /* tests only: reads every thing's jobs topics (nullable) */
  const char * const *things;    /* the registered things, NULL-terminated */
} JdSandboxBrokerConfig;

/* The text of mosquitto.conf and mosquitto.acl (pure; any thread). */
char              *jd_sandbox_broker_build_conf   (const JdSandboxBrokerConfig *config);
char              *jd_sandbox_broker_build_acl    (const JdSandboxBrokerConfig *config);

#define JD_TYPE_SANDBOX_BROKER (jd_sandbox_broker_get_type ())
G_DECLARE_FINAL_TYPE (JdSandboxBroker, jd_sandbox_broker, JD, SANDBOX_BROKER, GObject)

/* A stopped broker for DIR/mosquitto.conf. */
JdSandboxBroker   *jd_sandbox_broker_new          (const char          *data_dir);

/* Spawns mosquitto and completes once it accepts TCP connections on @host
 * and @port (or fails after 10 seconds, or when it exits first). */
void               jd_sandbox_broker_start_async  (JdSandboxBroker     *self,
                                                   const char          *host,
                                                   guint16              port,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean           jd_sandbox_broker_start_finish (JdSandboxBroker     *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* SIGTERM, and completes when it has exited; at once when not running. */
void               jd_sandbox_broker_stop_async   (JdSandboxBroker     *self,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean           jd_sandbox_broker_stop_finish  (JdSandboxBroker     *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* SIGHUP: mosquitto reads its ACL file again (after a thing came or went). */
void               jd_sandbox_broker_reload       (JdSandboxBroker     *self);
/* Any thread (a batch of things): SIGHUP to the broker @pid, then wait up
 * to @timeout_ms until its log @log_path says "Reloading config." — the
 * broker's one thread reloads before it reads another packet, so a client
 * that connects after this returns meets the new ACL. FALSE when the line
 * did not come in time (the reload may still happen). */
gboolean           jd_sandbox_broker_reload_and_wait (int                 pid,
                                                      const char         *log_path,
                                                      guint16             port,
                                                      guint               timeout_ms,
                                                      guint              *n_signals);
/* Last resort (dispose of an owner that did not stop it): SIGTERM and wait. */
void               jd_sandbox_broker_kill_sync    (JdSandboxBroker     *self);

gboolean           jd_sandbox_broker_get_running  (JdSandboxBroker     *self);
/* The process id while running, else 0. */
int                jd_sandbox_broker_get_pid      (JdSandboxBroker     *self);
const char        *jd_sandbox_broker_get_log_path (JdSandboxBroker     *self);
/* The last lines of its stderr and log, which say why it failed. */
char              *jd_sandbox_broker_dup_output_tail (JdSandboxBroker  *self);

G_END_DECLS
