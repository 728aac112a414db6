/* jd-test-responder.h — a stand-in for the jobs service in device tests: a
 * plain libmosquitto client with the "jobs-service" identity, pumped from the
 * GLib main loop, that answers one thing's Jobs requests with payloads shaped
 * exactly as reference/jobs-device-api.md shows, and publishes notify /
 * notify-next when the pending set or its head changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "jd-test-broker.h"

G_BEGIN_DECLS

typedef struct _JdTestResponder JdTestResponder;

JdTestResponder *jd_test_responder_new          (JdTestBroker    *broker,
                                                 const char      *thing_name);
void             jd_test_responder_free         (JdTestResponder *self);

/* Queues a job for the thing (version 1), publishing notify/notify-next as
 * AWS would unless @quiet. @document is JSON text or NULL. */
void             jd_test_responder_add_job      (JdTestResponder *self,
                                                 const char      *job_id,
                                                 const char      *document,
                                                 gboolean         quiet);
/* Sets a job's status directly (service side, e.g. cancel), notifying. */
void             jd_test_responder_set_status   (JdTestResponder *self,
                                                 const char      *job_id,
                                                 const char      *status);
guint            jd_test_responder_count_pending (JdTestResponder *self);

/* Behaviour: stop answering; or answer every request with this rejection. */
void             jd_test_responder_set_silent   (JdTestResponder *self,
                                                 gboolean         silent);
void             jd_test_responder_set_reject   (JdTestResponder *self,
                                                 const char      *code);

/* Publishes anything (QoS 1) as the service. */
void             jd_test_responder_publish      (JdTestResponder *self,
                                                 const char      *topic,
                                                 const char      *payload);
void             jd_test_responder_notify       (JdTestResponder *self,
                                                 guint            max_entries);

/* The last request received on @operation ("get-pending", "start-next",
 * "describe", "update"), or NULL. */
JsonObject      *jd_test_responder_last_request (JdTestResponder *self,
                                                 const char      *operation);
guint            jd_test_responder_n_requests   (JdTestResponder *self);
gboolean         jd_test_responder_is_connected (JdTestResponder *self);

G_END_DECLS
