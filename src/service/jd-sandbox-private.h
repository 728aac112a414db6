/* jd-sandbox-private.h — JdSandbox's state, shared by its files:
 * jd-sandbox.c (the object, start and stop, the broker's supervision),
 * jd-sandbox-things.c (things: CreateThing, DeleteThing, batches) and
 * jd-sandbox-publish.c (sandbox.json and the broker's ACL). Internal to
 * libjobdeck-service; tests may use the *_for_test calls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "jd-sandbox.h"
#include "jd-sandbox-broker.h"
#include "jd-sandbox-certs.h"

G_BEGIN_DECLS

struct _JdSandbox
{
  GObject       parent_instance;

  char         *data_dir;
  char         *things_dir;
  char         *ca_path;
  char         *ca_key_path;
  char         *server_cert_path;
  char         *server_key_path;
  char         *service_cert_path;
  char         *service_key_path;
  char         *observer_cert_path;
  char         *observer_key_path;
  char         *credentials_path;
  char         *conf_path;
  char         *acl_path;
  char         *info_path;
  char         *store_path;
  char         *codesign_cert_path;
  char         *codesign_key_path;
  char         *files_dir;
  JdFileStore  *file_store;        /* made with the folder, kept across restarts */

  GPtrArray    *requested_things;
  GHashTable   *requested_set;     /* the same names, to refuse repeats at once */
  guint16       requested_mqtt_port;
  guint16       requested_https_port;
  gboolean      fleet_events;

  guint16       mqtt_port;
  guint16       https_port;
  char         *access_key_id;
  char         *secret_access_key;
  JdSandboxCa  *ca;
  GHashTable   *things;            /* name → NULL, things with a certificate */
  GPtrArray    *removed_things;    /* deleted things whose files the next batch removes */
  GQueue        add_queue;         /* GTasks of jd_sandbox_add_things_async() waiting */
  gboolean      adding;            /* a batch of things is being written */

  int           lock_fd;           /* the folder's lock while we own it */
  JdSandboxBroker *broker;
  JdService    *service;
  gulong        thing_deleted_id;
  GTask        *start_task;        /* while starting */
  gboolean      stopping;
  guint         restart_source;    /* a broker restart waiting for its time */
  guint         restart_failures;
  guint         broker_restarts;

  double        progress;
  char         *status;
  gboolean      running;
};

enum {
  JD_SANDBOX_SIGNAL_BROKER_EXITED,
  JD_SANDBOX_SIGNAL_BROKER_RESTARTED,
  JD_SANDBOX_SIGNAL_THINGS_CHANGED,
  JD_SANDBOX_N_SIGNALS
};

extern guint jd_sandbox_signals[JD_SANDBOX_N_SIGNALS];

/* jd-sandbox-publish.c */
int       jd_sandbox_compare_names        (const void          *a,
                                           const void          *b);
/* The ACL's text for @names (pure; any thread). */
char     *jd_sandbox_build_acl_for        (const char          *data_dir,
                                           const char * const  *names);

/* Tests and benchmarks only: the ACL also lets @identity (a certificate's
 * name, never a thing's) read every thing's jobs topics, never write: the
 * wildcard reader a fan-out benchmark counts with, now that the observer
 * reads $aws/events/# alone. NULL (the default) turns it off. Takes effect
 * at the next ACL the sandbox writes; set it before start. */
void      jd_sandbox_set_jobs_reader_for_test (const char      *identity);
/* The identity set above, or NULL (any thread). */
char     *jd_sandbox_dup_jobs_reader      (void);

/* jd-sandbox-things.c */
/* Once the service started: every thing with a certificate is in the store
 * and the other way round, the ACL and sandbox.json say how the service
 * runs (all off the main loop); then CreateThing and DeleteThing are
 * followed. */
void      jd_sandbox_things_attach_async  (JdSandbox           *self,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean  jd_sandbox_things_attach_finish (JdSandbox           *self,
                                           GAsyncResult        *result,
                                           GError             **error);
/* Before the service goes: batches not begun fail. */
void      jd_sandbox_things_detach        (JdSandbox           *self);

/* Tests only: every thing's key and certificate takes @delay_ms longer to
 * make (a slow disk or CPU), wherever it is made. 0 turns it off. */
void      jd_sandbox_set_issue_delay_for_test (guint            delay_ms);
/* The delay set above, for the places that issue (any thread). */
guint     jd_sandbox_get_issue_delay      (void);

G_END_DECLS
